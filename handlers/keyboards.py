"""Callback data factories and the inline keyboards built from them (rows by `adjust`)."""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from aiogram.types import ForceReply, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import Field

from models.engines.base import Length

# An article's public id (`StoredArticle.public_id`, random, never reused; an older article's is
# its row id): what SQLite (and PostgreSQL's bigint) can hold. Button data is user input (a
# client can send any), and a larger id raised OverflowError inside the query; out of range, the
# data does not parse and the press is answered as a stale button.
ArticleId = Annotated[int, Field(ge=1, le=2**63 - 1)]
LENGTH_ORDER = (Length.SHORT, Length.MEDIUM, Length.LONG)
# "Пересказ" is masculine: «Пересказ: короткий».
LENGTH_NAMES = {Length.SHORT: "короткий", Length.MEDIUM: "средний", Length.LONG: "подробный"}


class SummaryCb(CallbackData, prefix="sum"):
    """Re-render an article's summary at another length (edits the message)."""

    article_id: ArticleId
    length: Length


class AskCb(CallbackData, prefix="ask"):
    """"Задать вопрос" under a summary, or a pick in /articles: questions go to this article."""

    article_id: ArticleId


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
    """"Короче"/"Подробнее" where there is a shorter/longer length, and "Задать вопрос";
    `article_id` is the article's public id."""
    index = LENGTH_ORDER.index(length)
    keyboard = InlineKeyboardBuilder()
    lengths = 0
    if index > 0:
        keyboard.button(text="Короче", callback_data=SummaryCb(
            article_id=article_id, length=LENGTH_ORDER[index - 1]))
        lengths += 1
    if index < len(LENGTH_ORDER) - 1:
        keyboard.button(text="Подробнее", callback_data=SummaryCb(
            article_id=article_id, length=LENGTH_ORDER[index + 1]))
        lengths += 1
    keyboard.button(text="Задать вопрос", callback_data=AskCb(article_id=article_id))
    return keyboard.adjust(lengths, 1).as_markup()


def question_prompt() -> ForceReply:
    return ForceReply(force_reply=True, input_field_placeholder="Ваш вопрос о статье")


def news_or_question_keyboard() -> InlineKeyboardMarkup:
    keyboard = InlineKeyboardBuilder()
    keyboard.button(text="Это новость", callback_data=KindCb(news=True))
    keyboard.button(text="Это вопрос", callback_data=KindCb(news=False))
    return keyboard.adjust(2).as_markup()


def news_offer_keyboard() -> InlineKeyboardMarkup:
    """One button under «Статей пока нет…»: read the message as news (`KindCb`)."""
    keyboard = InlineKeyboardBuilder()
    keyboard.button(text="Пересказать как новость", callback_data=KindCb(news=True))
    return keyboard.as_markup()


def forget_keyboard() -> InlineKeyboardMarkup:
    keyboard = InlineKeyboardBuilder()
    keyboard.button(text="Да, удалить", callback_data=ForgetCb(confirm=True))
    keyboard.button(text="Отмена", callback_data=ForgetCb(confirm=False))
    return keyboard.adjust(2).as_markup()
