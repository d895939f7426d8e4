"""/settings: summary length, time zone, the digest's time and learning from corrections, as
inline buttons.

A section is a line describing the current value plus rows of buttons carrying `SettingsCb`
with its own `key`; `SECTIONS` lists them in the order they are shown, each handled below by
a callback filtered on its key, which redraws the message with `refresh_settings`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.digest.schedule import UnknownZone, parse_zone
from bot.digest.service import DigestService
from bot.digest.zones import zone_label, zone_name
from bot.rendering.html import esc
from bot.storage.repo import ChatSettings, Repo
from handlers.buttons import STALE
from handlers.keyboards import LENGTH_NAMES, LENGTH_ORDER, SettingsCb
from handlers.rights import ADMINS_ONLY, may_change_chat
from models.core.types import Length

Rows = list[list[InlineKeyboardButton]]

PRESET_TIMES = ("07:00", "09:00", "12:00", "18:00", "21:00")  # the digest's buttons
# The zones offered as buttons; their names come from `bot.digest.zones.ZONE_NAMES`.
TIMEZONES = ("Europe/Kaliningrad", "Europe/Moscow", "Asia/Yekaterinburg", "Asia/Novosibirsk",
             "Asia/Almaty", "Asia/Baku", "Asia/Vladivostok")


@dataclass(frozen=True)
class SettingsSection:
    describe: Callable[[ChatSettings, Repo], Awaitable[str]]  # one line of HTML
    buttons: Callable[[ChatSettings, Repo], Awaitable[Rows]]


async def _length_line(chat: ChatSettings, repo: Repo) -> str:
    return f"Пересказ: <b>{LENGTH_NAMES[chat.summary_length]}</b>"


def _ticked(text: str, chosen: bool) -> str:
    return ("✓ " if chosen else "") + text


async def _length_rows(chat: ChatSettings, repo: Repo) -> Rows:
    rows = InlineKeyboardBuilder()
    for length in LENGTH_ORDER:
        rows.button(text=_ticked(LENGTH_NAMES[length], length == chat.summary_length),
                    callback_data=SettingsCb(key="len", value=length.value))
    return rows.adjust(len(LENGTH_ORDER)).export()


async def _tz_line(chat: ChatSettings, repo: Repo) -> str:
    return (f"Часовой пояс: <b>{esc(zone_label(chat.timezone))}</b> "
            "(другой: <code>/settings tz Новосибирск</code>)")


async def _tz_rows(chat: ChatSettings, repo: Repo) -> Rows:
    rows = InlineKeyboardBuilder()
    for zone in TIMEZONES:
        rows.button(text=_ticked(zone_name(zone), zone == chat.timezone),
                    callback_data=SettingsCb(key="tz", value=zone))
    return rows.adjust(4).export()


async def _digest_line(chat: ChatSettings, repo: Repo) -> str:
    current = await repo.subscriptions.get(chat.id)
    if current is None or not current.active:
        return "Дайджест: выключен (включить: <code>/subscribe 09:00</code>)"
    paused = " — приостановлен" if current.paused_reason else ""
    return (f"Дайджест: в <b>{current.time_of_day}</b>, "
            f"{esc(zone_label(current.timezone, current.next_due_at))}{paused}. "
            "Другое время: <code>/subscribe 20:30</code>")


async def _digest_rows(chat: ChatSettings, repo: Repo) -> Rows:
    current = await repo.subscriptions.get(chat.id)
    active = current.time_of_day if current is not None and current.active else ""
    rows = InlineKeyboardBuilder()
    for at in PRESET_TIMES:  # ":" separates callback data fields
        rows.button(text=_ticked(at, at == active),
                    callback_data=SettingsCb(key="digest", value=at.replace(":", ".")))
    rows.button(text=_ticked("Без дайджеста", not active),
                callback_data=SettingsCb(key="digest", value="off"))
    return rows.adjust(len(PRESET_TIMES), 1).export()


async def _learning_line(chat: ChatSettings, repo: Repo) -> str:
    on = await repo.feedback.learning(chat.id)
    return f"Учиться на исправлениях: <b>{'вкл' if on else 'выкл'}</b>"


async def _learning_rows(chat: ChatSettings, repo: Repo) -> Rows:
    """«вкл»: after a 👎 the bot asks for the right answer and keeps it to learn from."""
    on = await repo.feedback.learning(chat.id)
    rows = InlineKeyboardBuilder()
    rows.button(text=_ticked("Учиться: вкл", on),
                callback_data=SettingsCb(key="learn", value="on"))
    rows.button(text=_ticked("Учиться: выкл", not on),
                callback_data=SettingsCb(key="learn", value="off"))
    return rows.adjust(2).export()


SECTIONS = (
    SettingsSection(_length_line, _length_rows),
    SettingsSection(_tz_line, _tz_rows),
    SettingsSection(_digest_line, _digest_rows),
    SettingsSection(_learning_line, _learning_rows),
)


async def render_settings(chat: ChatSettings, repo: Repo) -> tuple[str, InlineKeyboardMarkup]:
    lines = ["<b>Настройки чата</b>"]
    rows: Rows = []
    for section in SECTIONS:
        lines.append(await section.describe(chat, repo))
        rows.extend(await section.buttons(chat, repo))
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


async def refresh_settings(message: Message, repo: Repo, chat_id: int) -> None:
    """Redraw a /settings message after a change."""
    chat = await repo.chats.get(chat_id)
    if chat is None:
        return
    text, keyboard = await render_settings(chat, repo)
    try:
        await message.edit_text(text, reply_markup=keyboard)
    except TelegramBadRequest as exc:
        if "not modified" not in str(exc):
            raise


async def on_settings(message: Message, command: CommandObject, bot: Bot, repo: Repo,
                      chat_settings: ChatSettings, digest: DigestService) -> None:
    """Anyone may see the settings; in a group only an administrator may change them."""
    args = (command.args or "").split()
    if len(args) >= 2 and args[0].lower() in ("tz", "timezone"):
        if not await may_change_chat(message, bot):
            await message.answer(ADMINS_ONLY)
            return
        raw = " ".join(args[1:])
        try:
            zone = parse_zone(raw).key
        except UnknownZone:
            await message.answer(f"Не знаю часовой пояс «{esc(raw)}». Пример: "
                                 "<code>/settings tz Москва</code> или "
                                 "<code>/settings tz Europe/Berlin</code>")
            return
        await digest.change_schedule(repo, message.chat.id, zone=zone)  # the chat's, too
        chat_settings = await repo.chats.get(message.chat.id) or chat_settings
    text, keyboard = await render_settings(chat_settings, repo)
    await message.answer(text, reply_markup=keyboard)


async def changeable(query: CallbackQuery, bot: Bot,
                     callback_answer: CallbackAnswer) -> Message | None:
    """The settings message a button press may change, or None. The keyboard is shown to
    everyone who sends /settings, so a group member who is not an administrator gets a
    toast saying why nothing changed."""
    if not isinstance(query.message, Message):
        return None
    if not await may_change_chat(query, bot):
        callback_answer.text = ADMINS_ONLY
        return None
    return query.message


async def on_length(query: CallbackQuery, callback_data: SettingsCb, bot: Bot, repo: Repo,
                    callback_answer: CallbackAnswer) -> None:
    if (message := await changeable(query, bot, callback_answer)) is None:
        return
    try:
        length = Length(callback_data.value)
    except ValueError:
        callback_answer.text, callback_answer.show_alert = STALE, True
        return
    await repo.chats.set_summary_length(message.chat.id, length)
    callback_answer.text = f"Пересказ: {LENGTH_NAMES[length]}"
    await refresh_settings(message, repo, message.chat.id)


async def on_timezone(query: CallbackQuery, callback_data: SettingsCb, bot: Bot, repo: Repo,
                      digest: DigestService, callback_answer: CallbackAnswer) -> None:
    if callback_data.value not in TIMEZONES:
        callback_answer.text, callback_answer.show_alert = STALE, True
        return
    if (message := await changeable(query, bot, callback_answer)) is None:
        return
    await digest.change_schedule(repo, message.chat.id, zone=callback_data.value)
    callback_answer.text = f"Часовой пояс: {zone_label(callback_data.value)}"
    await refresh_settings(message, repo, message.chat.id)


async def on_digest_setting(query: CallbackQuery, callback_data: SettingsCb, bot: Bot,
                            repo: Repo, digest: DigestService,
                            callback_answer: CallbackAnswer) -> None:
    if (message := await changeable(query, bot, callback_answer)) is None:
        return
    chat_id = message.chat.id
    if callback_data.value == "off":
        await digest.unsubscribe(repo, chat_id)
        callback_answer.text = "Дайджест выключен"
    elif (chosen := callback_data.value.replace(".", ":")) in PRESET_TIMES:
        schedule = await digest.subscribe(repo, chat_id, chosen)
        callback_answer.text = f"Дайджест в {schedule.time_of_day}"
    else:
        callback_answer.text, callback_answer.show_alert = STALE, True
        return
    await refresh_settings(message, repo, chat_id)


async def on_learning(query: CallbackQuery, callback_data: SettingsCb, bot: Bot, repo: Repo,
                      callback_answer: CallbackAnswer) -> None:
    """«Учиться на исправлениях»: in a group only an administrator may turn it on or off."""
    if callback_data.value not in ("on", "off"):
        callback_answer.text, callback_answer.show_alert = STALE, True
        return
    if (message := await changeable(query, bot, callback_answer)) is None:
        return
    on = callback_data.value == "on"
    await repo.feedback.set_learning(message.chat.id, on)
    callback_answer.text = f"Учиться на исправлениях: {'вкл' if on else 'выкл'}"
    await refresh_settings(message, repo, message.chat.id)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_settings, Command("settings"))
    router.callback_query.register(on_length, SettingsCb.filter(F.key == "len"))
    router.callback_query.register(on_timezone, SettingsCb.filter(F.key == "tz"))
    router.callback_query.register(on_digest_setting, SettingsCb.filter(F.key == "digest"))
    router.callback_query.register(on_learning, SettingsCb.filter(F.key == "learn"))
    return router
