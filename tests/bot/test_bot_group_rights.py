"""Who may change a group (#27, items 1 and 5), through the real Dispatcher and the test Bot API
server, which answers getChatMember as Telegram does: a channel becomes a group's digest source
only through someone who administers both; only a group's administrators (anonymous ones
included) change its settings, digest and sources, while every member may still read them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.digest.compose import EMPTY_DIGEST
from bot.storage.repo import Repo
from bot.storage.tables import ChatRow
from handlers.keyboards import ForgetCb
from handlers.rights import ADMINS_ONLY
from tests.support import updates as U
from tests.support.fake_bot_api import BOT_USER_ID

ADMIN, MEMBER, OWNER = 6101, 6102, 6103


def _group(harness) -> int:
    return int(f"-100{harness.new_chat()}")


def _private_channel(harness, *, admins: tuple[int, ...] = ()) -> int:
    """A channel with no @username (only its id can name it) that the bot administers."""
    channel = int(f"-100{harness.new_chat()}9")
    harness.api.set_chat(channel, {"id": channel, "type": "channel", "title": "Закрытый канал"})
    harness.api.set_member(channel, BOT_USER_ID, "administrator")
    for user_id in admins:
        harness.api.set_member(channel, user_id, "administrator")
    return channel


async def _reply(harness, update: dict[str, Any], chat: int) -> str:
    """Feed `update`; the one message the bot sends to `chat` for it."""
    mark = harness.api.mark()
    await harness.feed(update)
    [reply] = harness.api.sent_texts(chat, since=mark)
    return reply


async def _toast(harness, update: dict[str, Any]) -> dict[str, Any]:
    """Feed a button press; the params of its answerCallbackQuery."""
    mark = harness.api.mark()
    await harness.feed(update)
    [answer] = harness.api.calls_for("answerCallbackQuery", since=mark)
    return answer.params


async def _sources_of(harness, channel: int) -> list[int]:
    async with harness.sessionmaker() as session:
        return await harness.dp["digest"].chats_for_channel(Repo(session), channel)


async def _chat_row(harness, chat: int) -> ChatRow:
    async with harness.sessionmaker() as session:
        return (await session.scalars(select(ChatRow).where(ChatRow.id == chat))).one()


async def _subscribed(harness, chat: int) -> bool:
    async with harness.sessionmaker() as session:
        current = await harness.dp["digest"].subscription(Repo(session), chat)
    return current is not None and current.active


def _buttons(call) -> dict[str, str]:
    return {b["text"]: b["callback_data"]
            for row in call.params["reply_markup"]["inline_keyboard"] for b in row}


# --- item 1: a private channel pulled into a group -------------------------------------------

async def test_a_group_member_cannot_pull_a_private_channel_into_the_group(harness) -> None:
    group, channel = _group(harness), _private_channel(harness)
    reply = await _reply(harness, U.command(f"/source {channel}", chat_id=group,
                                            user_id=MEMBER), group)
    assert reply == ADMINS_ONLY
    assert await _sources_of(harness, channel) == []
    # The channel's next post reaches no chat: the group's /articles stays empty.
    await harness.feed(U.channel_post("Секретная новость канала. " * 20, channel_id=channel,
                                      title="Закрытый канал", username=None))
    listing = await _reply(harness, U.command("/articles", chat_id=group, user_id=MEMBER), group)
    assert listing.startswith("Статей пока нет"), listing


@pytest.mark.parametrize(("user_id", "why"), [
    pytest.param(ADMIN, "и этого канала, и группы", id="group-admin-outside-the-channel"),
    pytest.param(OWNER, ADMINS_ONLY, id="channel-owner-group-member"),
    pytest.param(None, "анонимно", id="anonymous-group-admin"),
])
async def test_a_channel_joins_a_group_only_through_an_admin_of_both(
        harness, user_id: int | None, why: str) -> None:
    group, channel = _group(harness), _private_channel(harness)
    harness.api.set_member(group, ADMIN, "administrator")
    harness.api.set_member(channel, OWNER, "creator")
    update = U.command(f"/source {channel}", chat_id=group, user_id=user_id,
                       anonymous=user_id is None)
    reply = await _reply(harness, update, group)
    assert why in reply and "добавлен" not in reply, reply
    assert len(reply.splitlines()) == 1 and reply.startswith(("Извините", "Вы пишете")), reply
    assert await _sources_of(harness, channel) == []


async def test_an_admin_of_the_channel_and_the_group_adds_it(harness) -> None:
    group, channel = _group(harness), _private_channel(harness, admins=(ADMIN,))
    harness.api.set_member(group, ADMIN, "administrator")
    reply = await _reply(harness, U.command(f"/source {channel}", chat_id=group, user_id=ADMIN),
                         group)
    assert reply == "Канал «Закрытый канал» добавлен в источники дайджеста."
    again = await _reply(harness, U.command(f"/source {channel}", chat_id=group, user_id=ADMIN),
                         group)
    assert again == "Канал «Закрытый канал» уже среди источников дайджеста."
    assert await _sources_of(harness, channel) == [group]


async def test_in_a_private_chat_only_a_channel_admin_adds_it(harness) -> None:
    stranger, admin = harness.new_chat(), harness.new_chat()  # private chat id = user id
    channel = _private_channel(harness, admins=(admin,))
    refused = await _reply(harness, U.command(f"/source {channel}", chat_id=stranger), stranger)
    assert refused == "Добавить канал может только его администратор."
    added = await _reply(harness, U.command(f"/source {channel}", chat_id=admin), admin)
    assert added == "Канал «Закрытый канал» добавлен в источники дайджеста."
    assert await _sources_of(harness, channel) == [admin]


# --- item 5: group settings open to every member ---------------------------------------------

async def test_a_group_member_reads_the_settings_but_cannot_change_them(harness) -> None:
    group = _group(harness)
    menu_text = await _reply(harness, U.command("/settings", chat_id=group, user_id=MEMBER),
                             group)
    assert "Пересказ: <b>короткий</b>" in menu_text
    menu = harness.api.calls_for("sendMessage")[-1]
    mark = harness.api.mark()
    for button in ("подробный", "Баку", "07:00"):
        toast = await _toast(harness, U.callback_query(_buttons(menu)[button],
                                                       message=menu.result, user_id=MEMBER))
        assert toast.get("text") == ADMINS_ONLY and not toast.get("show_alert"), (button, toast)
    assert harness.api.calls_for("editMessageText", since=mark) == []
    for text in ("/settings tz Asia/Baku", "/subscribe 08:00", "/unsubscribe"):
        reply = await _reply(harness, U.command(text, chat_id=group, user_id=MEMBER), group)
        assert reply == ADMINS_ONLY, (text, reply)
    row = await _chat_row(harness, group)
    assert (row.summary_length, row.timezone) == ("short", "Europe/Moscow")
    assert not await _subscribed(harness, group)
    digest = await _reply(harness, U.command("/digest", chat_id=group, user_id=MEMBER), group)
    assert digest == EMPTY_DIGEST  # reading the digest stays open to everyone


async def test_group_admins_change_settings_and_the_digest(harness) -> None:
    group = _group(harness)
    harness.api.set_member(group, ADMIN, "administrator")
    harness.api.set_member(group, OWNER, "creator", anonymous=True)
    await harness.feed(U.command("/settings", chat_id=group, user_id=MEMBER))
    menu = harness.api.calls_for("sendMessage")[-1]  # shown to a member, pressed by admins
    toast = await _toast(harness, U.callback_query(_buttons(menu)["подробный"],
                                                   message=menu.result, user_id=ADMIN))
    assert toast.get("text") == "Пересказ: подробный"
    # An anonymous owner's button press still carries the real user: getChatMember vouches.
    toast = await _toast(harness, U.callback_query(_buttons(menu)["Баку"],
                                                   message=menu.result, user_id=OWNER))
    assert toast.get("text") == "Часовой пояс: Баку, UTC+4"
    row = await _chat_row(harness, group)
    assert (row.summary_length, row.timezone) == ("long", "Asia/Baku")
    # A command written as the group (anonymous admin) has no user to check, and counts.
    subscribed = await _reply(harness, U.command("/subscribe 08:00", chat_id=group,
                                                 anonymous=True), group)
    assert "Дайджест: каждый день в <b>08:00</b>" in subscribed
    assert await _reply(harness, U.command("/unsubscribe", chat_id=group, user_id=MEMBER),
                        group) == ADMINS_ONLY
    assert await _subscribed(harness, group)
    off = await _reply(harness, U.command("/unsubscribe", chat_id=group, user_id=ADMIN), group)
    assert off.startswith("Дайджест отключён")
    assert not await _subscribed(harness, group)


async def test_forget_in_a_group_still_needs_an_admin(harness) -> None:
    group = _group(harness)
    harness.api.set_member(group, ADMIN, "administrator")
    confirm = U.bot_message(group, 999, "Удалить статьи этого чата?")
    data = ForgetCb(confirm=True).pack()
    toast = await _toast(harness, U.callback_query(data, message=confirm, user_id=MEMBER))
    assert toast.get("text") == "Удалить может только администратор группы."
    toast = await _toast(harness, U.callback_query(data, message=confirm, user_id=ADMIN))
    assert toast.get("text") == "Удалено"
