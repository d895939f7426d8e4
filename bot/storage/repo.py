"""Storage behind a small facade: `Repo(session)` with one repository per table group.

Repositories return frozen dataclasses, never ORM rows, so nothing outside `bot/storage` can lazy
load or mutate a row by accident. Every read that serves a chat takes its `chat_id`: a chat never
sees another chat's articles or answers. Nothing here commits: an update's transaction belongs to
its unit of work (`bot.middlewares.DbSessionMiddleware`), other jobs own theirs
(`sessionmaker.begin()`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction

from bot.storage.feedback import FeedbackRepo
from bot.storage.subscriptions import ChannelSourceRepo, SubscriptionRepo
from bot.storage.tables import (
    ArticleMessageRow,
    ArticleRow,
    ChatRow,
    QuestionRow,
    SummaryCacheRow,
)
from models.core.types import Length


@dataclass(frozen=True, slots=True)
class ChatSettings:
    id: int
    kind: str
    title: str
    summary_length: Length
    timezone: str
    current_article_id: int | None = None


@dataclass(frozen=True, slots=True)
class StoredArticle:
    id: int
    chat_id: int
    hash: str
    text: str
    title: str
    source_kind: str
    source_title: str
    source_url: str
    message_id: int | None
    reply_message_id: int | None
    summary: str
    created_at: datetime
    public_id: int = 0  # what buttons carry (`ArticleRepo.by_public_id`); never reused


@dataclass(frozen=True, slots=True)
class StoredQuestion:
    id: int
    chat_id: int
    article_id: int
    user_id: int | None
    question: str
    answer: str
    evidence: str
    score: float
    created_at: datetime


def _chat(row: ChatRow) -> ChatSettings:
    try:
        length = Length(row.summary_length)
    except ValueError:
        length = Length.SHORT
    return ChatSettings(row.id, row.kind, row.title, length, row.timezone, row.current_article_id)


def _article(row: ArticleRow) -> StoredArticle:
    return StoredArticle(
        row.id, row.chat_id, row.hash, row.text, row.title, row.source_kind, row.source_title,
        row.source_url, row.message_id, row.reply_message_id, row.summary, row.created_at,
        row.public_id or row.id,
    )


def _question(row: QuestionRow) -> StoredQuestion:
    return StoredQuestion(row.id, row.chat_id, row.article_id, row.user_id, row.question,
                          row.answer, row.evidence, row.score, row.created_at)


class ChatRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, chat_id: int) -> ChatSettings | None:
        row = await self.session.get(ChatRow, chat_id)
        return _chat(row) if row else None

    async def ensure(self, chat_id: int, *, kind: str, title: str = "",
                     summary_length: Length = Length.SHORT,
                     timezone: str = "Europe/Moscow") -> ChatSettings:
        """The chat's settings, creating the row with these defaults on first contact."""
        row = await self.session.get(ChatRow, chat_id)
        if row is None:
            row = ChatRow(id=chat_id, kind=kind, title=title[:256],
                          summary_length=summary_length.value, timezone=timezone)
            try:
                async with self.session.begin_nested():
                    self.session.add(row)
            except IntegrityError:  # another update of the same chat created it first
                row = await self.session.get(ChatRow, chat_id)
                assert row is not None
        return _chat(row)

    async def _set(self, chat_id: int, **values: Any) -> None:
        await self.session.execute(update(ChatRow).where(ChatRow.id == chat_id).values(**values))

    async def set_summary_length(self, chat_id: int, length: Length) -> None:
        await self._set(chat_id, summary_length=length.value)

    async def set_timezone(self, chat_id: int, timezone: str) -> None:
        await self._set(chat_id, timezone=timezone)

    async def set_current_article(self, chat_id: int, article_id: int | None) -> None:
        await self._set(chat_id, current_article_id=article_id)

    async def set_forgotten_through(self, chat_id: int, message_id: int) -> None:
        await self._set(chat_id, forgotten_through=message_id)

    async def forgotten(self, chat_id: int, message_id: int) -> bool:
        """`message_id` is from before this chat's last /forget (so what it stood for is gone)."""
        row = await self.session.get(ChatRow, chat_id)
        return bool(row and row.forgotten_through and message_id <= row.forgotten_through)


class ArticleRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, chat_id: int, *, hash: str, text: str, title: str = "",
                  source_kind: str = "text", source_title: str = "", source_url: str = "",
                  message_id: int | None = None, summary: str = "") -> StoredArticle:
        row = ArticleRow(chat_id=chat_id, public_id=new_public_id(), hash=hash, text=text,
                         title=title[:512],
                         source_kind=source_kind, source_title=source_title[:256],
                         source_url=source_url[:2048], message_id=message_id, summary=summary)
        self.session.add(row)
        await self.session.flush()
        return _article(row)

    async def by_id(self, chat_id: int, article_id: int) -> StoredArticle | None:
        row = await self.session.get(ArticleRow, article_id)
        return _article(row) if row is not None and row.chat_id == chat_id else None

    async def by_public_id(self, chat_id: int, public_id: int) -> StoredArticle | None:
        """The article a button names (its `public_id`), if it is still this chat's."""
        row = await self.session.scalar(
            select(ArticleRow).where(ArticleRow.chat_id == chat_id,
                                     ArticleRow.public_id == public_id)
        )
        return _article(row) if row else None

    async def by_hash(self, chat_id: int, hash: str) -> StoredArticle | None:
        row = await self.session.scalar(
            select(ArticleRow).where(ArticleRow.chat_id == chat_id, ArticleRow.hash == hash)
        )
        return _article(row) if row else None

    async def latest(self, chat_id: int) -> StoredArticle | None:
        row = await self.session.scalar(
            select(ArticleRow).where(ArticleRow.chat_id == chat_id)
            .order_by(ArticleRow.created_at.desc(), ArticleRow.id.desc()).limit(1)
        )
        return _article(row) if row else None

    async def current_in_recent_chats(self, limit: int) -> list[StoredArticle]:
        """The articles chats are asking about now (their current one), newest first, across
        chats: what to get ready for questions after a restart."""
        rows = await self.session.scalars(
            select(ArticleRow).join(ChatRow, ChatRow.current_article_id == ArticleRow.id)
            .order_by(ArticleRow.created_at.desc(), ArticleRow.id.desc()).limit(limit)
        )
        return [_article(row) for row in rows]

    async def recent(self, chat_id: int, limit: int = 5, offset: int = 0) -> list[StoredArticle]:
        """Newest first; `offset` skips that many (a page of /articles)."""
        rows = await self.session.scalars(
            select(ArticleRow).where(ArticleRow.chat_id == chat_id)
            .order_by(ArticleRow.created_at.desc(), ArticleRow.id.desc())
            .limit(limit).offset(offset)
        )
        return [_article(row) for row in rows]

    async def created_between(self, chat_id: int, start: datetime, end: datetime
                              ) -> list[StoredArticle]:
        """This chat's articles with start <= created_at < end, oldest first (for digests)."""
        rows = await self.session.scalars(
            select(ArticleRow).where(ArticleRow.chat_id == chat_id,
                                     ArticleRow.created_at >= start, ArticleRow.created_at < end)
            .order_by(ArticleRow.created_at, ArticleRow.id)
        )
        return [_article(row) for row in rows]

    async def by_message(self, chat_id: int, message_id: int) -> StoredArticle | None:
        """The article a message stands for: the user's original, or our summary/prompt."""
        linked = select(ArticleMessageRow.article_id).where(
            ArticleMessageRow.chat_id == chat_id, ArticleMessageRow.message_id == message_id
        )
        row = await self.session.scalar(
            select(ArticleRow).where(
                ArticleRow.chat_id == chat_id,
                or_(ArticleRow.message_id == message_id,
                    ArticleRow.reply_message_id == message_id,
                    ArticleRow.id.in_(linked)),
            ).order_by(ArticleRow.id.desc()).limit(1)
        )
        return _article(row) if row else None

    async def link_message(self, chat_id: int, message_id: int, article_id: int,
                           role: str = "summary") -> None:
        await self.session.merge(ArticleMessageRow(chat_id=chat_id, message_id=message_id,
                                                   article_id=article_id, role=role))

    async def set_reply(self, article_id: int, reply_message_id: int, summary: str) -> None:
        await self.session.execute(
            update(ArticleRow).where(ArticleRow.id == article_id)
            .values(reply_message_id=reply_message_id, summary=summary)
        )

    async def set_source(self, article_id: int, *, source_kind: str, source_title: str = "",
                         source_url: str = "") -> None:
        """Where the article came from, when a later copy says it better (a forward from the
        channel of a text first pasted): the summary's source line is read from here."""
        await self.session.execute(
            update(ArticleRow).where(ArticleRow.id == article_id)
            .values(source_kind=source_kind, source_title=source_title[:256],
                    source_url=source_url[:2048])
        )

    async def count(self, chat_id: int) -> int:
        return int(await self.session.scalar(
            select(func.count()).select_from(ArticleRow).where(ArticleRow.chat_id == chat_id)
        ) or 0)

    async def delete_chat(self, chat_id: int) -> int:
        """Delete this chat's articles, their questions and message links; returns articles."""
        await self.session.execute(delete(QuestionRow).where(QuestionRow.chat_id == chat_id))
        await self.session.execute(
            delete(ArticleMessageRow).where(ArticleMessageRow.chat_id == chat_id)
        )
        result = await self.session.execute(delete(ArticleRow).where(ArticleRow.chat_id == chat_id))
        await self.session.execute(
            update(ChatRow).where(ChatRow.id == chat_id).values(current_article_id=None)
        )
        return int(result.rowcount or 0)


# Random ids above every `id` a database held before version 2 (copied into `public_id`).
_PUBLIC_ID_FLOOR = 2**40


def new_public_id() -> int:
    """A random article id for buttons: not guessable and never handed out again."""
    return _PUBLIC_ID_FLOOR + secrets.randbelow(2**62 - _PUBLIC_ID_FLOOR)


class QuestionRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, chat_id: int, article_id: int, *, question: str, answer: str,
                  evidence: str, score: float, user_id: int | None = None) -> StoredQuestion:
        row = QuestionRow(chat_id=chat_id, article_id=article_id, user_id=user_id,
                          question=question, answer=answer, evidence=evidence, score=score)
        self.session.add(row)
        await self.session.flush()
        return _question(row)

    async def last(self, chat_id: int) -> StoredQuestion | None:
        """The chat's latest question: a follow-up («а когда это было?») leans on it."""
        row = await self.session.scalar(
            select(QuestionRow).where(QuestionRow.chat_id == chat_id)
            .order_by(QuestionRow.id.desc()).limit(1)
        )
        return _question(row) if row is not None else None

    async def for_article(self, chat_id: int, article_id: int) -> list[StoredQuestion]:
        rows = await self.session.scalars(
            select(QuestionRow).where(QuestionRow.chat_id == chat_id,
                                      QuestionRow.article_id == article_id)
            .order_by(QuestionRow.id)
        )
        return [_question(row) for row in rows]

    async def count(self, chat_id: int) -> int:
        return int(await self.session.scalar(
            select(func.count()).select_from(QuestionRow).where(QuestionRow.chat_id == chat_id)
        ) or 0)


class SummaryCacheRepo:
    """Engine output by (article hash, length, engine): shared by all chats, holds no chat data."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, hash: str, length: str, engine: str) -> dict[str, Any] | None:
        row = await self.session.get(SummaryCacheRow, (hash, length, engine))
        return dict(row.payload) if row else None

    async def put(self, hash: str, length: str, engine: str, payload: dict[str, Any]) -> None:
        try:
            async with self.session.begin_nested():
                self.session.add(SummaryCacheRow(hash=hash, length=length, engine=engine,
                                                 payload=payload))
        except IntegrityError:  # the same article was summarised concurrently: keep the first
            pass


@dataclass
class Repo:
    """One per update (or per job): the session and its repositories."""

    session: AsyncSession

    @property
    def chats(self) -> ChatRepo:
        return ChatRepo(self.session)

    @property
    def articles(self) -> ArticleRepo:
        return ArticleRepo(self.session)

    @property
    def questions(self) -> QuestionRepo:
        return QuestionRepo(self.session)

    @property
    def cache(self) -> SummaryCacheRepo:
        return SummaryCacheRepo(self.session)

    @property
    def subscriptions(self) -> SubscriptionRepo:
        """Digest subscriptions (`bot.storage.subscriptions`)."""
        return SubscriptionRepo(self.session)

    @property
    def sources(self) -> ChannelSourceRepo:
        """Channels whose posts feed a chat's digest."""
        return ChannelSourceRepo(self.session)

    @property
    def feedback(self) -> FeedbackRepo:
        """Votes on answers, corrections and the chat's consent (`bot.storage.feedback`)."""
        return FeedbackRepo(self.session)

    def savepoint(self) -> AsyncSessionTransaction:
        """`async with repo.savepoint():` a step whose failure must not spoil the update's
        transaction (it is rolled back alone). No wait inside: `release_connection` would
        commit through it."""
        return self.session.begin_nested()

    async def rollback(self) -> None:
        """Drop what this update wrote since it last released its connection (a failed piece
        of work leaves no half rows; see `DbSessionMiddleware` for where the pieces end)."""
        await self.session.rollback()
