"""/subscribe, /unsubscribe, /digest, /source, channel posts of source channels, and the
scheduler's start and stop with the dispatcher. The digest's line in /settings is in
`handlers.settings`, with the other sections."""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher, F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.types import ChatFullInfo, ChatMemberUpdated, Message
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.digest.delivery import DigestSender
from bot.digest.schedule import ScheduleInputError
from bot.digest.scheduler import DigestScheduler
from bot.digest.service import DigestService, Schedule
from bot.digest.zones import zone_label
from bot.errors import BotError
from bot.rendering.html import esc
from bot.rendering.split import split_message
from bot.services.articles import ArticleIntake, IncomingArticle
from bot.storage.db import release_connection
from bot.storage.repo import Repo
from handlers.rights import (
    ADMIN_STATUSES,
    ADMINS_ONLY,
    is_chat_admin,
    may_change_chat,
    sent_by_anonymous_admin,
)
from models.text.lexicon import MONTHS_GENITIVE

logger = logging.getLogger(__name__)

SOURCE_USAGE = ("Добавьте канал как источник дайджеста: сделайте меня администратором канала "
                "и напишите, например, <code>/source @my_channel</code>")
CHANNEL_ADMINS_ONLY = "Добавить канал может только его администратор."
BOTH_ADMINS_ONLY = ("Извините, добавить канал в группу может только тот, кто администратор "
                    "и этого канала, и группы.")
ANONYMOUS_SOURCE = ("Вы пишете анонимно, от имени группы, и я не могу проверить, что вы "
                    "администратор канала: отправьте /source от своего имени.")


def describe_schedule(schedule: Schedule) -> str:
    local = schedule.next_local
    return (f"Дайджест: каждый день в <b>{schedule.time_of_day}</b>, "
            f"{esc(zone_label(schedule.zone, schedule.next_due_at))}. "
            f"Следующий — {local.day} {MONTHS_GENITIVE[local.month - 1]} в {local:%H:%M}.")


async def on_subscribe(message: Message, command: CommandObject, bot: Bot, repo: Repo,
                       digest: DigestService) -> None:
    if not await may_change_chat(message, bot):
        await message.answer(ADMINS_ONLY)
        return
    try:
        schedule = await digest.subscribe(repo, message.chat.id, command.args or "")
    except ScheduleInputError as error:
        await message.answer(esc(str(error)))
        return
    await message.answer(describe_schedule(schedule) + "\nОтписаться: /unsubscribe, "
                         "прислать сейчас: /digest")


async def on_unsubscribe(message: Message, bot: Bot, repo: Repo,
                         digest: DigestService) -> None:
    if not await may_change_chat(message, bot):
        await message.answer(ADMINS_ONLY)
        return
    if await digest.unsubscribe(repo, message.chat.id):
        await message.answer("Дайджест отключён. Включить снова: /subscribe")
    else:
        await message.answer("Подписки на дайджест не было. Подписаться: /subscribe 09:00")


async def on_digest(message: Message, repo: Repo, digest: DigestService) -> None:
    result = await digest.digest_now(repo, message.chat.id)
    for part in split_message(result.text):
        await message.answer(part)


# --- sources -------------------------------------------------------------------------------

async def _channel_with_bot(bot: Bot, name: str) -> ChatFullInfo | str:
    """The channel `name` (@username or -100… id) names, if the bot administers it; else what
    to tell the user."""
    try:
        channel = await bot.get_chat(name)
    except TelegramAPIError:
        return (f"Не нашёл канал {esc(name)}. Проверьте имя, например: "
                "<code>/source @my_channel</code>")
    if channel.type != ChatType.CHANNEL:
        return f"{esc(name)} — не канал. Пример: <code>/source @my_channel</code>"
    if not await is_chat_admin(bot, channel.id, (await bot.me()).id):
        return (f"Я не администратор в {esc(name)}. Добавьте меня в администраторы канала "
                "и повторите команду.")
    return channel


async def on_source(message: Message, command: CommandObject, bot: Bot, repo: Repo,
                    digest: DigestService) -> None:
    """Add a channel where the bot is an administrator as a digest source of this chat.

    Its posts become articles every member of the chat can read, so the sender must be an
    administrator of the channel (a private channel must not leak into a group through a
    member who merely knows its id) and, in a group, of the group as well.
    """
    name = (command.args or "").strip().split()[0] if command.args else ""
    if not name:
        await message.answer(SOURCE_USAGE)
        return
    if not await may_change_chat(message, bot):
        await message.answer(ADMINS_ONLY)
        return
    if sent_by_anonymous_admin(message):  # no user whose channel rights could be checked
        await message.answer(ANONYMOUS_SOURCE)
        return
    if not name.startswith("@") and not name.lstrip("-").isdigit():
        name = "@" + name.removeprefix("https://t.me/").removeprefix("t.me/")
    channel = await _channel_with_bot(bot, name)
    if isinstance(channel, str):
        await message.answer(channel)
        return
    if message.from_user is None or not await is_chat_admin(bot, channel.id,
                                                            message.from_user.id):
        await message.answer(CHANNEL_ADMINS_ONLY if message.chat.type == ChatType.PRIVATE
                             else BOTH_ADMINS_ONLY)
        return
    added = await digest.add_source(repo, message.chat.id, channel.id,
                                    username=channel.username or "", title=channel.title or "")
    title = esc(channel.title or name)
    await message.answer(f"Канал «{title}» "
                         f"{'добавлен в источники' if added else 'уже среди источников'} "
                         "дайджеста.")


async def on_channel_post(message: Message, repo: Repo, digest: DigestService,
                          intake: ArticleIntake) -> None:
    """Store a post of a source channel as an article of every chat that takes it; a chat
    that cannot take it (too short, the model busy) loses only its own copy."""
    chat_ids = await digest.chats_for_channel(repo, message.chat.id)
    if not chat_ids:
        return
    username = message.chat.username or ""
    incoming = IncomingArticle(
        text=message.text or message.caption or "", source_kind="channel_post",
        source_title=message.chat.title or username,
        source_url=f"https://t.me/{username}/{message.message_id}" if username else "",
    )
    for chat_id in chat_ids:
        # One piece of work per chat: the chats before this one are released here, so a
        # rollback below drops only this chat's rows (never the previous chat's restored
        # current article). Not a savepoint: the model work inside `ingest` releases too.
        await release_connection()
        chat = await repo.chats.get(chat_id)
        try:
            await intake.ingest(repo, chat_id, incoming)
        except BotError as error:  # too short, too long, busy: nobody to tell, so log it
            await repo.rollback()
            logger.info("channel post %s/%s not stored for chat %s: %r", message.chat.id,
                        message.message_id, chat_id, error)
            continue
        if chat is not None:  # a channel post must not become the article questions are about
            await repo.chats.set_current_article(chat_id, chat.current_article_id)


async def on_membership(event: ChatMemberUpdated, repo: Repo, digest: DigestService) -> None:
    """Telegram says when the bot is blocked or unblocked (private) or removed and re-added
    (groups): pause at once rather than wait for the next 403, resume when it is back."""
    status = event.new_chat_member.status
    if status in (ChatMemberStatus.KICKED, ChatMemberStatus.LEFT):
        if await digest.subscription(repo, event.chat.id) is not None:
            await digest.pause(repo, event.chat.id)
    elif status in (ChatMemberStatus.MEMBER, *ADMIN_STATUSES):
        await digest.resume_if_paused(repo, event.chat.id)


# --- the scheduler runs as long as the dispatcher --------------------------------------------

async def start_digest_scheduler(bot: Bot, dispatcher: Dispatcher,
                                 sessionmaker: async_sessionmaker,
                                 digest: DigestService) -> None:
    scheduler = DigestScheduler(sessionmaker, digest, DigestSender(bot, digest.flood_limiter),
                                clock=digest.clock,
                                interval=float(dispatcher.get("digest_tick_seconds", 30.0)))
    dispatcher["digest_scheduler"] = scheduler
    scheduler.start()
    logger.info("digest scheduler started (every %.1f s)", scheduler.interval)


async def stop_digest_scheduler(dispatcher: Dispatcher) -> None:
    scheduler: DigestScheduler | None = dispatcher.get("digest_scheduler")
    if scheduler is not None:
        await scheduler.stop()


def build_router() -> Router:
    """The digest's commands, source channels' posts, membership changes, and the scheduler's
    life with the dispatcher."""
    router = Router(name=__name__)
    router.message.register(on_subscribe, Command("subscribe"))
    router.message.register(on_unsubscribe, Command("unsubscribe"))
    router.message.register(on_digest, Command("digest"))
    router.message.register(on_source, Command("source"))
    router.channel_post.register(on_channel_post, F.text | F.caption)
    router.my_chat_member.register(on_membership)
    router.startup.register(start_digest_scheduler)
    router.shutdown.register(stop_digest_scheduler)
    return router
