"""Fixtures for the transformers engine: tiny real-class models built once per run, loaded by
path through the engine's own loader, with the hub made unreachable for every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before anything imports huggingface_hub: no test may ever reach huggingface.co.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

from models.core.config import EngineConfig, QaOptions, SummaryOptions  # noqa: E402
from models.core.types import Article  # noqa: E402
from tests.transformers_engine.tiny_models import SEED, build_all  # noqa: E402

CLOSED_ENDPOINT = "http://127.0.0.1:9"  # the discard port: nothing listens there

# Small windows and short generations keep the tests quick; the code paths are the real ones.
FAST_QA = QaOptions(max_length=64, stride=16, batch_size=16)
FAST_SUMMARY = SummaryOptions(num_beams=2, new_tokens=((4, 16), (4, 24), (4, 32)))


@pytest.fixture(autouse=True)
def _no_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    """Offline mode and a closed endpoint, even if huggingface_hub was imported earlier."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(constants, "ENDPOINT", CLOSED_ENDPOINT)


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Folders "summary" (T5), "mbart" (mBART) and "qa" (XLM-R QA), random weights."""
    return build_all(tmp_path_factory.mktemp("tiny-models"))


@pytest.fixture(scope="session")
def engine_config(tiny_models: dict[str, Path]) -> EngineConfig:
    return EngineConfig(name="transformers", summary_model=str(tiny_models["summary"]),
                        qa_model=str(tiny_models["qa"]), device="cpu", dtype="auto",
                        model_dir="", preload=True, summary=FAST_SUMMARY, qa=FAST_QA)


@pytest.fixture(scope="session")
def engine(engine_config: EngineConfig) -> Iterator[object]:
    """The engine as the bot builds it: `load_engine` with the models' folders."""
    from models import load_engine

    yield load_engine(engine_config)


@pytest.fixture(scope="session")
def seed_article() -> Article:
    return Article(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_doc(engine: object, seed_article: Article) -> object:
    return engine.embedded.analyze(seed_article)
