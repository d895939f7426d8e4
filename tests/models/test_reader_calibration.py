"""The reader's reading choice: near-best F1 first, then the answer's sentence, then speed; and
the no-answer floors for questions of few content words."""

from __future__ import annotations

import numpy as np

from models.reader.loading import ReaderSettings
from models.training.calibration import SHORT_QUESTION_WORDS, choose_length_floors, choose_windows


def run(f1: float, evidence: float, n: int = 500) -> dict:
    hits = round(evidence * n)
    return {"f1": np.full(n, f1), "evidence": np.array([1.0] * hits + [0.0] * (n - hits))}


def test_evidence_decides_among_choices_with_the_same_f1() -> None:
    runs = {(2, 0, 0.0): run(0.700, 0.980), (4, 4, 20.0): run(0.698, 0.998),
            (4, 4, 40.0): run(0.697, 0.998), (3, 3, 0.0): run(0.660, 1.000)}
    assert choose_windows(runs) == (4, 4, 20.0)


def test_a_clearly_better_f1_wins_over_evidence() -> None:
    runs = {(2, 0, 0.0): run(0.720, 0.950), (4, 4, 20.0): run(0.690, 0.998)}
    assert choose_windows(runs) == (2, 0, 0.0)


def test_equal_figures_go_to_the_fewest_windows() -> None:
    runs = {(4, 4, 0.0): run(0.7, 0.99), (3, 3, 0.0): run(0.7, 0.99), (3, 3, 20.0): run(0.7, 0.99)}
    assert choose_windows(runs) == (3, 3, 0.0)


def test_short_questions_get_the_lower_floor_their_answerable_scores_call_for() -> None:
    """One-word questions score lower on the right article than long ones: their group's floor
    is its 2% quantile; a group whose quantile is above the one floor keeps the one floor."""
    rng = np.random.default_rng(0)
    n = 1000
    words = np.repeat([1, 2, 9], n)
    answerable = np.concatenate([rng.uniform(0.80, 0.95, n), rng.uniform(0.84, 1.0, n),
                                 rng.uniform(0.95, 1.3, n)])
    figures = {"content_words": words, "answerable": answerable,
               "wrong_article": np.full(3 * n, 0.78)}
    floors, table = choose_length_floors(figures, base=0.886)
    assert floors[0] < floors[1] < 0.886
    assert abs(floors[0] - 0.803) < 0.005 and abs(floors[1] - 0.843) < 0.005
    assert len(floors) == 2  # the groups that keep the one floor need no entry
    assert 0.015 <= table["1"]["answerable_rejected"] <= 0.021
    assert table["1"]["answerable_rejected_by_one_floor"] > 0.5
    assert table[f"{SHORT_QUESTION_WORDS}+"]["floor"] == 0.886


def test_a_question_takes_the_floor_of_its_number_of_content_words() -> None:
    settings = ReaderSettings(retrieval_floor=0.886, short_question_floors=(0.80, 0.85, 0.9))
    assert settings.floor_for(0) == settings.floor_for(1) == 0.80
    assert settings.floor_for(2) == 0.85
    assert settings.floor_for(3) == 0.886  # never above the one floor
    assert settings.floor_for(12) == 0.886
