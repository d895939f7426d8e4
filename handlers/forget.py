"""/forget: delete this chat's articles, questions, votes and corrections, after a confirmation.

In groups only an administrator may confirm, so one member cannot wipe everyone's history.
"""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.storage.repo import Repo
from handlers.keyboards import ForgetCb, forget_keyboard
from handlers.rights import may_change_chat

logger = logging.getLogger(__name__)


async def on_forget(message: Message, repo: Repo) -> None:
    articles = await repo.articles.count(message.chat.id)
    questions = await repo.questions.count(message.chat.id)
    feedback = await repo.feedback.count_chat(message.chat.id)
    if not articles and not questions and not feedback:
        await message.answer("В этом чате нечего удалять.")
        return
    votes = f", оценки ответов и исправления ({feedback})" if feedback else ""
    await message.answer(
        f"Удалить статьи этого чата ({articles}) и вопросы к ним ({questions}){votes}? "
        "Это нельзя отменить.", reply_markup=forget_keyboard())


async def on_forget_confirm(query: CallbackQuery, callback_data: ForgetCb, bot: Bot,
                            repo: Repo, callback_answer: CallbackAnswer) -> None:
    message = query.message
    if not isinstance(message, Message):
        return
    if not callback_data.confirm:
        await message.edit_text("Ничего не удалено.")
        return
    if not await may_change_chat(query, bot):
        callback_answer.text = "Удалить может только администратор группы."
        callback_answer.show_alert = True
        return
    pressed_before = await repo.chats.forgotten(message.chat.id, message.message_id)
    deleted = await repo.articles.delete_chat(message.chat.id)
    feedback = await repo.feedback.delete_chat(message.chat.id)  # votes and corrections
    # Every message up to this prompt may stand for a deleted article: replies to them say so.
    await repo.chats.set_forgotten_through(message.chat.id, message.message_id)
    logger.info("forget chat=%s articles=%d feedback=%d", message.chat.id, deleted, feedback)
    if not deleted and not feedback and pressed_before:  # a second press on the same confirmation
        callback_answer.text = "Уже удалено"
        await message.edit_text("Уже удалено: статей и вопросов в этом чате нет.")
        return
    callback_answer.text = "Удалено"
    votes = f", оценок и исправлений — {feedback}" if feedback else ""
    await message.edit_text(f"Готово: удалено статей — {deleted}, вопросы к ним тоже{votes}.")


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_forget, Command("forget"))
    router.callback_query.register(on_forget_confirm, ForgetCb.filter())
    return router
