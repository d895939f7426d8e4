"""Engine calls as the bot makes them: off the event loop, summaries cached by article hash.

The same article forwarded by many people (or pasted twice) is summarised once per length and
engine; the cache row holds only engine output, so sharing it across chats leaks nothing.

Where the model work runs is a `ModelCalls`: `LocalModels` (this process's engine, in the
bounded executor) or `bot.distributed.remote_models.RemoteModels` (workers, through a task
queue); the bot's services do not know which.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from bot.errors import Busy, ModelTimeout
from bot.services.nlp_executor import Lane, NlpExecutor
from bot.storage.repo import Repo
from models.core.types import Answer, Article, Engine, Length, Span, Summary, Turn

logger = logging.getLogger(__name__)


def summary_to_payload(summary: Summary) -> dict[str, Any]:
    return {
        "text": summary.text,
        "sentences": list(summary.sentences),
        "sources": [[s.start, s.stop, s.text] for s in summary.sources],
        "names": list(summary.names),
        "numbers": list(summary.numbers),
        "abstractive": summary.abstractive,
        "engine": summary.engine,
    }


def summary_from_payload(payload: dict[str, Any]) -> Summary:
    return Summary(
        text=payload.get("text", ""),
        sentences=tuple(payload.get("sentences", ())),
        sources=tuple(Span(int(a), int(b), str(t)) for a, b, t in payload.get("sources", ())),
        names=tuple(payload.get("names", ())),
        numbers=tuple(payload.get("numbers", ())),
        abstractive=bool(payload.get("abstractive", False)),
        engine=payload.get("engine", ""),
    )


def answer_to_payload(answer: Answer) -> dict[str, Any]:
    return {"text": answer.text, "sentence": answer.sentence, "start": answer.start,
            "stop": answer.stop, "score": answer.score, "reason": answer.reason,
            "engine": answer.engine, "form": answer.form}


def turn_to_payload(turn: Turn | None) -> dict[str, str] | None:
    if turn is None:
        return None
    return {"question": turn.question, "answer": turn.answer, "sentence": turn.sentence}


def turn_from_payload(payload: dict[str, Any] | None) -> Turn | None:
    if not payload:
        return None
    return Turn(str(payload.get("question", "")), str(payload.get("answer", "")),
                str(payload.get("sentence", "")))


def answer_from_payload(payload: dict[str, Any]) -> Answer:
    return Answer(text=str(payload.get("text", "")), sentence=str(payload.get("sentence", "")),
                  start=int(payload.get("start", 0)), stop=int(payload.get("stop", 0)),
                  score=float(payload.get("score", 0.0)), reason=str(payload.get("reason", "")),
                  engine=str(payload.get("engine", "")), form=str(payload.get("form", "")))


class ModelCalls(Protocol):
    """The model work the bot asks for, wherever it runs. Each call may raise `Busy`."""

    name: str  # the engine's name: part of the summary cache key

    @property
    def idle(self) -> bool:
        """Nothing of the users' waits: a guess (preparing for questions) may run now."""
        ...

    async def summarize(self, article: Article, length: Length) -> Summary: ...

    async def answer(self, article: Article, question: str, *,
                     start_by: float | None = None, previous: Turn | None = None) -> Answer:
        """`start_by` (time.monotonic()): the asker's deadline for the work to start;
        `previous`: the chat's last question about the article (follow-ups lean on it)."""
        ...

    async def prepare(self, article: Article) -> None: ...

    async def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def close(self) -> None: ...


class LocalModels:
    """This process's engine in the bounded executor: questions first, guesses last."""

    def __init__(self, engine: Engine, executor: NlpExecutor) -> None:
        self.engine = engine
        self.executor = executor
        self.name = getattr(engine, "name", "engine")

    @property
    def idle(self) -> bool:
        return self.executor.in_flight < self.executor.workers

    async def summarize(self, article: Article, length: Length) -> Summary:
        return await self.executor.run(self.engine.summarize, article, length=length)

    async def answer(self, article: Article, question: str, *,
                     start_by: float | None = None, previous: Turn | None = None) -> Answer:
        return await self.executor.run(self.engine.answer, article, question,
                                       previous=previous, lane=Lane.QUESTION,
                                       start_by=start_by)

    async def prepare(self, article: Article) -> None:
        """Sentence vectors now; engines without `prepare` do the work at the first question."""
        prepare = getattr(self.engine, "prepare", None)
        if prepare is not None:
            await self.executor.run(prepare, article, lane=Lane.BACKGROUND)

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        return await self.executor.run(self.engine.embed, list(texts), lane=Lane.BACKGROUND)

    def close(self) -> None:
        self.executor.shutdown()
        close = getattr(self.engine, "close", None)  # an EngineProcess: its child
        if close is not None:
            close()


class NlpService:
    def __init__(self, models: ModelCalls) -> None:
        self.models = models
        self._background: set[asyncio.Task[None]] = set()

    @property
    def idle(self) -> bool:
        """No user is waiting for the models: extra work for comfort may run now."""
        return self.models.idle

    def prefetch(self, article: Article) -> None:
        """Let the engine get ready for questions about `article` while the user reads.

        The embedded engine computes sentence vectors only for the first question (about 2 s
        for the seed on two cores); doing it right after the summary makes that first question
        as fast as the next. A busy queue skips this: a user's request always wins over a guess.
        """
        if self.idle:
            self._start_prefetch(article)

    def prefetch_at_start(self, articles: list[Article]) -> None:
        """After a restart: get the chats' current articles ready (their sentence vectors) in
        the background lane, so that the first question after it is not the slow one."""
        for article in articles:
            self._start_prefetch(article)

    def _start_prefetch(self, article: Article) -> None:
        task = asyncio.create_task(self._prefetch(article))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _prefetch(self, article: Article) -> None:
        started = time.perf_counter()
        try:
            await self.models.prepare(article)
        except (Busy, ModelTimeout) as exc:
            # Expected: the queue was full, or (scale-out) no worker took the guess in time.
            # One line; a traceback here read as a crash while no worker ran.
            logger.info("prefetch skipped hash=%s: %s", article.hash, exc)
            return
        except Exception:  # a failed guess costs nothing; the question will retry the work
            logger.warning("prefetch failed hash=%s", article.hash, exc_info=True)
            return
        logger.info("prepared hash=%s for questions in %.2fs", article.hash,
                    time.perf_counter() - started)

    async def summarize(self, repo: Repo, article: Article, length: Length = Length.SHORT
                        ) -> Summary:
        """The cached summary of `article` at `length`, computing and storing it on a miss."""
        cached = await repo.cache.get(article.hash, length.value, self.models.name)
        if cached is not None:
            logger.info("summary cache hit hash=%s length=%s", article.hash, length.value)
            return summary_from_payload(cached)
        started = time.perf_counter()
        summary = await self.models.summarize(article, length)
        logger.info("summarised hash=%s length=%s chars=%d in %.2fs", article.hash,
                    length.value, len(article.text), time.perf_counter() - started)
        await repo.cache.put(article.hash, length.value, self.models.name,
                             summary_to_payload(summary))
        return summary

    async def answer(self, article: Article, question: str, *,
                     start_by: float | None = None, previous: Turn | None = None) -> Answer:
        started = time.perf_counter()
        answer = await self.models.answer(article, question, start_by=start_by,
                                          previous=previous)
        logger.info("answered hash=%s found=%s score=%.3f in %.2fs", article.hash, answer.found,
                    answer.score, time.perf_counter() - started)
        return answer
