"""Token windows over a long article and the merge of span scores across them, with the tiny
model's real fast tokenizer and a deterministic scorer standing in for the model's logits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.qa.windows import (
    Window,
    best_span,
    best_spans_by_segment,
    build_windows,
    merge_candidates,
    select_windows,
)

QUESTION = "Сколько документов подписано?"


@pytest.fixture(scope="module")
def tokenizer(tiny_models: dict[str, Path]):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(tiny_models["qa"]))


def scorer(window: Window, answer: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Logits that favour the tokens covering `answer` (start at its first, end at its last)."""
    n = len(window.input_ids)
    starts, ends = np.zeros(n), np.zeros(n)
    covering = [i for i, (a, b) in enumerate(window.offsets)
                if window.in_context[i] and a < answer[1] and answer[0] < b]
    if covering:
        starts[covering[0]] = ends[covering[-1]] = 10.0
    starts[0] = ends[0] = 1.0  # a no-answer score the answer must beat
    return starts, ends


def test_windows_cover_every_character_and_overlap(tokenizer, seed_text: str) -> None:
    windows = build_windows(tokenizer, QUESTION, seed_text, max_length=64, stride=16)
    assert len(windows) > 10
    covered = np.zeros(len(seed_text), dtype=bool)
    for window in windows:
        assert len(window.input_ids) <= 64
        for (a, b), inside in zip(window.offsets, window.in_context):
            if inside:
                covered[a:b] = True
    assert all(covered[i] for i, ch in enumerate(seed_text) if not ch.isspace())
    for left, right in zip(windows, windows[1:]):
        assert right.start < left.stop  # neighbours share text


def test_offsets_point_into_the_original_text(tokenizer, seed_text: str) -> None:
    windows = build_windows(tokenizer, QUESTION, seed_text, max_length=64, stride=16)
    for window in windows:
        for (a, b), inside in zip(window.offsets, window.in_context):
            if inside and b > a:
                piece = seed_text[a:b].strip()
                assert piece and piece in seed_text[window.start:window.stop]


def test_the_window_that_covers_the_answer_wins(tokenizer, seed_text: str) -> None:
    start = seed_text.index("165 документов")
    answer = (start, start + len("165 документов"))
    windows = build_windows(tokenizer, QUESTION, seed_text, max_length=64, stride=16)
    candidates = [best_span(w, *scorer(w, answer)) for w in windows]
    winner, margin = merge_candidates([c for c in candidates if c is not None])
    assert winner is not None and margin > 0
    assert seed_text[winner.start:winner.stop] == "165 документов"
    assert windows[winner.window].start <= start < windows[winner.window].stop
    assert winner.window > 3  # deep in the article, not the first window


def test_no_answer_wins_below_the_threshold(tokenizer, seed_text: str) -> None:
    windows = build_windows(tokenizer, QUESTION, seed_text, max_length=64, stride=16)
    flat = [(np.zeros(len(w.input_ids)), np.zeros(len(w.input_ids))) for w in windows]
    for starts, ends in flat:
        starts[0] = ends[0] = 5.0  # every window prefers "no answer"
    candidates = [best_span(w, s, e) for w, (s, e) in zip(windows, flat)]
    winner, margin = merge_candidates([c for c in candidates if c is not None])
    assert winner is None and margin < 0


def test_spans_respect_the_answer_length_limit(tokenizer, seed_text: str) -> None:
    window = build_windows(tokenizer, QUESTION, seed_text, max_length=64, stride=16)[2]
    n = len(window.input_ids)
    context = [i for i, inside in enumerate(window.in_context) if inside]
    starts, ends = np.zeros(n), np.zeros(n)
    starts[context[0]], ends[context[-1]] = 10.0, 10.0
    candidate = best_span(window, starts, ends, max_answer_tokens=5)
    assert candidate is not None and candidate.score < 20.0


def test_select_windows_follows_the_ranking(tokenizer, seed_text: str) -> None:
    windows = build_windows(tokenizer, QUESTION, seed_text, max_length=64, stride=16)
    far = seed_text.index("165 документов")
    near = seed_text.index("3 марта")
    # one window a range: a range in the overlap of two windows would take both otherwise
    chosen = select_windows(windows, [(far, far + 3), (near, near + 3)], limit=2, per_range=1)
    assert len(chosen) == 2
    assert chosen[0].start <= far < chosen[0].stop
    assert chosen[1].start <= near < chosen[1].stop


def test_segments_keep_a_span_inside_one_sentence(tokenizer, seed_text: str) -> None:
    window = build_windows(tokenizer, QUESTION, seed_text, max_length=64, stride=16)[3]
    context = [i for i, inside in enumerate(window.in_context) if inside]
    half = len(context) // 2
    segments = np.full(len(window.input_ids), -1)
    segments[context[:half]] = 0
    segments[context[half:]] = 1
    n = len(window.input_ids)
    starts, ends = np.zeros(n), np.zeros(n)
    starts[context[half - 1]], ends[context[half]] = 10.0, 10.0  # the best pair crosses
    free = best_span(window, starts, ends)
    bound = best_span(window, starts, ends, segments=segments)
    assert free is not None and bound is not None
    assert free.score == 20.0 and bound.score == 10.0
    inside = {segments[i] for i, (a, b) in enumerate(window.offsets)
              if window.in_context[i] and bound.start <= a and b <= bound.stop}
    assert len(inside) == 1


def test_each_segment_gets_its_own_best_span(tokenizer, seed_text: str) -> None:
    window = build_windows(tokenizer, QUESTION, seed_text, max_length=64, stride=16)[3]
    context = [i for i, inside in enumerate(window.in_context) if inside]
    third = len(context) // 3
    segments = np.full(len(window.input_ids), -1)
    segments[context[:third]] = 0
    segments[context[third:2 * third]] = 1  # the last third belongs to no segment
    n = len(window.input_ids)
    starts, ends = np.zeros(n), np.zeros(n)
    starts[context[1]], ends[context[2]] = 9.0, 9.0  # in segment 0
    starts[context[third + 1]], ends[context[third + 1]] = 4.0, 4.0  # in segment 1
    starts[context[-2]], ends[context[-1]] = 20.0, 20.0  # outside every segment
    spans = best_spans_by_segment(window, starts, ends, segments)
    assert sorted(spans) == [0, 1]
    assert spans[0].score == 18.0 and spans[1].score == 8.0
    assert spans[0].start == window.offsets[context[1]][0]
    assert spans[1].stop == window.offsets[context[third + 1]][1]


def test_a_pasted_paragraph_as_question_still_leaves_room_for_the_article(
        tokenizer, seed_text: str) -> None:
    question = seed_text[:1500]  # far longer than a window
    windows = build_windows(tokenizer, question, seed_text, max_length=64, stride=16)
    covered = np.zeros(len(seed_text), dtype=bool)
    for window in windows:
        assert len(window.input_ids) <= 64
        assert sum(window.in_context) >= 64 // 2 - 4 or window is windows[-1]
        for (a, b), inside in zip(window.offsets, window.in_context):
            if inside:
                covered[a:b] = True
    assert all(covered[i] for i, ch in enumerate(seed_text) if not ch.isspace())
