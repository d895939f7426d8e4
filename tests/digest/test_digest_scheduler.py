"""The scheduler against a real SQLite file, a manual clock and the test Bot API server.

Each test builds `DigestScheduler`s exactly as the bot does; "a restart" is a second scheduler
with its own engine on the same database file.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiogram import Bot

from bot.digest.clock import ManualClock
from bot.digest.delivery import DigestSender, FloodLimiter
from bot.digest.scheduler import DigestScheduler
from bot.digest.service import DigestOptions, DigestService
from bot.storage.db import create_db_engine, create_schema, create_sessionmaker
from bot.storage.repo import Repo
from bot.storage.subscriptions import SubscriptionRepo
from bot.storage.tables import ArticleRow, ChatRow
from tests.support.fake_bot_api import FakeBotAPI

STORIES = json.loads((Path(__file__).with_name("stories.json")).read_text(encoding="utf-8"))
CHAT = 501
# 27 November 2026, Moscow is UTC+3 all year: 09:00 local is 06:00 UTC.
NINE_MSK = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)


class World:
    """One database file and one Bot API server; schedulers come and go (restarts)."""

    def __init__(self, tmp_path: Path, api: FakeBotAPI, bot: Bot, engine) -> None:
        self.url = f"sqlite+aiosqlite:///{tmp_path / 'digest.sqlite3'}"
        self.api, self.bot, self.engine = api, bot, engine
        self.clock = ManualClock(NINE_MSK - timedelta(days=1))
        self._engines: list = []

    async def scheduler(self, **options) -> DigestScheduler:
        db = create_db_engine(self.url)
        await create_schema(db)
        self._engines.append(db)

        async def embed(texts):
            return await asyncio.to_thread(self.engine.embed, list(texts))

        service = DigestService(DigestOptions(**options), embed, clock=self.clock)
        sender = DigestSender(self.bot, FloodLimiter(per_chat_interval=0.0))
        return DigestScheduler(create_sessionmaker(db), service, sender, clock=self.clock)

    async def subscribe(self, scheduler: DigestScheduler, chat_id: int = CHAT,
                        args: str = "09:00") -> None:
        async with scheduler.sessionmaker() as session:
            if await session.get(ChatRow, chat_id) is None:
                session.add(ChatRow(id=chat_id, timezone="Europe/Moscow"))
                await session.flush()
            await scheduler.service.subscribe(Repo(session), chat_id, args)
            await session.commit()

    async def add_article(self, scheduler: DigestScheduler, story: str, at: datetime,
                          chat_id: int = CHAT, n: int = 0) -> None:
        article = next(a for a in STORIES["articles"] if a["story"] == story)
        async with scheduler.sessionmaker() as session:
            session.add(ArticleRow(
                chat_id=chat_id, hash=f"{story}-{n}-{at.timestamp()}", text=article["text"],
                title=article["title"], source_kind="channel_post", source_title=f"Канал {n}",
                source_url=f"https://t.me/ch{n}/{int(at.timestamp()) % 1000}", created_at=at))
            await session.commit()

    async def subscription(self, scheduler: DigestScheduler, chat_id: int = CHAT):
        async with scheduler.sessionmaker() as session:
            return await SubscriptionRepo(session).get(chat_id)

    def digests(self, chat_id: int = CHAT) -> list[str]:
        return [t for t in self.api.sent_texts(chat_id) if t.startswith("<b>Дайджест")]

    async def close(self) -> None:
        for db in self._engines:
            await db.dispose()


@pytest.fixture
async def world(tmp_path: Path, api: FakeBotAPI, bot: Bot, embedded_engine):
    made = World(tmp_path, api, bot, embedded_engine)
    yield made
    await made.close()


async def test_digest_is_sent_once_at_its_time(world: World) -> None:
    scheduler = await world.scheduler()
    await world.subscribe(scheduler)
    await world.add_article(scheduler, "belgium", NINE_MSK - timedelta(hours=3))
    world.clock.set(NINE_MSK - timedelta(minutes=1))
    assert (await scheduler.tick())["sent"] == 0 and world.digests() == []
    world.clock.set(NINE_MSK)
    assert (await scheduler.tick())["sent"] == 1
    world.clock.advance(seconds=30)
    assert (await scheduler.tick())["sent"] == 0
    [digest] = world.digests()
    assert "Дайджест за 27 ноября" in digest and "Альберт II" in digest
    sub = await world.subscription(scheduler)
    assert sub.next_due_at == NINE_MSK + timedelta(days=1) and sub.last_sent_at == NINE_MSK


async def test_restart_does_not_send_the_same_digest_again(world: World) -> None:
    first = await world.scheduler()
    await world.subscribe(first)
    await world.add_article(first, "cuba", NINE_MSK - timedelta(hours=1))
    world.clock.set(NINE_MSK + timedelta(seconds=5))
    assert (await first.tick())["sent"] == 1
    restarted = await world.scheduler()  # a new process: new engine, same file
    world.clock.advance(seconds=30)
    assert (await restarted.tick())["sent"] == 0
    assert len(world.digests()) == 1


async def test_two_instances_ticking_together_send_once(world: World) -> None:
    one, two = await world.scheduler(), await world.scheduler()
    await world.subscribe(one)
    await world.add_article(one, "drones", NINE_MSK - timedelta(hours=1))
    world.clock.set(NINE_MSK)
    reports = await asyncio.gather(one.tick(), two.tick())
    assert sum(r["sent"] for r in reports) == 1
    assert len(world.digests()) == 1


@pytest.mark.parametrize("late_hours, sent", [(2, True), (4, False)])
async def test_missed_digest_is_sent_within_catch_up_else_skipped(world: World,
                                                                  late_hours: int,
                                                                  sent: bool) -> None:
    scheduler = await world.scheduler(catch_up=timedelta(hours=3))
    await world.subscribe(scheduler)
    await world.add_article(scheduler, "belgium", NINE_MSK - timedelta(hours=5))
    world.clock.set(NINE_MSK + timedelta(hours=late_hours))  # the bot was down until now
    report = await scheduler.tick()
    assert (report["sent"], report["skipped"]) == ((1, 0) if sent else (0, 1))
    assert len(world.digests()) == (1 if sent else 0)
    sub = await world.subscription(scheduler)
    assert sub.next_due_at == NINE_MSK + timedelta(days=1)


async def test_dst_spring_forward_0230_subscription_fires_once_at_0300(world: World) -> None:
    scheduler = await world.scheduler()
    world.clock.set(datetime(2026, 3, 7, 12, 0, tzinfo=UTC))
    await world.subscribe(scheduler, args="02:30 America/New_York")
    await world.add_article(scheduler, "cuba", datetime(2026, 3, 8, 1, 0, tzinfo=UTC))
    sub = await world.subscription(scheduler)
    assert sub.next_due_at == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 03:00 EDT
    sent = 0
    for minutes in range(0, 24 * 60, 30):  # walk the whole changeover day
        world.clock.set(datetime(2026, 3, 8, 0, 0, tzinfo=UTC) + timedelta(minutes=minutes))
        sent += (await scheduler.tick())["sent"]
        if world.clock() < datetime(2026, 3, 8, 7, 0, tzinfo=UTC):
            assert sent == 0
    assert sent == 1
    sub = await world.subscription(scheduler)
    assert sub.next_due_at == datetime(2026, 3, 9, 6, 30, tzinfo=UTC)  # 02:30 EDT


async def test_dst_fall_back_0130_subscription_fires_once_not_in_the_repeated_hour(
        world: World) -> None:
    scheduler = await world.scheduler()
    world.clock.set(datetime(2026, 10, 31, 12, 0, tzinfo=UTC))
    await world.subscribe(scheduler, args="01:30 America/New_York")
    await world.add_article(scheduler, "cuba", datetime(2026, 11, 1, 1, 0, tzinfo=UTC))
    sent_at = []
    for minutes in range(0, 24 * 60, 15):  # 1 November 2026: 01:00-02:00 happens twice
        world.clock.set(datetime(2026, 11, 1, 0, 0, tzinfo=UTC) + timedelta(minutes=minutes))
        if (await scheduler.tick())["sent"]:
            sent_at.append(world.clock())
    assert sent_at == [datetime(2026, 11, 1, 5, 30, tzinfo=UTC)]  # 01:30 EDT, the first one
    sub = await world.subscription(scheduler)
    assert sub.next_due_at == datetime(2026, 11, 2, 6, 30, tzinfo=UTC)  # 01:30 EST


async def test_next_digest_lists_only_articles_since_the_last_one(world: World) -> None:
    scheduler = await world.scheduler()
    await world.subscribe(scheduler)
    await world.add_article(scheduler, "belgium", NINE_MSK - timedelta(hours=2))
    world.clock.set(NINE_MSK)
    await scheduler.tick()
    await world.add_article(scheduler, "drones", NINE_MSK + timedelta(hours=5))
    world.clock.set(NINE_MSK + timedelta(days=1))
    await scheduler.tick()
    first, second = world.digests()
    assert "Альберт" in first and "Альберт" not in second and "Госдум" in second


async def test_empty_day_sends_nothing_or_one_line_per_setting(world: World) -> None:
    quiet = await world.scheduler(send_empty=False)
    await world.subscribe(quiet)
    world.clock.set(NINE_MSK)
    assert (await quiet.tick())["empty"] == 1
    assert world.api.sent_texts(CHAT) == []
    chatty = await world.scheduler(send_empty=True)
    world.clock.set(NINE_MSK + timedelta(days=1))
    assert (await chatty.tick())["sent"] == 1
    assert world.api.sent_texts(CHAT) == ["За этот период новых статей не было."]


async def test_403_pauses_the_subscription(world: World) -> None:
    scheduler = await world.scheduler()
    await world.subscribe(scheduler)
    await world.add_article(scheduler, "cuba", NINE_MSK - timedelta(hours=1))
    world.api.fail_next("sendMessage", status=403)
    world.clock.set(NINE_MSK)
    assert (await scheduler.tick())["blocked"] == 1
    sub = await world.subscription(scheduler)
    assert sub.paused_reason == "blocked"
    world.clock.set(NINE_MSK + timedelta(days=1))
    assert (await scheduler.tick())["sent"] == 0  # paused: not even tried
    assert len(world.api.calls_for("sendMessage")) == 0


async def test_429_waits_retry_after_and_delivers(world: World) -> None:
    scheduler = await world.scheduler()
    await world.subscribe(scheduler)
    await world.add_article(scheduler, "cuba", NINE_MSK - timedelta(hours=1))
    world.api.fail_next("sendMessage", status=429, retry_after=1)
    world.clock.set(NINE_MSK)
    started = time.monotonic()
    assert (await scheduler.tick())["sent"] == 1
    assert time.monotonic() - started >= 1.0
    assert len(world.digests()) == 1


async def test_many_digests_due_in_the_same_minute_keep_to_30_a_second(world: World) -> None:
    scheduler = await world.scheduler()
    chats = list(range(9001, 9071))  # 70 private chats, all at 09:00, all with one article
    for chat_id in chats:
        await world.subscribe(scheduler, chat_id=chat_id)
        await world.add_article(scheduler, "cuba", NINE_MSK - timedelta(hours=1), chat_id=chat_id)
    world.clock.set(NINE_MSK)
    started = time.monotonic()
    report = await scheduler.tick()
    elapsed = time.monotonic() - started
    assert report["sent"] == 70
    stamps = sorted(c.at for c in world.api.calls_for("sendMessage"))
    assert len(stamps) == 70 and elapsed >= 2.0  # 70 at 30/s: at least two more seconds
    # Server-side arrival times: the limiter spaces the sends exactly (see the limiter tests);
    # on two busy cores HTTP requests can bunch a little on the way, hence the allowance.
    assert min(stamps[i + 30] - stamps[i] for i in range(len(stamps) - 30)) >= 0.75
    assert {c.params["chat_id"] for c in world.api.calls_for("sendMessage")} == set(chats)
