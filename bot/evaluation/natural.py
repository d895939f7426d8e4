"""Questions as users type them (bot/evaluation/data/natural_questions.jsonl): right or not.

SQuAD-style F1 rewards a span for sharing words with the gold one; a user judges an answer as
right or wrong. So each answer here is judged: right when it holds (nearly) all of an accepted
answer's words and is mostly made of them (word stems, so «Денису Муквеге» and «Денис Муквеге»
are the same answer, and a case the question asks for is not a miss); for a question the text
does not answer, right when the bot says so. Questions are asked in the order written, each with
the one before it as the chat's previous turn, as the bot asks them, so a follow-up («а когда
это было?») is read with its conversation and a question that is not one must not be misled.

Each line of the file is an article: {"id", "part" ("dev", "dev2" or "test"), "text",
"questions": [{"question", "answers" ([] when the text does not answer), "kind", "follows"}]}.
"test" is the part nothing is ever chosen on: report it, do not tune on it; "dev" and "dev2"
(a second set by other writers, data/README.md) may be chosen on.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.evaluation.common import read_jsonl
from models.core.errors import EngineError
from models.core.types import Answer, Article, Engine, Turn
from models.metrics import percentile, token_f1

logger = logging.getLogger(__name__)

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "natural_questions.jsonl"
PARTS = ("dev", "dev2", "test")
STEM = 5  # Russian words compared by their lemmas' first letters: case endings do not matter
MIN_RECALL = 0.75  # share of an accepted answer's words the answer must hold
MIN_PRECISION = 0.5  # share of the answer's words that must belong to that accepted answer
_WORD = re.compile(r"\w+", re.UNICODE)
# words that neither make nor break an answer: prepositions, conjunctions, particles
_FUNCTION_WORDS = frozenset(
    "в во на о об обо с со к ко по за из от до у и а но или же ли не для при под над про через "
    "что как это".split())


@functools.cache
def _lemma(word: str) -> str:
    """pymorphy's lemma («павла» -> «павел»), cut to its stem: a case ending never decides."""
    from models.text.toolkit import load_toolkit

    parses = load_toolkit().morph_vocab.parse(word)
    return (parses[0].normal_form if parses else word).replace("ё", "е")[:STEM]


def answer_words(text: str) -> list[str]:
    """The answer's content words, lower-cased, «ё» as «е», as their lemmas' stems."""
    words = _WORD.findall(text.lower().replace("ё", "е"))
    return [_lemma(w) for w in words if w not in _FUNCTION_WORDS]


def matches(answer: str, accepted: str) -> bool:
    """Whether `answer` gives the accepted answer: holds MIN_RECALL of its words and is at least
    MIN_PRECISION made of them (a whole sentence around a name is not an answer)."""
    said, wanted = answer_words(answer), answer_words(accepted)
    if not said or not wanted:
        return False
    pool = list(said)
    held = 0
    for word in wanted:
        if word in pool:
            pool.remove(word)
            held += 1
    return held / len(wanted) >= MIN_RECALL and held / len(said) >= MIN_PRECISION


@dataclass(frozen=True, slots=True)
class Judged:
    """One question, the bot's answer to it and the verdict."""

    article: str
    part: str
    question: str
    kind: str
    follow_up: bool
    answerable: bool
    answer: str
    sentence: str
    right: bool
    f1: float
    seconds: float
    score: float = 0.0  # the engine's confidence in its answer (or in "no answer")
    expected: str = ""  # the first accepted answer, for the table

    @property
    def verdict(self) -> str:
        """right; or what went wrong: a false «этого нет», a wrong span, an invented answer."""
        if self.right:
            return "right"
        if self.answerable:
            return "false_no_answer" if not self.answer else "wrong_span"
        return "answered_unanswerable"


def judge(row: dict[str, Any], part: str, question: dict[str, Any], answer: Answer | None,
          seconds: float) -> Judged:
    accepted = [str(a) for a in question.get("answers") or []]
    text = answer.shown if answer is not None else ""  # what the user reads
    if accepted:
        right = any(matches(text, a) for a in accepted)
    else:
        right = answer is not None and not answer.found
    return Judged(article=str(row["id"]), part=part, question=str(question["question"]),
                  kind=str(question.get("kind") or "другое"),
                  follow_up=question.get("follows") is not None, answerable=bool(accepted),
                  answer=text, sentence=answer.sentence if answer is not None else "",
                  right=right, f1=token_f1(text, accepted) if accepted else float(right),
                  seconds=seconds, score=answer.score if answer is not None else 0.0,
                  expected=accepted[0] if accepted else "")


def ask_article(engine: Engine, row: dict[str, Any]) -> list[Judged]:
    """Ask the article's questions in order, each with the previous one as its turn before."""
    article = Article(str(row["text"]))
    part = str(row.get("part") or "dev")
    read = getattr(engine, "prepare", None)
    if read is not None:
        read(article)
    judged: list[Judged] = []
    previous: Turn | None = None
    for question in row["questions"]:
        started = time.perf_counter()
        try:
            answer: Answer | None = engine.answer(article, str(question["question"]),
                                                  previous=previous)
        except EngineError as error:
            logger.warning("question failed: %r", error)
            answer = None
        seconds = time.perf_counter() - started
        judged.append(judge(row, part, question, answer, seconds))
        previous = Turn(str(question["question"]), answer.text if answer else "",
                        answer.sentence if answer else "")
    return judged


def _shares(items: list[Judged]) -> dict[str, Any]:
    answerable = [j for j in items if j.answerable]
    unanswerable = [j for j in items if not j.answerable]

    def share(part: list[Judged], verdict: str | None = None) -> float:
        if not part:
            return 0.0
        hits = sum(j.right if verdict is None else j.verdict == verdict for j in part)
        return hits / len(part)

    return {
        "questions": len(items),
        "right": share(items),
        "answerable": len(answerable),
        "answerable_right": share(answerable),
        "answerable_f1": sum(j.f1 for j in answerable) / len(answerable) if answerable else 0.0,
        "false_no_answer": share(answerable, "false_no_answer"),
        "wrong_span": share(answerable, "wrong_span"),
        "unanswerable": len(unanswerable),
        "unanswerable_rejected": share(unanswerable),
    }


def summarize_judged(judged: list[Judged]) -> dict[str, Any]:
    """The figures of a list of judged questions: overall, follow-ups, and per kind."""
    report = _shares(judged)
    follow_ups = [j for j in judged if j.follow_up]
    report["follow_ups"] = {"questions": len(follow_ups),
                            "right": _shares(follow_ups)["right"] if follow_ups else 0.0}
    kinds: dict[str, list[Judged]] = defaultdict(list)
    for j in judged:
        kinds[j.kind].append(j)
    report["by_kind"] = {kind: f"{sum(j.right for j in items)}/{len(items)}"
                         for kind, items in sorted(kinds.items())}
    seconds = [j.seconds * 1000 for j in judged]
    report["latency_ms_p50"] = percentile(seconds, 50)
    report["latency_ms_p95"] = percentile(seconds, 95)
    return report


def run_natural_eval(path: Path, engine: Engine, parts: tuple[str, ...] = PARTS
                     ) -> tuple[dict[str, Any], list[Judged]]:
    """Score `engine` on the natural questions of `path`, per part; returns the report and the
    judged questions (for the per-question table)."""
    rows = [row for row in read_jsonl(Path(path)) if str(row.get("part") or "dev") in parts]
    if not rows:
        raise EngineError(f"{path} holds no articles of the parts {', '.join(parts)}")
    judged = [j for row in rows for j in ask_article(engine, row)]
    report: dict[str, Any] = {"articles": len(rows)}
    for part in parts:
        mine = [j for j in judged if j.part == part]
        if mine:
            report[part] = summarize_judged(mine)
    return report, judged


def table(judged: list[Judged]) -> str:
    """One line per question: verdict, part, kind, question, answer (or —), evidence start."""
    lines = []
    for j in judged:
        mark = {"right": "ok", "false_no_answer": "NO?", "wrong_span": "WRONG",
                "answered_unanswerable": "INVENTED"}[j.verdict]
        wanted = "" if j.right else f"  (ждали: {j.expected or '—'})"
        lines.append(f"{mark:8} {j.part:4} {j.kind:7} {j.score:.2f} "
                     f"{'↪ ' if j.follow_up else ''}{j.question} → {j.answer or '—'}{wanted}"
                     f"  [{j.sentence[:70]}]")
    return "\n".join(lines)


def choose_floors(path: Path, engine: Any,
                  shifts: tuple[float, ...] = (0.0, 0.03, 0.06, 0.1, 0.15, 0.25),
                  margins: tuple[float, ...] = (-1e9, -4.6, -2.2, -1.4, 0.0),
                  parts: tuple[str, ...] = ("dev", "dev2")) -> list[dict[str, Any]]:
    """The no-answer floors as the natural questions' choosing parts would choose them (never
    the test part): each retrieval-floor shift (the floors in reader.json lowered by it) is run
    once, each reader margin (`null_threshold`) applied to its answers' scores (a margin m is
    a score of 1 / (1 + e^-m)); one row per pair with each part's share right, best mean
    first, so a floor is chosen only where it helps both sets of writers."""
    import math
    from dataclasses import replace

    base = engine.settings()
    rows = []
    for shift in shifts:
        engine.reader_settings = replace(
            base, retrieval_floor=base.retrieval_floor - shift,
            short_question_floors=tuple(f - shift for f in base.short_question_floors),
            null_threshold=-1e9)
        engine._reader = None  # rebuilt with the settings above
        _, judged = run_natural_eval(path, engine, parts)
        for margin in margins:
            floor = 1.0 / (1.0 + math.exp(-max(-50.0, margin)))
            row: dict[str, Any] = {"floor_shift": shift, "null_threshold": margin}
            for part in parts:
                mine = [j for j in judged if j.part == part]
                right = sum((j.right and (j.score >= floor or not j.answer)) if j.answerable
                            else (not j.answer or j.score < floor) for j in mine)
                row[part] = right / max(1, len(mine))
            row["right"] = sum(row[part] for part in parts) / len(parts)
            rows.append(row)
    engine.reader_settings, engine._reader = base, None
    return sorted(rows, key=lambda row: -row["right"])
