"""Scale-out (#12): two bot instances run the digest scheduler against one PostgreSQL and one
Redis, and 50 digests fall due in the same minute.

Each instance is built as a bot process builds its own: its own database engine (pool), its own
`DigestService` with its own clock and the limiter `build_flood_limiter` gives for its settings
(its own Redis client), its own aiogram `Bot` session, and a `DigestSender` on that limiter
made as the handler makes it. The database claim must make every chat get exactly one digest; the shared
limiter must keep both instances together within Telegram's 30 messages a second, measured
where Telegram would see it: the arrival times at the test Bot API server. Ten of the chats are
groups, so their sends go through the per-group books too; the 20-a-minute limit itself needs
more than one message per group and is checked in test_digest_redis_flood.py.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from aiogram import Bot
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.digest.clock import ManualClock
from bot.digest.delivery import DigestSender
from bot.digest.redis_flood import RedisFloodLimiter, build_flood_limiter
from bot.digest.scheduler import DigestScheduler
from bot.digest.service import DigestOptions, DigestService
from bot.factory import build_bot
from bot.settings import Settings
from bot.storage.db import create_schema, create_sessionmaker
from bot.storage.repo import Repo
from bot.storage.subscriptions import SubscriptionRow
from bot.storage.tables import ArticleRow, ChatRow
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.postgres import PG_URL, postgres_engine
from tests.support.redis_server import REDIS_URL, redis_prefix

STORIES = json.loads((Path(__file__).with_name("stories.json")).read_text(encoding="utf-8"))
# 27 November 2026, Moscow is UTC+3 all year: 09:00 local is 06:00 UTC.
NINE_MSK = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
PRIVATE = list(range(7001, 7041))
GROUPS = [-1007000 - n for n in range(1, 11)]
CHATS = PRIVATE + GROUPS  # 50
# Server-side arrival times: the limiter's slots are exact (test_digest_redis_flood.py); on two
# busy cores HTTP requests bunch a little on the way. Two unshared limiters would put 31
# sends within about half a second.
ALLOWANCE = 0.8


@dataclass
class Instance:
    """What one bot process holds for its digests."""

    db: AsyncEngine
    bot: Bot
    clock: ManualClock
    scheduler: DigestScheduler

    async def close(self) -> None:
        await self.bot.session.close()
        limiter = self.scheduler.service.flood_limiter
        if isinstance(limiter, RedisFloodLimiter):
            await limiter.redis.aclose()
        await self.db.dispose()


async def start_instance(db: AsyncEngine, api: FakeBotAPI, embedded_engine: Any,
                         now: datetime) -> Instance:
    await create_schema(db)  # as every bot process does at start
    settings = Settings(bot_token=api.token, telegram_api_url=api.base_url, redis_url=REDIS_URL,
                        _env_file=None)
    clock = ManualClock(now)

    async def embed(texts: Sequence[str]) -> np.ndarray:
        return await asyncio.to_thread(embedded_engine.embed, list(texts))

    service = DigestService(DigestOptions.from_settings(settings), embed, clock=clock,
                            flood_limiter=build_flood_limiter(settings))
    bot = build_bot(settings)  # as the bot process builds it
    scheduler = DigestScheduler(create_sessionmaker(db), service,
                                DigestSender(bot, service.flood_limiter), clock=clock)
    return Instance(db, bot, clock, scheduler)


@pytest.fixture
async def world(embedded_engine: Any) -> AsyncIterator[tuple[FakeBotAPI, list[Instance]]]:
    async with postgres_engine() as first_db, redis_prefix() as (_, bot_id):
        async with first_db.connect() as conn:
            schema = (await conn.execute(text("SELECT current_schema()"))).scalar_one()
        second_db = create_async_engine(
            PG_URL, connect_args={"server_settings": {"search_path": schema}})
        api = FakeBotAPI(token=f"{bot_id}:scaleout")  # the flood keys are named after the bot
        await api.start()
        day_before = NINE_MSK - timedelta(days=1)
        instances = [await start_instance(first_db, api, embedded_engine, day_before),
                     await start_instance(second_db, api, embedded_engine, day_before)]
        try:
            yield api, instances
        finally:
            for instance in instances:
                await instance.close()
            await api.stop()


async def subscribe_all(instance: Instance) -> None:
    """50 chats at 09:00 Moscow, each with an article from the hour before."""
    scheduler = instance.scheduler
    async with scheduler.sessionmaker() as session:
        for n, chat_id in enumerate(CHATS):
            kind = "group" if chat_id < 0 else "private"
            session.add(ChatRow(id=chat_id, kind=kind, timezone="Europe/Moscow"))
            await session.flush()
            await scheduler.service.subscribe(Repo(session), chat_id, "09:00")
            article = STORIES["articles"][n % 3]  # three stories: a few embeddings per instance
            session.add(ArticleRow(
                chat_id=chat_id, hash=f"story-{n % 3}", text=article["text"],
                title=article["title"], source_kind="channel_post", source_title="Канал",
                source_url=f"https://t.me/ch/{n}", created_at=NINE_MSK - timedelta(hours=1)))
        await session.commit()


async def warm_up(instance: Instance) -> None:
    """Compose one digest per story, as a running instance has (/digest, earlier days), so its
    vector cache holds the three stories: the 50 digests are then ready at once and only the
    flood limits pace them. Cold, 64 concurrent embeddings on two cores would pace them."""
    service = instance.scheduler.service
    async with instance.scheduler.sessionmaker() as session:
        for chat_id in CHATS[:3]:
            await service.compose(Repo(session), chat_id, since=NINE_MSK - timedelta(days=1),
                                  until=NINE_MSK, zone="Europe/Moscow")


async def test_two_instances_send_50_due_digests_once_within_the_flood_limits(
        world: tuple[FakeBotAPI, list[Instance]]) -> None:
    api, (one, two) = world
    await subscribe_all(one)
    await asyncio.gather(warm_up(one), warm_up(two))
    one.clock.set(NINE_MSK + timedelta(seconds=2))  # both in the same minute; the two
    two.clock.set(NINE_MSK + timedelta(seconds=5))  # processes' clocks need not agree
    reports = await asyncio.gather(one.scheduler.tick(), two.scheduler.tick())

    digests = [c for c in api.calls_for("sendMessage")
               if str(c.params["text"]).startswith("<b>Дайджест")]
    assert Counter(c.params["chat_id"] for c in digests) == Counter(CHATS)  # once each
    assert reports[0]["sent"] + reports[1]["sent"] == 50
    # Both sent a share, at the same time: the flood limits below are the two together's.
    assert min(reports[0]["sent"], reports[1]["sent"]) >= 10
    assert reports[0]["failed"] + reports[1]["failed"] == 0

    # The database says which instance sent which digest (its clock ends the window) and
    # agrees with the reports; every subscription moved on to the next day.
    async with one.scheduler.sessionmaker() as session:
        rows = (await session.execute(select(SubscriptionRow))).scalars().all()
    assert len(rows) == 50
    assert {row.next_due_at for row in rows} == {NINE_MSK + timedelta(days=1)}
    by_instance = Counter(row.last_sent_at for row in rows)
    assert by_instance == {one.clock(): reports[0]["sent"], two.clock(): reports[1]["sent"]}

    stamps = sorted(c.at for c in api.calls_for("sendMessage"))
    assert len(stamps) == 50
    assert min(stamps[i + 30] - stamps[i] for i in range(len(stamps) - 30)) >= ALLOWANCE
    assert stamps[-1] - stamps[0] >= 49 / 30 - (1.0 - ALLOWANCE)
