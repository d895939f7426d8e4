"""The Redis-backed flood limiter against the real Redis at 127.0.0.1:6379.

"Two instances" are two limiters with their own Redis clients (connection pools) under one key
prefix, as two bot processes of one bot would have. Slots are compared in this process's
monotonic clock; each limiter turns Redis' delay into that clock on receipt, so a few
milliseconds of round-trip noise are allowed for.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

from bot.digest.redis_flood import RedisFloodLimiter, build_flood_limiter
from bot.distributed.redis_client import create_redis
from bot.settings import Settings
from tests.support.redis_server import REDIS_URL, redis_prefix

NOISE = 0.03  # seconds: Redis round trips on two busy cores


@pytest.fixture
async def redis() -> AsyncIterator[tuple[Redis, str]]:
    async with redis_prefix() as found:
        yield found


@pytest.fixture
async def two_instances(redis: tuple[Redis, str]) -> AsyncIterator[
        tuple[RedisFloodLimiter, RedisFloodLimiter]]:
    _, prefix = redis
    clients = [create_redis(REDIS_URL), create_redis(REDIS_URL)]
    yield (RedisFloodLimiter(clients[0], prefix=prefix),
           RedisFloodLimiter(clients[1], prefix=prefix))
    for client in clients:
        await client.aclose()


async def test_two_instances_share_30_messages_a_second(
        two_instances: tuple[RedisFloodLimiter, RedisFloodLimiter]) -> None:
    one, two = two_instances
    started = time.monotonic()
    slots = sorted(await asyncio.gather(*(
        (one if chat_id % 2 else two).acquire(chat_id) for chat_id in range(1, 71))))
    elapsed = time.monotonic() - started
    # 70 sends at 30 a second: the last one at least 69/30 s after the first, and no
    # one-second window with more than 30 (31 sends span at least a second).
    assert elapsed >= 2.0
    assert min(slots[i + 30] - slots[i] for i in range(len(slots) - 30)) >= 1.0 - NOISE
    assert slots[-1] - started < 3.5  # nothing else holds them back


async def test_a_chat_is_spaced_across_instances_and_a_hold_is_shared(
        redis: tuple[Redis, str]) -> None:
    client, prefix = redis
    one = RedisFloodLimiter(client, prefix=prefix, per_chat_interval=0.3)
    two = RedisFloodLimiter(create_redis(REDIS_URL), prefix=prefix, per_chat_interval=0.3)
    try:
        first = await one.acquire(77)
        second = await two.acquire(77)
        assert second - first >= 0.3 - NOISE
        await one.hold(77, 0.8)  # Telegram answered one instance with retry_after
        held_at = time.monotonic()
        third = await two.acquire(77)
        assert third - held_at >= 0.8 - NOISE
        assert time.monotonic() - held_at >= 0.8 - NOISE  # and it really waited that long
    finally:
        await two.redis.aclose()


async def test_a_group_keeps_to_its_window_across_instances(
        two_instances: tuple[RedisFloodLimiter, RedisFloodLimiter]) -> None:
    """20 a minute per group, shrunk to 3 a second so the test takes two seconds."""
    for limiter in two_instances:
        limiter.per_group_minute, limiter.group_window, limiter.per_chat_interval = 3, 1.0, 0.1
    slots = [await two_instances[n % 2].acquire(-100500) for n in range(7)]
    for i in range(len(slots) - 3):
        assert slots[i + 3] - slots[i] >= 1.0 - NOISE
    assert all(b - a >= 0.1 - NOISE for a, b in itertools.pairwise(slots))
    assert slots[-1] - slots[0] >= 2.0 - NOISE  # 7 sends, 3 a second: three windows


async def test_a_full_group_waits_in_one_sleep_and_holds_back_no_one_else(
        redis: tuple[Redis, str]) -> None:
    """No polling: a send a minute away is one sleep of about a minute, and a private chat
    asking right after still goes within the second."""
    client, prefix = redis
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    limiter = RedisFloodLimiter(client, prefix=prefix, per_chat_interval=0.0, sleep=record)
    group = [await limiter.acquire(-1) for _ in range(21)]
    assert group[20] - group[0] >= 60.0 - NOISE
    assert len(waits) <= 21 and max(waits) >= 59.0
    assert await limiter.acquire(555) - time.monotonic() < 1.0


async def test_every_key_expires(redis: tuple[Redis, str]) -> None:
    """Nothing stays in Redis for good: each key's TTL covers only what it still limits."""
    client, prefix = redis
    limiter = RedisFloodLimiter(client, prefix=prefix, per_chat_interval=0.0,
                                sleep=lambda seconds: asyncio.sleep(0))
    for chat_id in (-5, -5, 6, 7):
        await limiter.acquire(chat_id)
    await limiter.hold(8, 30.0)
    keys = sorted([key.decode() async for key in client.scan_iter(match=f"*{prefix}*")])
    assert [key.split(":", 1)[1] for key in keys] == ["chat:-5", "chat:6", "chat:7", "chat:8",
                                                     "global", "group:-5"]
    ttls = {key.split(":", 1)[1]: await client.pttl(key) for key in keys}
    assert all(0 < ttl for ttl in ttls.values())
    assert ttls["group:-5"] <= 62_000 and ttls["chat:8"] <= 31_000 and ttls["global"] <= 3_000


async def test_without_redis_the_process_keeps_its_own_limits() -> None:
    """Redis down: the digests already claimed still go out, within this process's limits."""
    now = [0.0]

    async def advance(seconds: float) -> None:
        now[0] += seconds

    limiter = RedisFloodLimiter(create_redis("redis://127.0.0.1:1/0"), clock=lambda: now[0],
                                sleep=advance)
    try:
        slots = sorted([await limiter.acquire(chat_id) for chat_id in range(1, 32)])
        await limiter.hold(1, 5.0)
        assert await limiter.acquire(1) >= 5.0
    finally:
        await limiter.redis.aclose()
    assert slots[30] - slots[0] >= 1.0 - 1e-9


def test_only_redis_mode_shares_the_limits() -> None:
    assert build_flood_limiter(Settings(_env_file=None)) is None
    limiter = build_flood_limiter(Settings(redis_url=REDIS_URL, bot_token=SecretStr("4242:x"),
                                           _env_file=None))
    assert isinstance(limiter, RedisFloodLimiter)
    assert limiter.prefix == "newsbot:flood:4242"  # one set of books per bot
