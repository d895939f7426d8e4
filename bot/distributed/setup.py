"""What a bot instance builds in scale-out mode: the queue's brokers, the Redis-backed state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from bot.distributed.redis_client import create_redis
from bot.distributed.tasks import Brokers, build_brokers
from bot.services.articles import ArticlesInProgress
from bot.services.chat_order import ChatOrder
from bot.services.message_joiner import MessageJoiner


@dataclass
class SharedState:
    """Per-chat and per-user state the handlers share: in memory, or in Redis (the Redis
    classes subclass the in-memory ones; the rate windows share `take`/`hold`/`release`)."""

    in_progress: ArticlesInProgress
    joiner: MessageJoiner
    order: ChatOrder
    rate: Any  # bot.middlewares.RateWindow or RedisRateWindow


@dataclass
class ScaleOut:
    """Connections of one bot instance in scale-out mode; `start`/`stop` with the bot."""

    redis: Redis
    brokers: Brokers
    _models: Any = None

    @classmethod
    def connect(cls, settings: Any) -> ScaleOut:
        return cls(create_redis(settings.redis_url),
                   build_brokers(settings.redis_url,
                                 redeliver_seconds=settings.task_redeliver_seconds))

    def models(self, settings: Any) -> Any:
        from bot.distributed.remote_models import RemoteModels

        self._models = RemoteModels(self.brokers, settings.nlp_engine, settings.nlp_timeout)
        return self._models

    def shared_state(self, settings: Any) -> SharedState:
        from bot.distributed.shared_state import (
            RedisArticlesInProgress,
            RedisChatOrder,
            RedisMessageJoiner,
            RedisRateWindow,
        )

        return SharedState(
            in_progress=RedisArticlesInProgress(self.redis),
            joiner=RedisMessageJoiner(self.redis, settings.album_window_seconds),
            order=RedisChatOrder(self.redis, max_wait=settings.nlp_timeout + 30),
            rate=RedisRateWindow(self.redis, settings.user_rate_limit,
                                 settings.user_rate_window_seconds))

    async def start(self) -> None:
        await self.redis.ping()
        await self.brokers.startup()

    async def stop(self) -> None:
        if self._models is not None:
            await self._models.aclose()
        await self.brokers.shutdown()
        await self.redis.aclose()
