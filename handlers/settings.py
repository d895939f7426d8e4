"""/settings: summary length and time zone, as inline buttons; other features add sections.

A section is a line describing the current value plus rows of buttons carrying `SettingsCb`
with its own `key`. To add one (the digest adds its time), append a `SettingsSection` to
`SECTIONS` and handle `SettingsCb.filter(F.key == "<yours>")` in your own router, then call
`refresh_settings(message, repo, chat_id)` to redraw.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.digest.schedule import UnknownZone, parse_zone
from bot.digest.service import DigestService
from bot.digest.wiring import follow_chat_zone
from bot.rendering.html import esc
from bot.storage.repo import ChatSettings, Repo
from handlers.keyboards import LENGTH_NAMES, LENGTH_ORDER, SettingsCb
from models.base import Length

router = Router(name=__name__)
Rows = list[list[InlineKeyboardButton]]

TIMEZONES = {
    "Europe/Kaliningrad": "Калининград",
    "Europe/Moscow": "Москва",
    "Asia/Yekaterinburg": "Екатеринбург",
    "Asia/Novosibirsk": "Новосибирск",
    "Asia/Almaty": "Алматы",
    "Asia/Baku": "Баку",
    "Asia/Vladivostok": "Владивосток",
}


@dataclass(frozen=True)
class SettingsSection:
    describe: Callable[[ChatSettings, Repo], Awaitable[str]]  # one line of HTML
    buttons: Callable[[ChatSettings, Repo], Awaitable[Rows]]


async def _length_line(chat: ChatSettings, repo: Repo) -> str:
    return f"Пересказ: <b>{LENGTH_NAMES[chat.summary_length]}</b>"


async def _length_rows(chat: ChatSettings, repo: Repo) -> Rows:
    return [[InlineKeyboardButton(
        text=("✓ " if length == chat.summary_length else "") + LENGTH_NAMES[length],
        callback_data=SettingsCb(key="len", value=length.value).pack(),
    ) for length in LENGTH_ORDER]]


async def _tz_line(chat: ChatSettings, repo: Repo) -> str:
    name = TIMEZONES.get(chat.timezone, chat.timezone)
    return (f"Часовой пояс: <b>{esc(name)}</b> "
            "(другой: <code>/settings tz Новосибирск</code>)")


async def _tz_rows(chat: ChatSettings, repo: Repo) -> Rows:
    buttons = [InlineKeyboardButton(
        text=("✓ " if zone == chat.timezone else "") + name,
        callback_data=SettingsCb(key="tz", value=zone).pack(),
    ) for zone, name in TIMEZONES.items()]
    return [buttons[i:i + 4] for i in range(0, len(buttons), 4)]


SECTIONS: list[SettingsSection] = [
    SettingsSection(_length_line, _length_rows),
    SettingsSection(_tz_line, _tz_rows),
]


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


@router.message(Command("settings"))
async def on_settings(message: Message, command: CommandObject, repo: Repo,
                      chat_settings: ChatSettings, digest: DigestService | None = None) -> None:
    args = (command.args or "").split()
    if len(args) >= 2 and args[0].lower() in ("tz", "timezone"):
        raw = " ".join(args[1:])
        try:
            zone = parse_zone(raw).key
        except UnknownZone:
            await message.answer(f"Не знаю часовой пояс «{esc(raw)}». Пример: "
                                 "<code>/settings tz Москва</code> или "
                                 "<code>/settings tz Europe/Berlin</code>")
            return
        await repo.chats.set_timezone(message.chat.id, zone)
        await follow_chat_zone(repo, digest, message.chat.id, zone)
        chat_settings = await repo.chats.get(message.chat.id) or chat_settings
    text, keyboard = await render_settings(chat_settings, repo)
    await message.answer(text, reply_markup=keyboard)


@router.callback_query(SettingsCb.filter(F.key == "len"))
async def on_length(query: CallbackQuery, callback_data: SettingsCb, repo: Repo) -> None:
    if not isinstance(query.message, Message):
        await query.answer()
        return
    try:
        length = Length(callback_data.value)
    except ValueError:
        await query.answer()
        return
    await repo.chats.set_summary_length(query.message.chat.id, length)
    await query.answer(f"Пересказ: {LENGTH_NAMES[length]}")
    await refresh_settings(query.message, repo, query.message.chat.id)


@router.callback_query(SettingsCb.filter(F.key == "tz"))
async def on_timezone(query: CallbackQuery, callback_data: SettingsCb, repo: Repo,
                      digest: DigestService | None = None) -> None:
    if not isinstance(query.message, Message) or callback_data.value not in TIMEZONES:
        await query.answer()
        return
    await repo.chats.set_timezone(query.message.chat.id, callback_data.value)
    await follow_chat_zone(repo, digest, query.message.chat.id, callback_data.value)
    await query.answer(f"Часовой пояс: {TIMEZONES[callback_data.value]}")
    await refresh_settings(query.message, repo, query.message.chat.id)
