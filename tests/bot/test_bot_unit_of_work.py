"""The update's unit of work (`DbSessionMiddleware`): what an update writes is committed when its
handler returns and rolled back when it raises, except what was released before a wait; a
handler with independent pieces of work (a channel post for several chats) loses only the
failed piece. Through the real Dispatcher, the embedded engine and the test Bot API server."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

import handlers.article
from bot.errors import Busy
from bot.services.articles import IncomingArticle, IntakeResult
from bot.storage.repo import Repo
from bot.storage.tables import ArticleMessageRow
from handlers.errors import APOLOGY
from tests.support import updates as U

SAMPLE = Path(__file__).resolve().parents[1] / "models" / "articles" / "wikinews_sample.jsonl"
_channel_ids = itertools.count(-1003100000001, -1)


def _sample_article(index: int) -> str:
    return json.loads(SAMPLE.read_text(encoding="utf-8").splitlines()[index])["text"]


async def test_a_handler_that_writes_and_then_fails_leaves_no_row(harness, seed_text,
                                                                  monkeypatch) -> None:
    """The paste is stored (article, its source message, the chat's current article), then
    rendering the reply fails before any Bot API call: the update rolls back and the chat has
    no trace of the article; the user gets the apology, and the next update works."""
    chat = harness.new_chat()

    def broken_render(*_args: Any, **_kwargs: Any) -> str:
        raise RuntimeError("rendering failed after the article was written")

    monkeypatch.setattr(handlers.article, "render_summary", broken_render)
    paste = U.private_text(seed_text, chat_id=chat)
    await harness.feed(paste)
    assert harness.api.sent_texts(chat) == [APOLOGY]
    async with harness.sessionmaker() as session:
        repo = Repo(session)
        assert await repo.articles.count(chat) == 0
        assert await repo.articles.by_message(chat, paste["message"]["message_id"]) is None
        links = await session.scalar(select(func.count()).select_from(ArticleMessageRow)
                                     .where(ArticleMessageRow.chat_id == chat))
        assert links == 0
        stored_chat = await repo.chats.get(chat)
        assert stored_chat is None or stored_chat.current_article_id is None

    monkeypatch.undo()
    await harness.feed(U.private_text(seed_text, chat_id=chat))
    assert "Ключевое:" in harness.api.sent_texts(chat)[-1]
    async with harness.sessionmaker() as session:
        assert await Repo(session).articles.count(chat) == 1


async def test_a_channel_post_one_chat_cannot_take_costs_only_that_chats_copy(
        harness, seed_text, monkeypatch) -> None:
    """Two chats take a channel's posts; the second chat's copy is written and then refused
    (the model busy). Its rollback drops only that copy: the first chat keeps the post and the
    article its questions are about, the second chat is as it was."""
    first, second = harness.new_chat(), harness.new_chat()
    channel = next(_channel_ids)
    for chat in (first, second):
        await harness.feed(U.private_text(seed_text, chat_id=chat))  # each chat's own article
    async with harness.sessionmaker() as session:
        repo = Repo(session)
        current = {chat: (await repo.chats.get(chat)).current_article_id
                   for chat in (first, second)}
        for chat in (first, second):
            await repo.sources.add(chat, channel, username="", title="Канал")
        await session.commit()
    assert all(current.values())

    intake = harness.dp["intake"]
    real_ingest = intake.ingest
    taken: list[int] = []

    async def ingest_then_busy_for_the_second(repo: Repo, chat_id: int,
                                              incoming: IncomingArticle,
                                              **kwargs: Any) -> IntakeResult:
        result = await real_ingest(repo, chat_id, incoming, **kwargs)
        taken.append(chat_id)
        if len(taken) == 2:
            raise Busy()  # after its rows were written
        return result

    monkeypatch.setattr(intake, "ingest", ingest_then_busy_for_the_second)
    await harness.feed(U.channel_post(_sample_article(1), channel_id=channel, username=None))
    assert sorted(taken) == sorted((first, second))
    kept, refused = taken
    async with harness.sessionmaker() as session:
        repo = Repo(session)
        assert await repo.articles.count(kept) == 2  # its own and the channel's post
        assert await repo.articles.count(refused) == 1  # only its own
        for chat in (kept, refused):  # a channel post never becomes the current article
            assert (await repo.chats.get(chat)).current_article_id == current[chat]

