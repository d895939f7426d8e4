"""The storage facade on a real SQLite file and on PostgreSQL, and the start-up migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.db import SCHEMA_VERSION, create_db_engine, create_schema, create_sessionmaker
from bot.storage.repo import Repo
from models.core.types import Length
from tests.support.postgres import postgres_engine


async def _exercise_repo(engine: AsyncEngine) -> None:
    await create_schema(engine)
    await create_schema(engine)  # every start runs it: idempotent
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        repo = Repo(session)
        chat = await repo.chats.ensure(10, kind="private", title="Анна",
                                       summary_length=Length.MEDIUM)
        assert chat.summary_length is Length.MEDIUM and chat.current_article_id is None
        await repo.chats.ensure(20, kind="group", title="Группа")
        article = await repo.articles.add(10, hash="h1", text="Текст статьи.", title="Т",
                                          source_kind="forward", message_id=5)
        await repo.articles.add(20, hash="h1", text="Текст статьи.")
        await repo.articles.link_message(10, 900, article.id, role="summary")
        await repo.articles.link_message(10, 900, article.id, role="summary")  # idempotent
        await repo.chats.set_current_article(10, article.id)
        await repo.questions.add(10, article.id, question="Что?", answer="Это", evidence="Это.",
                                 score=0.5, user_id=10)
        await repo.cache.put("h1", "short", "embedded", {"text": "кратко"})
        await repo.cache.put("h1", "short", "embedded", {"text": "другое"})  # first one kept
        await session.commit()
    async with sessionmaker() as session:
        repo = Repo(session)
        assert (await repo.articles.by_hash(10, "h1")).id == article.id
        assert (await repo.articles.by_message(10, 900)).id == article.id
        assert (await repo.articles.by_message(10, 5)).id == article.id
        assert await repo.articles.by_message(20, 900) is None  # another chat's message id
        assert await repo.articles.by_id(20, article.id) is None
        assert (await repo.chats.get(10)).current_article_id == article.id
        assert (await repo.cache.get("h1", "short", "embedded")) == {"text": "кратко"}
        assert [q.answer for q in await repo.questions.for_article(10, article.id)] == ["Это"]
        assert await repo.articles.delete_chat(10) == 1
        await session.commit()
    async with sessionmaker() as session:
        repo = Repo(session)
        assert await repo.articles.count(10) == 0 and await repo.questions.count(10) == 0
        assert await repo.articles.count(20) == 1
        assert (await repo.chats.get(10)).current_article_id is None


async def test_repo_on_sqlite_file(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    try:
        await _exercise_repo(engine)
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
    finally:
        await engine.dispose()


async def test_repo_on_postgresql() -> None:
    async with postgres_engine() as engine:
        await _exercise_repo(engine)


async def test_old_database_gets_new_columns_at_start(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:  # the chats table as the first release created it
        conn.execute("CREATE TABLE chats (id BIGINT PRIMARY KEY, kind VARCHAR(16), title "
                     "VARCHAR(256), summary_length VARCHAR(8), timezone VARCHAR(64), "
                     "created_at DATETIME)")
        conn.execute("INSERT INTO chats VALUES (1, 'private', '', 'long', 'Asia/Baku', NULL)")
    engine = create_db_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await create_schema(engine)
        async with create_sessionmaker(engine)() as session:
            chat = await Repo(session).chats.get(1)
            version = (await session.execute(text("SELECT version FROM schema_version"))).scalar()
        assert chat.summary_length is Length.LONG and chat.current_article_id is None
        assert version == SCHEMA_VERSION
    finally:
        await engine.dispose()
