"""QA evaluation on SQuAD-style JSON lines (XQuAD-ru): EM, token F1, evidence, no-answer, latency.

Each row's context is the article. The engine first reads each article once (timed apart, when
the engine exposes `prepare` or `analyze`), so the per-question latency is that of a follow-up question about
an article already read. "evidence" is the share of questions whose evidence sentence holds the
gold answer. Negatives: each question is also asked against a different article (the next one in
the file); a good engine answers "no answer" there, and `negatives_rejected` is that share.
"""

from __future__ import annotations

import logging
import re
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bot.evaluation.common import read_jsonl
from models.core.errors import EngineError
from models.core.types import Answer, Article, Engine
from models.metrics import exact_match, holds_gold, percentile, token_f1

logger = logging.getLogger(__name__)

NEGATIVES = 200  # questions asked against the wrong article (spread over the file)
# The question word decides what kind of answer is wanted; figures are reported per kind so a
# change that helps one kind and hurts another shows. First match in the question wins.
QUESTION_KINDS = (
    ("сколько", re.compile(r"\bсколько\b")),
    ("когда", re.compile(r"\bкогда\b|\bв как\w+ (году|веке|месяце|день)\b")),
    ("где", re.compile(r"\b(где|куда|откуда)\b")),
    ("кто", re.compile(r"\b(кто|кого|кому|кем|ком)\b")),
    ("почему", re.compile(r"\b(почему|зачем|отчего)\b")),
    ("какой", re.compile(r"\b(как(ой|ая|ое|ие|ого|ому|им|их|ими|ую|ов|ова|ово|овы))\b")),
    ("как", re.compile(r"\bкак\b")),
    ("что", re.compile(r"\b(что|чего|чему|чем|чём)\b")),
)


def question_kind(question: str) -> str:
    """The kind of question by its question word («сколько», «когда», ... or «другое»)."""
    text = question.lower().replace("ё", "е")
    hits = [(m.start(), kind) for kind, rx in QUESTION_KINDS if (m := rx.search(text))]
    return min(hits)[1] if hits else "другое"


def _holds_gold(answer: Answer, context: str, golds: list[dict[str, Any]]) -> bool:
    """Whether the evidence sentence contains a gold answer: at the gold's offsets when the
    sentence is found in the context where the answer stands, else (no answer given, or a
    sentence text the cleaning changed) by the answer's text."""
    if not answer.sentence:
        return False
    if answer.found and answer.sentence in context:
        return holds_gold(context, answer.sentence, answer.start, golds)
    return any(g["text"] in answer.sentence for g in golds)


def _ask(engine: Engine, article: Article, question: str) -> tuple[Answer | None, float]:
    started = time.perf_counter()
    try:
        answer = engine.answer(article, question)
    except EngineError as error:
        logger.warning("question failed: %r", error)
        return None, time.perf_counter() - started
    return answer, time.perf_counter() - started


def run_qa_eval(path: Path, engine: Engine, limit: int | None = None,
                negatives: int = NEGATIVES) -> dict[str, Any]:
    """Score `engine` on the QA rows of `path` (first `limit` rows); returns a flat report.

    Figures are fractions (0..1) except latencies, in milliseconds. `negatives` questions (0 to
    skip) are asked against another article to measure how often "no answer" is given there.
    """
    rows = list(read_jsonl(Path(path), limit))
    if not rows:
        raise EngineError(f"{path} holds no rows")
    contexts = list(dict.fromkeys(row["context"] for row in rows))
    # `prepare` reads an article and computes its sentence vectors; `analyze` may leave them lazy.
    read = getattr(engine, "prepare", None) or getattr(engine, "analyze", None)
    read_ms: list[float] = []
    if callable(read):
        for context in contexts:
            started = time.perf_counter()
            read(Article(context))
            read_ms.append(1000 * (time.perf_counter() - started))
    em = f1 = evidence = unanswered = failed = 0.0
    latency: list[float] = []
    kinds: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])  # count, EM, F1
    for row in rows:
        golds = row["answers"]
        answer, seconds = _ask(engine, Article(row["context"]), row["question"])
        latency.append(1000 * seconds)
        if answer is None:
            failed += 1
            continue
        texts = [g["text"] for g in golds]
        row_em, row_f1 = exact_match(answer.text, texts), token_f1(answer.text, texts)
        em += row_em
        f1 += row_f1
        kind = kinds[question_kind(row["question"])]
        kind[0] += 1
        kind[1] += row_em
        kind[2] += row_f1
        evidence += _holds_gold(answer, row["context"], golds)
        unanswered += not answer.found
    count = len(rows)
    report: dict[str, Any] = {
        "questions": count,
        "articles": len(contexts),
        "exact_match": em / count,
        "f1": f1 / count,
        "evidence_hit": evidence / count,
        "no_answer_rate": unanswered / count,
        "errors": int(failed),
        "latency_ms_p50": percentile(latency, 50),
        "latency_ms_p95": percentile(latency, 95),
    }
    if read_ms:
        report["article_read_ms_p50"] = percentile(read_ms, 50)
    report["by_question_kind"] = {
        name: {"questions": int(n), "exact_match": e / n, "f1": f / n}
        for name, (n, e, f) in sorted(kinds.items(), key=lambda item: -item[1][0])}
    if negatives and len(contexts) > 1:
        report.update(_negatives(engine, rows, contexts, negatives))
    return report


def _negatives(engine: Engine, rows: list[dict[str, Any]], contexts: list[str],
               wanted: int) -> dict[str, Any]:
    """Ask questions against the next article in the file; count how many get no answer."""
    step = max(1, len(rows) // wanted)
    picked = rows[::step][:wanted]
    rejected = 0
    for row in picked:
        other = contexts[(contexts.index(row["context"]) + 1) % len(contexts)]
        answer, _ = _ask(engine, Article(other), row["question"])
        rejected += answer is not None and not answer.found
    return {"negatives": len(picked), "negatives_rejected": rejected / len(picked)}
