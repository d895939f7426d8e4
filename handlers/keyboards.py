"""Callback data factories and the inline keyboards built from them (rows by `adjust`)."""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, ForceReply, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import Field

from bot.services.articles import LENGTH_ORDER, LengthChoices
from models.core.types import Length

# An article's public id (`StoredArticle.public_id`, random, never reused; an older article's is
# its row id): what SQLite (and PostgreSQL's bigint) can hold. Button data is user input (a
# client can send any), and a larger id raised OverflowError inside the query; out of range, the
# data does not parse and the press is answered as a stale button.
ArticleId = Annotated[int, Field(ge=1, le=2**63 - 1)]
# "Пересказ" is masculine: «Пересказ: короткий».
LENGTH_NAMES = {Length.SHORT: "короткий", Length.MEDIUM: "средний", Length.LONG: "подробный"}


class SummaryCb(CallbackData, prefix="sum"):
    """Re-render an article's summary at another length (edits the message)."""

    article_id: ArticleId
    length: Length


class AskCb(CallbackData, prefix="ask"):
    """"Задать вопрос" under a summary, or a pick in /articles: questions go to this article."""

    article_id: ArticleId


class ArticlesPageCb(CallbackData, prefix="arts"):
    """A page of /articles (0: the newest); edits the list in place."""

    page: Annotated[int, Field(ge=0, le=1_000_000)]


class ForgetCb(CallbackData, prefix="forget"):
    confirm: bool


class KindCb(CallbackData, prefix="kind"):
    """The answer to «новость или вопрос?» about the message the prompt replies to."""

    news: bool


class SettingsCb(CallbackData, prefix="set"):
    """A /settings button: `key` names the setting (len, tz, ... the digest adds its own)."""

    key: str
    value: str


SHORTER, LONGER = "Короче", "Подробнее"


def summary_keyboard(article_id: int, choices: LengthChoices) -> InlineKeyboardMarkup:
    """"Короче"/"Подробнее" only towards a length that reads differently (`choices`), and
    "Задать вопрос"; `article_id` is the article's public id."""
    keyboard = InlineKeyboardBuilder()
    lengths = 0
    for text, length in ((SHORTER, choices.shorter), (LONGER, choices.longer)):
        if length is not None:
            keyboard.button(text=text, callback_data=SummaryCb(article_id=article_id,
                                                               length=length))
            lengths += 1
    keyboard.button(text="Задать вопрос", callback_data=AskCb(article_id=article_id))
    return keyboard.adjust(*([lengths] if lengths else []), 1).as_markup()


def pressed_shorter(query: CallbackQuery, length: Length) -> bool | None:
    """Whether a `SummaryCb` press was «Короче» (False: «Подробнее»), read from the button on
    the message; the ends of the scale say it themselves; None when it cannot be told."""
    message = query.message
    markup = message.reply_markup if isinstance(message, Message) else None
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == query.data and button.text in (SHORTER, LONGER):
                return button.text == SHORTER
    if length in (LENGTH_ORDER[0], LENGTH_ORDER[-1]):
        return length == LENGTH_ORDER[0]
    return None


def articles_keyboard(public_ids: list[int], first_number: int, page: int,
                      pages: int) -> InlineKeyboardMarkup:
    """A numbered button per listed article (questions go to it), then « ‹ › to the first,
    previous and next page where there is one."""
    keyboard = InlineKeyboardBuilder()
    for number, public_id in enumerate(public_ids, first_number):
        keyboard.button(text=str(number), callback_data=AskCb(article_id=public_id))
    moves = [("«", 0), ("‹", page - 1)] if page > 0 else []
    if page + 1 < pages:
        moves.append(("›", page + 1))
    for text, target in moves:
        keyboard.button(text=text, callback_data=ArticlesPageCb(page=target))
    sizes = [len(public_ids)] + ([len(moves)] if moves else [])
    return keyboard.adjust(*sizes).as_markup()


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
