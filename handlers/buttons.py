"""Button presses no feature can serve get an answer too, so no button is left spinning.

Two routers, at both ends of the factory's list. `build_router` comes right after the error
router: a press on a message sent in inline mode carries no message (and so no chat) and is
answered there before a feature handler that needs the chat could see it. Answers go through
`callback_answer` (`bot.middlewares.CallbackAnswers`), as everywhere. `build_stale_router`
comes last of all: stale or unknown button data (an old keyboard, a hand-made callback) that
no feature's filter accepted.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

NO_CHAT = "Эта кнопка работает только в чате со мной: перешлите статью мне в личные сообщения."
STALE = "Эта кнопка устарела. Пришлите статью ещё раз или наберите /help."


async def on_button_without_chat(query: CallbackQuery,
                                 callback_answer: CallbackAnswer) -> None:
    callback_answer.text, callback_answer.show_alert = NO_CHAT, True


async def on_stale_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text, callback_answer.show_alert = STALE, True


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(on_button_without_chat, ~F.message)
    return router


def build_stale_router() -> Router:
    router = Router(name=f"{__name__}.stale")
    router.callback_query.register(on_stale_button)
    return router
