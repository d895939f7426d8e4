"""End to end: `python -m bot run` as a subprocess against the test Bot API server.

The bot takes the run command's code path (settings from the environment, schema, engine load,
long polling over real HTTP to 127.0.0.1); tests push updates and read what it sends back.

Telegram takes one answer per button press (a second, an alert after an empty answer, is
refused and never shown: #28, item 7). Every test Bot API server an e2e test starts (a
module's, a test's own, a scale-out cluster's) is watched, and after every test none may have
a callback query answered twice.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.bot_process import ROOT, TOKEN, BotProcess, free_port
from tests.support.fake_bot_api import ApiCall, FakeBotAPI

__all__ = ["ROOT", "TOKEN", "BotProcess", "free_port"]

SECOND_ARTICLE = ROOT / "tests" / "support" / "articles" / "wikinews_100084.txt"
REPLY_TIMEOUT = 60.0


_SERVERS: weakref.WeakSet[FakeBotAPI] = weakref.WeakSet()


@pytest.fixture(scope="session", autouse=True)
def _servers_watched() -> Iterator[None]:
    """Every `FakeBotAPI` started during the e2e run is remembered (wherever it was made:
    a fixture, a test, `tests.support.cluster`)."""
    start = FakeBotAPI.start

    async def start_watched(self: FakeBotAPI) -> str:
        _SERVERS.add(self)
        return await start(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FakeBotAPI, "start", start_watched)
        yield


_reported: set[tuple[int, str]] = set()


@pytest.fixture(autouse=True)
def one_answer_per_press(_servers_watched: None) -> Iterator[None]:
    """After each test: no callback query answered twice by the bot, on any server. A module's
    server outlives its tests, so a query is blamed on the test where it first showed."""
    yield
    twice = {(id(server), query) for server in list(_SERVERS)
             for query in server.answered_twice()} - _reported
    _reported.update(twice)
    assert not twice, f"callback queries answered twice: {sorted(q for _, q in twice)}"


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
