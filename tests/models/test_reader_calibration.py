"""The reader's reading choice: near-best F1 first, then the answer's sentence, then speed."""

from __future__ import annotations

import numpy as np

from models.reader.calibration import choose_windows


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
