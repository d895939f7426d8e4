"""Middlewares: arrival order, a DB session per update, typing, button answers, and Bot API
retries (the per-user rate limit is `bot.rate_limit`).

Order (outer middlewares on the update observer run after aiogram's own error and user-context
middlewares): the error handlers see every exception raised here or in a handler, and the
session is rolled back before they run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.dispatcher.flags import get_flag
from aiogram.enums import ChatType, MessageEntityType
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject, Update
from aiogram.utils.callback_answer import CallbackAnswer, CallbackAnswerMiddleware
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot import metrics
from bot.services.articles import ArticlesInProgress
from bot.services.fetch import shared_link
from bot.services.message_joiner import MessageJoiner
from bot.services.message_kind import typed_article
from bot.services.paste_pieces import PastePieces
from bot.storage.db import bind_update_session, release_connection, update_session
from bot.storage.repo import Repo
from models.core.types import Length

if TYPE_CHECKING:
    from aiogram import Bot

logger = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class ArrivalMiddleware(BaseMiddleware):
    """Notes article-like messages and bare group mentions in the order they arrived.

    Polling handles updates as concurrent tasks, so the tail of a split paste (a short text)
    can reach its filters before the long head has opened its buffer. This outer middleware
    runs before anything in the update awaits, that is in arrival order, and tells the joiner
    what to expect: a long text or a forward will open a buffer; "@bot" alone in a group arms
    the forward that follows it. It also counts the chat's articles on their way until their
    update is over, so that a question sent right after one waits for it, and tells which typed
    messages continue a paste (`paste_piece` in the handler data: joined, and not counted by
    the rate limit), which only the arrival order can tell.
    """

    def __init__(self, joiner: MessageJoiner, min_article_chars: int,
                 in_progress: ArticlesInProgress | None = None,
                 pieces: PastePieces | None = None) -> None:
        self.joiner = joiner
        self.min_article_chars = min_article_chars
        self.in_progress = in_progress or ArticlesInProgress()
        self.pieces = pieces or PastePieces(joiner.window, max_chars=200_000)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        message = event.message if isinstance(event, Update) else None
        if message is None or message.from_user is None:
            return await handler(event, data)
        key = (message.chat.id, message.from_user.id)  # as handlers.filters.joiner_key
        text = (message.text or message.caption or "").strip()
        if message.text is not None and message.forward_origin is None:
            data["paste_piece"] = self.pieces.arrived(key, message.text)
        article = True
        if message.forward_origin is not None:
            self.joiner.expect((*key, "forward"))
        elif typed_article(text, self.min_article_chars):
            self.joiner.expect((*key, "text"))
        elif message.document is None and not shared_link(text):
            article = False
            if message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP) and self._bare_mention(
                    message, text, data.get("bot_username")):
                self.joiner.arm((*key, ""))
        if not article:
            return await handler(event, data)
        self.in_progress.begin(message.chat.id)
        try:
            return await handler(event, data)
        finally:
            await self.in_progress.end(message.chat.id)

    @staticmethod
    def _bare_mention(message: Message, text: str, username: str | None) -> bool:
        if " " in text or not text.startswith("@"):
            return False
        if not any(e.type == MessageEntityType.MENTION for e in message.entities or []):
            return False
        return username is None or text[1:].lower() == username.lower()


class DbSessionMiddleware(BaseMiddleware):
    """The update's unit of work: one `AsyncSession` per update, with `repo` and
    `chat_settings` injected; the one place that commits an update's writes.

    Two rules own every transaction an update opens (nothing else in `handlers/` or the services
    commits; `grep "\\.commit()"` finds only this, `release_connection`, the inbox's store and
    the digest scheduler's own jobs):

    1. Unit of work. What the update writes, the chat's row on first contact included, is
       committed once, when the handler returns, and rolled back when it raises (before the
       error handlers run): a failed update leaves no half-written rows.
    2. No connection held while waiting. Every place an update waits (a Bot API call, model
       work, the paste joiner, a question's turn, the rate limiter, a page fetch) first calls
       `release_connection`, which commits what the update wrote so far and gives the pooled
       connection back; a burst of updates cannot drain the pool, and a SQLite write lock is
       never held across a wait. What was released before a wait stays when the update later
       fails; that is deliberate, since a reply reports it (an article stored, a chat's data
       deleted) and the user must find it saved. A handler that does several independent
       pieces of work (one article per chat for a channel post, one per forwarded post) calls
       `release_connection` between them and `repo.rollback()` when a piece fails, so one
       piece's failure drops only its own writes. Not a savepoint: `release_connection` inside
       a piece would commit through it.

    The session is the update's `update_session` (`bot.storage.db`), which is how
    `release_connection` finds it; only the task handling the update may release it.
    """

    def __init__(self, sessionmaker: async_sessionmaker, *, default_length: Length,
                 default_timezone: str) -> None:
        self.sessionmaker = sessionmaker
        self.default_length = default_length
        self.default_timezone = default_timezone

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.sessionmaker() as session:
            token = bind_update_session(session)
            try:
                repo = Repo(session)
                data["repo"] = repo
                chat: Chat | None = data.get("event_chat")
                if chat is not None:
                    data["chat_settings"] = await repo.chats.ensure(
                        chat.id, kind=chat.type, title=chat.title or chat.full_name or "",
                        summary_length=self.default_length, timezone=self.default_timezone,
                    )
                result = await handler(event, data)
            except BaseException:
                await session.rollback()
                raise
            finally:
                update_session.reset(token)
            await session.commit()  # the unit of work ends with the update
            return result


class TypingMiddleware(BaseMiddleware):
    """Shows "typing…" while a handler flagged `flags={"chat_action": "typing"}` runs.

    aiogram's own `ChatActionMiddleware` types for every message handler, /help included; this
    one types only where model work happens, for messages and button presses alike, in the forum
    topic the message is in. A failed chat action (Telegram down, the chat gone) is dropped: it
    must not fail the reply, and no task of it is left with an exception nobody reads (aiogram's
    `ChatActionSender` ends its loop at the first failed call).
    """

    def __init__(self, every: float = 4.5, first_after: float = 0.5) -> None:
        self.every = every  # Telegram shows an action for about 5 s
        # A reply sooner than this needs no "typing…" (most answers to questions): a call less
        # for each, which the event loop feels under a burst (aiogram's `initial_sleep`).
        self.first_after = first_after

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        action = get_flag(data, "chat_action")
        chat: Chat | None = data.get("event_chat")
        if not action or chat is None:
            return await handler(event, data)
        typing = asyncio.create_task(self._keep_typing(data["bot"], chat.id, str(action),
                                                       _topic_of(event)))
        try:
            return await handler(event, data)
        finally:
            typing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await typing

    async def _keep_typing(self, bot: Bot, chat_id: int, action: str,
                           thread_id: int | None) -> None:
        await asyncio.sleep(self.first_after)
        while True:
            try:
                await bot.send_chat_action(chat_id, action, message_thread_id=thread_id)
            except (TelegramAPIError, TelegramNetworkError):
                logger.debug("chat action failed in chat=%s", chat_id)
            await asyncio.sleep(self.every)


def _topic_of(event: TelegramObject) -> int | None:
    """The forum topic a message (or the message under a pressed button) is in; None outside
    topics, where Telegram would take a thread id for a reply thread and refuse it."""
    message = event.message if isinstance(event, CallbackQuery) else event
    if isinstance(message, Message) and message.is_topic_message:
        return message.message_thread_id
    return None


# The press of the update being handled was answered before its handler failed (the flag
# `callback_answer={"pre": True}`): the error handler must tell the reason in the chat, since
# Telegram takes one answer per press and refuses a second (`handlers.errors`).
press_answered: ContextVar[bool] = ContextVar("press_answered", default=False)


class CallbackAnswers(CallbackAnswerMiddleware):
    """aiogram's `CallbackAnswerMiddleware`: every button press is answered once, after its
    handler (before it with the flag `callback_answer={"pre": True}`), with the `text` and
    `show_alert` the handler set on its `callback_answer` argument.

    One difference: when the handler raised, nothing is answered here, so that the error
    handler can answer with the reason as an alert (`handlers.errors`); an empty answer sent
    first would make that one fail, as a press is answered only once. Where the press was
    answered first (model work followed), `press_answered` tells the error handler to say the
    reason in the chat instead.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async def answer_unless_failed(event: TelegramObject, data: dict[str, Any]) -> Any:
            try:
                return await handler(event, data)
            except BaseException:
                callback_answer: CallbackAnswer = data["callback_answer"]
                if callback_answer.answered:
                    press_answered.set(True)
                else:
                    callback_answer.disable()
                raise

        return await super().__call__(answer_unless_failed, event, data)


# Calls not worth retrying: polling has its own back-off, a chat action is stale in seconds.
_NOT_RETRIED = frozenset({"getUpdates", "sendChatAction"})


class TelegramRetryMiddleware(BaseRequestMiddleware):
    """Every Bot API call outlives short Telegram faults: a 429 waits its `retry_after`, a 5xx
    or network error backs off (0.5 s doubling to 8 s), until `deadline` seconds are spent.

    Past the deadline the error goes up; the update's error handler then leaves it in the
    inbox to be tried again later, so a longer outage delays replies instead of losing them.
    This is the one place that retries a 429, for replies and digests alike (the digest
    sender only reports what is left: `bot.digest.delivery`).
    """

    def __init__(self, deadline: float = 30.0, first_delay: float = 0.5,
                 max_delay: float = 8.0) -> None:
        self.deadline = deadline
        self.first_delay = first_delay
        self.max_delay = max_delay

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Response[TelegramType]:
        name = method.__api_method__
        if name in _NOT_RETRIED:
            return await make_request(bot, method)
        await release_connection()
        give_up_at = time.monotonic() + self.deadline
        delay = self.first_delay
        attempt = 1
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                metrics.TELEGRAM_429.inc()
                wait, reason = float(exc.retry_after), "429"
                if time.monotonic() + wait > give_up_at:
                    raise
            except (TelegramServerError, TelegramNetworkError) as exc:
                wait, delay = delay, min(delay * 2, self.max_delay)
                reason = type(exc).__name__
                if time.monotonic() + wait > give_up_at:
                    raise
            logger.warning("%s on %s: retrying in %.1fs (attempt %d)", reason, name, wait, attempt)
            await asyncio.sleep(wait)
            attempt += 1
