"""Flood limits, 429 and 403, over real HTTP to the test Bot API server."""

from __future__ import annotations

import itertools
import time

from aiogram import Bot

from bot.digest.delivery import DeliveryStatus, DigestSender, FloodLimiter
from tests.digest.conftest import app_bot
from tests.support.fake_bot_api import FakeBotAPI


class VirtualTime:
    """A monotonic clock whose sleep just moves it forward, so minutes pass instantly."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


def limiter_on(clock: VirtualTime) -> FloodLimiter:
    return FloodLimiter(clock=clock, sleep=clock.sleep)


async def test_group_gets_at_most_20_messages_a_minute() -> None:
    clock = VirtualTime()
    limiter = limiter_on(clock)
    slots = [await limiter.acquire(-100500) for _ in range(45)]
    for i in range(len(slots) - 20):
        assert slots[i + 20] - slots[i] >= 60.0
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(slots))  # and one a second
    assert slots[-1] >= 120.0  # 45 messages need two full minutes


async def test_many_chats_share_30_messages_a_second() -> None:
    clock = VirtualTime()
    limiter = limiter_on(clock)
    slots = sorted([await limiter.acquire(chat_id) for chat_id in range(1, 91)])
    for i in range(len(slots) - 30):
        assert slots[i + 30] - slots[i] >= 1.0 - 1e-9
    assert slots[-1] >= 2.0  # 90 messages at 30/s take at least two seconds more
    assert slots[-1] < 3.5  # and not much longer: nothing else holds them back


async def test_a_full_group_does_not_hold_back_other_chats() -> None:
    """Slots reserved at the same instant (concurrent senders): the group's 21st waits a
    minute, a private chat asking right after still goes within the second."""
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    limiter = FloodLimiter(clock=lambda: 0.0, sleep=record)
    group_slots = [await limiter.acquire(-1) for _ in range(21)]
    assert group_slots[20] >= 60.0
    assert await limiter.acquire(555) < 1.0
    assert max(waits) >= 60.0


async def test_429_waits_retry_after_then_sends(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_next("sendMessage", status=429, retry_after=1)
    sender = DigestSender(bot, FloodLimiter(per_chat_interval=0.0))
    started = time.monotonic()
    result = await sender.send(77, ["<b>Дайджест</b>", "вторая часть"])
    elapsed = time.monotonic() - started
    assert result.status is DeliveryStatus.SENT and result.sent == 2
    assert elapsed >= 1.0
    attempts = [c for c in api.calls if c.method == "sendMessage"]
    assert [c.failed for c in attempts] == [True, False, False]
    assert api.sent_texts(77) == ["<b>Дайджест</b>", "вторая часть"]


async def test_a_429_longer_than_the_retries_fails_the_digest_and_holds_the_chat(
        api: FakeBotAPI) -> None:
    """The session retries for `telegram_retry_seconds`; a longer wait is not sat out by the
    digest: it fails (the articles stay for the next one) and the chat is held in the books."""
    bot = app_bot(api, telegram_retry_seconds=0.5)
    clock = VirtualTime()
    limiter = limiter_on(clock)
    api.fail_next("sendMessage", status=429, retry_after=5)
    try:
        result = await DigestSender(bot, limiter).send(79, ["часть 1", "часть 2"])
    finally:
        await bot.session.close()
    assert result.status is DeliveryStatus.FAILED and result.sent == 0
    assert [c.failed for c in api.calls if c.method == "sendMessage"] == [True]
    assert await limiter.acquire(79) >= 5.0


async def test_403_stops_the_digest_and_reports_blocked(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_next("sendMessage", status=403)
    sender = DigestSender(bot, FloodLimiter(per_chat_interval=0.0))
    result = await sender.send(78, ["часть 1", "часть 2"])
    assert result.status is DeliveryStatus.BLOCKED and result.sent == 0
    assert len([c for c in api.calls if c.method == "sendMessage"]) == 1  # no retry, no part 2
