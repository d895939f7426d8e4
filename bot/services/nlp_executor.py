"""A bounded executor: engine calls run in worker threads, never on the event loop.

Engines are synchronous and take about a second per article on two cores. Running them in the
loop would freeze every chat; an unbounded queue would let a burst of forwards pile up minutes
of work. So at most `workers` jobs run and `queue_size` wait; the next caller gets `Busy` at once
and the user hears "busy, try in a minute" instead of waiting in silence.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from bot.errors import Busy

logger = logging.getLogger(__name__)
T = TypeVar("T")


class NlpExecutor:
    """Runs `fn(*args)` in a worker thread; raises `Busy` when workers + queue are all taken."""

    def __init__(self, workers: int = 1, queue_size: int = 8) -> None:
        self.workers = max(1, workers)
        self.capacity = self.workers + max(0, queue_size)
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="nlp")
        self._in_flight = 0

    @property
    def in_flight(self) -> int:
        """Jobs running or waiting now."""
        return self._in_flight

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if self._in_flight >= self.capacity:
            logger.warning("nlp queue full (%d jobs): refusing", self._in_flight)
            raise Busy()
        self._in_flight += 1
        started = time.perf_counter()
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._pool, functools.partial(fn, *args, **kwargs))
        finally:
            self._in_flight -= 1
            logger.debug("nlp %s took %.2fs", getattr(fn, "__name__", "job"),
                         time.perf_counter() - started)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
