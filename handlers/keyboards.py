"""Callback data factories and the inline keyboards built from them."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup

from models.engines.base import Length

LENGTH_ORDER = (Length.SHORT, Length.MEDIUM, Length.LONG)
# "Пересказ" is masculine: «Пересказ: короткий».
LENGTH_NAMES = {Length.SHORT: "короткий", Length.MEDIUM: "средний", Length.LONG: "подробный"}


class SummaryCb(CallbackData, prefix="sum"):
    """Re-render an article's summary at another length (edits the message)."""

    article_id: int
    length: Length


class AskCb(CallbackData, prefix="ask"):
    """"Задать вопрос" under a summary, or a pick in /articles: questions go to this article."""

    article_id: int


class ForgetCb(CallbackData, prefix="forget"):
    confirm: bool


class KindCb(CallbackData, prefix="kind"):
    """The answer to «новость или вопрос?» about the message the prompt replies to."""

    news: bool


class SettingsCb(CallbackData, prefix="set"):
    """A /settings button: `key` names the setting (len, tz, ... the digest adds its own)."""

    key: str
    value: str


def summary_keyboard(article_id: int, length: Length) -> InlineKeyboardMarkup:
    """"Короче"/"Подробнее" where there is a shorter/longer length, and "Задать вопрос"."""
    index = LENGTH_ORDER.index(length)
    row: list[InlineKeyboardButton] = []
    if index > 0:
        row.append(InlineKeyboardButton(text="Короче", callback_data=SummaryCb(
            article_id=article_id, length=LENGTH_ORDER[index - 1]).pack()))
    if index < len(LENGTH_ORDER) - 1:
        row.append(InlineKeyboardButton(text="Подробнее", callback_data=SummaryCb(
            article_id=article_id, length=LENGTH_ORDER[index + 1]).pack()))
    ask = InlineKeyboardButton(text="Задать вопрос",
                               callback_data=AskCb(article_id=article_id).pack())
    return InlineKeyboardMarkup(inline_keyboard=[row, [ask]] if row else [[ask]])


def question_prompt() -> ForceReply:
    return ForceReply(force_reply=True, input_field_placeholder="Ваш вопрос о статье")


def news_or_question_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text="Это новость", callback_data=KindCb(news=True).pack()),
        InlineKeyboardButton(text="Это вопрос", callback_data=KindCb(news=False).pack()),
    ]])


def forget_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text="Да, удалить", callback_data=ForgetCb(confirm=True).pack()),
        InlineKeyboardButton(text="Отмена", callback_data=ForgetCb(confirm=False).pack()),
    ]])
