"""The Redis-backed state of scale-out mode, two "instances" (two objects, two clients) against
the real Redis at 127.0.0.1:6379, each test under a key prefix of its own."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bot.distributed.redis_client import create_redis
from bot.distributed.shared_state import (
    RedisArticlesInProgress,
    RedisChatOrder,
    RedisMessageJoiner,
    RedisRateWindow,
)
from bot.errors import Busy
from bot.services.message_joiner import Part
from tests.support.redis_server import REDIS_URL, redis_prefix


@pytest.fixture
async def two_clients() -> AsyncIterator[tuple[Redis, Redis, str]]:
    async with redis_prefix() as (_, prefix):
        clients = create_redis(REDIS_URL), create_redis(REDIS_URL)
        yield clients[0], clients[1], prefix
        for client in clients:
            await client.aclose()


async def test_a_paste_split_between_two_instances_is_joined_by_the_first(two_clients) -> None:
    one, two, prefix = two_clients
    first = RedisMessageJoiner(one, window=1.0, prefix=prefix)
    second = RedisMessageJoiner(two, window=1.0, prefix=prefix)
    key = (42, 42, "text")
    head, tail = "Первая часть статьи. " * 190, "Окончание статьи."  # the head was cut
    first.expect(key)
    left_at: dict[str, float] = {}

    async def take(joiner: RedisMessageJoiner, part: Part, name: str, delay: float):
        await asyncio.sleep(delay)
        if delay:
            joiner.expect(key)
            assert await joiner.is_open(key)  # the other instance's batch is open
        async with joiner.collect(key, part) as parts:
            if parts is not None:
                await asyncio.sleep(0.3)  # summarising
            result = parts
        left_at[name] = time.monotonic()
        return result

    leader, follower = await asyncio.gather(take(first, Part(head, 10), "leader", 0),
                                            take(second, Part(tail, 11), "follower", 0.3))
    assert follower is None
    assert [p.message_id for p in leader] == [10, 11] and leader[1].text == tail
    assert left_at["follower"] >= left_at["leader"]  # it waited for the answer to the batch
    assert not await second.is_open(key)


async def test_a_forward_after_a_bare_mention_at_another_instance_is_armed(two_clients) -> None:
    one, two, prefix = two_clients
    mention, forward = (RedisMessageJoiner(one, prefix=prefix),
                        RedisMessageJoiner(two, prefix=prefix))
    key = (-100, 7, "")
    mention.arm(key)  # written in the background as the mention arrives
    await asyncio.sleep(0.05)  # the forward comes a moment later, to the other instance
    assert await forward.is_armed(key)
    assert await forward.disarm(key)  # the forward used it
    assert not await mention.disarm(key)  # so the mention's "send an article" is not said


async def test_one_users_rate_window_is_counted_across_instances(two_clients) -> None:
    one, two, prefix = two_clients
    windows = RedisRateWindow(one, 3, 2.0, prefix=prefix), RedisRateWindow(two, 3, 2.0,
                                                                           prefix=prefix)
    waits = [await windows[i % 2].take(5) for i in range(4)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert 1.5 < waits[3] <= 2.0
    assert await windows[1].take(6) == 0.0  # another user is not held up
    assert await windows[0].hold(5) == 0 and await windows[1].hold(5) == 1
    await asyncio.sleep(waits[3])
    assert await windows[1].take(5) == 0.0  # the window moved on


async def test_a_chats_questions_take_turns_across_instances(two_clients) -> None:
    one, two, prefix = two_clients
    orders = RedisChatOrder(one, 10, prefix=prefix), RedisChatOrder(two, 10, prefix=prefix)
    done: list[int] = []

    async def answer(order: RedisChatOrder, message_id: int, delay: float, work: float) -> None:
        await asyncio.sleep(delay)
        async with order.turn(1, message_id):
            await asyncio.sleep(work)
            done.append(message_id)

    # 11 reaches its instance first and is quicker; 10 was asked first and is answered first.
    await asyncio.gather(answer(orders[0], 10, 0.0, 0.4), answer(orders[1], 11, 0.1, 0.0),
                         answer(orders[1], 12, 0.15, 0.0))
    assert done == [10, 11, 12]


async def test_a_question_waits_for_the_article_another_instance_reads(two_clients) -> None:
    one, two, prefix = two_clients
    reading, asking = (RedisArticlesInProgress(one, prefix=prefix),
                       RedisArticlesInProgress(two, prefix=prefix))
    reading.begin(9)

    async def finish() -> None:
        await asyncio.sleep(0.5)
        await reading.end(9)

    started = time.monotonic()
    await asyncio.gather(finish(), asking.settled(9, timeout=5))
    assert 0.45 <= time.monotonic() - started < 2
    started = time.monotonic()
    await asking.settled(9, timeout=5)  # nothing on its way now
    assert time.monotonic() - started < 0.2


async def test_a_question_out_of_time_behind_another_instances_is_refused(two_clients) -> None:
    one, two, prefix = two_clients
    first, second = (RedisChatOrder(one, 10, prefix=prefix),
                     RedisChatOrder(two, 10, prefix=prefix))
    holding, release = asyncio.Event(), asyncio.Event()

    async def slow() -> None:
        async with first.turn(1, 20):
            holding.set()
            await release.wait()

    task = asyncio.create_task(slow())
    await holding.wait()
    started = time.monotonic()
    with pytest.raises(Busy):
        async with second.turn(1, 21, deadline=time.monotonic() + 0.5):
            pass
    assert 0.45 <= time.monotonic() - started < 1.5
    release.set()
    await task
    async with second.turn(1, 22, deadline=time.monotonic() + 0.5):  # its turn is free now
        pass
