"""Filters shared by the routers: is a message meant for the bot, and what does it carry.

In groups the bot reacts only to commands, replies to its own messages, mentions, and a
forward that follows a bare mention; it never answers every message.
"""

from __future__ import annotations

import re

from aiogram import Bot
from aiogram.enums import ChatType, MessageEntityType
from aiogram.filters import Filter
from aiogram.types import Message

from bot.services.articles import MIN_ARTICLE_CHARS
from bot.services.fetch import shared_link
from bot.services.message_joiner import MessageJoiner
from bot.services.message_kind import small_talk, typed_article
from bot.services.paste_pieces import question_shaped

GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)
_MENTIONS = re.compile(r"@\w+")


def message_text(message: Message) -> str:
    return message.text or message.caption or ""


def joiner_key(message: Message, kind: str = "") -> tuple[int, int, str]:
    """Who sent it, and how: pieces of a paste ("text") never join forwards ("forward");
    the kind-less key is for arming a forward after a bare mention."""
    return (message.chat.id, message.from_user.id if message.from_user else 0, kind)


async def mentions_bot(message: Message, bot: Bot) -> bool:
    me = await bot.me()
    text = message_text(message)
    for entity in message.entities or message.caption_entities or []:
        if (entity.type == MessageEntityType.MENTION and me.username
                and entity.extract_from(text).lower() == f"@{me.username.lower()}"):
            return True
        if (entity.type == MessageEntityType.TEXT_MENTION and entity.user
                and entity.user.id == me.id):
            return True
    return False


async def replies_to_bot(message: Message, bot: Bot) -> bool:
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot.id)


def strip_mention(text: str, username: str | None) -> str:
    if not username:
        return text.strip()
    return " ".join(w for w in text.split(" ") if w.lower() != f"@{username.lower()}").strip()


class Addressed(Filter):
    """Private chats: always. Groups: a mention, a reply to the bot, or an armed forward."""

    async def __call__(self, message: Message, bot: Bot, joiner: MessageJoiner) -> bool:
        if message.chat.type == ChatType.PRIVATE:
            return True
        if message.chat.type not in GROUPS:
            return False
        if await mentions_bot(message, bot) or await replies_to_bot(message, bot):
            return True
        return (message.forward_origin is not None
                and await joiner.is_armed(joiner_key(message)))


class ArticleText(Filter):
    """Text long enough to be an article and not a question or talk to the bot, however long
    (`typed_article`), a short news item typed or pasted (a sentence that is not a question),
    or the next piece of a paste being joined.

    A short text joins a paste only as its tail: `paste_piece` (from `ArrivalMiddleware`, in
    arrival order) says it came right after a piece the client may have cut. Without that
    (the piece reached another bot instance) an open paste takes it unless it reads as a
    question: questions sent just before a paste were glued in as its first lines.
    """

    async def __call__(self, message: Message, joiner: MessageJoiner,
                       paste_piece: bool = False) -> bool:
        text = message_text(message)
        if not _MENTIONS.sub("", text).strip() or text.startswith("/"):
            return False
        if message.reply_to_message is None and (paste_piece or (
                not question_shaped(text)
                and await joiner.is_open(joiner_key(message, "text")))):
            return True
        return typed_article(_MENTIONS.sub("", text), MIN_ARTICLE_CHARS)


class SmallTalkFilter(Filter):
    """Thanks, a greeting, "ок": passes `kind` (a `SmallTalk`) to the handler."""

    async def __call__(self, message: Message, bot: Bot) -> bool | dict[str, object]:
        text = message_text(message)
        if message.chat.type in GROUPS:
            text = strip_mention(text, (await bot.me()).username)
        kind = small_talk(text)
        return {"kind": kind} if kind is not None else False


class OnlyLink(Filter):
    """A message whose substance is one link: alone, or with a short comment or a title
    (mentions aside); passes `url` to the handler."""

    async def __call__(self, message: Message) -> bool | dict[str, str]:
        url = message_link(message)
        return {"url": url} if url else False


def message_link(message: Message) -> str | None:
    """The one link a message shares (see `shared_link`), else None."""
    text = message.text or ""
    hidden = tuple(e.url for e in message.entities or []
                   if e.type == MessageEntityType.TEXT_LINK and e.url)
    words = " ".join(w for w in text.split() if not w.startswith("@"))
    return shared_link(words, hidden)


class BareMention(Filter):
    """A group message that is only "@bot": an article (a forward) should follow."""

    async def __call__(self, message: Message, bot: Bot) -> bool:
        if message.chat.type not in GROUPS or message.forward_origin is not None:
            return False
        if not message.text or not await mentions_bot(message, bot):
            return False
        return not strip_mention(message.text, (await bot.me()).username)
