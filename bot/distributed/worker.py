"""`python -m bot worker`: loads the engine once and runs the model tasks from the queue.

Inside, the tasks go through the same bounded executor as in one-process mode (questions
first, a thread of their own). The article's prepared state (sentence vectors) is shared
through Redis by article hash: the worker that computed it stores it, any other worker asked
about the same article loads it instead of computing it again.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from hashlib import sha256
from typing import Any

from redis.asyncio import Redis
from taskiq.api import run_receiver_task

from bot import metrics
from bot.distributed.redis_client import create_redis
from bot.distributed.tasks import Brokers, article_from_payload, build_brokers
from bot.errors import Busy
from bot.services.nlp import (
    LocalModels,
    answer_to_payload,
    summary_to_payload,
    turn_from_payload,
)
from bot.services.nlp_executor import Lane, NlpExecutor
from bot.settings import Settings
from models.core.errors import EngineError
from models.core.types import Article, Engine, Length

logger = logging.getLogger(__name__)
PREPARED_SECONDS = 24 * 3600  # as long as a chat's current article is likely to get questions


def prepared_key(engine: str, article: Article) -> str:
    title = sha256(article.title.encode("utf-8")).hexdigest()[:8]
    return f"newsbot:prepared:{engine}:{article.hash}:{title}"


class WorkerPool:
    """What a task runs: the engine in the executor, with prepared state shared by hash."""

    def __init__(self, engine: Engine, executor: NlpExecutor, redis: Redis) -> None:
        self.engine = engine
        self.models = LocalModels(engine, executor)
        self.executor = executor
        self.redis = redis

    async def run(self, name: str, *args: Any) -> dict[str, Any]:
        started = time.perf_counter()
        metrics.WORKER_TASKS_RUNNING.inc()
        outcome = "ok"
        try:
            return {"ok": await self._run(name, *args)}
        except Busy:
            outcome = "busy"
            return {"error": "Busy"}
        except EngineError as exc:
            outcome = "engine_error"
            return {"error": type(exc).__name__, "detail": str(exc)[:200]}
        except Exception:  # noqa: BLE001  (the bot tells the user; the worker goes on)
            outcome = "failed"
            logger.exception("task %s failed", name)
            return {"error": "Failed"}
        finally:
            metrics.WORKER_TASKS_RUNNING.dec()
            metrics.WORKER_TASK_SECONDS.labels(name, outcome).observe(
                time.perf_counter() - started)

    async def _run(self, name: str, *args: Any) -> Any:
        if name == "summarize":
            article, length = article_from_payload(args[0]), Length(args[1])
            return summary_to_payload(await self.models.summarize(article, length))
        if name == "answer":
            article = article_from_payload(args[0])
            await self._load_shared(article, Lane.QUESTION)
            previous = turn_from_payload(args[2] if len(args) > 2 else None)
            answer = await self.models.answer(article, str(args[1]), previous=previous)
            await self._share(article)
            return answer_to_payload(answer)
        if name == "prepare":
            article = article_from_payload(args[0])
            if not await self._load_shared(article, Lane.BACKGROUND):
                await self.models.prepare(article)
                await self._share(article)
            return None
        if name == "embed":
            vectors = await self.models.embed([str(t) for t in args[0]])
            return vectors.tolist()
        raise ValueError(f"unknown task {name!r}")

    async def _load_shared(self, article: Article, lane: Lane) -> bool:
        """True when the article's prepared state is here now (computed here or loaded)."""
        has = getattr(self.engine, "has_prepared", None)
        if has is None:
            return False
        if has(article):
            return True
        state = await self.redis.get(prepared_key(self.models.name, article))
        if state is None:
            return False
        await self.executor.run(self.engine.load_prepared_state, article, state,  # type: ignore[attr-defined]
                                lane=lane)
        metrics.PREPARED_STATE.labels("loaded").inc()
        logger.info("loaded prepared state hash=%s from the pool", article.hash)
        return True

    async def _share(self, article: Article) -> None:
        export = getattr(self.engine, "prepared_state", None)
        has = getattr(self.engine, "has_prepared", None)
        if export is None or has is None or not has(article):
            return
        key = prepared_key(self.models.name, article)
        if await self.redis.exists(key):
            return
        state = await asyncio.to_thread(export, article)
        if state is not None and await self.redis.set(key, state, ex=PREPARED_SECONDS, nx=True):
            metrics.PREPARED_STATE.labels("computed").inc()
            logger.info("shared prepared state hash=%s (%d KB)", article.hash, len(state) // 1024)


async def run_worker(settings: Settings) -> None:
    from models import load_engine

    if not settings.redis_url:
        raise ValueError("REDIS_URL is not set: a worker takes its tasks from Redis")
    started = time.perf_counter()
    engine = await asyncio.to_thread(load_engine, settings.engine_config())
    executor = NlpExecutor(settings.worker_concurrency, queue_size=64, question_queue_size=64,
                           question_workers=1)
    redis = create_redis(settings.redis_url)
    name = f"{settings.resolved_instance_id}-{os.getpid()}"
    brokers = build_brokers(settings.redis_url, redeliver_seconds=settings.task_redeliver_seconds,
                            consumer_name=name)
    pool = WorkerPool(engine, executor, redis)
    for broker in brokers.all:
        broker.state.pool = pool
        broker.is_worker_process = True
    await brokers.startup()
    if settings.metrics_port:
        metrics.serve_worker_metrics(settings.metrics_port)
    logger.info("worker %s ready in %.1fs (engine %s)", name, time.perf_counter() - started,
                getattr(engine, "name", "?"))
    receivers = [
        # Questions are short: take several at once; articles: about one per thread; guesses
        # one at a time (they run only when no user waits, in the executor's background lane).
        asyncio.create_task(run_receiver_task(brokers.questions, max_async_tasks=16)),
        asyncio.create_task(run_receiver_task(brokers.articles,
                                              max_async_tasks=settings.worker_concurrency)),
        asyncio.create_task(run_receiver_task(brokers.background, max_async_tasks=1)),
    ]
    await _until_stopped(receivers)
    await _close(brokers, redis, executor)


async def _until_stopped(receivers: list[asyncio.Task[None]]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait([stopped, *receivers], return_when=asyncio.FIRST_COMPLETED)
    for task in (stopped, *receivers):
        task.cancel()
    await asyncio.gather(stopped, *receivers, return_exceptions=True)


async def _close(brokers: Brokers, redis: Redis, executor: NlpExecutor) -> None:
    await brokers.shutdown()
    await redis.aclose()
    executor.shutdown()
