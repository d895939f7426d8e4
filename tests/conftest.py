"""Fixtures every area may use: the real embedded engine (loaded once) and the seed article."""

from __future__ import annotations

from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_3e03566f6385fd19.txt"


@pytest.fixture(scope="session")
def embedded_engine():
    """The real embedded engine with its real weights, loaded once per test run."""
    from models import EngineConfig, load_engine

    return load_engine(EngineConfig(name="embedded"))


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The seed news article, exactly as pasted (rubric, date, time, counter and tail included)."""
    return SEED.read_text(encoding="utf-8")
