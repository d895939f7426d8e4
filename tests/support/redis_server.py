"""A client for the Redis at 127.0.0.1:6379 and a key prefix of the test's own, deleted after.

Tests that need it are skipped, saying why, where that server does not answer. Tests share the
server (and db 0) with each other and with other runs, so each works under a random prefix and
touches nothing else. The prefix is digits, so it can also be a test bot's id (the digest's
flood keys are named after the bot's id)."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bot.distributed.redis_client import create_redis

REDIS_URL = "redis://127.0.0.1:6379/0"


@contextlib.asynccontextmanager
async def redis_prefix() -> AsyncIterator[tuple[Redis, str]]:
    """(client, prefix); every key whose name contains the prefix is deleted afterwards."""
    client = create_redis(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:  # noqa: BLE001
        await client.aclose()
        pytest.skip(f"Redis at 127.0.0.1:6379 is not reachable: {type(exc).__name__}")
    prefix = str(9_000_000_000_000 + secrets.randbelow(10**12))
    try:
        yield client, prefix
    finally:
        keys = [key async for key in client.scan_iter(match=f"*{prefix}*", count=500)]
        if keys:
            await client.delete(*keys)
        await client.aclose()
