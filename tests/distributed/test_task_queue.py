"""Model work through the task queue (taskiq on Redis streams), with a worker running in this
process on the real embedded engine: results equal the engine's own, an article's vectors are
computed once for the pool, and a task past its deadline gets the user a message, not work."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from redis.asyncio import Redis
from taskiq.api import run_receiver_task

from bot import metrics
from bot.distributed.remote_models import RemoteModels
from bot.distributed.tasks import Brokers, build_brokers
from bot.distributed.worker import WorkerPool, prepared_key
from bot.errors import ModelTimeout
from bot.services.nlp_executor import NlpExecutor
from models.core.types import Article, Length
from tests.support.routing_engine import TitleEchoEngine

REDIS_URL = "redis://127.0.0.1:6379/13"  # the stream names are fixed: a database of its own


@pytest.fixture
async def brokers() -> AsyncIterator[Brokers]:
    redis = Redis.from_url(REDIS_URL)
    try:
        await redis.ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"Redis at 127.0.0.1:6379 is not reachable: {type(exc).__name__}")
    await redis.flushdb()
    made = build_brokers(REDIS_URL, redeliver_seconds=5)
    await made.startup()
    yield made
    await made.shutdown()
    await redis.flushdb()
    await redis.aclose()


@asynccontextmanager
async def worker(engine, tag: str = "w") -> AsyncIterator[WorkerPool]:
    """A worker as `python -m bot worker` runs one, in this process."""
    redis = Redis.from_url(REDIS_URL)
    own = build_brokers(REDIS_URL, redeliver_seconds=5, consumer_name=tag)
    pool = WorkerPool(engine, NlpExecutor(1, 8, 8, 1), redis)
    for broker in own.all:
        broker.state.pool = pool
    await own.startup()
    receivers = [asyncio.create_task(run_receiver_task(b, max_async_tasks=4)) for b in own.all]
    try:
        yield pool
    finally:
        for task in receivers:
            task.cancel()
        await asyncio.gather(*receivers, return_exceptions=True)
        await own.shutdown()
        pool.executor.shutdown()
        await redis.aclose()


async def test_results_through_the_queue_are_the_engines_own(brokers, embedded_engine,
                                                             seed_text) -> None:
    article = Article(seed_text)
    remote = RemoteModels(brokers, "embedded", timeout=60)
    async with worker(embedded_engine):
        summary = await remote.summarize(article, Length.SHORT)
        answer = await remote.answer(article, "Где прошла встреча?")
        vectors = await remote.embed(["Премьер-министр встретился с коллегой.", "Баку"])
    await remote.aclose()
    assert summary == embedded_engine.summarize(article, length=Length.SHORT)
    assert answer == embedded_engine.answer(article, "Где прошла встреча?")
    assert vectors.shape == (2, 384)
    assert abs(float(vectors[0] @ vectors[0]) - 1.0) < 1e-3


async def test_an_articles_vectors_are_computed_once_for_the_pool(brokers, embedded_engine,
                                                                  seed_text) -> None:
    article = Article(seed_text + "\n\nПул воркеров.")  # not in any cache yet
    remote = RemoteModels(brokers, "embedded", timeout=60)
    loaded = metrics.PREPARED_STATE.labels("loaded")._value.get()
    async with worker(embedded_engine) as pool:
        await remote.prepare(article)
        assert await pool.redis.exists(prepared_key("embedded", article))
        embedded_engine.clear_cache()  # as if the question went to another worker
        answer = await remote.answer(article, "Что подписали?")
    await remote.aclose()
    assert metrics.PREPARED_STATE.labels("loaded")._value.get() == loaded + 1
    assert answer.found and "медицинского" in answer.text


async def test_a_task_past_its_deadline_tells_the_user_and_is_not_run(brokers, embedded_engine,
                                                                      seed_text) -> None:
    engine = TitleEchoEngine(embedded_engine)
    remote = RemoteModels(brokers, "embedded", timeout=1.0)
    started = time.monotonic()
    with pytest.raises(ModelTimeout) as refused:  # no worker is running
        await remote.answer(Article(seed_text, title="Визит"), "Что подписали?")
    assert refused.value.lane == "question"
    assert 0.9 <= time.monotonic() - started < 3
    async with worker(engine) as pool:  # a worker comes up late and takes the task
        await asyncio.sleep(2.5)
        group = (await pool.redis.xinfo_groups("newsbot:questions"))[0]
        pending = await pool.redis.xpending("newsbot:questions", "newsbot-workers")
    await remote.aclose()
    assert group["lag"] == 0 and pending["pending"] == 0  # taken and acknowledged
    assert engine.questions == []  # expired: nobody waits for it, so no work and no reply
