"""One chat's questions are answered in the order they were asked.

Two questions sent a second apart may be read by two threads (or two workers, on two bot
instances) at once, and the second answer could come first. Each question takes its turn by
message id; a turn held longer than `max_wait` (its update died with its process) is skipped.
A question with a deadline (time.monotonic()) that passes while it waits is refused with `Busy`:
under a burst the asker hears "try again" in seconds instead of queuing behind the chat's
earlier questions.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
import time
from collections.abc import AsyncIterator

from bot.errors import Busy
from bot.storage.db import release_connection

logger = logging.getLogger(__name__)


class ChatOrder:
    """In-process turns (one bot process); `bot.distributed.shared_state.RedisChatOrder` for
    several."""

    def __init__(self, max_wait: float = 90.0) -> None:
        self.max_wait = max_wait
        self._waiting: dict[int, list[int]] = {}
        self._changed = asyncio.Condition()

    def _limit(self, deadline: float | None) -> tuple[float, bool]:
        """How long to wait for the turn, and whether that is the asker's deadline."""
        if deadline is None or deadline - time.monotonic() >= self.max_wait:
            return self.max_wait, False
        return max(0.0, deadline - time.monotonic()), True

    @contextlib.asynccontextmanager
    async def turn(self, chat_id: int, message_id: int,
                   deadline: float | None = None) -> AsyncIterator[None]:
        queue = self._waiting.setdefault(chat_id, [])
        bisect.insort(queue, message_id)
        try:
            if queue[0] != message_id:
                await release_connection()
                limit, own = self._limit(deadline)
                async with self._changed:
                    try:
                        await asyncio.wait_for(
                            self._changed.wait_for(lambda: queue[0] == message_id), limit)
                    except TimeoutError:
                        if own:
                            logger.warning("chat=%s: question out of time behind an earlier "
                                           "one", chat_id)
                            raise Busy("question") from None
                        logger.warning("chat=%s: an earlier question took too long", chat_id)
            yield
        finally:
            queue.remove(message_id)
            if not queue:
                self._waiting.pop(chat_id, None)
            async with self._changed:
                self._changed.notify_all()
