"""The digest loop: every ~30 s, claim the subscriptions that fell due and send them.

Exactly-once per period rests on the database, not on this process: each due subscription is
claimed with a conditional UPDATE of `next_due_at` (see `SubscriptionRepo.claim`), committed in
a transaction of its own before the digest is composed or sent. Each job's writes are one
`sessionmaker.begin()` block: committed at its end, rolled back if it raises. A restart (or a
second instance) finds the period already moved on and does not send it again. A digest whose send
failed is not retried within the period; its articles stay in the window (`last_sent_at` only moves
on success) and appear next time.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.digest.clock import Clock, system_clock
from bot.digest.delivery import DeliveryStatus, DigestSender
from bot.digest.schedule import DueAction, decide, parse_time_of_day, parse_zone
from bot.digest.service import DigestService
from bot.rendering.split import split_message
from bot.storage.repo import Repo
from bot.storage.subscriptions import Subscription

logger = logging.getLogger(__name__)


@dataclass
class TickReport:
    """What one tick did, by outcome: sent, empty, skipped, blocked, failed, lost (claimed
    elsewhere)."""

    counts: Counter[str] = field(default_factory=Counter)

    def __getitem__(self, key: str) -> int:
        return self.counts[key]


class DigestScheduler:
    def __init__(self, sessionmaker: async_sessionmaker, service: DigestService,
                 sender: DigestSender, *, clock: Clock = system_clock, interval: float = 30.0,
                 concurrency: int = 32) -> None:
        self.sessionmaker = sessionmaker
        self.service = service
        self.sender = sender
        self.clock = clock
        self.interval = interval
        self._slots = asyncio.Semaphore(concurrency)
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._wake = asyncio.Event()

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._stop.clear()
            self._task = asyncio.create_task(self._loop(), name="digest-scheduler")

    async def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        """Tick now instead of at the end of the interval (tests that move the clock)."""
        self._wake.set()

    async def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                await self.tick()
            except Exception:  # a bad tick must not end the loop; the next one retries
                logger.exception("digest tick failed")
            self._wake.clear()
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)

    async def tick(self) -> TickReport:
        """Claim and send every subscription due at `clock()`; returns what happened."""
        now = self.clock()
        report = TickReport()
        async with self.sessionmaker() as session:
            due = await Repo(session).subscriptions.due(now)
        # Instances ticking together would claim in the same order, the one ahead taking nearly
        # every digest while the others wait on its row locks; in each its own order they share
        # the burst (and a crash loses only the digests one instance had claimed).
        random.shuffle(due)
        jobs: list[asyncio.Task[str]] = []
        for subscription in due:
            outcome = await self._claim(subscription, now)
            if outcome == "send":
                jobs.append(asyncio.create_task(self._deliver(subscription, now)))
            else:
                report.counts[outcome] += 1
        for outcome in await asyncio.gather(*jobs, return_exceptions=True):
            if isinstance(outcome, BaseException):
                logger.error("digest delivery crashed: %r", outcome)
                report.counts["failed"] += 1
            else:
                report.counts[outcome] += 1
        if due:
            logger.info("digest tick at %s: %s", now.isoformat(), dict(report.counts))
        return report

    async def _claim(self, subscription: Subscription, now: datetime) -> str:
        """"send", "skipped" (too late) or "lost" (another process claimed this period)."""
        try:
            at = parse_time_of_day(subscription.time_of_day)
            zone = parse_zone(subscription.timezone)
        except ValueError:
            logger.error("digest chat=%s has a bad schedule %r %r", subscription.chat_id,
                         subscription.time_of_day, subscription.timezone)
            return "failed"
        decision = decide(now, subscription.next_due_at, at, zone,
                          catch_up=self.service.options.catch_up)
        async with self.sessionmaker.begin() as session:
            claimed = await Repo(session).subscriptions.claim(subscription, decision.next_due_at)
        if not claimed:
            return "lost"
        if decision.action is DueAction.SKIP:
            logger.info("digest chat=%s skipped: %s late", subscription.chat_id,
                        decision.late_by)
            return "skipped"
        return "send"

    async def _deliver(self, subscription: Subscription, now: datetime) -> str:
        async with self._slots:
            async with self.sessionmaker() as session:
                repo = Repo(session)
                since = self.service.window_start(subscription.last_sent_at, now)
                digest = await self.service.compose(repo, subscription.chat_id, since=since,
                                                    until=now, zone=subscription.timezone)
            if digest is None:
                await self._mark_sent(subscription, now)
                return "empty"
            result = await self.sender.send(subscription.chat_id, split_message(digest.text))
            async with self.sessionmaker.begin() as session:
                repo = Repo(session)
                if result.status is DeliveryStatus.SENT:
                    await repo.subscriptions.mark_sent(subscription.id, digest.window_end)
                elif result.status is DeliveryStatus.BLOCKED:
                    await self.service.pause(repo, subscription.chat_id)
            logger.info("digest chat=%s %s parts=%d articles=%d", subscription.chat_id,
                        result.status.value, result.sent, digest.articles)
            return str(result.status.value)

    async def _mark_sent(self, subscription: Subscription, window_end: datetime) -> None:
        async with self.sessionmaker.begin() as session:
            await Repo(session).subscriptions.mark_sent(subscription.id, window_end)
