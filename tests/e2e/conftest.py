"""End to end: `python -m bot run` as a subprocess against the test Bot API server.

The bot takes the run command's code path (settings from the environment, schema, engine load,
long polling over real HTTP to 127.0.0.1); tests push updates and read what it sends back.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.bot_process import ROOT, TOKEN, BotProcess, free_port
from tests.support.fake_bot_api import ApiCall, FakeBotAPI

__all__ = ["ROOT", "TOKEN", "BotProcess", "free_port"]

SECOND_ARTICLE = ROOT / "tests" / "support" / "articles" / "wikinews_100084.txt"
REPLY_TIMEOUT = 60.0


def to_chat(chat_id: int) -> Callable[[ApiCall], bool]:
    return lambda call: call.params.get("chat_id") == chat_id


async def reply_in(api: FakeBotAPI, chat_id: int, since: int,
                   timeout: float = REPLY_TIMEOUT) -> ApiCall:
    return await api.wait_for("sendMessage", to_chat(chat_id), timeout, since=since)


async def replies_in(api: FakeBotAPI, chat_id: int, since: int, count: int,
                     timeout: float = REPLY_TIMEOUT) -> list[ApiCall]:
    deadline = time.monotonic() + timeout
    while True:
        calls = [c for c in api.calls_for("sendMessage", since=since)
                 if c.params.get("chat_id") == chat_id]
        if len(calls) >= count:
            return calls
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(calls)} of {count} replies in chat {chat_id}")
        await asyncio.sleep(0.05)


@pytest.fixture(scope="module")
def second_article() -> str:
    return SECOND_ARTICLE.read_text(encoding="utf-8")


def buttons(call: ApiCall) -> dict[str, Any]:
    markup = call.params.get("reply_markup") or {}
    return {b["text"]: b.get("callback_data") for row in markup.get("inline_keyboard", [])
            for b in row}
