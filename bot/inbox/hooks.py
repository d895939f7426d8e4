"""Where the inbox meets aiogram: polling's getUpdates, the webhook request, the update chain."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from aiogram import Dispatcher
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.inbox.runtime import Inbox, answering_updates

if TYPE_CHECKING:
    from aiogram import Bot


def update_payload(update: Any) -> dict[str, Any]:
    """An update as Telegram sent it, for the inbox (and back with `Update.model_validate`)."""
    return update.model_dump(mode="json", exclude_unset=True)


class StoreFetchedUpdates(BaseRequestMiddleware):
    """Polling: the updates a getUpdates call returned are stored before aiogram sees them.

    aiogram acknowledges updates with the offset of its next getUpdates call, which it makes
    only after this returned, so nothing is acknowledged that is not stored. When the database
    cannot store them the call fails, aiogram backs off and fetches the same updates again.
    """

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> TelegramType:
        result = await make_request(bot, method)
        if isinstance(method, GetUpdates) and result:
            await self.inbox.accept([update_payload(u) for u in result])  # type: ignore[union-attr]
        return result


# Calls that put something in front of the user: once one succeeded the update is answered.
REPLY_METHODS = frozenset({
    "sendMessage", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery",
    "sendDocument", "sendPhoto", "copyMessage", "forwardMessage",
})


class JournalReplies(BaseRequestMiddleware):
    """Notes in the inbox's journal, the moment Telegram accepted it, that a stored update got
    its reply, so that a crash before the update is marked done does not answer it twice."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> TelegramType:
        result = await make_request(bot, method)
        answering = answering_updates.get()
        if answering and method.__api_method__ in REPLY_METHODS:
            for update_id in answering:
                self.inbox.replied(update_id)
        return result


class InboxRequestHandler(SimpleRequestHandler):
    """Webhook: 200 only once the update is stored; a failed store answers 500, and Telegram
    sends the update again later. The work itself runs in the background, as aiogram's does."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, inbox: Inbox, **kwargs: Any) -> None:
        super().__init__(dispatcher=dispatcher, bot=bot, handle_in_background=True, **kwargs)
        self.inbox = inbox

    async def _handle_request_background(self, bot: Bot, request: web.Request) -> web.Response:
        payload = await request.json(loads=bot.session.json_loads)
        try:
            await self.inbox.accept([payload])
        except Exception:  # noqa: BLE001  (Telegram will deliver it again)
            return web.json_response({"ok": False}, status=500)
        task = asyncio.create_task(self._background_feed_update(bot=bot, update=payload))
        self._background_feed_update_tasks.add(task)
        task.add_done_callback(self._background_feed_update_tasks.discard)
        return web.json_response({}, dumps=bot.session.json_dumps)


def run_outermost(dispatcher: Dispatcher, middleware: Any) -> None:
    """Put `middleware` before aiogram's own error middleware on the update chain, so it sees
    an update end after the error handlers have answered it."""
    manager = dispatcher.update.outer_middleware
    others = list(manager[:])
    for registered in others:
        manager.unregister(registered)
    manager.register(middleware)
    for registered in others:
        manager.register(registered)
