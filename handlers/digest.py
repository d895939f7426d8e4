"""/subscribe, /unsubscribe, /digest, /source, the digest's /settings section, channel posts of
source channels, and the scheduler's start and stop with the dispatcher."""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher, F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, ChatMemberUpdated, InlineKeyboardButton, Message
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.digest.delivery import DigestSender
from bot.digest.schedule import ScheduleInputError
from bot.digest.scheduler import DigestScheduler
from bot.digest.service import DigestService, Schedule
from bot.errors import BotError
from bot.rendering.html import esc
from bot.rendering.split import split_message
from bot.services.articles import ArticleIntake, IncomingArticle
from bot.storage.repo import ChatSettings, Repo
from handlers.keyboards import SettingsCb
from handlers.settings import SECTIONS, Rows, SettingsSection, refresh_settings

logger = logging.getLogger(__name__)
router = Router(name=__name__)

PRESET_TIMES = ("07:00", "09:00", "12:00", "18:00", "21:00")
_ADMINS = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.CREATOR)
_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря")


def describe_schedule(schedule: Schedule) -> str:
    local = schedule.next_local
    return (f"Дайджест: каждый день в <b>{schedule.time_of_day}</b> ({esc(schedule.zone)}). "
            f"Следующий — {local.day} {_MONTHS[local.month - 1]} в {local:%H:%M}.")


@router.message(Command("subscribe"))
async def on_subscribe(message: Message, command: CommandObject, repo: Repo,
                       digest: DigestService) -> None:
    try:
        schedule = await digest.subscribe(repo, message.chat.id, command.args or "")
    except ScheduleInputError as error:
        await message.answer(esc(str(error)))
        return
    await message.answer(describe_schedule(schedule) + "\nОтписаться: /unsubscribe, "
                         "прислать сейчас: /digest")


@router.message(Command("unsubscribe"))
async def on_unsubscribe(message: Message, repo: Repo, digest: DigestService) -> None:
    if await digest.unsubscribe(repo, message.chat.id):
        await message.answer("Дайджест отключён. Включить снова: /subscribe")
    else:
        await message.answer("Подписки на дайджест не было. Подписаться: /subscribe 09:00")


@router.message(Command("digest"))
async def on_digest(message: Message, repo: Repo, digest: DigestService) -> None:
    result = await digest.digest_now(repo, message.chat.id)
    for part in split_message(result.text):
        await message.answer(part, disable_web_page_preview=True)


# --- sources -------------------------------------------------------------------------------

@router.message(Command("source"))
async def on_source(message: Message, command: CommandObject, bot: Bot, repo: Repo,
                    digest: DigestService) -> None:
    name = (command.args or "").strip().split()[0] if command.args else ""
    if not name:
        await message.answer("Добавьте канал как источник дайджеста: сделайте меня "
                             "администратором канала и напишите, например, "
                             "<code>/source @my_channel</code>")
        return
    if not name.startswith("@") and not name.lstrip("-").isdigit():
        name = "@" + name.removeprefix("https://t.me/").removeprefix("t.me/")
    try:
        channel = await bot.get_chat(name)
        me = await bot.get_chat_member(channel.id, (await bot.me()).id)
    except TelegramAPIError:
        await message.answer(f"Не нашёл канал {esc(name)}. Проверьте имя, например: "
                             "<code>/source @my_channel</code>")
        return
    if channel.type != ChatType.CHANNEL:
        await message.answer(f"{esc(name)} — не канал. Пример: <code>/source @my_channel</code>")
        return
    if me.status not in _ADMINS:
        await message.answer(f"Я не администратор в {esc(name)}. Добавьте меня в "
                             "администраторы канала и повторите команду.")
        return
    if message.from_user is not None and message.chat.type == ChatType.PRIVATE:
        try:
            member = await bot.get_chat_member(channel.id, message.from_user.id)
        except TelegramAPIError:
            member = None
        if member is None or member.status not in _ADMINS:
            await message.answer("Добавить канал может только его администратор.")
            return
    added = await digest.add_source(repo, message.chat.id, channel.id,
                                    username=channel.username or "", title=channel.title or "")
    title = esc(channel.title or name)
    await message.answer(f"Канал «{title}» {'добавлен в' if added else 'уже среди'} "
                         "источников дайджеста.")


@router.channel_post(F.text | F.caption)
async def on_channel_post(message: Message, repo: Repo, digest: DigestService,
                          intake: ArticleIntake) -> None:
    """Store a post of a source channel as an article of every chat that takes it."""
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
        chat = await repo.chats.get(chat_id)
        try:
            await intake.ingest(repo, chat_id, incoming)
        except BotError as error:  # too short, too long, busy: nobody to tell, so log it
            logger.info("channel post %s/%s not stored for chat %s: %r", message.chat.id,
                        message.message_id, chat_id, error)
            continue
        if chat is not None:  # a channel post must not become the article questions are about
            await repo.chats.set_current_article(chat_id, chat.current_article_id)
        await repo.commit()


@router.my_chat_member()
async def on_membership(event: ChatMemberUpdated, repo: Repo, digest: DigestService) -> None:
    """Telegram says when the bot is blocked or unblocked (private) or removed and re-added
    (groups): pause at once rather than wait for the next 403, resume when it is back."""
    status = event.new_chat_member.status
    if status in (ChatMemberStatus.KICKED, ChatMemberStatus.LEFT):
        if await digest.subscription(repo, event.chat.id) is not None:
            await digest.pause(repo, event.chat.id)
    elif status in (ChatMemberStatus.MEMBER, *_ADMINS):
        await digest.resume_if_paused(repo, event.chat.id)


# --- /settings section ---------------------------------------------------------------------

async def _settings_line(chat: ChatSettings, repo: Repo) -> str:
    from bot.storage.subscriptions import SubscriptionRepo

    current = await SubscriptionRepo(repo.session).get(chat.id)
    if current is None or not current.active:
        return "Дайджест: выключен (включить: <code>/subscribe 09:00</code>)"
    paused = " — приостановлен" if current.paused_reason else ""
    return (f"Дайджест: в <b>{current.time_of_day}</b> ({esc(current.timezone)}){paused} "
            "(другое время: <code>/subscribe 20:30</code>)")


async def _settings_rows(chat: ChatSettings, repo: Repo) -> Rows:
    from bot.storage.subscriptions import SubscriptionRepo

    current = await SubscriptionRepo(repo.session).get(chat.id)
    active = current.time_of_day if current is not None and current.active else ""
    row = [InlineKeyboardButton(text=("✓ " if t == active else "") + t,
                                callback_data=SettingsCb(key="digest",
                                                         value=t.replace(":", ".")).pack())
           for t in PRESET_TIMES]
    off = InlineKeyboardButton(text=("✓ " if not active else "") + "Без дайджеста",
                               callback_data=SettingsCb(key="digest", value="off").pack())
    return [row, [off]]


SECTIONS.append(SettingsSection(_settings_line, _settings_rows))


@router.callback_query(SettingsCb.filter(F.key == "digest"))
async def on_digest_setting(query: CallbackQuery, callback_data: SettingsCb, repo: Repo,
                            digest: DigestService) -> None:
    if not isinstance(query.message, Message):
        await query.answer()
        return
    chat_id = query.message.chat.id
    if callback_data.value == "off":
        await digest.unsubscribe(repo, chat_id)
        await query.answer("Дайджест выключен")
    elif (chosen := callback_data.value.replace(".", ":")) in PRESET_TIMES:  # ":" separates
        schedule = await digest.subscribe(repo, chat_id, chosen)
        await query.answer(f"Дайджест в {schedule.time_of_day}")
    else:
        await query.answer()
        return
    await refresh_settings(query.message, repo, chat_id)


# --- the scheduler runs as long as the dispatcher --------------------------------------------

@router.startup()
async def start_digest_scheduler(bot: Bot, dispatcher: Dispatcher,
                                 sessionmaker: async_sessionmaker,
                                 digest: DigestService) -> None:
    scheduler = DigestScheduler(sessionmaker, digest, DigestSender(bot, digest.flood_limiter),
                                clock=digest.clock,
                                interval=float(dispatcher.get("digest_tick_seconds", 30.0)))
    dispatcher["digest_scheduler"] = scheduler
    scheduler.start()
    logger.info("digest scheduler started (every %.1f s)", scheduler.interval)


@router.shutdown()
async def stop_digest_scheduler(dispatcher: Dispatcher) -> None:
    scheduler: DigestScheduler | None = dispatcher.get("digest_scheduler")
    if scheduler is not None:
        await scheduler.stop()
