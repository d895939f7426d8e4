"""The schema. Repositories (not handlers) read and write these rows and return dataclasses."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class ChatRow(Base):
    """A private chat, group or channel the bot talks in, with its settings."""

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # Telegram chat id
    kind: Mapped[str] = mapped_column(String(16), default="private")
    title: Mapped[str] = mapped_column(String(256), default="")
    summary_length: Mapped[str] = mapped_column(String(8), default="short")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    # The article plain-text questions are about: the newest one, or one picked in /articles.
    current_article_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The last message id of this chat when /forget deleted its articles: a reply to an older
    # message that no article claims is about a deleted article, not about the newest one.
    forgotten_through: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # «Учиться на исправлениях» (/settings): None is the default of the chat's kind, on in a
    # private chat, off in a group until an administrator turns it on (`FeedbackRepo.learning`).
    learn_from_corrections: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ArticleRow(Base):
    """An article one chat collected. The same text in two chats is two rows (chats never
    see each other's data); the NLP work is shared through `SummaryCacheRow` by `hash`."""

    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("chat_id", "hash", name="uq_articles_chat_hash"),
        Index("ix_articles_chat_created", "chat_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The id buttons carry: random, never reused. SQLite gives a deleted row's id to the next
    # article, so a button under a summary from before /forget acted on a newer article.
    # Rows from before this column have their `id` copied in (`db.migrate`, version 2).
    public_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), index=True
    )
    hash: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(String(512), default="")
    source_kind: Mapped[str] = mapped_column(String(16), default="text")  # text|forward|document|link|channel_post
    source_title: Mapped[str] = mapped_column(String(256), default="")  # channel or site name
    source_url: Mapped[str] = mapped_column(String(2048), default="")  # original post or page
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # the user's message
    reply_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # our summary
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SummaryCacheRow(Base):
    """Engine output by article hash, so an article forwarded by many people is processed once."""

    __tablename__ = "summary_cache"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    length: Mapped[str] = mapped_column(String(8), primary_key=True)
    engine: Mapped[str] = mapped_column(String(32), primary_key=True)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ArticleMessageRow(Base):
    """A message that stands for an article: the user's parts and the bot's replies and prompts,
    so a reply to any of them is a question about that article."""

    __tablename__ = "article_messages"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16), default="summary")  # source|summary|prompt|answer


class SchemaVersionRow(Base):
    """One row: the schema version this database was last migrated to (see `db.migrate`)."""

    __tablename__ = "schema_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class QuestionRow(Base):
    """A question asked in a chat and the answer given."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), index=True
    )
    article_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ShownAnswerRow(Base):
    """An answer the bot showed, with the 👍/👎 buttons under it: what the votes are about.

    A snapshot (question, answer, evidence, the article's id and hash, the question's kind, the
    reader's score and its reason), so votes keep their meaning whatever happens to the
    question's row. `id` is what the buttons carry: random, never reused (as
    `ArticleRow.public_id`). `prompt_message_id` is the «пришлите правильный ответ» prompt,
    sent at most once per answer (`asked_at`); a reply to it is the correction.
    """

    __tablename__ = "shown_answers"
    __table_args__ = (Index("ix_shown_answers_prompt", "chat_id", "prompt_message_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # with the buttons
    article_id: Mapped[int] = mapped_column(Integer)
    article_hash: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")  # "" for «в статье этого нет»
    evidence: Mapped[str] = mapped_column(Text, default="")
    evidence_at: Mapped[int] = mapped_column(Integer, default=-1)  # offset in the article
    kind: Mapped[str] = mapped_column(String(16), default="другое")
    score: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[str] = mapped_column(String(200), default="")  # why «нет», for calibration
    asked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    prompt_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AnswerVoteRow(Base):
    """One user's 👍 or 👎 on a shown answer; a second press changes it (one row per user)."""

    __tablename__ = "answer_votes"

    answer_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("shown_answers.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    up: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CorrectionRow(Base):
    """A user's right answer to a shown answer: a labelled QA row in SberQuAD's terms.

    `text` is `context[answer_start:answer_start + len(text)]`; an unanswerable row (the user
    said «нет в статье») has `text` "" and `answer_start` -1. One per shown answer.
    """

    __tablename__ = "answer_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    answer_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("shown_answers.id", ondelete="CASCADE"), unique=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    article_hash: Mapped[str] = mapped_column(String(64))
    context: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    answer_start: Mapped[int] = mapped_column(Integer, default=-1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InboxRow(Base):
    """An update Telegram handed us, stored before it was acknowledged (the durable inbox).

    `pending` until its replies were sent; `owner` is the instance working on it since
    `claimed_at`. A reply Telegram would not take sets `next_attempt_at` and frees the row for
    a later try. `payload` (the update, article text included) is cleared once it is done; the
    row stays a day so a redelivered update is recognised.
    """

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_status_next", "status", "next_attempt_at"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    payload: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(8), default="pending")  # pending|done|failed
    owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


def as_utc(when: datetime) -> datetime:
    """`when` as aware UTC; a naive value is taken to be UTC already (SQLite returns those)."""
    if when.tzinfo is None:
        return when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)
