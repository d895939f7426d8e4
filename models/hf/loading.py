"""Find and load a transformers model: a local folder, a `models download` copy, or a hub id.

The order is fixed so an offline deployment never waits on the network: a name that is a folder
is used as is; otherwise `<model_dir>/<safe name>` (where `python -m bot models download` puts
it); otherwise the Hugging Face cache, and only then the hub. Every failure becomes a
`ModelUnavailable` whose message names the model, says what went wrong, and what to do instead.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from models.core.errors import ModelUnavailable

logger = logging.getLogger(__name__)

Task = Literal["summary", "qa"]
SETTING = {"summary": "SUMMARY_MODEL", "qa": "QA_MODEL"}
HUB_PROBE_SECONDS = 3.0


class ModelClock:
    """Cumulative seconds spent inside model forward/generate calls, for the benchmark."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    @contextmanager
    def measure(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - started
            self.calls += 1


@dataclass(frozen=True, slots=True)
class LoadedModel:
    """A model with its tokenizer, on its device, and where it came from (for logs and stats)."""

    model: Any
    tokenizer: Any
    source: str
    device: str
    dtype: str
    load_seconds: float


def safe_name(model_id: str) -> str:
    """The folder name a hub id gets under MODEL_DIR: `owner/name` -> `owner--name`."""
    return model_id.strip().strip("/").replace("/", "--")


def _looks_like_path(name: str) -> bool:
    return name.startswith((".", "/", "~")) or "\\" in name or name.count("/") > 1


def resolve_source(name: str, model_dir: str, task: Task | None = None) -> tuple[str, bool]:
    """Where to load `name` from: (a folder, True) or (a hub id, False).

    Raises ModelUnavailable when `name` is meant as a folder (a path) but is not one.
    """
    name = name.strip()
    setting = SETTING[task] if task else "the model setting"
    if not name:
        raise ModelUnavailable(f"No model is configured: {setting} is empty.")
    as_path = Path(name).expanduser()
    if as_path.is_dir():
        return str(as_path), True
    if model_dir:
        copy = Path(model_dir).expanduser() / safe_name(name)
        if copy.is_dir():
            return str(copy), True
    if _looks_like_path(name) or as_path.exists():
        raise ModelUnavailable(
            f"Model folder {name!r} does not exist (or is not a folder). Point {setting} at a "
            "folder holding config.json and the tokenizer files, or set NLP_ENGINE=embedded."
        )
    return name, False


def pick_device(device: str) -> str:
    """`auto` means CUDA when torch sees a GPU, else the CPU; asking for cuda without one fails."""
    import torch

    device = (device or "auto").strip().lower()
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ModelUnavailable(
            f"DEVICE={device} was asked for, but torch sees no CUDA GPU (this torch is "
            f"{torch.__version__}). Set DEVICE=cpu or DEVICE=auto."
        )
    if device != "cpu" and not device.startswith("cuda"):
        raise ModelUnavailable(f"Unknown DEVICE {device!r}: use cpu, cuda or auto.")
    return device


def fast_bf16(device: str = "cpu") -> bool:
    """Whether bf16 arithmetic is fast on `device`: a GPU that supports it, or a CPU where
    oneDNN runs bf16 (AVX-512 or newer). On an AVX2-only CPU, common on rented servers, bf16
    matrix products are emulated: the reader's forward pass took 18 s instead of 0.1 s there
    (torch 2.13), so the models run in float32 on such a machine."""
    import torch

    if device.startswith("cuda"):
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # a torch without oneDNN
        return False


def use_threads(count: int) -> None:
    """Torch's matrix threads for the calling thread from now on (OpenMP keeps the number per
    thread). Two model jobs at once on two cores, each with two threads, leave four threads
    on two cores: a thread the OS parks holds up its whole parallel region, and natasha's
    Python beside them gets a third of a core. Nothing to do before torch is imported."""
    torch = sys.modules.get("torch")
    if torch is not None and count > 0 and torch.get_num_threads() != count:
        torch.set_num_threads(count)


def pick_dtype(dtype: str, device: str) -> Any:
    """float32 on the CPU; on a GPU bfloat16 where supported (T5 overflows in float16)."""
    import torch

    dtype = (dtype or "auto").strip().lower()
    if dtype == "auto":
        if device.startswith("cuda"):
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float32
        return torch.float32
    choices = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
    if dtype not in choices:
        raise ModelUnavailable(f"Unknown DTYPE {dtype!r}: use auto, float32, float16 or bfloat16.")
    return choices[dtype]


def hub_reachable() -> tuple[bool, str]:
    """One quick TCP connect to the hub endpoint, so a closed network fails in seconds, not a
    minute of the library's retries. Returns (reachable, why not)."""
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return False, "offline mode is on (HF_HUB_OFFLINE=1)"
    if any(os.environ.get(v) for v in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        return True, ""  # behind a proxy a direct connect proves nothing: let the library try
    url = urlparse(constants.ENDPOINT)
    host, port = url.hostname or "", url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=HUB_PROBE_SECONDS):
            return True, ""
    except OSError as exc:
        return False, f"{constants.ENDPOINT} did not answer ({exc.__class__.__name__})"


def unreachable_message(task: Task | None, name: str, model_dir: str, why: str) -> str:
    """The "hub could not be reached" message: which model, why, and the ways out."""
    folder = Path(model_dir or "data/models") / safe_name(name)
    what = f"the {task} model" if task else "the model"
    setting = SETTING[task] if task else "SUMMARY_MODEL or QA_MODEL"
    return (
        f"Cannot load {what} {name!r}: the Hugging Face hub could not be reached "
        f"({why}) and no local copy was found (looked in {folder} and the Hugging Face cache). "
        f"Either put the model in a local folder and set {setting}=/path/to/folder, "
        "or run `python -m bot models download` on a machine with internet access and copy "
        "MODEL_DIR here, or use the offline engine with NLP_ENGINE=embedded."
    )


def _explain(task: Task, name: str, model_dir: str, local: bool, exc: BaseException) -> str:
    """Turn a loading exception into a message a person can act on."""
    from huggingface_hub import errors as hub_errors

    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(chain) < 10:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    if any(isinstance(c, hub_errors.GatedRepoError) for c in chain):
        return (f"Cannot load the {task} model {name!r}: it is gated on the hub. Accept its terms "
                "and log in (HF_TOKEN), or use a local folder, or NLP_ENGINE=embedded.")
    if any(isinstance(c, hub_errors.RepositoryNotFoundError) for c in chain):
        return (f"Cannot load the {task} model {name!r}: the hub has no such model. Check "
                f"{SETTING[task]} (a hub id like owner/name, or a local folder), "
                "or use NLP_ENGINE=embedded.")
    network = (hub_errors.LocalEntryNotFoundError, hub_errors.OfflineModeIsEnabled,
               ConnectionError, TimeoutError)
    if not local and any(isinstance(c, network) for c in chain):
        return unreachable_message(task, name, model_dir, "the download failed")
    text = str(exc).splitlines()[0].rstrip(". ") if str(exc) else exc.__class__.__name__
    where = f"the folder {name!r}" if local else f"{name!r}"
    kind = "a seq2seq (summarisation) model" if task == "summary" else "a question-answering model"
    return (f"Cannot load the {task} model from {where}: {text}. It must be {kind} with its "
            f"tokenizer files; fix {SETTING[task]} or use NLP_ENGINE=embedded.")


def load_model(task: Task, name: str, *, model_dir: str = "", device: str = "auto",
               dtype: str = "auto") -> LoadedModel:
    """Load the tokenizer and model for `task` ("summary": AutoModelForSeq2SeqLM, "qa":
    AutoModelForQuestionAnswering), in eval mode on the chosen device.

    Raises ModelUnavailable with a message that names the model and the way out.
    """
    started = time.perf_counter()
    source, local = resolve_source(name, model_dir, task)
    if local and not (Path(source) / "config.json").is_file():
        raise ModelUnavailable(
            f"The folder {source!r} ({SETTING[task]}) holds no config.json: it is not a "
            "transformers model folder. Point it at a folder saved with save_pretrained or "
            "made by `python -m bot models download`, or use NLP_ENGINE=embedded."
        )
    chosen_device = pick_device(device)
    torch_dtype = pick_dtype(dtype, chosen_device)
    from transformers import AutoModelForQuestionAnswering, AutoModelForSeq2SeqLM, AutoTokenizer

    model_class = AutoModelForSeq2SeqLM if task == "summary" else AutoModelForQuestionAnswering

    def load(local_only: bool) -> tuple[Any, Any]:
        tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=local_only)
        model = model_class.from_pretrained(source, dtype=torch_dtype, local_files_only=local_only)
        return tokenizer, model

    try:
        try:
            tokenizer, model = load(local_only=True)
        except OSError:
            if local:
                raise
            reachable, why = hub_reachable()
            if not reachable:
                raise ModelUnavailable(unreachable_message(task, name, model_dir, why)) from None
            logger.info("downloading the %s model %s from the hub", task, name)
            tokenizer, model = load(local_only=False)
    except ModelUnavailable:
        raise
    except Exception as exc:  # transformers raises OSError, ValueError, KeyError... by case
        raise ModelUnavailable(_explain(task, name, model_dir, local, exc)) from exc
    if not getattr(tokenizer, "is_fast", False) and task == "qa":
        raise ModelUnavailable(
            f"The QA model {name!r} has no fast tokenizer (tokenizer.json or a sentencepiece "
            "model to convert), which answer offsets need. Use a model with one, or "
            "NLP_ENGINE=embedded."
        )
    model.to(chosen_device)
    model.eval()
    seconds = time.perf_counter() - started
    logger.info("loaded the %s model %s from %s on %s (%s) in %.2f s", task, name,
                "a folder" if local else "the hub cache", chosen_device, torch_dtype, seconds)
    return LoadedModel(model=model, tokenizer=tokenizer, source=source, device=chosen_device,
                       dtype=str(torch_dtype).removeprefix("torch."), load_seconds=seconds)
