"""Which sentences of an article answer a question: e5 similarity plus lemma overlap.

Dense vectors find paraphrases, lemmas find the rare exact words (names, terms, numbers) that
e5-small blurs; together they put the sentence holding the answer first far more often than
either alone. Per-article lexical statistics are computed once and kept beside the analysis.
"""

from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass

import numpy as np

from models.analysis import AnalyzedArticle
from models.qa_question import CONTENT_POS, STOP_LEMMAS, Question

PREFIX = 5  # lemmas sharing this many first letters match at half weight (подписать ~ подписание)
LEXICAL_WEIGHT = 0.03  # weight of one idf unit of overlap against cosine similarity
NEIGHBOUR_WEIGHT = 0.1  # a sentence borrows this share of its neighbours' lexical match
BM25_K1 = 1.2


@dataclass(frozen=True, slots=True)
class LexicalIndex:
    """Content lemmas of each sentence and their idf over the article's sentences."""

    lemmas: tuple[frozenset[str], ...]
    prefixes: tuple[frozenset[str], ...]
    idf: dict[str, float]
    prefix_idf: dict[str, float]
    lengths: np.ndarray
    mean_length: float


_indexes: weakref.WeakKeyDictionary[AnalyzedArticle, LexicalIndex] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def content_lemmas(tokens) -> frozenset[str]:
    """Lemmas worth matching: content parts of speech, no stop words, no one-letter tokens."""
    return frozenset(
        t.lemma for t in tokens
        if t.pos in CONTENT_POS and t.lemma not in STOP_LEMMAS and len(t.lemma) > 1
    )


def _prefixes(lemmas: frozenset[str]) -> frozenset[str]:
    return frozenset(lemma[:PREFIX] for lemma in lemmas if len(lemma) >= PREFIX)


def _idf(sets: list[frozenset[str]]) -> dict[str, float]:
    count = len(sets)
    freq: dict[str, int] = {}
    for items in sets:
        for item in items:
            freq[item] = freq.get(item, 0) + 1
    return {k: math.log(1 + (count - f + 0.5) / (f + 0.5)) for k, f in freq.items()}


def lexical_index(doc: AnalyzedArticle) -> LexicalIndex:
    """The article's lexical statistics, built on first use and reused for every question."""
    with _lock:
        index = _indexes.get(doc)
    if index is not None:
        return index
    lemmas = [content_lemmas(s.tokens) for s in doc.sentences]
    prefixes = [_prefixes(items) for items in lemmas]
    lengths = np.array([max(1, len(items)) for items in lemmas], dtype=np.float32)
    index = LexicalIndex(tuple(lemmas), tuple(prefixes), _idf(lemmas), _idf(prefixes), lengths,
                         float(lengths.mean()) if len(lengths) else 1.0)
    with _lock:
        _indexes[doc] = index
    return index


def lexical_scores(doc: AnalyzedArticle, question: Question) -> np.ndarray:
    """BM25-like overlap of each sentence with the question's content lemmas (0 when none)."""
    index = lexical_index(doc)
    scores = np.zeros(len(doc.sentences), dtype=np.float32)
    query = question.content
    norm = BM25_K1 * (0.25 + 0.75 * index.lengths / index.mean_length)
    for i, (lemmas, prefixes) in enumerate(zip(index.lemmas, index.prefixes)):
        total = 0.0
        for lemma in query:
            if lemma in lemmas:
                total += index.idf.get(lemma, 0.0)
            elif len(lemma) >= PREFIX and lemma[:PREFIX] in prefixes:
                total += 0.5 * index.prefix_idf.get(lemma[:PREFIX], 0.0)
        scores[i] = total * (BM25_K1 + 1) / (1 + norm[i]) if total else 0.0
    return scores


def combined_scores(doc: AnalyzedArticle, question: Question,
                    query_vector: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(combined, dense, lexical) score per sentence; the combined one ranks evidence."""
    dense = doc.vectors @ np.asarray(query_vector, dtype=np.float32)
    lexical = lexical_scores(doc, question)
    spread = np.zeros_like(lexical)
    if len(lexical) > 1:
        spread[1:] = np.maximum(spread[1:], lexical[:-1])
        spread[:-1] = np.maximum(spread[:-1], lexical[1:])
    combined = dense + LEXICAL_WEIGHT * (lexical + NEIGHBOUR_WEIGHT * spread)
    return combined, dense, lexical
