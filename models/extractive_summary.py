"""Extractive summary: rank the article's sentences, pick a few that fit, main event first.

A sentence's score mixes four signals, each in [0, 1]:
- position: news puts the main event first (inverted pyramid), so earlier is better;
- centrality: how close its e5 vector is to the article's mean vector (what the text is about);
- headline likeness: how close it is to the headline's vector, when the text has a headline;
- entity density: sentences that name who and where carry the facts.
Sentences that cannot stand alone are held back: fragments without final punctuation (captions,
lines ending in ":" before a missing quote), direct speech, and very short ones. Selection is
greedy in rank order and skips near-duplicates of what is already chosen (MMR-style), so a
repeated lead or headline never appears twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from models.analysis import AnalyzedArticle, Sentence
from models.base import Length, Span, Summary
from models.keyfacts import key_names, key_numbers


@dataclass(frozen=True, slots=True)
class Budget:
    """How much of the article a summary of one length may take."""

    max_sentences: int
    max_chars: int
    target_chars: int  # stop adding sentences once this many characters are chosen


BUDGETS = {
    Length.SHORT: Budget(max_sentences=3, max_chars=450, target_chars=230),
    Length.MEDIUM: Budget(max_sentences=5, max_chars=800, target_chars=550),
    Length.LONG: Budget(max_sentences=8, max_chars=1400, target_chars=1000),
}
MAX_SHARE = 1 / 3  # a summary never takes more than this share of the article's prose

WEIGHTS = {"position": 0.45, "centrality": 0.3, "headline": 0.15, "entities": 0.1}
POSITION_DECAY = 0.25  # score 1/(1 + decay * index)
DUPLICATE_COSINE = 0.92
DUPLICATE_LEMMAS = 0.6
MIN_SENTENCE_CHARS = 40
MAX_SENTENCE_CHARS = 400
FRAGMENT_PENALTY = 0.5

_COMPLETE_END = re.compile(r"[.!?…][»\"”)]*\s*$")
_SPEECH_START = re.compile(r"^\s*[—–-]\s")


def _standalone(sentence: Sentence) -> bool:
    """Whether a sentence can be quoted alone: complete, not dialogue, not a scrap."""
    text = sentence.text
    return (
        bool(_COMPLETE_END.search(text))
        and not _SPEECH_START.match(text)
        and MIN_SENTENCE_CHARS <= len(text) <= MAX_SENTENCE_CHARS
    )


def _rescale(values: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1]; a constant signal says nothing and becomes all zeros."""
    span = float(values.max() - values.min()) if len(values) else 0.0
    return (values - values.min()) / span if span > 1e-9 else np.zeros_like(values)


def sentence_scores(doc: AnalyzedArticle) -> np.ndarray:
    """One importance score per sentence (higher is more important)."""
    n = len(doc.sentences)
    if n == 0:
        return np.zeros(0, dtype=np.float32)
    vectors = doc.vectors
    centroid = vectors.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    signals = {
        "position": 1.0 / (1.0 + POSITION_DECAY * np.arange(n)),
        "centrality": _rescale(vectors @ centroid),
        "headline": (
            _rescale(vectors @ doc.title_vector) if doc.title_vector is not None
            else np.zeros(n)
        ),
        "entities": _rescale(np.array([
            len(doc.entities_in(s)) / max(1, len(s.tokens)) for s in doc.sentences
        ])),
    }
    score = sum(WEIGHTS[name] * values for name, values in signals.items())
    standalone = np.array([_standalone(s) for s in doc.sentences])
    return np.where(standalone, score, score * FRAGMENT_PENALTY).astype(np.float32)


def rank_sentences(doc: AnalyzedArticle) -> list[int]:
    """Sentence indices, most important first (ties go to the earlier sentence)."""
    scores = sentence_scores(doc)
    return sorted(range(len(scores)), key=lambda i: (-float(scores[i]), i))


def _is_duplicate(doc: AnalyzedArticle, index: int, chosen: list[int]) -> bool:
    """Near-duplicate of a chosen sentence: same meaning (e5) or mostly the same lemmas."""
    lemmas = doc.sentences[index].lemmas
    for other in chosen:
        if float(doc.vectors[index] @ doc.vectors[other]) >= DUPLICATE_COSINE:
            return True
        other_lemmas = doc.sentences[other].lemmas
        union = len(lemmas | other_lemmas)
        if union and len(lemmas & other_lemmas) / union >= DUPLICATE_LEMMAS:
            return True
    return False


def select_sentences(doc: AnalyzedArticle, length: Length = Length.SHORT) -> list[int]:
    """Indices of the summary's sentences: the top-ranked first, the rest in reading order."""
    budget = BUDGETS[Length(length)]
    prose_chars = sum(len(s.text) for s in doc.sentences)
    max_chars = min(budget.max_chars, int(prose_chars * MAX_SHARE))
    order = rank_sentences(doc)
    chosen: list[int] = []
    used = 0
    for index in order:
        size = len(doc.sentences[index].text) + (1 if chosen else 0)
        if used + size > max_chars or _is_duplicate(doc, index, chosen):
            continue
        chosen.append(index)
        used += size
        if len(chosen) >= budget.max_sentences or used >= budget.target_chars:
            break
    if not chosen and order:
        # Too short an article for a third of it to hold a sentence: its best sentence still
        # says more than a refusal would.
        chosen = [min(order[:3], key=lambda i: len(doc.sentences[i].text))]
    return chosen[:1] + sorted(chosen[1:])


def summarize(doc: AnalyzedArticle, length: Length = Length.SHORT) -> Summary:
    """An extractive summary of `doc`: whole sentences of the article, quoted exactly."""
    chosen = select_sentences(doc, length)
    sentences = [doc.sentences[i] for i in chosen]
    return Summary(
        text=" ".join(s.text for s in sentences),
        sentences=tuple(s.text for s in sentences),
        sources=tuple(Span(s.start, s.stop, s.text) for s in sentences),
        names=key_names(doc),
        numbers=key_numbers(doc, chosen + [i for i in rank_sentences(doc) if i not in chosen]),
        abstractive=False,
        engine="embedded",
    )
