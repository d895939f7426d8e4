"""The bot's side of the task queue: `ModelCalls` that run on the workers.

A call kicks a task with a deadline (`NLP_TIMEOUT` from now) and waits for the worker's notice
(a BLPOP, no polling); past the deadline the user is told (`ModelTimeout`) and the worker skips
the task if it has not started it, so a late result is never sent.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from typing import Any

import numpy as np
from redis.asyncio import Redis

from bot import metrics
from bot.distributed.tasks import Brokers, article_to_payload, done_key
from bot.errors import Busy, ModelTimeout
from bot.services.nlp import answer_from_payload, summary_from_payload, turn_to_payload
from bot.storage.db import release_connection
from models.core import errors as engine_errors
from models.core.types import Answer, Article, Length, Summary, Turn

logger = logging.getLogger(__name__)
ENGINE_ERRORS = {cls.__name__: cls for cls in (
    engine_errors.EmptyText, engine_errors.TextTooShort, engine_errors.EmptyQuestion,
    engine_errors.ModelUnavailable)}
# Work nobody waits for (getting ready for questions that may come): its caller says in one
# line what a timeout means, since no worker running is an expected state for a guess.
GUESSES = frozenset({"prepare"})


class RemoteModels:
    def __init__(self, brokers: Brokers, engine_name: str, timeout: float) -> None:
        self.brokers = brokers
        self.name = engine_name
        self.timeout = timeout
        # BLPOP holds its connection while it waits: a client of its own, whose read timeout
        # (redis-py's default is 5 s) outlasts the wait.
        self._waits = Redis.from_url(brokers.url, socket_timeout=timeout + 10)

    @property
    def idle(self) -> bool:
        return True  # the workers put guesses in the articles queue, behind nobody's question

    async def summarize(self, article: Article, length: Length) -> Summary:
        payload = await self._call("summarize", article_to_payload(article), length.value)
        return summary_from_payload(payload)

    async def answer(self, article: Article, question: str, *,
                     start_by: float | None = None, previous: Turn | None = None) -> Answer:
        # `start_by` is not sent: a worker refuses questions by its own queue's wait, and
        # NLP_TIMEOUT bounds the whole call
        return answer_from_payload(await self._call("answer", article_to_payload(article),
                                                    question, turn_to_payload(previous)))

    async def prepare(self, article: Article) -> None:
        await self._call("prepare", article_to_payload(article))

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows = await self._call("embed", list(texts))
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), -1)

    async def _call(self, name: str, *args: Any) -> Any:
        await release_connection()  # nothing waits for a worker holding a database connection
        lane = "question" if name == "answer" else "article"
        broker = self.brokers.for_task(name)
        task = broker.find_task(f"newsbot.{name}")
        assert task is not None
        task_id = uuid.uuid4().hex
        started = time.perf_counter()
        metrics.MODEL_TASKS_WAITING.inc()
        try:
            await task.kicker().with_task_id(task_id).kiq(*args, deadline=time.time()
                                                          + self.timeout)
            notice = await self._waits.blpop([done_key(task_id)], timeout=self.timeout)
            if notice is None:
                if name not in GUESSES:
                    logger.warning("task %s %s: no result in %.0fs", name, task_id,
                                   self.timeout)
                raise ModelTimeout(lane)
            result = await broker.result_backend.get_result(task_id)
        finally:
            metrics.MODEL_TASKS_WAITING.dec()
            metrics.MODEL_TASK_SECONDS.labels(name, "queue").observe(
                time.perf_counter() - started)
        value = result.return_value if not result.is_err else {"error": "Failed"}
        if "ok" in value:
            return value["ok"]
        error = value.get("error")
        if error in ("Busy", "Expired"):
            raise Busy(lane)
        if error in ENGINE_ERRORS:
            raise ENGINE_ERRORS[error](value.get("detail", ""))
        raise RuntimeError(f"model task {name} failed on the worker: {error}")

    def close(self) -> None:
        """The brokers and this client are closed by `ScaleOut.stop` (they are async)."""

    async def aclose(self) -> None:
        await self._waits.aclose()
