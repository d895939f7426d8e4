"""Loading models: by folder, from a MODEL_DIR copy, lazily or at start, and clear errors when a
model cannot be had (never touching the internet: the hub is offline or a closed local port)."""

from __future__ import annotations

import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest

from models import load_engine
from models.core.errors import ModelUnavailable
from models.core.types import Article
from models.engines.transformers_engine import TransformersEngine
from models.hf.loading import load_model, resolve_source, safe_name

HUB_ID = "IlyaGusev/rut5_base_sum_gazeta"


def assert_actionable(message: str, name: str) -> None:
    assert name in message
    assert "NLP_ENGINE=embedded" in message


def test_models_load_by_path_with_the_real_classes(engine, tiny_models) -> None:
    summarizer = engine.summarizer()
    assert summarizer.loaded.source == str(tiny_models["summary"])
    assert type(summarizer.loaded.model).__name__ == "T5ForConditionalGeneration"
    assert summarizer.loaded.tokenizer.is_fast
    assert summarizer.loaded.device == "cpu" and summarizer.loaded.dtype == "float32"
    assert not summarizer.loaded.model.training


def test_a_model_dir_copy_is_found_before_the_hub(tiny_models, tmp_path: Path) -> None:
    shutil.copytree(tiny_models["summary"], tmp_path / safe_name(HUB_ID))
    assert resolve_source(HUB_ID, str(tmp_path)) == (str(tmp_path / safe_name(HUB_ID)), True)
    loaded = load_model("summary", HUB_ID, model_dir=str(tmp_path), device="cpu")
    assert loaded.source == str(tmp_path / "IlyaGusev--rut5_base_sum_gazeta")


def test_unreachable_hub_names_the_model_and_the_ways_out(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable) as error:
        load_model("summary", HUB_ID, model_dir=str(tmp_path), device="cpu")
    message = str(error.value)
    assert_actionable(message, HUB_ID)
    assert "hub could not be reached" in message and "HF_HUB_OFFLINE" in message
    assert "SUMMARY_MODEL=/path/to/folder" in message and "models download" in message


def test_closed_endpoint_fails_fast_with_a_clear_message(monkeypatch, tmp_path) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)  # the endpoint is a closed port
    started = time.perf_counter()
    with pytest.raises(ModelUnavailable) as error:
        load_model("qa", "AlexKay/xlm-roberta-large-qa-multilingual-finedtuned-ru",
                   model_dir=str(tmp_path), device="cpu")
    assert time.perf_counter() - started < 15
    message = str(error.value)
    assert_actionable(message, "AlexKay/xlm-roberta-large-qa-multilingual-finedtuned-ru")
    assert "hub could not be reached" in message and "127.0.0.1:9" in message
    assert "QA_MODEL=" in message


@pytest.mark.parametrize("name,expected", [
    ("./no/such/model", "does not exist"),
    ("/no/such/model/folder", "does not exist"),
    ("", "SUMMARY_MODEL is empty"),
])
def test_bad_folder_settings_are_explained(name: str, expected: str) -> None:
    with pytest.raises(ModelUnavailable, match=expected):
        load_model("summary", name, device="cpu")


def test_a_folder_without_a_model_is_explained(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a model", encoding="utf-8")
    with pytest.raises(ModelUnavailable) as error:
        load_model("summary", str(tmp_path), device="cpu")
    assert_actionable(str(error.value), str(tmp_path))
    assert "config.json" in str(error.value)


def test_a_qa_model_is_not_taken_for_a_summariser(tiny_models) -> None:
    with pytest.raises(ModelUnavailable) as error:
        load_model("summary", str(tiny_models["qa"]), device="cpu")
    assert "seq2seq" in str(error.value) and "SUMMARY_MODEL" in str(error.value)


def test_bad_device_and_dtype_are_explained(tiny_models) -> None:
    import torch

    with pytest.raises(ModelUnavailable, match="DTYPE"):
        load_model("qa", str(tiny_models["qa"]), device="cpu", dtype="float8")
    with pytest.raises(ModelUnavailable, match="DEVICE"):
        load_model("qa", str(tiny_models["qa"]), device="tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ModelUnavailable, match="no CUDA GPU"):
            load_model("qa", str(tiny_models["qa"]), device="cuda")


def test_lazy_engine_loads_each_model_on_first_use(engine_config) -> None:
    lazy = TransformersEngine.load(replace(engine_config, preload=False))
    assert lazy._summarizer is None and lazy._qa is None
    lazy.answer(Article("Премьер-министр Али Асадов встретился в Баку с Олжасом Бектеновым."),
                "Кто встретился?")
    assert lazy._qa is not None and lazy._summarizer is None
    assert lazy.stats()["load_seconds"] > 0


def test_preloading_engine_fails_at_start_on_a_missing_model(engine_config, tmp_path) -> None:
    with pytest.raises(ModelUnavailable, match="could not be reached"):
        load_engine(replace(engine_config, qa_model="nobody/missing-qa", model_dir=str(tmp_path)))


def test_stats_split_model_time_from_the_code_around_it(engine, seed_article) -> None:
    engine.summarize(seed_article)
    engine.answer(seed_article, "С кем встретился Али Асадов?")
    stats = engine.stats()
    assert stats["summaries"] >= 1 and stats["answers"] >= 1
    assert 0 < stats["summary_model_seconds"] <= stats["summary_seconds"]
    assert 0 < stats["answer_model_seconds"] <= stats["answer_seconds"]
    assert stats["model_seconds"] + stats["analysis_seconds"] <= stats["total_seconds"]
    assert stats["code_overhead_fraction"] <= stats["overhead_fraction"]
    assert stats["guard_sentences_checked"] >= stats["guard_sentences_dropped"] >= 0


def test_the_rut5_hub_layout_loads(tiny_models, tmp_path: Path) -> None:
    """rut5_base_sum_gazeta ships spiece.model without tokenizer.json and pytorch_model.bin
    weights: the loader must convert the sentencepiece model to a fast tokenizer."""
    import torch
    from safetensors.torch import load_file
    from transformers import AutoTokenizer

    folder = tmp_path / "rut5"
    shutil.copytree(tiny_models["summary"], folder)
    (folder / "tokenizer.json").unlink()
    weights = load_file(str(folder / "model.safetensors"))
    torch.save(weights, folder / "pytorch_model.bin")
    (folder / "model.safetensors").unlink()
    loaded = load_model("summary", str(folder), device="cpu")
    reference = AutoTokenizer.from_pretrained(str(tiny_models["summary"]))
    text = "Премьер-министр Али Асадов встретился 3 марта 2025 года."
    assert loaded.tokenizer.is_fast
    assert loaded.tokenizer(text)["input_ids"] == reference(text)["input_ids"]
    state = loaded.model.state_dict()
    assert all(torch.equal(state[name], tensor) for name, tensor in weights.items())
