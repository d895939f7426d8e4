"""The one interface every NLP engine implements, and the plain data it speaks.

Everything outside `models/` (the bot, the CLI, the digest) talks to an engine only through
`Engine` and these dataclasses, so the engines can be swapped by configuration.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

_SPACES = re.compile(r"\s+")


class Length(StrEnum):
    """How long a summary the user asked for."""

    SHORT = "short"
    MEDIUM = "medium"
    LONG = "long"


def normalize_for_hash(text: str) -> str:
    """Collapse whitespace and case, so the same article pasted twice hashes the same."""
    return _SPACES.sub(" ", text).strip().casefold()


@dataclass(frozen=True, slots=True)
class Article:
    """An article as the user sent it; `text` is never modified, all offsets point into it."""

    text: str
    title: str = ""

    @property
    def hash(self) -> str:
        """Stable id of the article's content: the cache key for summaries and vectors."""
        return hashlib.sha256(normalize_for_hash(self.text).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of `Article.text`: `text == article.text[start:stop]`."""

    start: int
    stop: int
    text: str


@dataclass(frozen=True, slots=True)
class Summary:
    """A summary and what it was made from.

    `sentences` are the summary's sentences in reading order; for an extractive summary each is
    also in `sources` (its place in the article). `names` and `numbers` are the key named
    entities and figures of the article, most important first, for the "key facts" line.
    """

    text: str
    sentences: tuple[str, ...]
    sources: tuple[Span, ...] = ()
    names: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    abstractive: bool = False
    engine: str = ""


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer to a question about an article.

    `text` is "" when the article does not answer the question; `reason` then says why
    (for logs and the CLI, not for users). `start`/`stop` are character offsets of `text`
    in `Article.text` (both 0 when there is no answer); `sentence` is the evidence sentence.
    `form` is the answer in the form the question asks for when it differs from the article's
    words («Денис Муквеге» for «кто получил премию?» where the text says «Денису Муквеге»);
    `shown` is what a reader is told, the quote below it keeps the article's own words.
    """

    text: str
    sentence: str
    start: int
    stop: int
    score: float
    reason: str = ""
    engine: str = ""
    form: str = ""

    @property
    def shown(self) -> str:
        return self.form or self.text

    @property
    def found(self) -> bool:
        return bool(self.text)

    @classmethod
    def none(cls, reason: str, *, score: float = 0.0, sentence: str = "", engine: str = "") -> Answer:
        return cls(text="", sentence=sentence, start=0, stop=0, score=score, reason=reason,
                   engine=engine)


@dataclass(frozen=True, slots=True)
class Turn:
    """The chat's previous question about the same article and what the bot answered: a
    follow-up («а когда это было?», «а в питере?») is read with it."""

    question: str
    answer: str = ""
    sentence: str = ""


@runtime_checkable
class Engine(Protocol):
    """A summariser and question answerer over one article at a time.

    Engines are synchronous and may be slow: callers run them off the event loop.
    They are safe to call from one worker thread at a time per engine instance.
    """

    name: str

    def summarize(self, article: Article, *, length: Length = Length.SHORT) -> Summary:
        """Summarise `article`; SHORT is at most 3 sentences and 450 characters."""
        ...

    def answer(self, article: Article, question: str, *, previous: Turn | None = None) -> Answer:
        """Answer `question` from `article`: the shortest span that answers, or `Answer.none`.
        `previous` is the chat's last question about it, for follow-ups that lean on it."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised vectors, one row per text (for grouping stories in digests)."""
        ...
