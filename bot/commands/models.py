"""`python -m bot models download|where`: local model folders for an offline deployment.

`download` stores each configured hub model (SUMMARY_MODEL, QA_MODEL, or `--model` ids) in
`MODEL_DIR/<owner--name>` with huggingface_hub's `snapshot_download`; the transformers engine
looks there before the hub, so copying MODEL_DIR to a machine without internet is enough.
Weights in formats transformers does not load for PyTorch (TF, Flax, ONNX...) are skipped, and
`*.bin` files too when the repository has safetensors. `where` says where each model would load
from. Exit codes: 0 ok, 2 a model could not be had (the message says which and why).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bot.settings import Settings

EXIT_OK, EXIT_FAILED = 0, 2
SKIPPED = ["*.h5", "*.msgpack", "*.ot", "*.onnx", "*.onnx_data", "*.tflite", "*.mlmodel",
           "tf_model*", "flax_model*", "rust_model*", "onnx/*", "coreml/*", "openvino/*",
           ".gitattributes"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["download", "where"],
                        help="download: store the models in MODEL_DIR; where: show sources")
    parser.add_argument("--dir", default=None, help="folder to store them in (default MODEL_DIR)")
    parser.add_argument("--model", action="append", default=None,
                        help="hub id to download (repeatable; default SUMMARY_MODEL and QA_MODEL)")
    parser.add_argument("--revision", default=None, help="branch, tag or commit (default main)")


def download(model_id: str, root: Path, revision: str | None) -> Path:
    """Store `model_id` under `root/<safe name>`; raises ModelUnavailable with the reason."""
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub import errors as hub_errors

    from models.errors import ModelUnavailable
    from models.hf_loading import hub_reachable, safe_name, unreachable_message

    reachable, why = hub_reachable()
    if not reachable:
        raise ModelUnavailable(unreachable_message(None, model_id, str(root), why))
    target = root / safe_name(model_id)
    try:
        files = HfApi().list_repo_files(model_id, revision=revision)
        skipped = list(SKIPPED)
        if any(f.endswith(".safetensors") for f in files):
            skipped += ["*.bin", "*.pt"]
        snapshot_download(model_id, revision=revision, local_dir=str(target),
                          ignore_patterns=skipped)
    except hub_errors.RepositoryNotFoundError:
        raise ModelUnavailable(f"The hub has no model {model_id!r} (or it is private).") from None
    except hub_errors.RevisionNotFoundError:
        raise ModelUnavailable(f"Model {model_id!r} has no revision {revision!r}.") from None
    except (hub_errors.HfHubHTTPError, OSError) as exc:
        raise ModelUnavailable(
            f"Could not download {model_id!r}: {str(exc).splitlines()[0]}") from None
    return target


def run(args: argparse.Namespace, settings: Settings) -> int:
    from models.errors import ModelUnavailable
    from models.hf_loading import resolve_source

    for noisy in ("httpx", "httpx2"):  # one INFO line per file request otherwise
        logging.getLogger(noisy).setLevel(logging.WARNING)

    root = Path(args.dir) if args.dir else Path(settings.model_dir)
    names = args.model or [settings.summary_model, settings.qa_model]
    status = EXIT_OK
    for name in dict.fromkeys(names):  # each once, in order
        try:
            source, local = resolve_source(name, str(root))
            if args.action == "where":
                print(f"{name}\t{'folder ' + source if local else 'hub (or its cache)'}")
            elif local:
                print(f"{name}: already a local folder ({source})")
            else:
                print(f"{name}: downloaded to {download(name, root, args.revision)}")
        except ModelUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = EXIT_FAILED
    if args.action == "download" and status == EXIT_OK and not args.dir:
        print(f"The engine finds them in MODEL_DIR={root}; set NLP_ENGINE=transformers to use it.")
    elif args.action == "download" and status == EXIT_OK:
        print(f"Set MODEL_DIR={root} (and NLP_ENGINE=transformers) to use them.")
    return status
