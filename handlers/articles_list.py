"""/articles: this chat's articles, newest first, a page at a time; a button makes one the
subject of questions, « ‹ › page through older ones (the list is edited in place)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.rendering.html import esc
from bot.rendering.replies import short_title
from bot.storage.repo import Repo
from handlers.article import edit_quietly
from handlers.keyboards import ArticlesPageCb, articles_keyboard

PAGE_SIZE = 6
NO_ARTICLES = ("Статей пока нет. Перешлите пост из канала, вставьте текст, пришлите файл .txt "
               "или ссылку.")
# A page button under a list whose articles were deleted since (/forget).
LIST_GONE = "Этих статей больше нет — список устарел."


@dataclass(frozen=True, slots=True)
class Page:
    text: str
    keyboard: InlineKeyboardMarkup
    page: int  # the page shown: a page past the end shows the last one


def local_time(moment: datetime, zone: str) -> datetime:
    """`moment` (stored in UTC; SQLite hands it back without a zone) in the chat's time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(ZoneInfo(zone)) if zone else moment
    except (ZoneInfoNotFoundError, ValueError):
        return moment


async def render_page(repo: Repo, chat_id: int, page: int) -> Page | None:
    """Page `page` of the chat's list (the last one if the list has shrunk since), or None
    when the chat has no articles."""
    total = await repo.articles.count(chat_id)
    if not total:
        return None
    pages = math.ceil(total / PAGE_SIZE)
    page = min(page, pages - 1)
    articles = await repo.articles.recent(chat_id, PAGE_SIZE, offset=page * PAGE_SIZE)
    chat = await repo.chats.get(chat_id)
    current = chat.current_article_id if chat else None
    heading = "<b>Последние статьи</b>"
    if pages > 1:
        heading += f", страница {page + 1} из {pages}"
    lines = [f"{heading} (выберите, о какой спрашивать):"]
    first = page * PAGE_SIZE + 1
    for number, article in enumerate(articles, first):
        mark = " ← сейчас" if article.id == current else ""
        when = local_time(article.created_at, chat.timezone if chat else "").strftime(
            "%d.%m %H:%M")
        lines.append(f"{number}. {esc(short_title(article))} <i>({when}){mark}</i>")
    keyboard = articles_keyboard([a.public_id for a in articles], first, page, pages)
    return Page("\n".join(lines), keyboard, page)


async def on_articles(message: Message, repo: Repo) -> None:
    shown = await render_page(repo, message.chat.id, 0)
    if shown is None:
        await message.answer(NO_ARTICLES)
        return
    await message.answer(shown.text, reply_markup=shown.keyboard)


async def on_articles_page(query: CallbackQuery, callback_data: ArticlesPageCb, repo: Repo,
                           callback_answer: CallbackAnswer) -> None:
    """« ‹ ›: the list's message becomes that page; the press is answered once (by
    `CallbackAnswers`), with a toast only when the list is gone."""
    message = query.message
    if not isinstance(message, Message):
        callback_answer.text = "Сообщение устарело."
        return
    shown = await render_page(repo, message.chat.id, callback_data.page)
    if shown is None:
        callback_answer.text = LIST_GONE
        await edit_quietly(message.edit_text(NO_ARTICLES, reply_markup=None))
        return
    await edit_quietly(message.edit_text(shown.text, reply_markup=shown.keyboard))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_articles, Command("articles"))
    router.callback_query.register(on_articles_page, ArticlesPageCb.filter())
    return router
