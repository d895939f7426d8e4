"""One Redis client per process for the shared state (the task queue has its own pool)."""

from __future__ import annotations

from redis.asyncio import Redis


def create_redis(url: str) -> Redis:
    """A client that returns bytes; callers decode what they store as text."""
    return Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5,
                          health_check_interval=30)
