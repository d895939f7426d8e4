"""NLP engines: one interface (`models.core.types.Engine`), two implementations chosen by name.

`embedded` (default) needs nothing but PyPI wheels; `transformers` loads seq2seq and QA models
from the hub or a folder. torch and transformers are imported only when that engine is chosen.
"""

from __future__ import annotations

import os

# Before numpy loads: natasha's small matrix products run slower on several OpenBLAS threads
# (0.5 s vs 0.08 s of tagging per article, measured on this 2-core machine). Only OpenBLAS
# (numpy) is affected; torch uses its own thread pool.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from models.core.config import EngineConfig
from models.core.errors import UnknownEngine
from models.core.types import Answer, Article, Engine, Length, Span, Summary

ENGINES = ("embedded", "transformers")


def load_engine(config: EngineConfig) -> Engine:
    """Build the engine `config.name` names; its weights load here unless `preload` is off."""
    if config.name == "embedded":
        from models.engines.embedded import EmbeddedEngine

        return EmbeddedEngine.load(config)
    if config.name == "transformers":
        from models.engines.transformers_engine import TransformersEngine

        return TransformersEngine.load(config)
    raise UnknownEngine(f"Unknown NLP engine {config.name!r}; choose one of {', '.join(ENGINES)}")


__all__ = [
    "Answer", "Article", "Engine", "EngineConfig", "Length", "Span", "Summary", "load_engine",
    "ENGINES",
]
