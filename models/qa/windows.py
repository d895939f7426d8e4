"""Overlapping token windows over a long text, and the best answer span across all of them.

The QA model sees at most `max_length` tokens, so the article is cut into windows that overlap by
`stride` tokens (as transformers' question-answering pipeline does); every answer candidate is
mapped back to character offsets in the ORIGINAL text through the tokenizer's offset mapping.
Nothing here imports torch: scores arrive as numpy arrays, so the merge logic is tested directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)
class Window:
    """One model input: the question and a slice of the text.

    `offsets[i]` is the (start, stop) in the text of token i when `in_context[i]`, else (0, 0).
    `start`/`stop` are the character range of the text this window covers.
    """

    index: int
    input_ids: tuple[int, ...]
    attention_mask: tuple[int, ...]
    offsets: tuple[tuple[int, int], ...]
    in_context: tuple[bool, ...]
    start: int
    stop: int
    extra: dict[str, tuple[int, ...]] | None = None  # e.g. token_type_ids, when the model has them


@dataclass(frozen=True, slots=True)
class SpanCandidate:
    """The best span of one window: character offsets into the text, raw logit scores."""

    window: int
    start: int
    stop: int
    score: float  # start logit + end logit
    null_score: float  # the window's no-answer score (the first token's start + end logits)


def _fit_question(tokenizer: Any, question: str, max_length: int,
                  max_question_tokens: int = 0) -> tuple[str, int]:
    """The question cut to at most half a window (a pasted paragraph must not crowd out the
    article), or to `max_question_tokens` when that is set and smaller, and its length in
    tokens."""
    encoded = tokenizer(question, add_special_tokens=False, return_offsets_mapping=True)
    limit = max(1, (max_length - tokenizer.num_special_tokens_to_add(pair=True)) // 2)
    if max_question_tokens > 0:
        limit = min(limit, max_question_tokens)
    if len(encoded["input_ids"]) <= limit:
        return question, len(encoded["input_ids"])
    return question[:encoded["offset_mapping"][limit - 1][1]], limit


def build_windows(tokenizer: Any, question: str, text: str, *, max_length: int = 384,
                  stride: int = 128, max_question_tokens: int = 0) -> list[Window]:
    """Cover the whole of `text` with windows of at most `max_length` tokens (question
    included) that overlap by `stride` tokens (less when the question leaves too little room).
    The tokenizer must be a fast one (offsets)."""
    question, question_tokens = _fit_question(tokenizer, question, max_length,
                                              max_question_tokens)
    room = max_length - tokenizer.num_special_tokens_to_add(pair=True) - question_tokens
    stride = max(0, min(stride, room // 2))  # the tokenizer needs room left past the overlap
    question_first = getattr(tokenizer, "padding_side", "right") == "right"
    first, second = (question, text) if question_first else (text, question)
    context_id = 1 if question_first else 0
    encoded = tokenizer(
        first, second,
        truncation="only_second" if question_first else "only_first",
        max_length=max_length, stride=stride, return_overflowing_tokens=True,
        return_offsets_mapping=True, padding=False,
    )
    windows = []
    for index in range(len(encoded["input_ids"])):
        sequence_ids = encoded.sequence_ids(index)
        offsets = encoded["offset_mapping"][index]
        in_context = tuple(sid == context_id for sid in sequence_ids)
        spans = [tuple(o) for o, keep in zip(offsets, in_context) if keep]
        extra = {key: tuple(encoded[key][index]) for key in ("token_type_ids",) if key in encoded}
        windows.append(Window(
            index=index,
            input_ids=tuple(encoded["input_ids"][index]),
            attention_mask=tuple(encoded["attention_mask"][index]),
            offsets=tuple(tuple(o) if keep else (0, 0) for o, keep in zip(offsets, in_context)),
            in_context=in_context,
            start=min((s for s, _ in spans), default=0),
            stop=max((e for _, e in spans), default=0),
            extra=extra or None,
        ))
    return windows


def select_windows(windows: Sequence[Window], ranges: Sequence[tuple[int, int]],
                   limit: int, per_range: int = 0) -> list[Window]:
    """At most `limit` windows around the character `ranges` (best first): for each range, every
    window that overlaps it (or the `per_range` that overlap it most), most overlap first, so a
    sentence longer than one window is read whole when the limit allows. The retriever's best
    sentences decide what the model reads."""
    chosen: list[Window] = []
    taken: set[int] = set()
    for start, stop in ranges:
        overlapping = [w for w in windows if w.start < stop and start < w.stop]
        overlapping.sort(key=lambda w: min(w.stop, stop) - max(w.start, start), reverse=True)
        for window in overlapping[:per_range or None]:
            if len(chosen) >= limit:
                return chosen
            if window.index not in taken:
                chosen.append(window)
                taken.add(window.index)
    return chosen or list(windows[:limit])


def _span_scores(window: Window, start_logits: np.ndarray, end_logits: np.ndarray,
                 max_answer_tokens: int, segments: np.ndarray | None
                 ) -> tuple[np.ndarray, float] | None:
    """The start + end logit of every span of context tokens with start <= end < start +
    `max_answer_tokens` (inside one segment when `segments` is given), -inf for every other
    pair, and the window's no-answer score; None when no token can start an answer."""
    n = len(window.input_ids)
    start_logits = np.asarray(start_logits, dtype=np.float64)[:n]
    end_logits = np.asarray(end_logits, dtype=np.float64)[:n]
    mask = np.array(window.in_context, dtype=bool)
    mask &= np.array([stop > start for start, stop in window.offsets], dtype=bool)
    if segments is not None:
        mask &= segments[:n] >= 0
    if not mask.any():
        return None
    s = np.where(mask, start_logits, -np.inf)
    e = np.where(mask, end_logits, -np.inf)
    scores = s[:, None] + e[None, :]
    band = np.triu(np.ones((n, n), dtype=bool)) & ~np.triu(np.ones((n, n), dtype=bool),
                                                           k=max_answer_tokens)
    if segments is not None:
        band &= segments[:n, None] == segments[None, :n]
    return np.where(band, scores, -np.inf), float(start_logits[0] + end_logits[0])


def _candidate(window: Window, scores: np.ndarray, i: int, j: int,
               null_score: float) -> SpanCandidate:
    return SpanCandidate(window=window.index, start=window.offsets[i][0],
                         stop=window.offsets[j][1], score=float(scores[i, j]),
                         null_score=null_score)


def best_span(window: Window, start_logits: np.ndarray, end_logits: np.ndarray, *,
              max_answer_tokens: int = 30,
              segments: np.ndarray | None = None) -> SpanCandidate | None:
    """The highest-scoring span of context tokens with start <= end < start + max_answer_tokens.

    `segments` (one id per token, -1 for none) keeps a span inside one segment, e.g. one
    sentence, and off tokens marked -1. Returns None when no token can start an answer."""
    found = _span_scores(window, start_logits, end_logits, max_answer_tokens, segments)
    if found is None:
        return None
    scores, null_score = found
    i, j = np.unravel_index(int(np.argmax(scores)), scores.shape)
    return _candidate(window, scores, int(i), int(j), null_score)


def best_spans_by_segment(window: Window, start_logits: np.ndarray, end_logits: np.ndarray,
                          segments: np.ndarray, *, max_answer_tokens: int = 30,
                          accept: Callable[[int, int], bool] | None = None,
                          tries: int = 20) -> dict[int, SpanCandidate]:
    """The best span inside each segment (e.g. each sentence) of `window`, by segment id.

    What the reader's logits say about one sentence, so that a sentence can be weighed by how
    near retrieval found it to the question as well (`best_span` keeps only the window's best).
    One score matrix for all segments: a span never crosses segments, so each segment's best
    is the best of the rows its tokens start. With `accept` (character start, stop -> bool),
    each segment's best accepted span among its `tries` best, and none where none is."""
    segments = np.asarray(segments)[:len(window.input_ids)]
    found = _span_scores(window, start_logits, end_logits, max_answer_tokens, segments)
    if found is None:
        return {}
    scores, null_score = found
    spans: dict[int, SpanCandidate] = {}
    for segment in sorted(set(segments[segments >= 0].tolist())):
        rows = np.flatnonzero(segments == segment)
        block = scores[rows]
        order = (np.argsort(block, axis=None, kind="stable")[::-1][:tries] if accept
                 else [int(np.argmax(block))])
        for flat in order:
            r, j = np.unravel_index(int(flat), block.shape)
            if not np.isfinite(block[r, j]):
                break
            candidate = _candidate(window, scores, int(rows[r]), int(j), null_score)
            if accept is None or accept(candidate.start, candidate.stop):
                spans[int(segment)] = candidate
                break
    return spans


def merge_candidates(candidates: Sequence[SpanCandidate], *,
                     null_threshold: float = 0.0) -> tuple[SpanCandidate | None, float]:
    """The best span over all windows, or None when "no answer" wins.

    As in SQuAD 2.0 post-processing, the no-answer score is the lowest of the windows' null
    scores; a span wins when its score beats it by more than `null_threshold`. Returns the
    winner (or None) and the margin (best span score - null score), for logs and calibration.
    """
    if not candidates:
        return None, float("-inf")
    best = max(candidates, key=lambda c: c.score)
    null = min(c.null_score for c in candidates)
    margin = best.score - null
    return (best if margin > null_threshold else None), margin
