"""The inbox's bookkeeping on a real SQLite file and the real PostgreSQL: what a restart runs
again and what it does not. The whole path (polling, kill -9, restart) runs in tests/e2e/test_e2e_restart.py."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiogram import Dispatcher

from bot.inbox import Inbox, InboxStore
from bot.inbox.journal import ReplyJournal
from bot.storage.db import create_db_engine, create_schema, create_sessionmaker
from tests.support import updates as U
from tests.support.postgres import postgres_engine


@pytest.fixture(params=["sqlite", "postgresql"])
async def sessionmaker(request, tmp_path: Path):
    """The schema on a SQLite file, or in a fresh schema of the PostgreSQL at 127.0.0.1."""
    if request.param == "sqlite":
        engine = create_db_engine(f"sqlite+aiosqlite:///{tmp_path / 'inbox.sqlite3'}")
        await create_schema(engine)
        yield create_sessionmaker(engine)
        await engine.dispose()
        return
    async with postgres_engine() as engine:
        await create_schema(engine)
        yield create_sessionmaker(engine)


def _updates(first: int, count: int) -> list[dict]:
    return [{**U.private_text(f"Вопрос {i}?", chat_id=5), "update_id": i}
            for i in range(first, first + count)]


class Recorder(Dispatcher):
    """A Dispatcher whose handling is only noting which updates it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.fed: list[int] = []

    async def feed_update(self, bot, update, **kwargs):  # type: ignore[override]
        self.fed.append(update.update_id)


async def test_an_update_is_stored_once_and_a_second_delivery_is_skipped(sessionmaker) -> None:
    inbox = Inbox(InboxStore(sessionmaker, "bot-a"))
    await inbox.accept(_updates(1, 3))
    await inbox.accept(_updates(3, 2))  # Telegram hands over 3 again, and 4
    assert await inbox.store.counts() == {"pending": 4}
    assert inbox.running == 4


async def test_a_restart_runs_what_was_left_and_settles_what_was_answered(
        sessionmaker, tmp_path: Path) -> None:
    journal_path = tmp_path / "inbox-bot-a.journal"
    before = Inbox(InboxStore(sessionmaker, "bot-a"), journal=ReplyJournal(journal_path))
    await before.accept(_updates(10, 4))
    before.replied(10)  # replies of 10 and 12 reached Telegram, then the process died
    before.replied(12)
    before.journal.close()

    after = Inbox(InboxStore(sessionmaker, "bot-a"), journal=ReplyJournal(journal_path))
    dispatcher = Recorder()
    await after.start(None, dispatcher)  # type: ignore[arg-type]  (its loop claims at once)
    for _ in range(50):
        if len(dispatcher.fed) >= 2:
            break
        await asyncio.sleep(0.02)
    await after.stop()
    assert sorted(dispatcher.fed) == [11, 13]
    assert (await after.store.counts()) == {"done": 2, "pending": 2}


async def test_this_run_never_claims_again_what_it_stored_itself(sessionmaker) -> None:
    """Updates polling stored are this run's own and are being handled (or were settled):
    the redelivery loop claiming them would answer them twice."""
    inbox = Inbox(InboxStore(sessionmaker, "bot-a"))
    await inbox.accept(_updates(30, 2))
    assert await inbox.store.claim_due() == []  # being handled by polling
    restarted = InboxStore(sessionmaker, "bot-a")  # the same name, a new process
    assert [p["update_id"] for p in await restarted.claim_due()] == [30, 31]


async def test_another_instance_waits_for_the_lease(sessionmaker) -> None:
    mine = Inbox(InboxStore(sessionmaker, "bot-a"))
    await mine.accept(_updates(20, 2))
    other = InboxStore(sessionmaker, "bot-b", lease=300)
    assert await other.claim_due() == []  # bot-a holds them
    expired = InboxStore(sessionmaker, "bot-b", lease=0)
    assert [p["update_id"] for p in await expired.claim_due()] == [20, 21]


async def test_webhook_answers_500_when_the_update_cannot_be_stored(tmp_path: Path) -> None:
    """A database that is down (nothing listens on its port): the webhook answers 500, so
    Telegram keeps the update and sends it again; with the database up, 200 and the row is
    there before the answer."""
    from aiogram import Bot
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.inbox.hooks import InboxRequestHandler
    from tests.support.bot_process import free_port

    down = create_db_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/test",
                            pool_timeout=2)
    up = create_db_engine(f"sqlite+aiosqlite:///{tmp_path / 'hook.sqlite3'}")
    await create_schema(up)
    bot = Bot("123:ABC")
    try:
        for engine, status in ((down, 500), (up, 200)):
            store = InboxStore(create_sessionmaker(engine), "hook")
            app = web.Application()
            InboxRequestHandler(dispatcher=Dispatcher(), bot=bot, inbox=Inbox(store)).register(
                app, path="/hook")
            async with TestClient(TestServer(app)) as client:
                update = U.with_id(U.command("/help", chat_id=4242))
                response = await client.post("/hook", json=update)
                assert response.status == status
            if status == 200:
                assert sum((await store.counts()).values()) == 1  # stored before the 200
    finally:
        await bot.session.close()
        await down.dispose()
        await up.dispose()
