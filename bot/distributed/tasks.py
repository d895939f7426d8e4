"""The model tasks on the queue, the brokers that carry them, and how results come back.

Three Redis streams: questions (tens of milliseconds each), articles (summaries; up to
seconds) and background work (preparing for questions that may come, digest embeddings). A
worker reads each with its own capacity, so a question never waits behind a stream of
summaries, and a guess never holds up a summary. A message is acknowledged only when its
result is saved (taskiq's default `WHEN_SAVED`): a worker killed mid-task leaves it pending, and
another worker claims it after `TASK_REDELIVER_SECONDS`.

Results travel as plain dicts (`{"ok": payload}` or `{"error": name}`), so nothing but JSON
crosses the queue; when one is saved the worker pushes the task id to `newsbot:done:<id>`, which
the waiting bot instance pops (no polling).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from taskiq import AckableMessage, Context, TaskiqDepends, TaskiqMessage, TaskiqMiddleware
from taskiq.result import TaskiqResult
from taskiq_redis import RedisAsyncResultBackend, RedisStreamBroker

from models.core.types import Article

logger = logging.getLogger(__name__)

QUESTIONS = "newsbot:questions"
ARTICLES = "newsbot:articles"
BACKGROUND = "newsbot:background"
RESULT_SECONDS = 600  # results are read at once; kept a little for a late reader
NOTICE_SECONDS = 120


def done_key(task_id: str) -> str:
    return f"newsbot:done:{task_id}"


def article_to_payload(article: Article) -> dict[str, str]:
    return {"text": article.text, "title": article.title}


def article_from_payload(payload: dict[str, Any]) -> Article:
    return Article(text=str(payload["text"]), title=str(payload.get("title", "")))


class ReclaimingStreamBroker(RedisStreamBroker):
    """taskiq-redis's stream broker, with two changes a pool of workers needs.

    Its `listen` runs XAUTOCLAIM only after a read that returned new messages, so on a quiet
    queue the task of a worker that died would wait for the next user's task; here the claim
    also runs after an empty read. And a task that runs long on a live worker (a 200,000-
    character article) is not claimed by another: the worker touches its running messages
    (XCLAIM with its own name, which resets their idle time) while it works on them.
    """

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self._running: set[bytes | str] = set()

    def _ack_generator(self, id: str, queue_name: str) -> Callable[[], Awaitable[None]]:
        ack = super()._ack_generator(id=id, queue_name=queue_name)

        async def _ack() -> None:
            await ack()
            self._running.discard(id)

        return _ack

    def _message(self, msg_id: Any, fields: Any, stream: Any) -> AckableMessage:
        self._running.add(msg_id)
        return AckableMessage(data=fields[b"data"],
                              ack=self._ack_generator(id=msg_id, queue_name=stream))

    async def listen(self) -> AsyncGenerator[AckableMessage, None]:
        keeper = asyncio.create_task(self._keep_claimed())
        try:
            async with Redis(connection_pool=self.connection_pool) as redis:
                next_claim = 0.0
                while True:
                    fetched = await redis.xreadgroup(
                        self.consumer_group_name, self.consumer_name, {self.queue_name: ">"},
                        block=self.block, noack=False, count=self.count)
                    for stream, messages in fetched or ():
                        for msg_id, fields in messages:
                            yield self._message(msg_id, fields, stream)
                    if time.monotonic() < next_claim:
                        continue
                    next_claim = time.monotonic() + self.idle_timeout / 2000
                    claimed = await redis.xautoclaim(
                        self.queue_name, self.consumer_group_name, self.consumer_name,
                        min_idle_time=self.idle_timeout, count=self.unacknowledged_batch_size)
                    for msg_id, fields in claimed[1]:
                        if fields:  # None: the entry was trimmed from the stream
                            logger.warning("claimed task %s of a worker that stopped", msg_id)
                            yield self._message(msg_id, fields, self.queue_name)
        finally:
            keeper.cancel()

    async def _keep_claimed(self) -> None:
        async with Redis(connection_pool=self.connection_pool) as redis:
            while True:
                await asyncio.sleep(self.idle_timeout / 3000)
                if self._running:
                    await redis.xclaim(self.queue_name, self.consumer_group_name,
                                       self.consumer_name, min_idle_time=0,
                                       message_ids=list(self._running), justid=True)


class NotifyWhenSaved(TaskiqMiddleware):
    """Tells the bot instance waiting for a task that its result is there."""

    def __init__(self, redis: Redis) -> None:
        super().__init__()
        self.redis = redis

    async def post_save(self, message: TaskiqMessage, result: TaskiqResult[Any]) -> None:
        key = done_key(message.task_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            await pipe.lpush(key, 1).expire(key, NOTICE_SECONDS).execute()


@dataclass
class Brokers:
    """The three queues; both sides build them the same way and find tasks by name."""

    questions: ReclaimingStreamBroker
    articles: ReclaimingStreamBroker
    background: ReclaimingStreamBroker
    redis: Redis
    url: str

    def for_task(self, name: str) -> ReclaimingStreamBroker:
        if name == "answer":
            return self.questions
        return self.articles if name == "summarize" else self.background

    @property
    def all(self) -> tuple[ReclaimingStreamBroker, ...]:
        return self.questions, self.articles, self.background

    async def startup(self) -> None:
        for broker in self.all:
            await broker.startup()

    async def shutdown(self) -> None:
        for broker in self.all:
            await broker.shutdown()
        await self.redis.aclose()


def build_brokers(redis_url: str, *, redeliver_seconds: float = 30.0,
                  consumer_name: str | None = None) -> Brokers:
    """Brokers for both queues with the tasks registered; `consumer_name` names a worker."""
    redis = Redis.from_url(redis_url)
    made = []
    for queue in (QUESTIONS, ARTICLES, BACKGROUND):
        broker = ReclaimingStreamBroker(
            redis_url, queue_name=queue, consumer_group_name="newsbot-workers",
            consumer_name=f"{consumer_name}:{queue}" if consumer_name else None,
            idle_timeout=int(redeliver_seconds * 1000), xread_block=1000, xread_count=1,
        ).with_result_backend(RedisAsyncResultBackend(redis_url, result_ex_time=RESULT_SECONDS,
                                                      keep_results=False))
        broker.add_middlewares(NotifyWhenSaved(redis))
        for name, fn in TASKS.items():
            broker.register_task(fn, task_name=f"newsbot.{name}")
        made.append(broker)
    return Brokers(made[0], made[1], made[2], redis, redis_url)


# --- the tasks (run in `python -m bot worker`; `context.state.pool` is its WorkerPool) ---

async def _run(context: Context, name: str, deadline: float, *args: Any) -> dict[str, Any]:
    pool = context.state.pool
    if time.time() > deadline:  # the user was told already: do not work for nobody
        logger.info("task %s expired in the queue", name)
        return {"error": "Expired"}
    return await pool.run(name, *args)


async def summarize(article: dict[str, Any], length: str, deadline: float,
                    context: Context = TaskiqDepends()) -> dict[str, Any]:
    return await _run(context, "summarize", deadline, article, length)


async def answer(article: dict[str, Any], question: str, previous: dict[str, Any] | None,
                 deadline: float, context: Context = TaskiqDepends()) -> dict[str, Any]:
    return await _run(context, "answer", deadline, article, question, previous)


async def prepare(article: dict[str, Any], deadline: float,
                  context: Context = TaskiqDepends()) -> dict[str, Any]:
    return await _run(context, "prepare", deadline, article)


async def embed(texts: list[str], deadline: float,
                context: Context = TaskiqDepends()) -> dict[str, Any]:
    return await _run(context, "embed", deadline, texts)


TASKS: dict[str, Callable[..., Awaitable[dict[str, Any]]]] = {
    "summarize": summarize, "answer": answer, "prepare": prepare, "embed": embed,
}
