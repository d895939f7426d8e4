"""Summary evaluation on news with headlines: how much of the headline a summary recovers.

The data (`nerel_wikinews_ru`) has no reference summaries, but each text starts with its
headline, which a good short summary of the rest should restate. With the headline line removed
from the input, a text's score is the share of the headline's content lemmas (nouns, proper
nouns, verbs, adjectives, numerals; no stop words) found among the summary's lemmas. The
lead-2 and lead-3 baselines (the first sentences of the same analysed text) are scored by the
same code, so the comparison is like for like; lengths are in characters.
"""

from __future__ import annotations

import logging
import statistics
import time
from pathlib import Path
from typing import Any

from bot.evaluation.common import read_jsonl
from models.core.errors import EngineError
from models.core.types import Article, Engine
from models.metrics import percentile
from models.text.toolkit import NlpToolkit, load_toolkit

logger = logging.getLogger(__name__)

CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}
STOP_LEMMAS = {
    "быть", "стать", "мочь", "весь", "свой", "который", "этот", "тот", "такой", "это", "год",
    "один", "новый", "сам", "иметь", "сказать", "другой", "самый", "наш", "ваш", "её", "его",
}
BASELINES = (2, 3)


def lemmas(text: str, toolkit: NlpToolkit) -> list[tuple[str, str]]:
    """(lemma, pos) for every token of `text`, lemmas lower-cased."""
    return [((t.lemma or t.text).lower(), t.pos or "X") for t in toolkit.tag(text).tokens]


def content_lemmas(text: str, toolkit: NlpToolkit) -> set[str]:
    """The lemmas that carry a headline's content."""
    return {
        lemma for lemma, pos in lemmas(text, toolkit)
        if pos in CONTENT_POS and lemma not in STOP_LEMMAS and any(c.isalnum() for c in lemma)
    }


def coverage(headline: set[str], summary: str, toolkit: NlpToolkit) -> float:
    """Share of the headline's content lemmas found among the summary's lemmas."""
    found = {lemma for lemma, _ in lemmas(summary, toolkit)}
    return len(headline & found) / len(headline)


def split_headline(row: dict[str, Any]) -> tuple[str, str]:
    """(headline, body): the first line of `text` is the headline; the body is the rest."""
    headline, _, body = row["text"].partition("\n")
    return row.get("title") or headline.strip(), body


def _lead_sentences(engine: Engine, article: Article, toolkit: NlpToolkit) -> list[str]:
    """The body's sentences as the embedded analysis sees them (prose only)."""
    analyze = getattr(engine, "analyze", None)
    if analyze is not None:
        doc = analyze(article)
    else:
        from models.text.analysis import analyze as analyze_article

        doc = analyze_article(article, toolkit)
    return [s.text for s in doc.sentences]


def score_row(row: dict[str, Any], engine: Engine, toolkit: NlpToolkit) -> dict[str, Any] | None:
    """One text's scores (summary and lead baselines), or None when it cannot be scored."""
    headline, body = split_headline(row)
    target = content_lemmas(headline, toolkit)
    if not target:
        return None
    article = Article(body)
    started = time.perf_counter()
    try:
        summary = engine.summarize(article)
    except EngineError as error:
        logger.warning("text %s: %s", row.get("id"), error)
        return None
    seconds = time.perf_counter() - started
    result = {
        "id": row.get("id"),
        "split": row.get("split"),
        "coverage": coverage(target, summary.text, toolkit),
        "chars": len(summary.text),
        "sentences": len(summary.sentences),
        "seconds": seconds,
    }
    sentences = _lead_sentences(engine, article, toolkit)
    for k in BASELINES:
        lead = " ".join(sentences[:k])
        result[f"lead{k}_coverage"] = coverage(target, lead, toolkit)
        result[f"lead{k}_chars"] = len(lead)
    return result


def aggregate(scores: list[dict[str, Any]], skipped: int) -> dict[str, Any]:
    """Mean coverage, median length and latency over the scored texts."""
    if not scores:
        return {"texts": 0, "skipped": skipped}
    report: dict[str, Any] = {
        "texts": len(scores),
        "skipped": skipped,
        "coverage_mean": statistics.fmean(s["coverage"] for s in scores),
        "chars_median": statistics.median(s["chars"] for s in scores),
        "chars_max": max(s["chars"] for s in scores),
        "sentences_mean": statistics.fmean(s["sentences"] for s in scores),
        "latency_p50_s": percentile([s["seconds"] for s in scores], 50),
        "latency_p95_s": percentile([s["seconds"] for s in scores], 95),
    }
    for k in BASELINES:
        report[f"lead{k}_coverage_mean"] = statistics.fmean(s[f"lead{k}_coverage"] for s in scores)
        report[f"lead{k}_chars_median"] = statistics.median(s[f"lead{k}_chars"] for s in scores)
    return report


def run_summary_eval(path: Path | str, engine: Engine, limit: int | None = None) -> dict[str, Any]:
    """Summarise every text of `path` (headline removed) and score it against the headline."""
    toolkit = load_toolkit()
    scores: list[dict[str, Any]] = []
    skipped = 0
    for row in read_jsonl(Path(path), limit):
        result = score_row(row, engine, toolkit)
        if result is None:
            skipped += 1
        else:
            scores.append(result)
    report = aggregate(scores, skipped)
    splits = sorted({s["split"] for s in scores if s["split"]})
    if len(splits) > 1:
        # Weights were tuned on `train`: `dev` is the honest figure.
        report["by_split"] = {split: _split_summary([s for s in scores if s["split"] == split])
                              for split in splits}
    return report


def _split_summary(scores: list[dict[str, Any]]) -> dict[str, Any]:
    """Coverage and median length of one split, with its lead baselines."""
    full = aggregate(scores, 0)
    keys = ["texts", "coverage_mean", "chars_median"] + [
        f"lead{k}_{name}" for k in BASELINES for name in ("coverage_mean", "chars_median")
    ]
    return {key: full[key] for key in keys}
