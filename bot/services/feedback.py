"""Readers' feedback on answers, as plain data: a question's kind, and a correction matched to
the article's words. No aiogram, no SQL: the handlers, the CLI and the tests share these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The kinds `eval natural` reports (bot/evaluation/data/natural_questions.jsonl), by the
# question word; «какой» covers каков/который, «другое» the rest (a yes/no question).
KINDS = ("сколько", "кто", "когда", "где", "почему", "какой", "что", "как", "другое")
_KIND_WORDS = (
    ("сколько", r"сколько|скока|скольк\w*|насколько"),
    ("почему", r"почему|зачем|отчего|из-за чего|за что|с какой целью|по какой причине"),
    ("когда", r"когда|в каком году|какого числа|в какой день|в какое время|с каких пор"),
    ("где", r"где|куда|откуда|в каком месте|в какой стране|в каком городе"),
    ("кто", r"кто|кого|кому|кем|ком|чей|чья|чьё|чье|чьи"),
    ("какой", r"как\w{2,3}|каков\w*|котор\w+"),
    ("как", r"как"),
    ("что", r"что|чего|чему|чем|чём"),
)
_KIND_PATTERNS = [(kind, re.compile(rf"(?<![\w-])(?:{words})(?![\w-])"))
                  for kind, words in _KIND_WORDS]

# A kind as one Latin letter, for a button's data where nothing is stored to look it up in (a
# chat that does not learn): stable codes, never positions in KINDS, so old buttons keep theirs.
KIND_CODES = {"сколько": "n", "кто": "w", "когда": "t", "где": "p", "почему": "y",
              "какой": "q", "что": "s", "как": "h", "другое": "o"}
KIND_BY_CODE = {code: kind for kind, code in KIND_CODES.items()}

# What a user writes to say the article does not answer the question (normalised).
NOT_IN_ARTICLE = frozenset({
    "нет в статье", "в статье нет", "в статье этого нет", "этого нет в статье", "этого нет",
    "нет", "нет ответа", "ответа нет", "ответа нет в статье", "в статье ответа нет",
    "в статье не сказано", "в статье об этом нет", "не сказано", "не написано",
})


def question_kind(question: str) -> str:
    """The question's kind by its first question word («Сколько лет…» -> «сколько»)."""
    text = question.lower().replace("ё", "е")
    found = [(match.start(), kind) for kind, pattern in _KIND_PATTERNS
             if (match := pattern.search(text))]
    if not found:
        return "другое"
    first = min(at for at, _ in found)
    # «Как долго», «в каком году»: the longer phrase at the same place wins (listed first)
    return next(kind for at, kind in found if at == first)


def normalized(text: str) -> tuple[str, list[int]]:
    """`text` lower-cased, «ё» as «е», every run of spaces and punctuation one space, and for
    each character of that the offset of its source character in `text`."""
    out: list[str] = []
    where: list[int] = []
    gap = False
    for at, char in enumerate(text):
        if char.isalnum():
            if gap and out:
                out.append(" ")
                where.append(at - 1)
            gap = False
            out.append("е" if char in "ёЁ" else char.lower())
            where.append(at)
        else:
            gap = True
    return "".join(out), where


def says_not_in_article(reply: str) -> bool:
    """«нет в статье» (or «в статье этого нет», «нет»…): the article does not answer."""
    return normalized(reply)[0] in NOT_IN_ARTICLE


@dataclass(frozen=True, slots=True)
class Span:
    start: int  # offsets into the article's text
    stop: int

    def of(self, text: str) -> str:
        return text[self.start:self.stop]


def match_phrase(article: str, phrase: str, near: tuple[int, int] = (-1, -1)) -> Span | None:
    """Where `phrase` occurs in `article` as whole words, ignoring case, «ё», spaces and
    punctuation: of all occurrences the nearest to the evidence sentence `near` (start, stop;
    -1 when unknown), then the shortest; None when it does not occur."""
    wanted = normalized(phrase)[0]
    if not wanted:
        return None
    text, where = normalized(article)
    found: list[tuple[int, int, Span]] = []
    at = text.find(wanted)
    while at >= 0:
        stop = at + len(wanted)
        if (at == 0 or text[at - 1] == " ") and (stop == len(text) or text[stop] == " "):
            span = Span(where[at], where[stop - 1] + 1)
            found.append((_distance(span, near), span.stop - span.start, span))
        at = text.find(wanted, at + 1)
    if not found:
        return None
    return min(found, key=lambda item: (item[0], item[1], item[2].start))[2]


def _distance(span: Span, near: tuple[int, int]) -> int:
    """Characters between the span and the sentence (0 inside or touching it; 0 when there is
    no sentence to be near: the first occurrence wins)."""
    start, stop = near
    if start < 0:
        return 0
    if span.stop <= start:
        return start - span.stop
    if span.start >= stop:
        return span.start - stop
    return 0


def evidence_span(article: str, evidence: str, answer_start: int = -1) -> tuple[int, int]:
    """The evidence sentence's place in the article: around the answer's offset when there is
    one, else its first occurrence; (-1, -1) when it cannot be found."""
    if not evidence:
        return (answer_start, answer_start) if answer_start >= 0 else (-1, -1)
    at = -1
    if answer_start >= 0:
        at = article.rfind(evidence, 0, answer_start + 1)
        if at >= 0 and at + len(evidence) < answer_start:
            at = -1
    if at < 0:
        at = article.find(evidence)
    return (at, at + len(evidence)) if at >= 0 else (-1, -1)
