"""Digest fixtures: the test Bot API server and an aiogram Bot talking to it over HTTP.

The Bot is built as the bot process builds it (`build_bot`: HTML defaults, the session's retry
middleware), so a digest meets 429s and 5xx exactly as it would in production.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot

from bot.factory import build_bot
from bot.settings import Settings
from bot.storage.db import create_db_engine, create_schema, create_sessionmaker
from tests.support.fake_bot_api import FakeBotAPI


@pytest.fixture
async def api():
    server = FakeBotAPI()
    await server.start()
    yield server
    await server.stop()


def app_bot(api: FakeBotAPI, **settings: Any) -> Bot:
    """A Bot as `run_app` builds it, talking to `api`; `settings` override `Settings` fields."""
    return build_bot(Settings(bot_token=api.token, telegram_api_url=api.base_url,
                              _env_file=None, **settings))


@pytest.fixture
async def bot(api: FakeBotAPI):
    made = app_bot(api)
    yield made
    await made.session.close()


@pytest.fixture
async def sessionmaker(tmp_path: Path):
    """A fresh SQLite file with the whole schema; yields (sessionmaker, url)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'digest.sqlite3'}"
    engine = create_db_engine(url)
    await create_schema(engine)
    yield create_sessionmaker(engine)
    await engine.dispose()
