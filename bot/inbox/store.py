"""Rows of the `inbox` table, each touched in its own short transaction.

Claims are conditional updates, so two bot instances on one PostgreSQL database never run the
same update twice: an update belongs to the instance that stored it, or that claimed it after
its owner let it go (a reply to retry later) or stopped renewing it for `lease` seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.storage.tables import InboxRow, utcnow

PENDING, DONE, FAILED = "pending", "done", "failed"


class InboxStore:
    def __init__(self, sessionmaker: async_sessionmaker, owner: str, *,
                 lease: float = 300.0) -> None:
        self.sessionmaker = sessionmaker
        self.owner = owner
        self.lease = timedelta(seconds=lease)
        # Rows this instance name claimed before this process started belong to a run that died;
        # rows this run claimed are running or settled, never claimed again (see claim_due).
        self.started_at = utcnow()

    async def add(self, payloads: Sequence[dict[str, Any]]) -> set[int]:
        """Store updates not seen before, claimed by this instance; returns their ids.

        An id already in the table (Telegram redelivered it, or another instance has it) is
        left alone and not returned."""
        if not payloads:
            return set()
        now = utcnow()
        rows = [{"update_id": int(p["update_id"]), "payload": p, "status": PENDING,
                 "owner": self.owner, "attempts": 0, "received_at": now, "claimed_at": now,
                 "next_attempt_at": now} for p in payloads]
        async with self.sessionmaker() as session:
            dialect = session.bind.dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            statement = (insert(InboxRow).values(rows)
                         .on_conflict_do_nothing(index_elements=["update_id"])
                         .returning(InboxRow.update_id))
            added = set((await session.execute(statement)).scalars())
            await session.commit()
        return added

    async def claim_due(self, limit: int = 100) -> list[dict[str, Any]]:
        """Claim pending updates nobody is working on, oldest first, and return their payloads.

        Free: let go for a retry whose time has come; held by this instance name since before
        this process started (a previous run of it that died); or held by another instance past
        the lease. What this run holds is running or settled, so it is never free: a list of
        the updates running here, read before the query, would miss one polling stored just
        after it and run that one twice (a burst did)."""
        now = utcnow()
        mine = and_(InboxRow.owner == self.owner, InboxRow.claimed_at < self.started_at)
        free = or_(
            and_(InboxRow.owner.is_(None), InboxRow.next_attempt_at <= now),
            mine,
            and_(InboxRow.owner != self.owner, InboxRow.claimed_at < now - self.lease),
        )
        claimed: list[dict[str, Any]] = []
        async with self.sessionmaker() as session:
            rows = (await session.execute(
                select(InboxRow.update_id, InboxRow.payload)
                .where(InboxRow.status == PENDING, free)
                .order_by(InboxRow.update_id).limit(limit)
            )).all()
            for update_id, payload in rows:
                result = await session.execute(
                    update(InboxRow).where(InboxRow.update_id == update_id,
                                           InboxRow.status == PENDING, free)
                    .values(owner=self.owner, claimed_at=now))
                if result.rowcount == 1 and payload is not None:
                    claimed.append(payload)
            await session.commit()
        return claimed

    async def finish(self, update_id: int) -> None:
        """Answered: the payload (with the user's text) is dropped, the id is kept a while."""
        async with self.sessionmaker() as session:
            await session.execute(
                update(InboxRow).where(InboxRow.update_id == update_id)
                .values(status=DONE, payload=None, owner=None, done_at=utcnow()))
            await session.commit()

    async def postpone(self, update_id: int, *, max_attempts: int) -> float | None:
        """A reply could not be delivered: try again later, backing off; returns the delay in
        seconds, or None when the update has had `max_attempts` tries and is given up."""
        async with self.sessionmaker() as session:
            attempts = (await session.execute(
                select(InboxRow.attempts).where(InboxRow.update_id == update_id))).scalar()
            attempts = (attempts or 0) + 1
            delay = min(120.0, 2.0 ** attempts)
            values: dict[str, Any] = {"attempts": attempts, "owner": None,
                                      "next_attempt_at": utcnow() + timedelta(seconds=delay)}
            if attempts >= max_attempts:
                values.update(status=FAILED, payload=None, done_at=utcnow())
            await session.execute(
                update(InboxRow).where(InboxRow.update_id == update_id).values(**values))
            await session.commit()
        return None if attempts >= max_attempts else delay

    async def purge(self, older_than: timedelta = timedelta(days=1)) -> int:
        """Forget finished updates after a while (Telegram redelivers within hours, not days)."""
        async with self.sessionmaker() as session:
            result = await session.execute(
                delete(InboxRow).where(InboxRow.status != PENDING,
                                       InboxRow.done_at < utcnow() - older_than))
            await session.commit()
        return result.rowcount or 0

    async def counts(self) -> dict[str, int]:
        async with self.sessionmaker() as session:
            rows = (await session.execute(
                select(InboxRow.status, func.count()).group_by(InboxRow.status))).all()
        return {status: count for status, count in rows}
