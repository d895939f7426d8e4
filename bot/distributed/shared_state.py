"""What one process keeps in memory, kept in Redis for many: any instance may get any update.

- `RedisMessageJoiner`: the pieces of one paste, wherever they arrive, are joined by the
  instance that got the first one (a Lua script makes "open a batch or join the open one"
  atomic);
- `RedisArticlesInProgress`: a question waits for the chat's article on its way, even when
  another instance is reading it;
- `RedisRateWindow`: one user's limit, counted across instances (a sorted set per user);
- `RedisChatOrder`: the chat's questions answered in the order asked.

Every key has a TTL: an instance that dies leaves nothing that stays.
Writes that the in-process classes make synchronously as an update arrives (so that they
happen in arrival order) are sent in the background here, and every read first waits for this
process's writes still on their way.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Hashable
from dataclasses import asdict, replace
from typing import Any

from redis.asyncio import Redis

from bot.errors import Busy
from bot.inbox.runtime import answering_updates
from bot.services.articles import ArticlesInProgress
from bot.services.chat_order import ChatOrder
from bot.services.message_joiner import (
    FOLLOWER_WAIT,
    SHORT_WINDOW,
    MessageJoiner,
    Part,
    may_be_cut,
)
from bot.storage.db import release_connection

logger = logging.getLogger(__name__)
POLL = 0.05  # seconds between looks at a key another instance will change


class _BackgroundWrites:
    """Writes started without waiting, and a way to wait for them before a read."""

    def __init__(self) -> None:
        self._pending: set[asyncio.Task[Any]] = set()

    def start(self, write: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(write)
        self._pending.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._pending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.warning("a shared-state write failed: %r", task.exception())

    async def settled(self) -> None:
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)


def _name(key: Hashable) -> str:
    return ":".join(map(str, key)) if isinstance(key, tuple) else str(key)


# KEYS: open, parts, meta. ARGV: token, part json, now ms, ttl ms, part length.
# Returns the token of the batch the part joined (ARGV[1] when it opened a new one).
_APPEND = """
local owner = redis.call('GET', KEYS[1])
if not owner then
  owner = ARGV[1]
  redis.call('SET', KEYS[1], owner, 'PX', ARGV[4])
  redis.call('DEL', KEYS[2])
end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[3], 'last', ARGV[3], 'len', ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return owner
"""
# KEYS: open, parts, meta. ARGV: token. The batch's parts, or nil if it is not that batch's.
_CLOSE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
local parts = redis.call('LRANGE', KEYS[2], 0, -1)
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return parts
"""


def _part_to_json(part: Part) -> str:
    data = asdict(part)
    data["updates"] = sorted(part.updates)
    return json.dumps(data, ensure_ascii=False)


def _part_from_json(raw: bytes | str) -> Part:
    data = json.loads(raw)
    data["updates"] = frozenset(data.get("updates", ()))
    return Part(**data)


class RedisMessageJoiner(MessageJoiner):
    def __init__(self, redis: Redis, window: float = 2.0, *, prefix: str = "newsbot:join"
                 ) -> None:
        super().__init__(window)
        self.redis = redis
        self.prefix = prefix
        self.ttl_ms = int((window * 4 + 30) * 1000)
        self._writes = _BackgroundWrites()
        self._append = redis.register_script(_APPEND)
        self._close = redis.register_script(_CLOSE)

    def _key(self, key: Hashable, what: str) -> str:
        return f"{self.prefix}:{_name(key)}:{what}"

    def arm(self, key: Hashable, seconds: float | None = None) -> None:
        """Armed for `seconds` (default the window) at every instance; the key lives a window
        longer, so a late `disarm` still finds it (as in `MessageJoiner.disarm`)."""
        self._writes.start(self.redis.set(self._key(key, "armed"), 1,
                                          px=int(((seconds or self.window) + self.window)
                                                 * 1000)))

    async def is_armed(self, key: Hashable) -> bool:
        await self._writes.settled()
        return bool(await self.redis.exists(self._key(key, "armed")))

    async def disarm(self, key: Hashable) -> bool:
        await self._writes.settled()
        return bool(await self.redis.delete(self._key(key, "armed")))

    def expect(self, key: Hashable) -> None:
        now_ms = int(time.time() * 1000)
        coming = self._key(key, "coming")

        async def write() -> None:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.set(self._key(key, "expected"), now_ms, px=int(self.window * 1000))
                pipe.rpush(coming, now_ms).pexpire(coming, int(self.window * 2000))
                await pipe.execute()

        self._writes.start(write())

    async def is_open(self, key: Hashable) -> bool:
        await self._writes.settled()
        return bool(await self.redis.exists(self._key(key, "open"), self._key(key, "expected")))

    async def _still_coming(self, key: Hashable) -> bool:
        """Pieces that arrived (at any instance) and have not joined a batch yet."""
        oldest = (time.time() - 2 * self.window) * 1000
        stamps = await self.redis.lrange(self._key(key, "coming"), 0, -1)
        return any(float(s) >= oldest for s in stamps)

    @contextlib.asynccontextmanager
    async def collect(self, key: Hashable, part: Part) -> AsyncIterator[list[Part] | None]:
        part = replace(part, updates=frozenset(answering_updates.get() or ()))
        await self._writes.settled()
        await self.redis.lpop(self._key(key, "coming"))
        token = uuid.uuid4().hex
        keys = [self._key(key, "open"), self._key(key, "parts"), self._key(key, "meta")]
        owner = await self._append(keys=keys, args=[
            token, _part_to_json(part), int(time.time() * 1000), self.ttl_ms, len(part.text)])
        owner = owner.decode() if isinstance(owner, bytes) else str(owner)
        await release_connection()
        if owner != token:  # it joined another message's batch
            try:
                yield None
            finally:
                await self._wait_done(owner)
            return
        await self._wait_quiet(key, keys[2])
        raw = await self._close(keys=keys, args=[token])
        parts = [_part_from_json(r) for r in raw] if raw else [part]
        try:
            yield sorted(parts, key=lambda p: p.message_id)
        finally:
            await self.redis.set(f"{self.prefix}:done:{token}", 1, ex=int(FOLLOWER_WAIT) * 2)

    async def _wait_quiet(self, key: Hashable, meta: str) -> None:
        """Until no piece came for a window after one that may have been cut (a short wait
        after one that was not), as the in-process joiner does."""
        while True:
            last, length = await self.redis.hmget(meta, "last", "len")
            if last is None:
                return
            cut = may_be_cut(int(length or 0)) or await self._still_coming(key)
            wait = self.window if cut else min(self.window, SHORT_WINDOW)
            left = int(last) / 1000 + wait - time.time()
            if left <= 0:
                return
            await asyncio.sleep(min(left, wait))

    async def _wait_done(self, token: str) -> None:
        done = f"{self.prefix}:done:{token}"
        give_up = time.monotonic() + FOLLOWER_WAIT
        while time.monotonic() < give_up and not await self.redis.exists(done):
            await asyncio.sleep(POLL * 2)


class RedisArticlesInProgress(ArticlesInProgress):
    """The chat's articles on their way, at every instance: a sorted set of tokens by time."""

    STALE = 300.0  # an article read longer than this is not waited for (its process died)

    def __init__(self, redis: Redis, *, prefix: str = "newsbot:reading") -> None:
        super().__init__()
        self.redis = redis
        self.prefix = prefix
        self._tokens: dict[int, list[str]] = {}
        self._writes = _BackgroundWrites()

    def begin(self, chat_id: int) -> None:
        super().begin(chat_id)
        token = uuid.uuid4().hex
        self._tokens.setdefault(chat_id, []).append(token)
        key = f"{self.prefix}:{chat_id}"

        async def write() -> None:
            async with self.redis.pipeline(transaction=True) as pipe:
                await pipe.zadd(key, {token: time.time()}).expire(key, int(self.STALE)).execute()

        self._writes.start(write())

    async def end(self, chat_id: int) -> None:
        tokens = self._tokens.get(chat_id) or []
        token = tokens.pop(0) if tokens else None
        if not tokens:
            self._tokens.pop(chat_id, None)
        await self._writes.settled()
        if token is not None:
            await self.redis.zrem(f"{self.prefix}:{chat_id}", token)
        await super().end(chat_id)

    async def settled(self, chat_id: int, timeout: float) -> bool:
        give_up = time.monotonic() + timeout
        await super().settled(chat_id, timeout)
        await self._writes.settled()
        key = f"{self.prefix}:{chat_id}"
        while True:
            if not await self.redis.zcount(key, time.time() - self.STALE, "+inf"):
                return True
            if time.monotonic() >= give_up:
                logger.warning("chat=%s: article still not read after %.0fs", chat_id, timeout)
                return False
            await release_connection()
            await asyncio.sleep(POLL * 2)


# KEYS: the user's hits. ARGV: now, window, limit, member. Returns 0 (counted) or the wait.
_TAKE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('EXPIRE', KEYS[1], math.ceil(ARGV[2]) + 1)
  return '0'
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(oldest[2] + ARGV[2] - ARGV[1])
"""


class RedisRateWindow:
    """A sliding window per user across instances (`bot.middlewares.RateWindow` in one)."""

    def __init__(self, redis: Redis, limit: int, window: float, *,
                 prefix: str = "newsbot:rate") -> None:
        self.redis = redis
        self.limit = limit
        self.window = window
        self.prefix = prefix
        self._take = redis.register_script(_TAKE)

    async def take(self, user_id: int) -> float:
        wait = await self._take(keys=[f"{self.prefix}:{user_id}"], args=[
            time.time(), self.window, self.limit, uuid.uuid4().hex])
        return max(0.0, float(wait))

    async def hold(self, user_id: int) -> int:
        key = f"{self.prefix}:held:{user_id}"
        async with self.redis.pipeline(transaction=True) as pipe:
            held, _ = await pipe.incr(key).expire(key, int(self.window) + 60).execute()
        return int(held) - 1

    async def release(self, user_id: int) -> None:
        await self.redis.decr(f"{self.prefix}:held:{user_id}")


class RedisChatOrder(ChatOrder):
    """`ChatOrder` across instances: the chat's waiting questions in a sorted set."""

    def __init__(self, redis: Redis, max_wait: float = 90.0, *,
                 prefix: str = "newsbot:order") -> None:
        super().__init__(max_wait)
        self.redis = redis
        self.prefix = prefix

    @contextlib.asynccontextmanager
    async def turn(self, chat_id: int, message_id: int,
                   deadline: float | None = None) -> AsyncIterator[None]:
        key = f"{self.prefix}:{chat_id}"
        member = f"{message_id}:{time.time():.3f}"
        async with self.redis.pipeline(transaction=True) as pipe:
            await pipe.zadd(key, {member: message_id}).expire(key, int(self.max_wait) * 2
                                                              ).execute()
        try:
            await self._wait_turn(key, member, chat_id, deadline)
            yield
        finally:
            await self.redis.zrem(key, member)

    async def _wait_turn(self, key: str, member: str, chat_id: int,
                         deadline: float | None) -> None:
        released = False
        while True:
            first = await self.redis.zrange(key, 0, 0)
            if not first or first[0].decode() == member:
                return
            since = float(first[0].decode().split(":")[1])
            if time.time() - since > self.max_wait:  # its update died with its process
                logger.warning("chat=%s: skipping a question that took too long", chat_id)
                await self.redis.zrem(key, first[0])
                continue
            if deadline is not None and time.monotonic() >= deadline:
                logger.warning("chat=%s: question out of time behind an earlier one", chat_id)
                raise Busy("question")
            if not released:
                await release_connection()
                released = True
            await asyncio.sleep(POLL)
