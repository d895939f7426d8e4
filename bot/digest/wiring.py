"""Glue between the digest and the rest of the bot: the service built from settings, and the
middleware that resumes a paused digest when its user writes again."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import numpy as np
from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from redis.asyncio import Redis

from bot.digest.clock import Clock, system_clock
from bot.digest.redis_flood import build_flood_limiter
from bot.digest.service import DigestOptions, DigestService
from bot.errors import Busy
from bot.services.nlp import ModelCalls
from bot.storage.repo import Repo

logger = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
BUSY_RETRIES = 120  # a digest waits for the NLP queue (up to ~2 minutes) rather than failing


def build_digest_service(settings: Any, models: ModelCalls, *,
                         clock: Clock = system_clock, redis: Redis | None = None
                         ) -> DigestService:
    """The service with embeddings computed where the bot's model work runs (the shared NLP
    executor, or the workers), off the event loop."""

    async def embed(texts: Sequence[str]) -> np.ndarray:
        for _ in range(BUSY_RETRIES):
            try:
                return await models.embed(texts)
            except Busy:  # users' articles go first; the digest can wait a second
                await asyncio.sleep(1.0)
        raise Busy()

    return DigestService(DigestOptions.from_settings(settings), embed, clock=clock,
                         flood_limiter=build_flood_limiter(settings, redis))


class DigestResumeMiddleware(BaseMiddleware):
    """A message from a chat whose digest was paused (the user had blocked the bot) resumes it.

    Registered on `dp.message` after the DB session middleware, so `repo` is there. It costs one
    indexed SELECT per message; the UPDATE runs only for a paused subscription. The resume is
    part of the update's unit of work (committed with the handler's writes, or released before
    its first wait, `DbSessionMiddleware`); the UPDATE runs in a savepoint so that its failure,
    logged and dropped, leaves the update's transaction usable. The SELECT does not: a
    savepoint around it cost two more statements on every message (SAVEPOINT and RELEASE, each
    a round trip through aiosqlite's thread), and a read that fails fails the update anyway.
    """

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        repo: Repo | None = data.get("repo")
        digest: DigestService | None = data.get("digest")
        chat = data.get("event_chat")
        if repo is not None and digest is not None and chat is not None:
            try:
                paused = await digest.paused(repo, chat.id)  # a read: nothing to undo
                if paused is not None:  # rare: only the write gets a savepoint
                    async with repo.savepoint():
                        await digest.resume_if_paused(repo, chat.id, paused)
            except Exception:  # never let the digest stand between a user and a reply
                logger.exception("digest resume failed for chat %s", chat.id)
        return await handler(event, data)
