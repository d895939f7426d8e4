"""The per-user rate limit: at most `limit` messages and button presses per `window` seconds.

One more is not refused: it is held until the window lets it through and then handled, and the
user is told once to wait. Past `max_held` held messages the user is flooding and the rest are
not handled (an answer to each would be a flood of our own), but never behind a promise (#27):
the wait notice promises only the held ones, and once the last of them is answered the user
hears how many were answered and that the rest were skipped and should be sent again.

A piece of a paste (`paste_piece`, told by `ArrivalMiddleware`) is not a message of its own: a
200,000-character paste arrives as ~50 pieces, and counting each cut it into two articles and
dropped its tail. It is not counted; it waits only while a message of its sender is held here,
so that it reaches the paste joiner after its head and not a minute before it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aiogram import BaseMiddleware
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiogram.types import Chat, TelegramObject

from bot.errors import RateLimited
from bot.storage.db import release_connection

logger = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
_at_update_end: ContextVar[list[Callable[[], Awaitable[None]]] | None] = ContextVar(
    "at_update_end", default=None)


class AtUpdateEnd(BaseMiddleware):
    """Runs what an update's middlewares left for its very end, after its error handlers have
    answered: a reply raised as an error («сначала пришлите статью») is sent by them, and the
    flood's closing notice must come after it. Registered outside aiogram's error middleware
    (`bot.inbox.hooks.run_outermost`)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        token = _at_update_end.set([])
        try:
            return await handler(event, data)
        finally:
            queued = _at_update_end.get() or []
            _at_update_end.reset(token)
            for call in queued:
                await call()


class RateWindow:
    """A sliding window of hits per user in this process (`RedisRateWindow` across many)."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[int, deque[float]] = {}
        self._held: dict[int, int] = {}

    async def take(self, user_id: int) -> float:
        """Count a hit and return 0 if the window has room; else how long until it has."""
        now = time.monotonic()
        hits = self._hits.setdefault(user_id, deque())
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return self.window - (now - hits[0])
        hits.append(now)
        if len(self._hits) > 10_000:  # forget idle users
            self._hits = {k: v for k, v in self._hits.items() if v and now - v[-1] < self.window}
        return 0.0

    async def hold(self, user_id: int) -> int:
        """One more message of this user waits; returns how many waited before it."""
        held = self._held.get(user_id, 0)
        self._held[user_id] = held + 1
        return held

    async def release(self, user_id: int) -> None:
        self._held[user_id] -= 1
        if not self._held[user_id]:
            del self._held[user_id]


@dataclass(slots=True)
class _Flood:
    """One user's time over the limit in this process: from the first held message until the
    last held one is answered."""

    answered: int  # handled since the window filled, the messages that filled it included
    pending: int = 0  # held here and not answered yet
    waiting: int = 0  # held here and not let through yet
    skipped: int = 0
    told_skipped: bool = False
    started: float = field(default_factory=time.monotonic)
    let_through: asyncio.Event = field(default_factory=asyncio.Event)


class RateLimitMiddleware(BaseMiddleware):
    """See the module docstring. `tell_to_wait(seconds, held)` is the one notice when holding
    starts; `tell_skipped(answered)` follows the last held answer when some were skipped;
    `tell_skipped_now(seconds)` is for a message skipped while nothing is held in this process
    (the held ones are another bot instance's). The counts live in `counter` (`RateWindow`, or
    `RedisRateWindow` for several instances); the flood's tally is this process's."""

    def __init__(self, counter: RateWindow | Any, *, max_held: int = 10,
                 tell_to_wait: Callable[[float, int], str] | None = None,
                 tell_skipped: Callable[[int], str] | None = None,
                 tell_skipped_now: Callable[[float], str] | None = None) -> None:
        self.counter = counter
        self.max_held = max_held
        self.tell_to_wait = tell_to_wait
        self.tell_skipped = tell_skipped
        self.tell_skipped_now = tell_skipped_now
        self._floods: dict[int, _Flood] = {}

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user = data.get("event_from_user")
        if user is None or self.counter.limit <= 0:
            return await handler(event, data)
        flood = self._floods.get(user.id)
        if data.get("paste_piece"):
            if flood is not None and flood.waiting:
                await release_connection()
                await flood.let_through.wait()
            return await handler(event, data)
        wait = await self.counter.take(user.id)
        if wait <= 0:
            if flood is not None:
                flood.answered += 1
            return await handler(event, data)
        return await self._hold(handler, event, data, user.id, wait)

    def _flood(self, user_id: int) -> _Flood:
        flood = self._floods.get(user_id)
        stale = (flood is not None and not flood.pending
                 and time.monotonic() - flood.started > self.counter.window)
        if flood is None or stale:
            flood = self._floods[user_id] = _Flood(answered=self.counter.limit)
        return flood

    async def _hold(self, handler: Handler, event: TelegramObject, data: dict[str, Any],
                    user_id: int, wait: float) -> Any:
        await release_connection()  # held up to a minute: not with a pooled connection
        held = await self.counter.hold(user_id)
        flood = self._flood(user_id)
        if held >= self.max_held:
            await self.counter.release(user_id)
            flood.skipped += 1
            logger.info("rate limited user=%s: flood, skipped", user_id)
            if not flood.pending and not flood.told_skipped and self.tell_skipped_now:
                flood.told_skipped = True
                await self._say(data, self.tell_skipped_now(wait))
            raise RateLimited(wait, notify=False)
        flood.pending += 1
        flood.waiting += 1
        flood.let_through.clear()
        try:
            if held == 0 and self.tell_to_wait is not None:
                await self._say(data, self.tell_to_wait(wait, self.max_held))
            logger.info("rate limited user=%s: held for %.0fs", user_id, wait)
            while (wait := await self.counter.take(user_id)) > 0:
                await asyncio.sleep(wait)
        except BaseException:  # cancelled while held: nothing to answer
            flood.pending -= 1
            raise
        finally:
            await self.counter.release(user_id)
            flood.waiting -= 1
            if not flood.waiting:
                flood.let_through.set()
        try:
            return await handler(event, data)
        finally:
            await self._answered(data, user_id, flood)

    async def _answered(self, data: dict[str, Any], user_id: int, flood: _Flood) -> None:
        """A held message was handled; after the last one, name what was skipped."""
        flood.pending -= 1
        flood.answered += 1
        if flood.pending:
            return
        if self._floods.get(user_id) is flood:
            del self._floods[user_id]
        if flood.skipped and self.tell_skipped is not None:
            text = self.tell_skipped(flood.answered)
            queued = _at_update_end.get()
            if queued is None:
                await self._say(data, text)
            else:
                queued.append(lambda: self._say(data, text))

    async def _say(self, data: dict[str, Any], text: str) -> None:
        chat: Chat | None = data.get("event_chat")
        if chat is None:
            return
        try:
            await data["bot"].send_message(chat.id, text)
        except (TelegramAPIError, TelegramNetworkError):
            logger.warning("could not tell chat=%s about the rate limit", chat.id)
