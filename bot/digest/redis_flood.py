"""Telegram's flood limits shared by every bot instance, kept in Redis (scale-out mode).

`FloodLimiter` keeps its books in process memory, so two instances sending digests at the same
minute could each use the bot's whole 30 messages a second. This limiter keeps the same books in
Redis and reserves a slot in one Lua script (atomic: no other instance sees a half-made
reservation), then sleeps until that slot once, with no polling. Time is Redis' own (`TIME`),
so the instances' clocks need not agree.

Keys, all under the hash tag `{<prefix>}` (braces included, so a Redis Cluster keeps them in
one slot for the script); the prefix is `newsbot:flood:<bot id>`:

- `{prefix}:global`: sorted set of used points on a grid of 1/`per_second` s (score and member:
  the point's index). Each point is used once, so no one-second window holds more than
  `per_second` sends; points in the past are pruned on every call. TTL: the furthest reservation
  plus 2 s.
- `{prefix}:chat:<id>`: the earliest time of the chat's next send (one a second per chat, or
  later after a 429). TTL: until that time plus 1 s.
- `{prefix}:group:<id>`: sorted set of the group's send times within the last `group_window`
  (20 a minute per group). TTL: the last send plus the window plus 1 s.

If Redis cannot be reached, the process falls back to its own in-memory limits rather than lose
the digests it has already claimed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.digest.delivery import FloodLimiter, Monotonic, Sleep
from bot.distributed.redis_client import create_redis

logger = logging.getLogger(__name__)

# KEYS: global grid, chat's next free time, group's recent sends.
# ARGV: per_second, per_group, group_window, per_chat_interval, is_group ("1"/"0").
# Returns the delay until the reserved slot, in seconds, as a string (Lua numbers would be
# truncated to integers in the reply).
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local per_second = tonumber(ARGV[1])
local per_group = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local interval = tonumber(ARGV[4])
local is_group = ARGV[5] == '1'

local function keep_for(key, ms)
  ms = math.ceil(ms)
  if redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, ms) end
end

local slot = now
local chat_next = tonumber(redis.call('GET', KEYS[2]) or '0')
if chat_next > slot then slot = chat_next end

if is_group then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', string.format('%.6f', slot - window))
  local oldest = redis.call('ZRANGE', KEYS[3], -per_group, -per_group, 'WITHSCORES')
  if #oldest == 2 then
    local free_at = tonumber(oldest[2]) + window
    if free_at > slot then slot = free_at end
  end
end

local first = math.ceil(now * per_second - 1e-3)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. first)
local index = math.ceil(slot * per_second - 1e-3)
for _, used in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], index, '+inf')) do
  local point = tonumber(used)
  if point == index then index = index + 1 elseif point > index then break end
end
redis.call('ZADD', KEYS[1], index, index)
slot = index / per_second
keep_for(KEYS[1], (slot - now) * 1000 + 2000)

local next_free = slot + interval
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
if next_free > current then
  redis.call('SET', KEYS[2], string.format('%.6f', next_free), 'PX',
             math.ceil((next_free - now) * 1000) + 1000)
end

if is_group then
  redis.call('ZADD', KEYS[3], string.format('%.6f', slot), index)
  keep_for(KEYS[3], (slot + window - now) * 1000 + 1000)
end
return string.format('%.6f', slot - now)
"""

# KEYS: the chat's next free time. ARGV: seconds to hold. Never shortens an existing hold.
_HOLD = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local hold_until = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if hold_until > current then
  redis.call('SET', KEYS[1], string.format('%.6f', hold_until), 'PX',
             math.ceil(tonumber(ARGV[1]) * 1000) + 1000)
end
return 1
"""


class RedisFloodLimiter:
    """`FloodLimiter`'s contract (`acquire`, `hold`) with the books in Redis, shared by every
    instance using the same `prefix` (one bot token: one prefix)."""

    def __init__(self, redis: Redis, *, prefix: str = "newsbot:flood", per_second: float = 30.0,
                 per_group_minute: int = 20, per_chat_interval: float = 1.0,
                 group_window: float = 60.0, clock: Monotonic = time.monotonic,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.redis = redis
        self.prefix = prefix
        self.per_second = per_second
        self.per_group_minute = per_group_minute
        self.per_chat_interval = per_chat_interval
        self.group_window = group_window  # 60 s as Telegram has it; tests shorten it
        self.clock = clock
        self.sleep = sleep
        self._acquire = redis.register_script(_ACQUIRE)
        self._hold = redis.register_script(_HOLD)
        # Used only while Redis does not answer: this process's own share of the limits.
        self._fallback = FloodLimiter(per_second, per_group_minute, per_chat_interval,
                                      clock=clock, sleep=sleep)

    def _key(self, *parts: Any) -> str:
        return ":".join([f"{{{self.prefix}}}", *map(str, parts)])

    async def acquire(self, chat_id: int) -> float:
        """Reserve the next slot `chat_id` may use and sleep until it; returns the (clock) time
        of that slot."""
        keys = [self._key("global"), self._key("chat", chat_id), self._key("group", chat_id)]
        args = [self.per_second, self.per_group_minute, self.group_window,
                self.per_chat_interval, "1" if chat_id < 0 else "0"]
        try:
            delay = float(await self._acquire(keys=keys, args=args))
        except (RedisError, OSError) as error:
            logger.warning("flood limits: Redis unavailable (%r), using this process's own",
                           error)
            return await self._fallback.acquire(chat_id)
        slot = self.clock() + delay
        if delay > 0:
            await self.sleep(delay)
        return slot

    async def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram said wait (`retry_after`): no instance sends to this chat for `seconds`."""
        try:
            await self._hold(keys=[self._key("chat", chat_id)], args=[seconds])
        except (RedisError, OSError) as error:
            logger.warning("flood limits: Redis unavailable (%r), hold kept locally", error)
            await self._fallback.hold(chat_id, seconds)


def flood_prefix(settings: Any) -> str:
    """One set of books per bot: Telegram counts the limits per token, and two bots (say, a
    staging one) may share a Redis."""
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    return f"newsbot:flood:{token.split(':', 1)[0] or 'bot'}"


def build_flood_limiter(settings: Any, redis: Redis | None = None) -> RedisFloodLimiter | None:
    """The shared limiter when `REDIS_URL` is set (on `redis`, the process's client, if given);
    None: each sender keeps its own limits."""
    if not settings.redis_url:
        return None
    return RedisFloodLimiter(redis or create_redis(settings.redis_url),
                             prefix=flood_prefix(settings))
