"""The test Bot API server speaks the protocol aiogram expects (it backs every bot test)."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import (
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
)

from tests.support.fake_bot_api import BOT_USER_ID, BOT_USERNAME, FakeBotAPI
from tests.support.updates import private_text


@pytest.fixture
async def api_and_bot():
    api = FakeBotAPI()
    await api.start()
    bot = Bot(api.token, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))
    yield api, bot
    await bot.session.close()
    await api.stop()


async def test_send_message_is_recorded_with_decoded_params(api_and_bot) -> None:
    api, bot = api_and_bot
    me = await bot.get_me()
    assert me.username == BOT_USERNAME
    sent = await bot.send_message(5001, "123", reply_markup=None)
    call = await api.wait_for("sendMessage", lambda c: c.params["chat_id"] == 5001)
    assert call.params["text"] == "123"  # a text stays a string even when it looks like JSON
    assert sent.message_id == call.result["message_id"]


async def test_long_poll_returns_when_an_update_is_pushed(api_and_bot) -> None:
    api, bot = api_and_bot
    poll = asyncio.create_task(bot.get_updates(timeout=5, request_timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    api.push_update(private_text("привет"))
    updates = await asyncio.wait_for(poll, 2)
    assert [u.message.text for u in updates] == ["привет"]
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == []


async def test_injected_failures_look_like_telegram(api_and_bot) -> None:
    api, bot = api_and_bot
    api.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(1, "x")
    assert info.value.retry_after == 3
    api.fail_next("sendMessage", status=403)
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(1, "x")
    await bot.send_message(1, "y")
    assert api.sent_texts(1) == ["y"]


async def test_files_are_served_through_get_file(api_and_bot) -> None:
    api, bot = api_and_bot
    api.add_file("f1", "текст".encode(), "documents/a.txt")
    file = await bot.get_file("f1")
    data = await bot.download_file(file.file_path)
    assert data.read().decode() == "текст"


async def test_html_is_checked_like_telegram(api_and_bot) -> None:
    from aiogram.exceptions import TelegramBadRequest

    _, bot = api_and_bot
    await bot.send_message(1, "<b>ok</b> &lt;b&gt;x&lt;/i&gt; &amp; <a href=\"u\">l</a>",
                           parse_mode="HTML")
    for bad in ("<b>x</i>", "<script>x</script>", "a & b", "<b>open", "1 < 2"):
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(1, bad, parse_mode="HTML")
    await bot.send_message(1, "<b>x</i> & 1 < 2", parse_mode=None)


async def test_chat_members_come_in_the_shapes_telegram_sends(api_and_bot) -> None:
    api, bot = api_and_bot
    channel, group = -1009001, -1009002
    api.set_chat(channel, {"id": channel, "type": "channel", "title": "Канал", "username": "kan"})
    # A channel hides its members from a bot that does not administer it.
    with pytest.raises(TelegramBadRequest, match="member list is inaccessible"):
        await bot.get_chat_member(channel, 1)
    api.set_member(channel, BOT_USER_ID, "administrator")
    api.set_member(channel, 2, "creator", anonymous=True)
    api.set_member(group, 3, "kicked")
    assert isinstance(await bot.get_chat_member("@kan", BOT_USER_ID), ChatMemberAdministrator)
    owner = await bot.get_chat_member(channel, 2)
    assert isinstance(owner, ChatMemberOwner) and owner.is_anonymous
    assert isinstance(await bot.get_chat_member(channel, 1), ChatMemberLeft)  # not subscribed
    assert isinstance(await bot.get_chat_member(group, 1), ChatMemberMember)  # wrote there
    assert isinstance(await bot.get_chat_member(group, 3), ChatMemberBanned)
    assert (await bot.get_chat("@kan")).id == channel
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.get_chat("@nobody")
