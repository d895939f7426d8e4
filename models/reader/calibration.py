"""Choosing how the reader is used, on SberQuAD dev rows only (never on ../shared/eval).

Users ask about whole articles, not single paragraphs, so the dev paragraphs are joined into
pseudo-articles of `PARAGRAPHS_PER_ARTICLE` (in file order) and each dev question is asked
twice through the real engine (retrieval, then the reader): against its own pseudo-article
(answerable) and against the next one (not answerable: a question about another article).
From that: how many windows the reader reads (`top_windows`: F1 against time) and when to say
"not in the article": the reader's margin (best span score minus the no-answer score) and the
retrieval score of the best sentence each get a floor; the pair of floors that rejects the most
wrong-article questions while turning away at most `MAX_REJECTED` of the answerable ones wins.
(The reader alone is overconfident on a wrong article: it saw few windows without the answer in
training, SberQuAD paragraphs being short.)
"""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from bot.evaluation.common import percentile, token_f1
from models.base import Article
from models.reader.loading import SETTINGS_FILE, ReaderSettings
from models.reader.training import read_rows

logger = logging.getLogger(__name__)

PARAGRAPHS_PER_ARTICLE = 6
MAX_REJECTED = 0.02  # answerable questions the threshold may turn away (the target is 3%)
# The reader's own no-answer score is used only when it rejects this many more wrong-article
# questions than retrieval alone: it saw few windows without the answer in training, and on a
# right article it sometimes scores "no answer" above a right span («Что подписали?» on the seed).
MARGIN_GAIN = 0.02
# (top_windows, answer_sentences): the windows around the best sentences with a span anywhere
# in them, or one window for each of the n best sentences with the span inside one of those
WINDOW_CHOICES = ((2, 0), (3, 0), (4, 0), (3, 3), (4, 4))
F1_TOLERANCE = 0.005  # fewer windows win unless more windows add at least this much F1


def pseudo_articles(rows: list[dict]) -> tuple[list[str], list[int]]:
    """Dev paragraphs joined into articles; returns the articles and each row's article."""
    paragraphs = list(dict.fromkeys(row["context"] for row in rows))
    group = {p: i // PARAGRAPHS_PER_ARTICLE for i, p in enumerate(paragraphs)}
    articles = ["\n\n".join(paragraphs[k:k + PARAGRAPHS_PER_ARTICLE])
                for k in range(0, len(paragraphs), PARAGRAPHS_PER_ARTICLE)]
    return articles, [group[row["context"]] for row in rows]


def _rounded(value: float) -> float:
    return round(value, 3) if math.isfinite(value) else -1e9


def _margin(score: float) -> float:
    """The reader's Answer.score is sigmoid(margin): invert it."""
    score = min(max(score, 1e-12), 1 - 1e-12)
    return math.log(score / (1 - score))


def _ask_all(engine, articles: list[str], rows: list[dict], which: list[int]) -> dict:
    """Each row's question asked of article `which[i]`: retrieval ranks its sentences once, the
    reader reads the windows around the best (no floor: every question is measured)."""
    from models.extractive_qa import rank_evidence

    reader = engine.reader()
    margins, retrieval, f1s, seconds = [], [], [], []
    for row, k in zip(rows, which):
        doc = engine.analyze(Article(articles[k]))
        started = time.perf_counter()
        ranked = rank_evidence(doc, row["question"], engine.toolkit)
        answer = reader.answer(doc, row["question"], ranked)
        seconds.append(time.perf_counter() - started)
        margins.append(_margin(answer.score))
        retrieval.append(ranked[0][1] if ranked else -1.0)
        f1s.append(token_f1(answer.text, [a["text"] for a in row["answers"]]))
    return {"margins": np.array(margins), "retrieval": np.array(retrieval), "f1": np.array(f1s),
            "seconds": seconds}


def choose_floors(positives: dict, negatives: dict, max_rejected: float = MAX_REJECTED
                  ) -> tuple[float, float, float, float]:
    """(margin floor, retrieval floor, answerable rejected, wrong-article rejected): the pair of
    floors, each a low quantile of the answerable questions' values, that rejects the most
    wrong-article questions with at most `max_rejected` of the answerable ones rejected; the
    retrieval floor alone unless the margin floor adds `MARGIN_GAIN` to that."""
    best = alone = (-math.inf, -math.inf, 0.0, 0.0)  # alone: the retrieval floor only
    steps = np.linspace(0.0, max_rejected, 21)
    for q_margin in steps:
        for q_retrieval in steps:
            margin_floor = float(np.quantile(positives["margins"], q_margin)) if q_margin else -math.inf
            retrieval_floor = (float(np.quantile(positives["retrieval"], q_retrieval))
                               if q_retrieval else -math.inf)

            def rejected(run: dict) -> float:
                return float(((run["margins"] <= margin_floor)
                              | (run["retrieval"] < retrieval_floor)).mean())

            lost, caught = rejected(positives), rejected(negatives)
            if lost <= max_rejected and caught > best[3]:
                best = (margin_floor, retrieval_floor, lost, caught)
            if q_margin == 0 and lost <= max_rejected and caught > alone[3]:
                alone = (margin_floor, retrieval_floor, lost, caught)
    return best if best[3] - alone[3] >= MARGIN_GAIN else alone


def _decide(report: dict, settings: ReaderSettings, positives: dict, negatives: dict,
            out_dir: Path) -> dict:
    """Choose the floors, add them and their effect to `report`, write reader.json and
    calibration.json."""
    margin_floor, retrieval_floor, lost, caught = choose_floors(positives, negatives)
    settings = replace(settings, null_threshold=_rounded(margin_floor),
                       retrieval_floor=_rounded(retrieval_floor))
    answered = (positives["margins"] > margin_floor) & (positives["retrieval"] >= retrieval_floor)
    report.update({"chosen": asdict(settings), "answerable_rejected": lost,
                   "wrong_article_rejected": caught,
                   "f1_with_floors": float((positives["f1"] * answered).mean())})
    (out_dir / SETTINGS_FILE).write_text(json.dumps(asdict(settings), indent=1) + "\n",
                                         encoding="utf-8")
    (out_dir / "calibration.json").write_text(json.dumps(report, indent=1) + "\n",
                                              encoding="utf-8")
    return report


def rechoose(out_dir: Path) -> dict:
    """Choose the floors again from the per-question figures `calibrate` saved (no questions
    asked), after a change to the rule; rewrites reader.json and calibration.json."""
    report = json.loads((out_dir / "calibration.json").read_text(encoding="utf-8"))
    saved = report["per_question"]
    positives = {k: np.array(v) for k, v in saved["answerable"].items()}
    negatives = {k: np.array(v) for k, v in saved["wrong_article"].items()}
    return _decide(report, ReaderSettings(**report["chosen"]), positives, negatives, out_dir)


def calibrate(engine, dev_file: Path, out_dir: Path, limit: int | None = None,
              window_choices: tuple[tuple[int, int], ...] = WINDOW_CHOICES) -> dict:
    """Measure, choose and write `reader.json` next to the weights; returns the report."""
    rows = read_rows(str(dev_file), limit)
    articles, own = pseudo_articles(rows)
    engine.cache_size = max(engine.cache_size, len(articles) + 1)  # every one stays analysed
    for text in articles:
        engine.prepare(Article(text))
    reader = engine.reader()
    base = ReaderSettings.read(out_dir)
    report: dict = {"rows": len(rows), "pseudo_articles": len(articles), "windows": {}}
    runs = {}
    for top in window_choices:
        reader.options = replace(reader.options, top_windows=top[0], answer_sentences=top[1],
                                 null_threshold=-math.inf)
        runs[top] = _ask_all(engine, articles, rows, own)
        report["windows"][f"{top[0]} windows, {top[1] or 'any'} sentences"] = {
            "f1": float(runs[top]["f1"].mean()),
            "latency_ms_p50": 1000 * percentile(runs[top]["seconds"], 50),
            "latency_ms_p95": 1000 * percentile(runs[top]["seconds"], 95)}
        logger.info("windows %s: %s", top, runs[top]["f1"].mean())
    best_f1 = max(r["f1"].mean() for r in runs.values())
    top = min((t for t in window_choices if runs[t]["f1"].mean() >= best_f1 - F1_TOLERANCE),
              key=lambda t: (t[0], t[1]))  # fewest windows: the fastest of the near-best
    reader.options = replace(reader.options, top_windows=top[0], answer_sentences=top[1],
                             null_threshold=-math.inf)
    other = [(k + 1) % len(articles) for k in own]
    negatives = _ask_all(engine, articles, rows, other)
    report["per_question"] = {  # to study other rules without asking again
        "answerable": {k: runs[top][k].round(4).tolist() for k in ("margins", "retrieval", "f1")},
        "wrong_article": {k: negatives[k].round(4).tolist() for k in ("margins", "retrieval")},
    }
    settings = replace(base, top_windows=top[0], answer_sentences=top[1])
    return _decide(report, settings, runs[top], negatives, out_dir)
