"""Sending many digests at once without tripping Telegram's flood limits.

Limits (Telegram's FAQ for bots): about 30 messages per second overall, no more than 20 per
minute into one group, about one per second into one chat. `FloodLimiter` hands out send slots
that respect all three; the slot is reserved under a lock and waited for outside it, so chats
with free capacity are not held up by a busy group. A 429 still gets through sometimes (other
replies share the bot's quota); like a 5xx it is retried where every Bot API call is, in the
session (`bot.middlewares.TelegramRetryMiddleware`). One that outlasts those retries fails the
digest (its articles stay for the next one) and holds the chat in the limiter's books for
`retry_after`. A 403 means the user blocked the bot or it was removed from the group: the
caller pauses that subscription.
Several bot instances share the limits through Redis instead (`redis_flood.RedisFloodLimiter`,
same contract: `Limiter`).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

logger = logging.getLogger(__name__)

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

_GONE = ("chat not found", "bot was kicked", "user is deactivated", "bot was blocked",
         "have no rights to send", "not enough rights")


class Limiter(Protocol):
    """What the sender needs from a flood limiter: in-process (`FloodLimiter`) or shared by
    every bot instance (`bot.digest.redis_flood.RedisFloodLimiter`)."""

    async def acquire(self, chat_id: int) -> float:
        """Wait for a send slot for `chat_id`; returns the (clock) time of that slot."""
        ...

    async def hold(self, chat_id: int, seconds: float) -> None:
        """Nothing goes to `chat_id` for `seconds` (Telegram said wait)."""
        ...


@dataclass
class FloodLimiter:
    """Global rate + per-group sliding minute + per-chat spacing; times in seconds.

    `clock` and `sleep` are injectable so tests check the spacing without waiting for it.
    """

    per_second: float = 30.0
    per_group_minute: int = 20
    per_chat_interval: float = 1.0
    clock: Monotonic = time.monotonic
    sleep: Sleep = asyncio.sleep
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)
    _global_used: set[int] = field(default_factory=set, init=False)
    _chat_next: dict[int, float] = field(default_factory=dict, init=False)
    _group_sent: dict[int, deque[float]] = field(default_factory=dict, init=False)

    async def acquire(self, chat_id: int) -> float:
        """Wait for a send slot for `chat_id`; returns the (clock) time of that slot."""
        async with self._lock:
            slot = self._reserve(chat_id)
        delay = slot - self.clock()
        if delay > 0:
            await self.sleep(delay)
        return slot

    async def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram said wait (`retry_after`): nothing goes to this chat for `seconds`."""
        until = self.clock() + seconds
        self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), until)

    def _reserve(self, chat_id: int) -> float:
        now = self.clock()
        slot = max(now, self._chat_next.get(chat_id, 0.0))
        if chat_id < 0:  # groups, supergroups and channels have negative ids
            window = self._group_sent.setdefault(chat_id, deque())
            while window and window[0] <= slot - 60.0:
                window.popleft()
            if len(window) >= self.per_group_minute:
                slot = max(slot, window[-self.per_group_minute] + 60.0)
        slot = self._take_global_slot(slot)
        self._chat_next[chat_id] = slot + self.per_chat_interval
        if chat_id < 0:
            self._group_sent[chat_id].append(slot)
        return slot

    def _take_global_slot(self, slot: float) -> float:
        """The first free point >= `slot` on a grid of 1/`per_second` s; each point is used once,
        so no one-second window ever holds more than `per_second` sends, and a chat held back
        until later (a full group) does not delay chats that are free now."""
        step = 1.0 / self.per_second
        index = math.ceil(slot / step - 1e-9)
        while index in self._global_used:
            index += 1
        self._global_used.add(index)
        if len(self._global_used) > 4096:
            horizon = (self.clock() - 2.0) / step
            self._global_used = {used for used in self._global_used if used >= horizon}
        return index * step


class DeliveryStatus(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"  # 403 or the chat is gone: pause the subscription
    FAILED = "failed"  # a 429, network or server trouble that outlived the session's retries


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    status: DeliveryStatus
    sent: int  # messages that reached Telegram
    detail: str = ""


class DigestSender:
    """Sends the parts of one digest in order, within the limiter; reports a 403 as BLOCKED.

    Retries are the Bot's session's (`TelegramRetryMiddleware`, built by `bot.factory.build_bot`):
    what reaches this class has already been retried as long as any reply would be.
    """

    def __init__(self, bot: Bot, limiter: Limiter | None = None) -> None:
        self.bot = bot
        self.limiter: Limiter = limiter or FloodLimiter()

    async def send(self, chat_id: int, parts: Sequence[str]) -> DeliveryResult:
        sent = 0
        for part in parts:
            await self.limiter.acquire(chat_id)
            try:
                # HTML without link previews: the bot's defaults (`bot.factory.BOT_DEFAULTS`)
                await self.bot.send_message(chat_id, part)
            except TelegramForbiddenError as error:
                logger.info("digest to chat %s: forbidden (%s)", chat_id, error.message)
                return DeliveryResult(DeliveryStatus.BLOCKED, sent, error.message)
            except TelegramBadRequest as error:
                if any(marker in error.message.lower() for marker in _GONE):
                    return DeliveryResult(DeliveryStatus.BLOCKED, sent, error.message)
                logger.error("digest to chat %s rejected: %s", chat_id, error.message)
                return DeliveryResult(DeliveryStatus.FAILED, sent, error.message)
            except TelegramRetryAfter as error:  # longer than the session would wait
                logger.warning("digest to chat %s: 429 for %s s, not sent", chat_id,
                               error.retry_after)
                await self.limiter.hold(chat_id, float(error.retry_after))
                return DeliveryResult(DeliveryStatus.FAILED, sent, error.message)
            except (TelegramNetworkError, TelegramServerError) as error:
                logger.warning("digest to chat %s: %r, not sent", chat_id, error)
                return DeliveryResult(DeliveryStatus.FAILED, sent, error.message)
            sent += 1
        return DeliveryResult(DeliveryStatus.SENT, sent)
