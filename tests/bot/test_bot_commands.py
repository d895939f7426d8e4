"""Commands and settings through the real Dispatcher: /start, /help, /settings, /forget,
/articles, the chat row they create, and `run` without a token."""

from __future__ import annotations

import argparse

from sqlalchemy import select

from bot.storage.tables import ChatRow
from tests.support import updates as U


def _buttons(call) -> dict[str, str]:
    return {b["text"]: b["callback_data"]
            for row in call.params["reply_markup"]["inline_keyboard"] for b in row}


async def test_start_and_help_are_russian_with_an_example(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.command("/start", chat_id=chat))
    await harness.feed(U.command("/help", chat_id=chat))
    start, help_ = harness.api.sent_texts(chat)
    assert start.startswith("Здравствуйте, Анна!")
    assert "Пример" in help_ and "Что подписали?" in help_ and len(help_) < 1000


async def test_settings_change_summary_length(harness, seed_text) -> None:
    chat = harness.new_chat()
    await harness.feed(U.command("/settings", chat_id=chat))
    menu = harness.api.calls_for("sendMessage")[-1]
    assert "Пересказ: <b>короткий</b>" in menu.params["text"]
    await harness.feed(U.callback_query(_buttons(menu)["подробный"], message=menu.result))
    edit = await harness.api.wait_for("editMessageText", timeout=1)
    assert "Пересказ: <b>подробный</b>" in edit.params["text"]
    async with harness.sessionmaker() as session:
        assert (await session.get(ChatRow, chat)).summary_length == "long"
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    summary = harness.api.calls_for("sendMessage")[-1]
    assert list(_buttons(summary)) == ["Короче", "Задать вопрос"]


async def test_settings_time_zone_by_button_and_by_name(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.command("/settings tz Europe/Berlin", chat_id=chat))
    assert "Europe/Berlin" in harness.api.sent_texts(chat)[-1]
    await harness.feed(U.command("/settings tz Mars/Olympus", chat_id=chat))
    assert "Не знаю часовой пояс" in harness.api.sent_texts(chat)[-1]
    await harness.feed(U.command("/settings", chat_id=chat))
    menu = harness.api.calls_for("sendMessage")[-1]
    await harness.feed(U.callback_query(_buttons(menu)["Баку"], message=menu.result))
    async with harness.sessionmaker() as session:
        assert (await session.get(ChatRow, chat)).timezone == "Asia/Baku"


async def test_forget_asks_first_then_deletes_only_this_chat(harness, seed_text) -> None:
    chat, other = harness.new_chat(), harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=other))
    await harness.feed(U.command("/forget", chat_id=chat))
    confirm = harness.api.calls_for("sendMessage")[-1]
    assert "Удалить статьи этого чата (1)" in confirm.params["text"]
    await harness.feed(U.callback_query(_buttons(confirm)["Отмена"], message=confirm.result))
    await harness.feed(U.command("/articles", chat_id=chat))
    assert "Последние статьи" in harness.api.sent_texts(chat)[-1]
    await harness.feed(U.callback_query(_buttons(confirm)["Да, удалить"], message=confirm.result))
    await harness.feed(U.command("/articles", chat_id=chat))
    assert "Статей пока нет" in harness.api.sent_texts(chat)[-1]
    await harness.feed(U.command("/articles", chat_id=other))
    assert "Последние статьи" in harness.api.sent_texts(other)[-1]


def test_run_without_token_explains_what_to_do(capsys) -> None:
    from bot.commands import run as run_command
    from bot.settings import Settings

    code = run_command.run(argparse.Namespace(log_level=None), Settings(_env_file=None,
                                                                        bot_token=None))
    err = capsys.readouterr().err
    assert code == 2
    assert "@BotFather" in err and "python -m bot summarize" in err


async def test_chat_row_created_once_with_defaults(harness) -> None:
    chat = harness.new_chat()
    await harness.feed(U.command("/help", chat_id=chat))
    await harness.feed(U.command("/help", chat_id=chat))
    async with harness.sessionmaker() as session:
        rows = (await session.scalars(select(ChatRow).where(ChatRow.id == chat))).all()
    assert len(rows) == 1 and rows[0].summary_length == "short" and rows[0].kind == "private"
