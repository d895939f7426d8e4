"""A bounded executor: engine calls run in worker threads, never on the event loop.

Engines are synchronous and take about a second per article on two cores. Running them in the
loop would freeze every chat; an unbounded queue would let a burst of forwards pile up minutes
of work. So at most `workers` jobs run and each lane holds a bounded number waiting; the next
caller of a full lane gets `Busy` at once and hears "busy, try in a minute" instead of waiting
in silence.

Lanes are served in priority order: a question (tens of milliseconds) never waits behind a
queue of summaries (up to seconds each), and has a worker of its own besides; guesses made in
the background (sentence vectors for a question that may come) run only when nobody waits.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import logging
import os
import sys
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.errors import Busy
from bot.storage.db import release_connection
from models.hf.loading import use_threads

logger = logging.getLogger(__name__)
T = TypeVar("T")
# seconds an article waits behind questions at most (see `_next`): with 1.0 a 199,000-character
# article summarised in 4.9–5.2 s while 20 chats asked, with 0.3 in 3.6–4.0 s, their questions
# p95 2.5–2.8 s and 2.3–2.7 s (two runs each, `scripts/loadtest.py long`, stop 22)
ARTICLE_PATIENCE = 0.3
# torch takes the GIL back between the operations of a forward pass, and a thread running
# natasha (pure Python) keeps it for the whole 5 ms default switch interval each time: e5 over
# the seed's sentences took 1.1 s instead of 0.34 beside a summarising thread, 0.8 s with
# 0.5 ms, while summaries kept their pace (measured on two cores, stop 19).
GIL_SWITCH_SECONDS = 0.0005
# how quickly the running mean of a question's model time follows the latest ones
QUESTION_SECONDS_WEIGHT = 0.2


class Lane(enum.IntEnum):
    """Priority order: lower runs first."""

    QUESTION = 0
    ARTICLE = 1
    BACKGROUND = 2


@dataclass
class _Job:
    call: Callable[[], Any]
    future: asyncio.Future[Any]
    lane: Lane
    started: bool = False
    queued_at: float = field(default_factory=time.monotonic)


class NlpExecutor:
    """Runs `fn(*args)` in a worker thread, by lane; raises `Busy` when the lane is full.

    `workers` threads serve every lane, questions first; `question_workers` more serve only
    questions, so a question is read while a long article is being summarised (two cores: the
    reader's matrix work and natasha's Python run side by side).
    """

    def __init__(self, workers: int = 1, queue_size: int = 8, question_queue_size: int = 32,
                 question_workers: int = 1, question_wait: float = 0.0, cores: int = 0) -> None:
        self.workers = max(1, workers)
        # the cores model work may use, shared out among the jobs running at once
        self.cores = cores if cores > 0 else (os.cpu_count() or 1)
        self._running = 0
        # A question not started within this many seconds is answered "busy" (0: no limit):
        # an answer that comes half a minute late is worse than a prompt "try again".
        self.question_wait = question_wait
        self.question_workers = max(0, question_workers)
        self._capacity = {
            Lane.QUESTION: self.workers + self.question_workers + max(0, question_queue_size),
            Lane.ARTICLE: self.workers + max(0, queue_size),
            Lane.BACKGROUND: self.workers + max(0, queue_size),
        }
        self._pool = ThreadPoolExecutor(max_workers=self.workers + self.question_workers,
                                        thread_name_prefix="nlp")
        if sys.getswitchinterval() > GIL_SWITCH_SECONDS:
            sys.setswitchinterval(GIL_SWITCH_SECONDS)
        self._pending = dict.fromkeys(Lane, 0)
        self._queues: dict[Lane, deque[_Job]] = {lane: deque() for lane in Lane}
        self._ready: asyncio.Condition | None = None
        self._runners: list[asyncio.Task[None]] = []
        # running mean of a question's model time (None until one has run): how long the
        # questions already waiting will keep the workers
        self.question_seconds: float | None = None

    @property
    def in_flight(self) -> int:
        """Jobs running or waiting now, all lanes."""
        return sum(self._pending.values())

    async def run(self, fn: Callable[..., T], *args: Any, lane: Lane = Lane.ARTICLE,
                  start_by: float | None = None, **kwargs: Any) -> T:
        """`fn(*args, **kwargs)` in a worker. A question not started within `question_wait`
        seconds, or by `start_by` (time.monotonic(): the asker's own deadline, set when its
        turn came, `QuestionService.turn`), is refused with `Busy`."""
        await release_connection()  # nothing waits for the model holding a database connection
        wait = self._question_wait(start_by) if lane is Lane.QUESTION else None
        if wait is not None and wait <= 0:
            logger.warning("nlp question out of time before it was queued: refusing")
            raise Busy("question")
        if wait is not None and (expected := self.expected_question_start()) > wait:
            # it would only be refused `wait` seconds later: say "busy" now, not after
            logger.warning("nlp question lane: a start in ~%.1fs, past its %.1fs: refusing",
                           expected, wait)
            raise Busy("question")
        if self._pending[lane] >= self._capacity[lane]:
            logger.warning("nlp %s lane full (%d jobs): refusing", lane.name.lower(),
                           self._pending[lane])
            raise Busy(lane.name.lower())
        ready = self._start()
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._pending[lane] += 1
        started = time.perf_counter()
        job = _Job(functools.partial(fn, *args, **kwargs), future, lane)
        try:
            async with ready:
                self._queues[lane].append(job)
                ready.notify_all()
            if wait is not None:
                return await self._within(job, wait)
            return await future
        finally:
            self._pending[lane] -= 1
            logger.debug("nlp %s (%s lane) took %.2fs", getattr(fn, "__name__", "job"),
                         lane.name.lower(), time.perf_counter() - started)

    def expected_question_start(self) -> float:
        """Seconds until a question asked now would start, from the questions already waiting
        and the running mean of their model time, all workers taking questions first (0 before
        any question has run). Under a burst on two cores most questions cannot start within
        their wait; this tells them so when they come rather than when the wait is over."""
        if self.question_seconds is None:
            return 0.0
        servers = self.workers + self.question_workers
        return self._waiting(Lane.QUESTION) * self.question_seconds / servers

    def _waiting(self, lane: Lane) -> int:
        """Jobs of `lane` queued and not started, those whose callers gave up left out."""
        return sum(1 for job in self._queues[lane] if not job.future.done())

    def _question_wait(self, start_by: float | None) -> float | None:
        """Seconds a question may wait for a worker (None: no limit)."""
        waits = [self.question_wait] if self.question_wait > 0 else []
        if start_by is not None:
            waits.append(start_by - time.monotonic())
        return min(waits) if waits else None

    @staticmethod
    async def _within(job: _Job, wait: float) -> Any:
        """The job's result; `Busy` if no worker took it up within `wait` seconds."""
        try:
            return await asyncio.wait_for(asyncio.shield(job.future), wait)
        except TimeoutError:
            if job.started:
                return await job.future
            job.future.cancel()  # the worker that reaches it skips it
            logger.warning("nlp question waited %.1fs: refusing", wait)
            raise Busy("question") from None

    def _start(self) -> asyncio.Condition:
        if self._ready is None:
            self._ready = asyncio.Condition()
            every = tuple(Lane)  # in priority order
            self._runners = [asyncio.create_task(self._serve(every)) for _ in range(self.workers)]
            self._runners += [asyncio.create_task(self._serve((Lane.QUESTION,)))
                              for _ in range(self.question_workers)]
        return self._ready

    async def _serve(self, lanes: tuple[Lane, ...]) -> None:
        assert self._ready is not None
        loop = asyncio.get_running_loop()
        while True:
            async with self._ready:
                await self._ready.wait_for(lambda: any(self._queues[lane] for lane in lanes))
                job = self._next(lanes)
            if job.future.done():  # its caller gave up waiting
                continue
            job.started = True
            self._running += 1
            threads = max(1, self.cores // self._running)
            began = time.monotonic()
            try:
                result = await loop.run_in_executor(self._pool, _with_threads, threads, job.call)
            except Exception as exc:  # noqa: BLE001  (the caller sees it)
                if not job.future.done():
                    job.future.set_exception(exc)
            else:
                if not job.future.done():
                    job.future.set_result(result)
            finally:
                self._running -= 1
                if job.lane is Lane.QUESTION:
                    self._count_question(time.monotonic() - began)

    def _count_question(self, seconds: float) -> None:
        previous = self.question_seconds
        self.question_seconds = seconds if previous is None else (
            previous + QUESTION_SECONDS_WEIGHT * (seconds - previous))

    def _next(self, lanes: tuple[Lane, ...]) -> _Job:
        """The next job for a worker serving `lanes`: by priority, except that an article kept
        waiting `ARTICLE_PATIENCE` seconds goes first, so a stream of questions (which have a
        worker of their own) cannot starve the summaries."""
        articles = self._queues[Lane.ARTICLE]
        if (Lane.ARTICLE in lanes and articles
                and time.monotonic() - articles[0].queued_at > ARTICLE_PATIENCE):
            return articles.popleft()
        return next(self._queues[lane] for lane in lanes if self._queues[lane]).popleft()

    @property
    def running(self) -> int:
        """Jobs a worker thread is running now."""
        return self._running

    def shutdown(self) -> None:
        for runner in self._runners:
            runner.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)


def _with_threads(threads: int, call: Callable[[], T]) -> T:
    """`call()` with torch using `threads` threads in this worker: the cores divided among the
    jobs running when it started (a question beside a summary gets one core, alone both)."""
    use_threads(threads)
    return call()
