"""Refit the extractive QA span scorer (`models/qa_weights.py`) on SQuAD-style JSON lines.

For each question the candidates of its best `TOP_SENTENCES` sentences get a softmax over their
linear scores, trained (Adam, L2) towards their squared token F1 against the gold answer, so
the weights learn which span the question type, syntax and position make likely. Only the
first `train_articles` articles of the file are used; the rest stay held out for evaluation.

    python -c "from bot.evaluation.qa_fit import main; main()" [FILE]

prints the fitted weights as Python to paste into `models/qa_weights.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

from bot.evaluation.common import read_jsonl, token_f1
from models.base import Article

DEFAULT_FILE = (Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "xquad_ru"
                / "xquad_ru_dev.article.jsonl")


def question_rows(engine: Any, row: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows (span features + sentence terms) and token F1 of one question's candidates."""
    from models.extractive_qa import TOP_SENTENCES
    from models.qa_parse import parse_sentences
    from models.qa_question import parse_question
    from models.qa_retrieval import combined_scores
    from models.qa_spans import candidate_features

    doc = engine.analyze(Article(row["context"]))
    question = parse_question(row["question"], engine.toolkit)
    scores, _, _ = combined_scores(doc, question, engine.toolkit.e5.query(question.text))
    order = [int(i) for i in np.argsort(-scores, kind="stable")[:TOP_SENTENCES]]
    parsed = parse_sentences(doc, order, engine.toolkit)
    golds = [a["text"] for a in row["answers"]]
    blocks, targets = [], []
    for rank, index in enumerate(order):
        sentence = parsed[index]
        ranges, matrix = candidate_features(sentence, doc.entities_in(sentence.sentence),
                                            question)
        extra = np.zeros((len(ranges), TOP_SENTENCES), dtype=np.float32)
        extra[:, 0] = scores[index] - scores[order[0]]
        if rank:
            extra[:, rank] = 1.0
        blocks.append(np.hstack([matrix, extra]))
        words = sentence.words
        targets += [token_f1(doc.article.text[words[lo].start:words[hi].stop], golds)
                    for lo, hi in ranges]
    return np.vstack(blocks), np.asarray(targets, dtype=np.float32)


def fit(items: list[tuple[np.ndarray, np.ndarray]], l2: float = 0.01, iters: int = 300,
        rate: float = 0.05) -> np.ndarray:
    """Listwise softmax regression towards F1^2 (questions with no overlapping span skipped)."""
    used = [(x, y) for x, y in items if len(y) and y.max() > 0]
    weights = np.zeros(used[0][0].shape[1])
    first, second = np.zeros_like(weights), np.zeros_like(weights)
    for step in range(1, iters + 1):
        grad = np.zeros_like(weights)
        for x, y in used:
            s = x @ weights
            p = np.exp(s - s.max())
            p /= p.sum()
            grad += x.T @ (p - y ** 2 / (y ** 2).sum())
        grad = grad / len(used) + l2 * weights
        first = 0.9 * first + 0.1 * grad
        second = 0.999 * second + 0.001 * grad ** 2
        weights -= rate * (first / (1 - 0.9 ** step)) / (
            np.sqrt(second / (1 - 0.999 ** step)) + 1e-8)
    return weights


def main(argv: list[str] | None = None, train_articles: int = 15) -> None:
    from models import EngineConfig, load_engine
    from models.qa_weights import FEATURES

    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_FILE
    engine = load_engine(EngineConfig(name="embedded"))
    rows = list(read_jsonl(path))
    contexts = list(dict.fromkeys(r["context"] for r in rows))[:train_articles]
    items = [question_rows(engine, r) for r in rows if r["context"] in contexts]
    weights = fit(items)
    print("_FITTED: dict[str, float] = {")
    for name, value in zip(FEATURES, weights):
        if abs(value) >= 1e-4:
            print(f"    {name!r}: {value:.4f},")
    print("}")
    tail = weights[len(FEATURES):]
    print(f"SENTENCE_LEAD_WEIGHT = {tail[0]:.4f}")
    print(f"SENTENCE_RANK_WEIGHTS = (0.0, {', '.join(f'{v:.4f}' for v in tail[1:])})")
