"""The `transformers` engine: a seq2seq summariser and a span QA model from the hub or a folder.

Composition only. The embedded engine analyses each article (sentences, lemmas, entities,
vectors; cached by hash), ranks its sentences for the summariser's input and the fallback, and
ranks evidence so the QA model may read only the best windows; the work specific to this engine
lives in `abstractive_summary`, `span_qa`, `faithfulness`, `windows` and `hf_loading`.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from models.core.config import EngineConfig
from models.core.errors import EmptyQuestion
from models.core.types import Answer, Article, Length, Summary, Turn
from models.engines.embedded import EmbeddedEngine
from models.hf.loading import ModelClock, load_model
from models.qa.span_reader import SpanQA
from models.summary.faithfulness import FaithfulnessGuard
from models.text.analysis import AnalyzedArticle

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w", re.UNICODE)


class TransformersEngine:
    """Abstractive summary (guarded) and span QA with transformers models.

    Models load once: at `load` when `config.preload`, else on first use (thread-safe).
    """

    name = "transformers"

    def __init__(self, config: EngineConfig, embedded: EmbeddedEngine) -> None:
        self.config = config
        self.embedded = embedded
        self.summary_clock = ModelClock()
        self.qa_clock = ModelClock()
        self.guard = FaithfulnessGuard(embedded.toolkit)
        self.summary_options = config.summary
        self.qa_options = config.qa
        self._summarizer: Any = None
        self._qa: SpanQA | None = None
        self._lock = threading.Lock()
        self._totals = {"summaries": 0.0, "answers": 0.0, "summary_seconds": 0.0,
                        "answer_seconds": 0.0, "analysis_seconds": 0.0, "load_seconds": 0.0}

    @classmethod
    def load(cls, config: EngineConfig) -> TransformersEngine:
        """Build the engine; with `config.preload` both models load now, so a bad model id
        fails at start with ModelUnavailable rather than on the first user's message."""
        if config.threads > 0:
            import torch

            torch.set_num_threads(config.threads)
        engine = cls(config, EmbeddedEngine.load(config, with_reader=False))
        if config.preload:
            engine.summarizer()
            engine.qa()
        return engine

    def summarizer(self) -> Any:
        """The summariser, loading the model on first use."""
        from models.summary.abstractive import AbstractiveSummarizer

        with self._lock:
            if self._summarizer is None:
                loaded = load_model("summary", self.config.summary_model,
                                    model_dir=self.config.model_dir, device=self.config.device,
                                    dtype=self.config.dtype)
                self._totals["load_seconds"] += loaded.load_seconds
                self._summarizer = AbstractiveSummarizer(loaded, self.summary_options,
                                                         self.guard, self.embedded.toolkit,
                                                         self.summary_clock)
            return self._summarizer

    def qa(self) -> SpanQA:
        """The QA model, loading it on first use."""
        with self._lock:
            if self._qa is None:
                loaded = load_model("qa", self.config.qa_model, model_dir=self.config.model_dir,
                                    device=self.config.device, dtype=self.config.dtype)
                self._totals["load_seconds"] += loaded.load_seconds
                self._qa = SpanQA(loaded, self.qa_options, self.qa_clock)
            return self._qa

    def summarize(self, article: Article, *, length: Length = Length.SHORT) -> Summary:
        """A guarded abstractive summary of `article`; extractive when the guard leaves too
        little. SHORT is at most 3 sentences and 450 characters."""
        summarizer = self.summarizer()
        started = time.perf_counter()
        doc = self._analyze(article)
        summary = summarizer.summarize(doc, Length(length))
        self._count("summary", time.perf_counter() - started)
        return summary

    def answer(self, article: Article, question: str, *, previous: Turn | None = None) -> Answer:
        """The best span of `article` for `question` across all windows, or `Answer.none`."""
        if not _WORD.search(question or ""):
            raise EmptyQuestion("The question has no words.")
        qa = self.qa()
        started = time.perf_counter()
        doc = self._analyze(article)
        ranked = None
        if self.qa_options.top_windows:
            from models.qa.retrieval import rank_evidence

            ranked = rank_evidence(doc, question, self.embedded.toolkit)
        answer = qa.answer(doc, question, ranked)
        self._count("answer", time.perf_counter() - started)
        return answer

    def prepare(self, article: Article) -> None:
        """Get ready for questions: vectors only when the retriever picks the QA windows."""
        if self.qa_options.top_windows:
            self.embedded.prepare(article)
        else:
            self._analyze(article)

    def clear_cache(self) -> None:
        """Forget analysed articles (the benchmark times first summaries with it)."""
        self.embedded.clear_cache()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """e5 vectors from the embedded encoder (digests group stories the same either way)."""
        return self.embedded.embed(texts)

    def _analyze(self, article: Article) -> AnalyzedArticle:
        """The embedded engine's (cached) analysis, timed apart from the code around models."""
        started = time.perf_counter()
        doc = self.embedded.analyze(article)
        self._totals["analysis_seconds"] += time.perf_counter() - started
        return doc

    def _count(self, task: str, seconds: float) -> None:
        """Add one call of `task` ("summary" or "answer") that took `seconds`."""
        self._totals["summaries" if task == "summary" else "answers"] += 1
        self._totals[f"{task}_seconds"] += seconds

    def stats(self) -> dict[str, float]:
        """Cumulative figures for the benchmark. `*model_seconds` is time inside the models'
        forward/generate calls only; `total_seconds` all time in summarize/answer (analysis,
        windows, guard included); `overhead_fraction` = (total - model) / model, overall and
        per task; `code_overhead_fraction` leaves the embedded analysis out as well: the cost
        of this engine's own code (input selection, windows, guard) per second of model time."""
        guard = self.guard.stats
        figures = dict(self._totals)

        def overhead(total: float, model: float) -> float:
            return (total - model) / model if model > 0 else 0.0

        summary_model, qa_model = self.summary_clock.seconds, self.qa_clock.seconds
        total = self._totals["summary_seconds"] + self._totals["answer_seconds"]
        figures.update({
            "model_seconds": summary_model + qa_model,
            "summary_model_seconds": summary_model,
            "answer_model_seconds": qa_model,
            "model_calls": float(self.summary_clock.calls + self.qa_clock.calls),
            "total_seconds": total,
            "overhead_fraction": overhead(total, summary_model + qa_model),
            "code_overhead_fraction": overhead(total - self._totals["analysis_seconds"],
                                               summary_model + qa_model),
            "summary_overhead_fraction": overhead(self._totals["summary_seconds"], summary_model),
            "answer_overhead_fraction": overhead(self._totals["answer_seconds"], qa_model),
            "guard_sentences_checked": float(guard.sentences_checked),
            "guard_sentences_dropped": float(guard.sentences_dropped),
            "guard_fired": float(guard.summaries_with_drops),
            "guard_fallbacks": float(guard.fallbacks),
            "guard_seconds": guard.seconds,
        })
        figures.update({f"embedded_{k}": v for k, v in self.embedded.stats().items()})
        return figures
