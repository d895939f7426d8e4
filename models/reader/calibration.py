"""Choosing how the reader is used, on SberQuAD dev rows only (never on ../shared/eval).

Users ask about whole articles, not single paragraphs, so the dev paragraphs are joined into
pseudo-articles of `PARAGRAPHS_PER_ARTICLE` (in file order) and each dev question is asked
twice through the real engine (retrieval, then the reader): against its own pseudo-article
(answerable) and against the next one (not answerable: a question about another article).
From that: how many windows the reader reads (`top_windows`: F1 against time) and the
no-answer threshold on the reader's margin (best span score minus the no-answer score): the
lowest margin that keeps `MAX_REJECTED` of answerable questions or fewer rejected.
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

logger = logging.getLogger(__name__)

PARAGRAPHS_PER_ARTICLE = 6
MAX_REJECTED = 0.02  # answerable questions the threshold may turn away (the target is 3%)
WINDOW_CHOICES = (1, 2, 3)
F1_TOLERANCE = 0.005  # fewer windows win unless more windows add at least this much F1


def pseudo_articles(rows: list[dict]) -> tuple[list[str], list[int]]:
    """Dev paragraphs joined into articles; returns the articles and each row's article."""
    paragraphs = list(dict.fromkeys(row["context"] for row in rows))
    group = {p: i // PARAGRAPHS_PER_ARTICLE for i, p in enumerate(paragraphs)}
    articles = ["\n\n".join(paragraphs[k:k + PARAGRAPHS_PER_ARTICLE])
                for k in range(0, len(paragraphs), PARAGRAPHS_PER_ARTICLE)]
    return articles, [group[row["context"]] for row in rows]


def _margin(score: float) -> float:
    """The reader's Answer.score is sigmoid(margin): invert it."""
    score = min(max(score, 1e-12), 1 - 1e-12)
    return math.log(score / (1 - score))


def _ask_all(engine, articles: list[str], rows: list[dict], which: list[int]) -> dict:
    margins, f1s, seconds = [], [], []
    for row, k in zip(rows, which):
        started = time.perf_counter()
        answer = engine.answer(Article(articles[k]), row["question"])
        seconds.append(time.perf_counter() - started)
        margins.append(_margin(answer.score))
        f1s.append(token_f1(answer.text, [a["text"] for a in row["answers"]]))
    return {"margins": np.array(margins), "f1": np.array(f1s), "seconds": seconds}


def calibrate(engine, dev_file: Path, out_dir: Path, limit: int | None = None) -> dict:
    """Measure, choose and write `reader.json` next to the weights; returns the report."""
    rows = [json.loads(line) for line in dev_file.read_text(encoding="utf-8").splitlines()
            if line.strip()][:limit]
    articles, own = pseudo_articles(rows)
    for text in articles:
        engine.prepare(Article(text))
    reader = engine.reader()
    base = ReaderSettings.read(out_dir)
    report: dict = {"rows": len(rows), "pseudo_articles": len(articles), "windows": {}}
    runs = {}
    for top in WINDOW_CHOICES:
        reader.options = replace(reader.options, top_windows=top, null_threshold=-math.inf)
        runs[top] = _ask_all(engine, articles, rows, own)
        report["windows"][top] = {"f1": float(runs[top]["f1"].mean()),
                                  "latency_ms_p50": 1000 * percentile(runs[top]["seconds"], 50),
                                  "latency_ms_p95": 1000 * percentile(runs[top]["seconds"], 95)}
        logger.info("top_windows=%d: %s", top, report["windows"][top])
    best_f1 = max(r["f1"].mean() for r in runs.values())
    top = min(t for t in WINDOW_CHOICES if runs[t]["f1"].mean() >= best_f1 - F1_TOLERANCE)
    reader.options = replace(reader.options, top_windows=top, null_threshold=-math.inf)
    other = [(k + 1) % len(articles) for k in own]
    negatives = _ask_all(engine, articles, rows, other)
    positives = runs[top]["margins"]
    threshold = float(np.quantile(positives, MAX_REJECTED))
    settings = replace(base, top_windows=top, null_threshold=round(threshold, 3))
    reader.options = replace(reader.options, top_windows=top, null_threshold=threshold)
    answered = positives > threshold
    report.update({
        "chosen": asdict(settings),
        "answerable_rejected": float(1 - answered.mean()),
        "wrong_article_rejected": float((negatives["margins"] <= threshold).mean()),
        "f1_with_threshold": float((runs[top]["f1"] * answered).mean()),
    })
    (out_dir / SETTINGS_FILE).write_text(json.dumps(asdict(settings), indent=1) + "\n",
                                         encoding="utf-8")
    (out_dir / "calibration.json").write_text(json.dumps(report, indent=1) + "\n",
                                              encoding="utf-8")
    return report
