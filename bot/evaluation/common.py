"""Reading the evaluations' JSON-lines files (their scoring lives in `models.metrics`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def read_jsonl(path: Path, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Rows of a JSON-lines file in order, blank lines skipped, at most `limit` of them."""
    count = 0
    with Path(path).open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            if limit is not None and count >= limit:
                return
            count += 1
            yield json.loads(line)
