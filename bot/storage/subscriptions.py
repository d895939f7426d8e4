"""Digest subscriptions and channel sources: tables and the repositories over them.

The scheduler's exactly-once guarantee lives in `SubscriptionRepo.claim`: a conditional UPDATE on
`next_due_at` that only one process can win for a given period, which the scheduler commits
before anything is sent. Instants are stored as UTC; `as_utc` undoes SQLite's habit of
returning naive values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    delete,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables import Base, as_utc, utcnow


class SubscriptionRow(Base):
    """One chat's daily digest: local time of day, its zone, and the next UTC instant it is due."""

    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_due", "active", "next_due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), unique=True
    )
    time_of_day: Mapped[str] = mapped_column(String(5), default="09:00")  # "HH:MM", local
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    next_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The due instant of the period last claimed (for logs and support questions).
    period_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # End of the window the last delivered digest covered; the next one starts there.
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    paused_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)  # "blocked"
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ChannelSourceRow(Base):
    """A channel whose posts feed a chat's digest (the bot is an administrator there)."""

    __tablename__ = "channel_sources"
    __table_args__ = (UniqueConstraint("chat_id", "channel_id", name="uq_channel_sources"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), index=True
    )
    channel_id: Mapped[int] = mapped_column(BigInteger, index=True)
    channel_username: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(String(256), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    chat_id: int
    time_of_day: str
    timezone: str
    next_due_at: datetime
    period_start: datetime | None
    last_sent_at: datetime | None
    paused_reason: str | None
    active: bool

    @property
    def running(self) -> bool:
        """Active and not paused: the scheduler sends it when due."""
        return self.active and self.paused_reason is None


@dataclass(frozen=True, slots=True)
class ChannelSource:
    chat_id: int
    channel_id: int
    channel_username: str
    title: str


def _optional(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def _subscription(row: SubscriptionRow) -> Subscription:
    return Subscription(
        row.id, row.chat_id, row.time_of_day, row.timezone, as_utc(row.next_due_at),
        _optional(row.period_start), _optional(row.last_sent_at), row.paused_reason, row.active,
    )


class SubscriptionRepo:
    """Subscriptions; the caller owns the transaction except in `claim`, which must commit."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, chat_id: int) -> Subscription | None:
        row = await self._row(chat_id)
        return _subscription(row) if row else None

    async def _row(self, chat_id: int) -> SubscriptionRow | None:
        result = await self.session.execute(
            select(SubscriptionRow).where(SubscriptionRow.chat_id == chat_id)
        )
        return result.scalar_one_or_none()

    async def upsert(self, chat_id: int, *, time_of_day: str, timezone: str,
                     next_due_at: datetime) -> Subscription:
        """Create or re-activate the chat's subscription with this schedule (unpausing it)."""
        row = await self._row(chat_id)
        if row is None:
            row = SubscriptionRow(chat_id=chat_id)
            self.session.add(row)
        row.time_of_day = time_of_day
        row.timezone = timezone
        row.next_due_at = as_utc(next_due_at)
        row.active = True
        row.paused_reason = None
        await self.session.flush()
        return _subscription(row)

    async def deactivate(self, chat_id: int) -> bool:
        """Turn the digest off; True when there was an active one."""
        result = await self.session.execute(
            update(SubscriptionRow)
            .where(SubscriptionRow.chat_id == chat_id, SubscriptionRow.active.is_(True))
            .values(active=False)
        )
        return bool(result.rowcount)

    async def due(self, now: datetime, limit: int = 500) -> list[Subscription]:
        """Running subscriptions whose next due instant is at or before `now`, oldest first."""
        result = await self.session.execute(
            select(SubscriptionRow)
            .where(
                SubscriptionRow.active.is_(True),
                SubscriptionRow.paused_reason.is_(None),
                SubscriptionRow.next_due_at <= as_utc(now),
            )
            .order_by(SubscriptionRow.next_due_at)
            .limit(limit)
        )
        return [_subscription(row) for row in result.scalars()]

    async def claim(self, subscription: Subscription, next_due_at: datetime) -> bool:
        """Move `subscription` to its next period if nobody else has.

        Only the caller that sees rowcount 1 owns this period, so two processes (or one
        restarted mid-tick) can never both send it. The caller commits before the send (the
        scheduler claims in a transaction of its own), so a crash after the claim loses at most
        this one digest, never sends it twice.
        """
        result = await self.session.execute(
            update(SubscriptionRow)
            .where(
                SubscriptionRow.id == subscription.id,
                SubscriptionRow.next_due_at == subscription.next_due_at,
                SubscriptionRow.active.is_(True),
                SubscriptionRow.paused_reason.is_(None),
            )
            .values(next_due_at=as_utc(next_due_at), period_start=subscription.next_due_at)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    async def mark_sent(self, subscription_id: int, window_end: datetime) -> None:
        await self.session.execute(
            update(SubscriptionRow)
            .where(SubscriptionRow.id == subscription_id)
            .values(last_sent_at=as_utc(window_end))
            .execution_options(synchronize_session=False)
        )

    async def pause(self, chat_id: int, reason: str) -> None:
        await self.session.execute(
            update(SubscriptionRow)
            .where(SubscriptionRow.chat_id == chat_id)
            .values(paused_reason=reason)
            .execution_options(synchronize_session=False)
        )

    async def resume(self, chat_id: int, next_due_at: datetime) -> bool:
        """Unpause a paused subscription, due next at `next_due_at`; False when none was paused."""
        result = await self.session.execute(
            update(SubscriptionRow)
            .where(SubscriptionRow.chat_id == chat_id, SubscriptionRow.paused_reason.is_not(None))
            .values(paused_reason=None, next_due_at=as_utc(next_due_at))
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)

    async def reschedule(self, chat_id: int, *, time_of_day: str, timezone: str,
                         next_due_at: datetime) -> bool:
        """Change an existing subscription's time or zone; False when the chat has none."""
        result = await self.session.execute(
            update(SubscriptionRow)
            .where(SubscriptionRow.chat_id == chat_id)
            .values(time_of_day=time_of_day, timezone=timezone, next_due_at=as_utc(next_due_at))
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)


class ChannelSourceRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, chat_id: int, channel_id: int, *, username: str = "",
                  title: str = "") -> bool:
        """Link a channel to a chat; False when it was linked already."""
        try:
            async with self.session.begin_nested():
                self.session.add(ChannelSourceRow(
                    chat_id=chat_id, channel_id=channel_id, channel_username=username[:64],
                    title=title[:256],
                ))
        except IntegrityError:
            return False
        return True

    async def remove(self, chat_id: int, channel_id: int) -> bool:
        result = await self.session.execute(
            delete(ChannelSourceRow).where(
                ChannelSourceRow.chat_id == chat_id, ChannelSourceRow.channel_id == channel_id
            )
        )
        return bool(result.rowcount)

    async def for_chat(self, chat_id: int) -> list[ChannelSource]:
        result = await self.session.execute(
            select(ChannelSourceRow).where(ChannelSourceRow.chat_id == chat_id)
            .order_by(ChannelSourceRow.id)
        )
        return [_source(row) for row in result.scalars()]

    async def chats_of(self, channel_id: int) -> list[int]:
        """The chats that take this channel's posts into their digests."""
        result = await self.session.execute(
            select(ChannelSourceRow.chat_id).where(ChannelSourceRow.channel_id == channel_id)
        )
        return [int(chat_id) for chat_id in result.scalars()]


def _source(row: ChannelSourceRow) -> ChannelSource:
    return ChannelSource(row.chat_id, row.channel_id, row.channel_username, row.title)
