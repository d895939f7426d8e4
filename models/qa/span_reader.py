"""Extractive QA with a transformers *ForQuestionAnswering model over the whole article.

preprocess: overlapping token windows over `Article.text` (optionally only the windows around
the sentences the embedded retriever ranks highest); infer: the model's start/end logits per
window, in batches; postprocess: the best span across all windows against a no-answer score,
mapped back to character offsets in the original text and to its sentence.
"""

from __future__ import annotations

import bisect
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from models.core.config import QaOptions
from models.core.types import Answer
from models.hf.loading import LoadedModel, ModelClock
from models.qa.windows import (
    SpanCandidate,
    Window,
    best_span,
    best_spans_by_segment,
    build_windows,
    merge_candidates,
    select_windows,
)
from models.text.analysis import AnalyzedArticle

logger = logging.getLogger(__name__)

_EDGE = " \t\n\r.,;:!?«»\"'()[]—–-"


def _window_limit(loaded: LoadedModel, wanted: int) -> int:
    """The longest window the model accepts: its position table, less RoBERTa's two offsets."""
    config = loaded.model.config
    positions = int(getattr(config, "max_position_embeddings", 512) or 512)
    if getattr(config, "model_type", "") in {"roberta", "xlm-roberta", "camembert"}:
        positions -= 2
    tokenizer_max = int(getattr(loaded.tokenizer, "model_max_length", positions) or positions)
    return max(32, min(wanted, positions, tokenizer_max))


def _segments(window: Window, sentences: Sequence[tuple[int, int]]) -> np.ndarray:
    """The sentence number of each token (-1 outside the prose: dates, counters, rubric lines),
    so an answer stays inside one sentence of the article's prose."""
    starts = [a for a, _ in sentences]
    ids = np.full(len(window.input_ids), -1, dtype=np.int64)
    for i, ((start, stop), inside) in enumerate(zip(window.offsets, window.in_context)):
        if inside and stop > start:
            k = bisect.bisect_right(starts, start) - 1
            if k >= 0 and stop <= sentences[k][1]:
                ids[i] = k
    return ids


def whole_words(text: str, start: int, stop: int) -> tuple[int, int]:
    """A span widened to whole words: subword tokens may start or end it inside one
    («3-го Кас» for «3-го Касым-Жомарт»), and a user should never see half a word."""
    while 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while 0 < stop < len(text) and text[stop - 1].isalnum() and text[stop].isalnum():
        stop += 1
    return start, stop


class SpanQA:
    """A loaded QA model plus the windowing around it; one article and question per call."""

    def __init__(self, loaded: LoadedModel, options: QaOptions, clock: ModelClock) -> None:
        self.loaded = loaded
        self.options = options
        self.clock = clock
        self.max_length = _window_limit(loaded, options.max_length)

    def preprocess(self, doc: AnalyzedArticle, question: str,
                   ranked: Sequence[tuple[int, float]] | None = None,
                   top_windows: int | None = None) -> list[Window]:
        """Windows over the whole text; when `top_windows` (or the options') is set and a
        ranking is given, only those around the best-ranked sentences."""
        text = doc.article.text
        windows = build_windows(self.loaded.tokenizer, question, text,
                                max_length=self.max_length, stride=self.options.stride)
        limit = self.options.top_windows if top_windows is None else top_windows
        if limit and ranked:
            ranges = [(doc.sentences[i].start, doc.sentences[i].stop) for i, _ in ranked
                      if 0 <= i < len(doc.sentences)]
            per_range = 1 if self.options.answer_sentences else 0
            windows = select_windows(windows, ranges, limit, per_range)
        return windows

    def infer(self, windows: Sequence[Window]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Start and end logits for each window (the only lines that touch the model)."""
        import torch

        tokenizer, model = self.loaded.tokenizer, self.loaded.model
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        results: list[tuple[np.ndarray, np.ndarray]] = []
        size = max(1, self.options.batch_size)
        for first in range(0, len(windows), size):
            batch = windows[first:first + size]
            width = max(len(w.input_ids) for w in batch)

            def padded(rows: list[tuple[int, ...]], value: int) -> list[list[int]]:
                return [list(row) + [value] * (width - len(row)) for row in rows]

            inputs = {"input_ids": padded([w.input_ids for w in batch], pad),
                      "attention_mask": padded([w.attention_mask for w in batch], 0)}
            for key in (batch[0].extra or {}):
                inputs[key] = padded([(w.extra or {})[key] for w in batch], 0)
            tensors = {k: torch.tensor(v, device=self.loaded.device) for k, v in inputs.items()}
            device_type = torch.device(self.loaded.device).type
            with (self.clock.measure(), torch.inference_mode(),
                  torch.autocast(device_type, dtype=torch.bfloat16, enabled=self.options.bf16)):
                output = model(**tensors)
            starts = output.start_logits.float().cpu().numpy()
            ends = output.end_logits.float().cpu().numpy()
            results.extend((starts[i], ends[i]) for i in range(len(batch)))
        return results

    def postprocess(self, doc: AnalyzedArticle, windows: Sequence[Window],
                    logits: Sequence[tuple[np.ndarray, np.ndarray]],
                    ranked: Sequence[tuple[int, float]] | None = None,
                    accept: Callable[[int, int], bool] | None = None,
                    null_threshold: float | None = None) -> Answer:
        """The best span over all windows, trimmed of spaces and punctuation, or Answer.none.
        `accept` (start, stop -> bool), with a ranking and a retrieval weight: only spans it
        accepts compete, each sentence offering its best accepted one; `null_threshold`
        overrides the options' margin over the no-answer score."""
        if ranked and self.options.retrieval_weight:
            return self._weighed(doc, windows, logits, ranked, accept, null_threshold)
        if self.options.answer_sentences and ranked:
            best = [doc.sentences[i] for i, _ in ranked[:self.options.answer_sentences]]
            prose = sorted((s.start, s.stop) for s in best)
        else:
            prose = sorted((s.start, s.stop) for s in doc.sentences)
            if doc.title_sentence is not None:
                prose = sorted(prose + [(doc.title_sentence.start, doc.title_sentence.stop)])
        candidates: list[SpanCandidate] = []
        for window, (starts, ends) in zip(windows, logits):
            candidate = best_span(window, starts, ends, segments=_segments(window, prose),
                                  max_answer_tokens=self.options.max_answer_tokens)
            if candidate is not None:
                candidates.append(candidate)
        winner, margin = merge_candidates(candidates, null_threshold=self.options.null_threshold)
        return self._as_answer(doc, winner, margin, bool(candidates))

    def _weighed(self, doc: AnalyzedArticle, windows: Sequence[Window],
                 logits: Sequence[tuple[np.ndarray, np.ndarray]],
                 ranked: Sequence[tuple[int, float]],
                 accept: Callable[[int, int], bool] | None = None,
                 null_threshold: float | None = None) -> Answer:
        """The best of the sentences' spans, each scored by its logits plus the weighted
        retrieval score of its sentence (the ranked sentences in the windows read, or the
        `answer_sentences` best of them). A sentence read in two windows keeps its better span:
        the window that holds it whole is not always the one that reads it best (a sentence at
        a window's end, its answer read in the next window, cut after the answer)."""
        limit = self.options.answer_sentences or len(ranked)
        best = [(doc.sentences[i], score) for i, score in ranked[:limit]
                if 0 <= i < len(doc.sentences)]
        best.sort(key=lambda pair: pair[0].start)
        prose = [(sentence.start, sentence.stop) for sentence, _ in best]
        per_sentence: dict[int, SpanCandidate] = {}
        for window, (starts, ends) in zip(windows, logits):
            spans = best_spans_by_segment(window, starts, ends, _segments(window, prose),
                                          max_answer_tokens=self.options.max_answer_tokens,
                                          accept=accept)
            for k, candidate in spans.items():
                held = per_sentence.get(k)
                if held is None or candidate.score > held.score:
                    per_sentence[k] = candidate
        if not per_sentence:
            return self._as_answer(doc, None, float("-inf"), False)
        weight = self.options.retrieval_weight
        _, winner = max(per_sentence.items(),
                        key=lambda item: item[1].score + weight * best[item[0]][1])
        margin = winner.score - min(c.null_score for c in per_sentence.values())
        floor = self.options.null_threshold if null_threshold is None else null_threshold
        return self._as_answer(doc, winner if margin > floor else None, margin, True)

    def _as_answer(self, doc: AnalyzedArticle, winner: SpanCandidate | None, margin: float,
                   any_candidate: bool) -> Answer:
        """The winning span, trimmed to whole words without edge punctuation, as an Answer."""
        score = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, margin)))) if any_candidate else 0.0
        if winner is None:
            return Answer.none(f"no span beats the no-answer score (margin {margin:.2f})",
                               score=score, engine="transformers")
        text = doc.article.text
        start, stop = whole_words(text, winner.start, winner.stop)
        while start < stop and text[start] in _EDGE:
            start += 1
        while stop > start and text[stop - 1] in _EDGE:
            stop -= 1
        if start >= stop:
            return Answer.none("the best span is only punctuation", score=score,
                               engine="transformers")
        sentence = doc.sentence_at(start)
        return Answer(text=text[start:stop], sentence=sentence.text if sentence else "",
                      start=start, stop=stop, score=score, engine="transformers")

    def answer(self, doc: AnalyzedArticle, question: str,
               ranked: Sequence[tuple[int, float]] | None = None,
               engine: str = "transformers", *, top_windows: int | None = None,
               accept: Callable[[int, int], bool] | None = None,
               null_threshold: float | None = None) -> Answer:
        """The answer to `question` in `doc`; `top_windows` overrides the options' number of
        windows read, `accept` narrows the spans that may answer (see `postprocess`)."""
        windows = self.preprocess(doc, question, ranked, top_windows)
        if not windows:
            return Answer.none("the article has no text to read", engine=engine)
        logits = self.infer(windows)
        answer = replace(self.postprocess(doc, windows, logits, ranked, accept, null_threshold),
                         engine=engine)
        logger.debug("qa over %s: %d windows, score %.3f", doc.article.hash, len(windows),
                     answer.score)
        return answer
