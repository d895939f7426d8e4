"""An engine wrapper for tests of routing only: which article did a question reach?

It summarises with the real engine it wraps, but its `answer` names the article's title
instead of answering, so a test can tell exactly which article the bot picked. Use it only
where routing is under test; answers themselves are tested with the real engine.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from models.core.types import Answer, Article, Engine, Length, Summary, Turn


class TitleEchoEngine:

    def __init__(self, real: Engine) -> None:
        self.real = real
        self.name = real.name  # its summaries are the real engine's: share their cache
        self.questions: list[tuple[str, str]] = []  # (article title, question)
        self.previous: list[Turn | None] = []  # the turn each question was asked with

    def summarize(self, article: Article, *, length: Length = Length.SHORT) -> Summary:
        return self.real.summarize(article, length=length)

    def answer(self, article: Article, question: str, *, previous: Turn | None = None) -> Answer:
        self.questions.append((article.title, question))
        self.previous.append(previous)
        sentence = article.text.split("\n", 1)[0]
        return Answer(text=f"статья {article.title}", sentence=sentence, start=0,
                      stop=len(sentence), score=1.0, engine=self.name)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.real.embed(texts)


class FailingEngine(TitleEchoEngine):
    """Fails the way a bug would (not an EngineError): the user must still get an apology."""

    def answer(self, article: Article, question: str, *, previous: Turn | None = None) -> Answer:
        raise RuntimeError("boom")


class BlockingEngine(TitleEchoEngine):
    """Answers only when `release` is set: holds the one worker, as a slow article would;
    with `block_summaries`, summarises only then too."""

    def __init__(self, real: Engine, *, block_summaries: bool = False) -> None:
        super().__init__(real)
        self.release = threading.Event()
        self.started = threading.Event()
        self.block_summaries = block_summaries

    def summarize(self, article: Article, *, length: Length = Length.SHORT) -> Summary:
        if self.block_summaries:
            self.started.set()
            self.release.wait(10)
        return super().summarize(article, length=length)

    def answer(self, article: Article, question: str, *, previous: Turn | None = None) -> Answer:
        self.started.set()
        self.release.wait(10)
        return super().answer(article, question, previous=previous)
