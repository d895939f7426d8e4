"""Digest fixtures: the test Bot API server and a bare aiogram Bot talking to it over HTTP.

The Bot has no retry middleware, so the digest sender's own 429/403 handling is what is tested.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.factory import BOT_DEFAULTS
from bot.storage.db import create_db_engine, create_schema, create_sessionmaker
from tests.support.fake_bot_api import FakeBotAPI


@pytest.fixture
async def api():
    server = FakeBotAPI()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bare_bot(api: FakeBotAPI):
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
    bot = Bot(api.token, session=session, default=BOT_DEFAULTS)  # HTML, as the bot sends
    yield bot
    await session.close()


@pytest.fixture
async def sessionmaker(tmp_path: Path):
    """A fresh SQLite file with the whole schema; yields (sessionmaker, url)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'digest.sqlite3'}"
    engine = create_db_engine(url)
    await create_schema(engine)
    yield create_sessionmaker(engine)
    await engine.dispose()
