"""What this process does with the inbox: run each stored update once, retry undelivered ones.

An update counts as handled when its handler and, on failure, the error handler have run and
every reply reached Telegram. When Telegram would not take a reply (5xx, network, 429 past the
retry deadline), `Delivery.retry_later()` is called by the error handler and the update goes
back to the inbox with a back-off; the handlers are idempotent enough for that (an article is
stored once per text, a summary comes from the cache). Updates left pending by a crash are
claimed again at start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update

from bot import metrics
from bot.inbox.journal import ReplyJournal
from bot.inbox.store import InboxStore

logger = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


@dataclass
class Delivery:
    """Per update: did every reply reach Telegram? Handlers get it as `delivery`."""

    undelivered: bool = False

    def retry_later(self) -> None:
        self.undelivered = True


# The stored updates a reply sent from this task answers, for `JournalReplies`: the one being
# handled, and those whose messages joined its article (added by the message joiner).
answering_updates: ContextVar[set[int] | None] = ContextVar("answering_updates", default=None)


@contextlib.contextmanager
def answering(update_ids: set[int]) -> Iterator[None]:
    """Replies sent inside the block answer these stored updates (a batch of joined pieces
    answers its pieces' updates, each article its own)."""
    if answering_updates.get() is None:  # not a stored update (tests, tools): nothing to note
        yield
        return
    token = answering_updates.set(set(update_ids))
    try:
        yield
    finally:
        answering_updates.reset(token)


class Inbox:
    def __init__(self, store: InboxStore, *, journal: ReplyJournal | None = None,
                 max_attempts: int = 8, redeliver_every: float = 2.0) -> None:
        self.store = store
        self.journal = journal
        self.max_attempts = max_attempts
        self.redeliver_every = redeliver_every
        self._running: set[int] = set()  # stored or claimed here, not finished
        self._seen_before: set[int] = set()  # handed over again by Telegram: not run twice
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loop: asyncio.Task[None] | None = None

    @property
    def running(self) -> int:
        return len(self._running)

    async def accept(self, payloads: Sequence[dict[str, Any]]) -> None:
        """Store updates before they are acknowledged; raises if the database cannot take them
        (then they are not acknowledged and Telegram hands them over again)."""
        ids = {int(p["update_id"]) for p in payloads}
        fresh = ids - self._running
        self._running |= fresh  # stored by this run: settled when handled (`__call__`)
        try:
            added = await self.store.add(payloads)
        except BaseException:
            self._running -= fresh
            raise
        self._running -= fresh - added
        self._seen_before |= ids - added

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """The outermost update middleware: runs the update and settles its inbox row."""
        assert isinstance(event, Update)
        update_id = event.update_id
        if update_id in self._seen_before:
            self._seen_before.discard(update_id)
            logger.info("update=%s was handed over before: skipped", update_id)
            return UNHANDLED
        if update_id not in self._running:  # fed directly (tests, tools): nothing to settle
            return await handler(event, data)
        delivery = data["delivery"] = Delivery()
        token = answering_updates.set({update_id})
        try:
            return await handler(event, data)
        finally:
            answering_updates.reset(token)
            metrics.UPDATES.labels("retry" if delivery.undelivered else "done").inc()
            await self._settle(update_id, delivery)
            self._running.discard(update_id)

    async def _settle(self, update_id: int, delivery: Delivery) -> None:
        try:
            if not delivery.undelivered:
                await self.store.finish(update_id)
                return
            if self.journal is not None:
                self.journal.retracted(update_id)
            delay = await self.store.postpone(update_id, max_attempts=self.max_attempts)
        except Exception:  # the row stays pending and is claimed again at the next start
            logger.exception("update=%s: inbox row not settled", update_id)
            return
        if delay is None:
            logger.error("update=%s: replies undelivered after %d tries; given up", update_id,
                         self.max_attempts)
        else:
            logger.warning("update=%s: replies undelivered; trying again in %.0fs", update_id,
                           delay)

    # --- running what is left over ----------------------------------------------------------
    def replied(self, update_id: int) -> None:
        """Telegram accepted a reply to `update_id` (called as it happens, see the journal)."""
        if self.journal is not None and update_id in self._running:
            self.journal.replied(update_id)

    async def start(self, bot: Bot, dispatcher: Dispatcher) -> None:
        """Startup hook: settle what the last run answered but did not mark, forget old
        finished rows, then keep claiming what is due."""
        if self.journal is not None:
            answered = self.journal.take()
            for update_id in sorted(answered):
                await self.store.finish(update_id)
            if answered:
                logger.info("inbox: %d updates answered before a crash settled", len(answered))
        with contextlib.suppress(Exception):
            purged = await self.store.purge()
            if purged:
                logger.info("inbox: %d finished updates forgotten", purged)
        self._loop = asyncio.create_task(self._redeliver_forever(bot, dispatcher))

    async def stop(self) -> None:
        if self.journal is not None:
            self.journal.close()
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop

    async def redeliver(self, bot: Bot, dispatcher: Dispatcher) -> int:
        """Claim due updates and run each as a task, in update order; returns how many."""
        payloads = await self.store.claim_due()
        for payload in payloads:
            update = Update.model_validate(payload, context={"bot": bot})
            self._running.add(update.update_id)
            task = asyncio.create_task(dispatcher.feed_update(bot, update))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        if payloads:
            logger.info("inbox: running %d stored updates again", len(payloads))
        return len(payloads)

    async def _redeliver_forever(self, bot: Bot, dispatcher: Dispatcher) -> None:
        while True:
            try:
                await self.redeliver(bot, dispatcher)
            except Exception:  # the database is away: try again at the next tick
                logger.warning("inbox: could not claim stored updates", exc_info=True)
            await asyncio.sleep(self.redeliver_every)
