"""Averaging readers' weights (`python -m bot models average-readers`): the mean is what it
says, the result loads as the shipped reader does, and readers that do not match are refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from bot.cli import main
from models.core.errors import ModelUnavailable
from models.reader.loading import WEIGHTS_DIR, load_reader
from models.training.averaging import average_states


def reader_folder(folder: Path, tensors: dict[str, torch.Tensor]) -> Path:
    folder.mkdir(parents=True)
    save_file({k: v.half().contiguous() for k, v in tensors.items()},
              str(folder / "reader.safetensors"))
    (folder / "reader.json").write_text('{"cased": true}', encoding="utf-8")
    return folder


def test_weighted_mean_of_each_tensor(tmp_path) -> None:
    a = reader_folder(tmp_path / "a", {"w": torch.tensor([1.0, 2.0]), "b": torch.tensor([0.0])})
    b = reader_folder(tmp_path / "b", {"w": torch.tensor([3.0, 6.0]), "b": torch.tensor([4.0])})
    even = average_states([a, b])
    assert torch.equal(even["w"], torch.tensor([2.0, 4.0])) and torch.equal(even["b"],
                                                                            torch.tensor([2.0]))
    leaning = average_states([a, b], weights=[3, 1])
    assert torch.equal(leaning["w"], torch.tensor([1.5, 3.0]))


def test_readers_with_other_tensors_are_refused(tmp_path, capsys) -> None:
    a = reader_folder(tmp_path / "a", {"w": torch.zeros(2)})
    b = reader_folder(tmp_path / "b", {"w": torch.zeros(3)})
    with pytest.raises(ModelUnavailable, match="cannot be averaged"):
        average_states([a, b])
    code = main(["models", "average-readers", "--average", str(a), "--average", str(b),
                 "--out", str(tmp_path / "out")])
    assert code == 2 and "cannot be averaged" in capsys.readouterr().err
    assert not (tmp_path / "out" / "reader.safetensors").exists()


def test_averaged_shipped_reader_loads_and_keeps_its_settings(tmp_path) -> None:
    """The mean of the shipped reader and a copy is the shipped reader, and loads as one."""
    copy = tmp_path / "copy"
    shutil.copytree(WEIGHTS_DIR, copy)
    out = tmp_path / "mean"
    code = main(["models", "average-readers", "--average", str(WEIGHTS_DIR),
                 "--average", str(copy), "--out", str(out)])
    assert code == 0
    shipped = load_file(str(WEIGHTS_DIR / "reader.safetensors"))
    mean = load_file(str(out / "reader.safetensors"))
    assert mean.keys() == shipped.keys()
    assert all(torch.equal(mean[k], shipped[k]) for k in shipped)
    assert (out / "reader.json").read_bytes() == (WEIGHTS_DIR / "reader.json").read_bytes()
    loaded = load_reader(out)
    assert not any(p.is_meta for p in loaded.model.parameters())
