"""Articles in every form they arrive: a forward, a long paste (joined), a file, a link.

Each handler turns the message into an `IncomingArticle`, hands it to the intake service and
renders one reply: the summary, key facts, the source and buttons.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from aiogram import Bot, F, Router
from aiogram.enums import ChatType, ContentType
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    CallbackQuery,
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    ReplyParameters,
)
from aiogram.utils.callback_answer import CallbackAnswer

from bot import metrics
from bot.errors import (
    ArticleNotFound,
    ArticleTooLong,
    BotError,
    EmptyMessage,
    UnsupportedFile,
)
from bot.inbox.runtime import answering
from bot.rendering.replies import render_summary, tell_paste_cut
from bot.rendering.split import split_message
from bot.services.articles import ArticleIntake, IncomingArticle, LengthChoices, Resummary
from bot.services.documents import document_to_text, download_capped, extension
from bot.services.fetch import PageFetcher
from bot.services.message_joiner import (
    MessageJoiner,
    Part,
    fit_within,
    join_parts,
    split_forwards,
    updates_of,
)
from bot.settings import Settings
from bot.storage.db import release_connection
from bot.storage.repo import ChatSettings, Repo, StoredArticle
from handlers.errors import APOLOGY, message_for
from handlers.filters import (
    GROUPS,
    Addressed,
    ArticleText,
    BareMention,
    OnlyLink,
    joiner_key,
    message_text,
    strip_mention,
)
from handlers.keyboards import SummaryCb, pressed_shorter, summary_keyboard
from models.core.errors import EngineError
from models.core.types import Summary

logger = logging.getLogger(__name__)
TYPING = {"chat_action": "typing"}
FORWARD_AFTER_HINT_SECONDS = 60.0


def forward_source(message: Message) -> tuple[str, str]:
    """(source title, link to the original post) from `forward_origin`."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginChannel):
        chat = origin.chat
        url = f"https://t.me/{chat.username}/{origin.message_id}" if chat.username else ""
        return chat.title or chat.username or "", url
    if isinstance(origin, MessageOriginChat):
        return origin.sender_chat.title or "", ""
    if isinstance(origin, MessageOriginUser):
        return origin.sender_user.full_name, ""
    if isinstance(origin, MessageOriginHiddenUser):
        return origin.sender_user_name, ""
    return "", ""


def forward_origin_key(message: Message) -> tuple[str, int]:
    """Who the forward came from, and the post's id there (0 when Telegram does not say)."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginChannel):
        return f"channel:{origin.chat.id}", origin.message_id
    if isinstance(origin, MessageOriginChat):
        return f"chat:{origin.sender_chat.id}", 0
    if isinstance(origin, MessageOriginUser):
        return f"user:{origin.sender_user.id}", 0
    if isinstance(origin, MessageOriginHiddenUser):
        return f"hidden:{origin.sender_user_name}", 0
    return "", 0


async def send_summary(message: Message, repo: Repo, article: StoredArticle, summary: Summary,
                       choices: LengthChoices) -> None:
    """One reply per article; the last piece carries the buttons, every piece maps back."""
    pieces = split_message(render_summary(article, summary))
    keyboard = summary_keyboard(article.public_id, choices)
    # In a group the first piece quotes the article's message, so it is clear whose it answers.
    quote = ReplyParameters(message_id=message.message_id) if message.chat.type in GROUPS else None
    sent_ids: list[int] = []
    for index, piece in enumerate(pieces):
        sent = await message.answer(
            piece, reply_markup=keyboard if index == len(pieces) - 1 else None,
            reply_parameters=quote if index == 0 else None,
        )
        sent_ids.append(sent.message_id)
    metrics.REPLIES.labels("summary").inc()
    await repo.articles.set_reply(article.id, sent_ids[0], summary.text)
    for message_id in sent_ids:
        await repo.articles.link_message(message.chat.id, message_id, article.id, role="summary")


async def take_article(message: Message, repo: Repo, intake: ArticleIntake,
                       chat_settings: ChatSettings, incoming: IncomingArticle) -> None:
    result = await intake.ingest(repo, message.chat.id, incoming,
                                 length=chat_settings.summary_length)
    assert result.summary is not None
    # No commit here: sending the summary releases the connection first, which commits the
    # article before the user reads about it (the unit of work, `DbSessionMiddleware`).
    await send_summary(message, repo, result.article, result.summary, result.choices)


async def on_document(message: Message, bot: Bot, repo: Repo, intake: ArticleIntake,
                      chat_settings: ChatSettings, settings: Settings) -> None:
    document = message.document
    assert document is not None
    name = document.file_name or "file"
    if not extension(name):
        raise UnsupportedFile("extension")
    max_bytes = settings.max_article_chars * 2  # UTF-8 Cyrillic is 2 bytes a letter
    if document.file_size and document.file_size > max_bytes:
        raise ArticleTooLong(document.file_size, max_bytes, unit="bytes")
    data = await download_capped(bot, document.file_id, max_bytes)
    title, text = await asyncio.to_thread(document_to_text, data, name)
    incoming = IncomingArticle(text=text, title=title, source_kind="document", source_title=name,
                               message_ids=(message.message_id,))
    await take_article(message, repo, intake, chat_settings, incoming)


async def on_forward(message: Message, repo: Repo, intake: ArticleIntake, joiner: MessageJoiner,
                     chat_settings: ChatSettings) -> None:
    """Forwards that arrive together are collected, then each post (or a post the channel had
    to cut into consecutive pieces) becomes its own article with its own reply."""
    text = message_text(message)
    if not text.strip():
        raise EmptyMessage()
    await joiner.disarm(joiner_key(message))
    title, url = forward_source(message)
    origin, origin_message_id = forward_origin_key(message)
    part = Part(text, message.message_id, origin=origin, origin_message_id=origin_message_id,
                source_title=title, source_url=url)
    async with joiner.collect(joiner_key(message, "forward"), part) as parts:
        if parts is not None:  # else our post is in another message's batch, answered there
            await take_forwards(message, repo, intake, chat_settings, parts)


async def take_forwards(message: Message, repo: Repo, intake: ArticleIntake,
                        chat_settings: ChatSettings, parts: list[Part]) -> None:
    runs = split_forwards(parts)
    failure: Exception | None = None
    for run in runs:
        # Each post is a piece of work of its own: what the posts before it stored (their
        # articles, replies' message ids) is released here, so this post's rollback drops
        # only this post's rows.
        await release_connection()
        incoming = IncomingArticle(text=join_parts(run), source_kind="forward",
                                   source_title=run[0].source_title,
                                   source_url=run[0].source_url,
                                   message_ids=tuple(p.message_id for p in run))
        try:
            with answering(updates_of(run)):
                await take_article(message, repo, intake, chat_settings, incoming)
        except (BotError, EngineError) as exc:  # one post's problem, told next to that post
            await repo.rollback()
            if len(runs) == 1:
                raise
            with answering(updates_of(run)):
                quote = ReplyParameters(message_id=run[0].message_id)
                await message.answer(message_for(exc) or APOLOGY, reply_parameters=quote)
        except Exception as exc:  # one bad post must not cost the others their summaries
            await repo.rollback()
            failure = failure or exc
    if failure is not None:
        raise failure


async def on_link(message: Message, url: str, repo: Repo, intake: ArticleIntake,
                  fetcher: PageFetcher, chat_settings: ChatSettings) -> None:
    page = await fetcher.fetch(url)
    incoming = IncomingArticle(text=page.text, title=page.title, source_kind="link",
                               source_title=page.site, source_url=page.url,
                               message_ids=(message.message_id,))
    await take_article(message, repo, intake, chat_settings, incoming)


async def on_bare_mention(message: Message, bot: Bot, joiner: MessageJoiner) -> None:
    """"@bot" alone in a group: the forward that follows it is an article for us.

    `ArrivalMiddleware` armed the joiner when the message arrived (re-arming here could undo
    the forward's disarm); if no forward used it, say what to do, and take this user's next
    forward within `FORWARD_AFTER_HINT_SECONDS` as the article the hint asked for.
    """
    key = joiner_key(message)
    await release_connection()  # not held while waiting for the forward
    await asyncio.sleep(joiner.window * 1.5)
    if await joiner.disarm(key):
        # The hint asks for a forward: the next one from this user is taken for a while
        # (a forward ~2.5 s after it got no reply at all).
        joiner.arm(key, seconds=FORWARD_AFTER_HINT_SECONDS)
        # a general example: «что подписали?» made no sense after an article about a flood
        await message.reply("Перешлите статью сразу после упоминания или задайте вопрос о "
                            f"последней статье, например: @{(await bot.me()).username} "
                            "что произошло?")


async def on_pasted_article(message: Message, bot: Bot, repo: Repo, intake: ArticleIntake,
                            joiner: MessageJoiner, chat_settings: ChatSettings) -> None:
    text = message_text(message)
    if message.chat.type in GROUPS:
        text = strip_mention(text, (await bot.me()).username)
    key = joiner_key(message, "text")
    async with joiner.collect(key, Part(text, message.message_id)) as parts:
        if parts is None:  # a later piece of a paste: answered with the first one
            return
        text = join_parts(parts)
        kept = fit_within(text, intake.max_chars)
        incoming = IncomingArticle(text=kept, source_kind="text",
                                   message_ids=tuple(p.message_id for p in parts))
        with answering(updates_of(parts)):
            await take_article(message, repo, intake, chat_settings, incoming)
            if len(kept) < len(text):
                await message.answer(tell_paste_cut(kept, len(text), intake.max_chars))


# What the bot cannot read, said for what was sent: a generic «здесь нет текста» under a voice
# note reads as if the bot had not noticed it.
NOT_READ = {
    ContentType.VOICE: "Голосовые сообщения я не слушаю — пришлите, пожалуйста, текст статьи.",
    ContentType.VIDEO_NOTE: "Видеосообщения я не смотрю — пришлите, пожалуйста, текст статьи.",
    ContentType.AUDIO: "Аудио я не слушаю — пришлите, пожалуйста, текст статьи.",
    ContentType.VIDEO: "Видео я не смотрю — пришлите текст статьи или подпись к видео.",
    ContentType.PHOTO: ("Текст на картинках я не читаю — пришлите текст статьи или добавьте его "
                        "подписью к фото."),
    ContentType.STICKER: "Стикеры я не читаю 🙂 Пришлите статью — перескажу её.",
}


async def on_nothing_to_read(message: Message) -> None:
    """A sticker, a photo without a caption, a voice note: nothing we can summarise; say
    what is supported for that kind of message, or the generic line for the rest."""
    reply = NOT_READ.get(message.content_type)  # ContentType is a StrEnum
    if reply is None:
        raise EmptyMessage()
    await message.answer(reply)


# A press that cannot change the summary (a keyboard sent before the lengths were compared).
ALREADY_SHORTEST = "Это уже самый короткий пересказ."
ALREADY_LONGEST = "Это уже самый подробный пересказ этой статьи."


async def on_summary_length(query: CallbackQuery, callback_data: SummaryCb, repo: Repo,
                            intake: ArticleIntake, callback_answer: CallbackAnswer) -> None:
    message = query.message
    if not isinstance(message, Message):
        callback_answer.text = "Сообщение устарело."
        return
    article = await repo.articles.by_public_id(message.chat.id, callback_data.article_id)
    if article is None:
        raise ArticleNotFound()
    shorter = pressed_shorter(query, callback_data.length)
    result = await intake.resummarize(repo, article, callback_data.length, shorter=shorter)
    keyboard = summary_keyboard(article.public_id, result.choices)
    if not result.changed:
        callback_answer.text = ALREADY_SHORTEST if shorter else ALREADY_LONGEST
        await edit_quietly(message.edit_reply_markup(reply_markup=keyboard))
        return
    await show_resummary(message, repo, article, result)


async def edit_quietly(edit: Awaitable[object]) -> None:
    """An edit that may find the message as it should be already («message is not
    modified»): that is no error."""
    try:
        await edit
    except TelegramBadRequest as exc:
        if "not modified" not in str(exc):
            raise


async def show_resummary(message: Message, repo: Repo, article: StoredArticle,
                         result: Resummary) -> None:
    """The summary at its new length: in place when it fits one message, else as new ones."""
    pieces = split_message(render_summary(article, result.summary))
    keyboard = summary_keyboard(article.public_id, result.choices)
    if len(pieces) == 1:
        await edit_quietly(message.edit_text(pieces[0], reply_markup=keyboard))
        return
    for index, piece in enumerate(pieces):
        sent = await message.answer(piece, reply_markup=keyboard if index == len(pieces) - 1
                                    else None)
        await repo.articles.link_message(message.chat.id, sent.message_id, article.id)


def build_router() -> Router:
    """Articles in every form, in this order: a file, forwards, a link, a bare mention, a paste."""
    router = Router(name=__name__)
    router.message.register(on_document, F.document, Addressed(), flags=TYPING)
    router.message.register(on_forward, F.forward_origin, Addressed(), flags=TYPING)
    router.message.register(on_link, F.text, OnlyLink(), Addressed(), flags=TYPING)
    router.message.register(on_bare_mention, BareMention())
    router.message.register(on_pasted_article, ArticleText(), Addressed(), flags=TYPING)
    router.message.register(on_nothing_to_read, F.chat.type == ChatType.PRIVATE, ~F.text)
    router.callback_query.register(on_summary_length, SummaryCb.filter(), flags=TYPING)
    return router
