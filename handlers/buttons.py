"""Button presses no feature can serve get an answer too, so no button is left spinning.

Included right after the error router: a press on a message sent in inline mode carries no
message (and so no chat): it is answered here before a feature handler that needs the chat
could see it. Stale or unknown button data (an old keyboard, a hand-made callback) is answered
by the catch-all at the end of `handlers.question`.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery

router = Router(name=__name__)

NO_CHAT = "Эта кнопка работает только в чате со мной: перешлите статью мне в личные сообщения."
STALE = "Эта кнопка устарела. Пришлите статью ещё раз или наберите /help."


@router.callback_query(~F.message)
async def on_button_without_chat(query: CallbackQuery) -> None:
    await query.answer(NO_CHAT, show_alert=True)


async def on_stale_button(query: CallbackQuery) -> None:
    """Registered last (handlers.question): data that no feature's filter accepted."""
    await query.answer(STALE, show_alert=True)
