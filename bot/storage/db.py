"""Engine and session factories; the schema is created (or upgraded) at start."""

from __future__ import annotations

import asyncio
from contextvars import ContextVar, Token
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event, insert, inspect, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.storage.tables import Base, utcnow


def create_db_engine(url: str, *, pool_size: int = 5, max_overflow: int = 5,
                     pool_timeout: float = 30.0) -> AsyncEngine:
    """An async engine; for SQLite the folder is created and WAL + foreign keys are switched on.

    No update holds a connection while it waits (for the joiner, the model or Telegram), so a
    pool of a few connections serves hundreds of updates in flight: each borrows one for a
    few milliseconds at a time.
    """
    parsed = make_url(url)
    pool = {"pool_size": pool_size, "max_overflow": max_overflow, "pool_timeout": pool_timeout}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **pool)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_async_engine(url, pool_pre_ping=True, **pool)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


async def create_schema(engine: AsyncEngine) -> None:
    """Create missing tables, then migrate; idempotent, so every start may call it."""
    # Import the modules that add tables to Base.metadata before creating them.
    import bot.storage.subscriptions  # noqa: F401  (the digest's tables)
    import bot.storage.tables  # noqa: F401

    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
        await conn.run_sync(migrate)


SCHEMA_VERSION = 3


def migrate(conn: Connection) -> int:
    """Bring an existing database up to `SCHEMA_VERSION`; returns the version it is now at.

    `create_all` makes missing tables but never touches existing ones, so a column added to a
    table later is added here (`ALTER TABLE ... ADD COLUMN`, nullable, with its scalar default).
    That covers additive changes without Alembic; a destructive change would add a numbered
    step below. The version is kept in `schema_version` so such steps run exactly once.
    """
    from bot.storage.tables import SchemaVersionRow

    _add_missing_columns(conn)
    table = SchemaVersionRow.__table__
    current = conn.execute(select(table.c.version).where(table.c.id == 1)).scalar()
    if current is None or current < 2:
        _give_articles_public_ids(conn)
    if current is None or current < 3:
        _index_feedback(conn)
    if current is None:
        conn.execute(insert(table).values(id=1, version=SCHEMA_VERSION, updated_at=utcnow()))
    elif current < SCHEMA_VERSION:
        conn.execute(
            update(table).where(table.c.id == 1).values(version=SCHEMA_VERSION, updated_at=utcnow())
        )
    return SCHEMA_VERSION


def _give_articles_public_ids(conn: Connection) -> None:
    """Version 2: articles stored before `public_id` keep their `id` as it, so the buttons
    already under their summaries still work; `create_all` does not index an existing table."""
    conn.execute(text("UPDATE articles SET public_id = id WHERE public_id IS NULL"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_articles_public_id ON articles (public_id)"))


def _index_feedback(conn: Connection) -> None:
    """Version 3: answer feedback. Its tables (`shown_answers`, `answer_votes`,
    `answer_corrections`) come from `create_all`, `chats.learn_from_corrections` from
    `_add_missing_columns`; the chats' votes are read by time (`eval feedback --since`)."""
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_answer_votes_updated "
                      "ON answer_votes (updated_at)"))


def _add_missing_columns(conn: Connection) -> None:
    inspector = inspect(conn)
    preparer = conn.dialect.identifier_preparer
    for table in Base.metadata.sorted_tables:
        if not inspector.has_table(table.name, schema=table.schema):
            continue
        existing = {col["name"] for col in inspector.get_columns(table.name, schema=table.schema)}
        for column in table.columns:
            if column.name in existing or column.primary_key:
                continue
            ddl = (
                f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN "
                f"{preparer.format_column(column)} {column.type.compile(conn.dialect)}"
            )
            default = column.default.arg if column.default is not None else None
            if isinstance(default, (str, int, float)) and not isinstance(default, bool):
                ddl += f" DEFAULT {default!r}" if isinstance(default, str) else f" DEFAULT {default}"
            conn.execute(text(ddl))


# The session of the update being handled and the task handling it (set by
# `DbSessionMiddleware`), so that the places where an update waits can give its connection back
# first (`release_connection`). Tasks the handler spawns inherit the variable but not the session.
update_session: ContextVar[tuple[AsyncSession, asyncio.Task[Any] | None] | None] = ContextVar(
    "update_session", default=None)


def bind_update_session(session: AsyncSession) -> Token[Any]:
    return update_session.set((session, asyncio.current_task()))


async def release_connection() -> None:
    """Commit the current update's open transaction, returning its connection to the pool.

    Called wherever an update waits: before every Bot API call (`TelegramRetryMiddleware`),
    before model work, in the paste joiner, while a question waits its turn or for an article,
    in the rate limiter and before a page fetch; and by handlers between independent pieces of
    work. An update then holds a pooled connection only between its own queries, never while
    it waits, and whatever a reply reports (an article stored, a chat's data deleted) is saved
    before the user reads it. The rules around it are in `DbSessionMiddleware`'s docstring.

    A no-op outside an update and in tasks the handler spawned (they inherit the variable but
    must not commit the update's session under its feet).
    """
    bound = update_session.get()
    if bound is None or bound[1] is not asyncio.current_task():
        return
    session = bound[0]
    if session.in_transaction():
        await session.commit()
