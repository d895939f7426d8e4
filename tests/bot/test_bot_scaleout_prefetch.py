"""Scale-out mode with no model worker running, through the test Bot API server: the bot's
guess (getting an article ready for questions) times out, and that expected state is one log
line, not a traceback at WARNING (#28, item 20).

The bot instance is the real one (`build_services(..., scale_out=...)`: the task queue and the
shared state on the Redis at 127.0.0.1:6379, a database of its own); the summary comes from
the cache the first harness filled, so only the guess needs a worker.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.distributed.setup import ScaleOut
from bot.factory import build_bot, build_dispatcher, build_services
from bot.storage.db import create_schema, create_sessionmaker
from tests.bot.conftest import BotHarness, make_settings
from tests.support import updates as U
from tests.support.cluster import empty_redis
from tests.support.fake_bot_api import FakeBotAPI

REDIS_URL = "redis://127.0.0.1:6379/12"  # the task streams' names are fixed: a database of its own


@pytest.fixture
async def no_worker_harness(bot_db_path: Path, embedded_engine) -> AsyncIterator[BotHarness]:
    redis = await empty_redis(REDIS_URL)
    api = FakeBotAPI()
    await api.start()
    settings = make_settings(api, bot_db_path, redis_url=REDIS_URL, nlp_timeout=1.0)
    db = settings.create_db_engine()
    await create_schema(db)
    sessionmaker = create_sessionmaker(db)
    scale_out = ScaleOut.connect(settings)
    await scale_out.start()
    services = build_services(settings, None, sessionmaker, scale_out=scale_out)
    bot = build_bot(settings)
    dp = build_dispatcher(settings, engine=embedded_engine, sessionmaker=sessionmaker,
                          services=services)
    yield BotHarness(api, bot, dp, settings, sessionmaker)
    await bot.session.close()
    await scale_out.stop()
    await api.stop()
    await db.dispose()
    await redis.flushdb()
    await redis.aclose()
    assert not api.answered_twice()


async def _prefetch_done(harness: BotHarness, timeout: float = 15.0) -> None:
    """Until the bot's background guesses have ended (they outlive the update)."""
    background = harness.dp["nlp"]._background
    async with asyncio.timeout(timeout):
        while background:
            await asyncio.sleep(0.05)


async def test_a_guess_with_no_worker_logs_one_line(harness, no_worker_harness, seed_text,
                                                    caplog) -> None:
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=harness.new_chat()))
    chat = no_worker_harness.new_chat()
    caplog.set_level(logging.INFO)
    await no_worker_harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    [summary] = no_worker_harness.api.sent_texts(chat)
    assert "Ключевое:" in summary  # the user got the (cached) summary
    await _prefetch_done(no_worker_harness)
    about_guess = [r for r in caplog.records if "prefetch" in r.getMessage()
                   or "task prepare" in r.getMessage()]
    assert len(about_guess) == 1, [r.getMessage() for r in about_guess]
    [line] = about_guess
    assert line.levelno == logging.INFO and line.exc_info is None, line.getMessage()
    assert "prefetch skipped" in line.getMessage()
    assert not [r for r in caplog.records if r.exc_info and r.levelno >= logging.WARNING]
