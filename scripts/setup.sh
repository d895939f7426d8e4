#!/usr/bin/env bash
# Create .venv in the project root and install the project with everything it needs.
# torch is installed first, pinned, so that nothing later pulls a newer (CUDA) build.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q "torch==2.13.0"
.venv/bin/python -m pip install -q -e ".[transformers,test]"
