"""/articles: this chat's last few articles; a button makes one the subject of questions."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.rendering.html import esc
from bot.rendering.replies import short_title
from bot.storage.repo import Repo
from handlers.keyboards import AskCb

LIMIT = 5


def local_time(moment: datetime, zone: str) -> datetime:
    """`moment` (stored in UTC; SQLite hands it back without a zone) in the chat's time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(ZoneInfo(zone)) if zone else moment
    except (ZoneInfoNotFoundError, ValueError):
        return moment


async def on_articles(message: Message, repo: Repo) -> None:
    articles = await repo.articles.recent(message.chat.id, LIMIT)
    if not articles:
        await message.answer("Статей пока нет. Перешлите пост из канала, вставьте текст, "
                             "пришлите файл .txt или ссылку.")
        return
    chat = await repo.chats.get(message.chat.id)
    current = chat.current_article_id if chat else None
    lines = ["<b>Последние статьи</b> (выберите, о какой спрашивать):"]
    buttons = InlineKeyboardBuilder()
    for number, article in enumerate(articles, 1):
        mark = " ← сейчас" if article.id == current else ""
        when = local_time(article.created_at, chat.timezone if chat else "").strftime(
            "%d.%m %H:%M")
        lines.append(f"{number}. {esc(short_title(article))} <i>({when}){mark}</i>")
        buttons.button(text=str(number), callback_data=AskCb(article_id=article.public_id))
    await message.answer("\n".join(lines), reply_markup=buttons.adjust(LIMIT).as_markup())


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_articles, Command("articles"))
    return router
