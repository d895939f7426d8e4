"""Averaging trained readers' weights (a "model soup", Wortsman et al., ICML 2022).

Readers fine-tuned from the same e5 base on the same rows but along different paths (here the
shipped reader and one more epoch of it with another seed) sit in one basin of the loss: their
element-wise mean reads better than either on both dev sets, and costs nothing when answering,
unlike an ensemble that would read every window twice. Stop 24: SberQuAD dev F1 0.7389 and
0.7443 → 0.7502, NEREL held-out questions 0.6925 and 0.6924 → 0.7028 (models/reader/weights
MODEL_CARD.md). Readers trained apart on other data do not mix so well: the mean of this reader
and stop 20's (never trained on news) lost 0.15 F1 on the NEREL questions.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

from models.core.errors import ModelUnavailable
from models.reader.loading import SETTINGS_FILE, WEIGHTS_FILE, trained_state


def average_states(folders: Sequence[Path], weights: Sequence[float] | None = None) -> dict:
    """The weighted mean (equal weights by default) of the readers' `reader.safetensors`, as
    float32 tensors. Raises ModelUnavailable unless all hold the same tensors and shapes."""
    if len(folders) < 2:
        raise ValueError("averaging needs at least two readers")
    weights = list(weights) if weights is not None else [1.0] * len(folders)
    if len(weights) != len(folders) or sum(weights) <= 0:
        raise ValueError("one positive weight per reader")
    states = [trained_state(folder) for folder in folders]
    first = states[0]
    for folder, state in zip(folders[1:], states[1:]):
        if state.keys() != first.keys() or any(state[k].shape != first[k].shape for k in first):
            raise ModelUnavailable(f"{folder / WEIGHTS_FILE} does not hold the same tensors as "
                                   f"{folders[0] / WEIGHTS_FILE}: they cannot be averaged")
    total = sum(weights)
    return {name: sum(w * state[name] for w, state in zip(weights, states)) / total
            for name in first}


def write_average(folders: Sequence[Path], out: Path,
                  weights: Sequence[float] | None = None) -> Path:
    """Write the mean of `folders`' readers to `out` as fp16 safetensors, with the first one's
    reader.json (the settings the readers share) and a note of what was averaged."""
    from safetensors.torch import save_file

    state = average_states(folders, weights)
    out.mkdir(parents=True, exist_ok=True)
    made_from = [str(folder) for folder in folders]
    save_file({name: tensor.half().contiguous() for name, tensor in state.items()},
              str(out / WEIGHTS_FILE),
              metadata={"averaged": json.dumps({"folders": made_from,
                                                "weights": list(weights or [])})})
    settings = Path(folders[0]) / SETTINGS_FILE
    if settings.is_file() and settings.resolve() != (out / SETTINGS_FILE).resolve():
        shutil.copyfile(settings, out / SETTINGS_FILE)
    return out / WEIGHTS_FILE
