"""Buttons and replies about an article deleted by /forget say so (#28, item 5), through the
real Dispatcher and the test Bot API server.

SQLite gave a deleted article's row id to the next one, so after /forget and one new forward
an old summary's «Подробнее» rewrote that old message into the new article's summary, and a
reply to the deleted summary answered about the newest article. Buttons now carry a random
public id that is never handed out again; a reply to a message from before /forget that no
article claims is told the article is gone.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from bot.storage.db import create_schema
from tests.support import updates as U

SECOND = Path(__file__).resolve().parents[1] / "support" / "articles" / "wikinews_100084.txt"
GONE = "Этой статьи больше нет"


def _buttons(call) -> dict[str, str]:
    return {b["text"]: b["callback_data"]
            for row in call.params["reply_markup"]["inline_keyboard"] for b in row}


async def _forget(harness, chat: int) -> None:
    await harness.feed(U.command("/forget", chat_id=chat))
    confirm = harness.api.calls_for("sendMessage")[-1]
    await harness.feed(U.callback_query(_buttons(confirm)["Да, удалить"], message=confirm.result))


async def test_an_old_summarys_buttons_and_replies_after_forget_say_it_is_gone(
        harness, seed_text) -> None:
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    old = harness.api.calls_for("sendMessage")[-1]
    await _forget(harness, chat)
    await harness.feed(U.forwarded_channel_post(SECOND.read_text("utf-8"), chat_id=chat,
                                                post_id=78))
    new = harness.api.calls_for("sendMessage")[-1]
    # (the second article is short: it reads the same at every length, so it offers only
    # «Задать вопрос», #28 item 6)
    assert _buttons(new)["Задать вопрос"] != _buttons(old)["Задать вопрос"]

    for label in ("Подробнее", "Задать вопрос"):
        mark = harness.api.mark()
        await harness.feed(U.callback_query(_buttons(old)[label], message=old.result))
        assert not harness.api.calls_for("editMessageText", since=mark), label
        assert not harness.api.sent_texts(chat, since=mark), label
        [answer] = harness.api.calls_for("answerCallbackQuery", since=mark)
        assert GONE in answer.params.get("text", ""), (label, answer.params)

    mark = harness.api.mark()
    await harness.feed(U.private_text("Что подписали?", chat_id=chat, reply_to=old.result))
    [reply] = harness.api.sent_texts(chat, since=mark)
    assert GONE in reply, reply
    # the new summary's buttons and replies still work
    mark = harness.api.mark()
    await harness.feed(U.callback_query(_buttons(new)["Задать вопрос"], message=new.result))
    [prompt] = harness.api.sent_texts(chat, since=mark)
    assert GONE not in prompt, prompt


async def test_buttons_under_summaries_from_before_the_upgrade_still_work(harness,
                                                                          seed_text) -> None:
    """A database from before public ids: its articles keep their row id as the public id,
    so the buttons already in chats go on working after the upgrade."""
    chat = harness.new_chat()
    await harness.feed(U.forwarded_channel_post(seed_text, chat_id=chat))
    summary = harness.api.calls_for("sendMessage")[-1]
    async with harness.sessionmaker() as session:
        row_id = await session.scalar(text(f"SELECT id FROM articles WHERE chat_id = {chat}"))
        await session.execute(text(f"UPDATE articles SET public_id = NULL WHERE id = {row_id}"))
        await session.execute(text("UPDATE schema_version SET version = 1"))
        await session.commit()
    await create_schema(harness.sessionmaker.kw["bind"])
    old_data = _buttons(summary)["Подробнее"].replace(
        _buttons(summary)["Подробнее"].split(":")[1], str(row_id))
    mark = harness.api.mark()
    await harness.feed(U.callback_query(old_data, message=summary.result))
    assert harness.api.calls_for("editMessageText", since=mark)
