"""Join a long paste that the user's client split into several messages.

Telegram clients cut a long paste at 4096 characters and send the pieces as separate messages,
a fraction of a second apart. The first piece opens a buffer for (chat, sender); every piece
from the same sender within `window` seconds of the previous one is appended (a quarter second
when the previous piece was too short to have been cut); once the sender has been quiet that
long, the caller that opened the buffer gets all pieces in order and the others get None
(their message is part of someone else's article).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Hashable
from dataclasses import dataclass, field, replace

from bot.inbox.runtime import answering_updates
from bot.storage.db import release_connection


@dataclass(frozen=True, slots=True)
class Part:
    """One message of a possible multi-message article.

    `origin` names where a forwarded piece came from ("" for the user's own text) and
    `origin_message_id` is its id there (0 when unknown); `split_forwards` uses both.
    `source_title`/`source_url` say where the piece came from, for the reply.
    """

    text: str
    message_id: int
    origin: str = ""
    origin_message_id: int = 0
    source_title: str = ""
    source_url: str = ""
    updates: frozenset[int] = frozenset()  # the stored update(s) that carried it (the inbox)


@dataclass
class _Buffer:
    parts: list[Part] = field(default_factory=list)
    last: float = field(default_factory=time.monotonic)
    handled: asyncio.Event = field(default_factory=asyncio.Event)


# How long a piece that joined another's batch waits for that batch to be answered.
FOLLOWER_WAIT = 300.0
# A piece this long may have been cut by the client (at 4,096 characters): wait for the rest.
# A longer one was not cut by a client (a message holds at most 4,096): nothing follows it.
CUT_PIECE_CHARS = 3_000
MAX_MESSAGE_CHARS = 4_096
SHORT_WINDOW = 0.25  # seconds to wait after a piece that was not cut


def may_be_cut(chars: int) -> bool:
    """A piece of this many characters may have been cut by a client from a longer paste."""
    return CUT_PIECE_CHARS <= chars <= MAX_MESSAGE_CHARS


class MessageJoiner:
    def __init__(self, window: float = 2.0) -> None:
        self.window = window
        self._buffers: dict[Hashable, _Buffer] = {}
        self._armed: dict[Hashable, float] = {}
        self._expected: dict[Hashable, float] = {}
        self._on_the_way: dict[Hashable, list[float]] = {}  # arrived, not yet in a buffer

    def arm(self, key: Hashable, seconds: float | None = None) -> None:
        """Expect an article from `key` within `seconds` (default the window: a group
        mention, then a forward; longer after the bot's hint to forward one)."""
        self._armed[key] = time.monotonic() + (seconds or self.window)

    async def is_armed(self, key: Hashable) -> bool:
        until = self._armed.get(key)
        return until is not None and time.monotonic() < until

    async def disarm(self, key: Hashable) -> bool:
        """Forget an armed key; True if it was still armed (nobody used it)."""
        until = self._armed.pop(key, None)
        return until is not None and time.monotonic() < until + self.window

    def expect(self, key: Hashable) -> None:
        """An article-like message from `key` has arrived and will open a buffer soon.

        Called in arrival order, before any handler awaits, so a short tail piece handled
        concurrently with the long first piece still sees the buffer as open.
        """
        now = time.monotonic()
        if len(self._on_the_way) > 10_000:  # forget pieces that never reached a handler
            self._on_the_way = {k: v for k, v in self._on_the_way.items()
                                if v and now - v[-1] < 2 * self.window}
            self._expected = {k: t for k, t in self._expected.items() if now - t < self.window}
        self._expected[key] = now
        self._on_the_way.setdefault(key, []).append(now)

    def _arrived(self, key: Hashable) -> None:
        """One expected piece of `key` reached `collect`."""
        waiting = self._on_the_way.get(key)
        if waiting:
            waiting.pop(0)
            if not waiting:
                del self._on_the_way[key]

    def _still_coming(self, key: Hashable) -> bool:
        """Pieces of `key` arrived (see `expect`) that have not reached `collect` yet: the
        handlers run concurrently, and the tail of a paste may get there before its head."""
        now = time.monotonic()
        waiting = [t for t in self._on_the_way.get(key, ()) if now - t < 2 * self.window]
        if waiting:
            self._on_the_way[key] = waiting
        else:
            self._on_the_way.pop(key, None)
        return bool(waiting)

    async def is_open(self, key: Hashable) -> bool:
        """A buffer for `key` is collecting parts: the next message from them belongs to it."""
        now = time.monotonic()
        buffer = self._buffers.get(key)
        if buffer is not None and now - buffer.last < self.window:
            return True
        expected = self._expected.get(key)
        return expected is not None and now - expected < self.window

    def _wait(self, key: Hashable, buffer: _Buffer) -> float:
        """How long to wait for another piece after the latest one.

        Telegram clients cut a paste only past 4,096 characters, so only a piece near that
        size announces more; after any other piece a short pause is enough to collect posts
        forwarded together (they arrive within milliseconds) and a single message is answered
        at once instead of after the full window."""
        if may_be_cut(len(buffer.parts[-1].text)) or self._still_coming(key):
            return self.window
        return min(self.window, SHORT_WINDOW)

    async def add(self, key: Hashable, part: Part) -> list[Part] | None:
        """Add a piece; returns all pieces (in message order) to the first caller, else None."""
        async with self.collect(key, part) as parts:
            return parts

    @contextlib.asynccontextmanager
    async def collect(self, key: Hashable, part: Part) -> AsyncIterator[list[Part] | None]:
        """`add` for a handler: the first caller gets all pieces inside the block, the others
        None, and they leave the block only once the first caller has left it (replied).

        A piece's update is over when its article was answered: were the bot to die before,
        every piece is handled again after the restart and joined again, not just the first.
        """
        part = replace(part, updates=frozenset(answering_updates.get() or ()))
        self._arrived(key)
        buffer = self._buffers.get(key)
        if buffer is not None:
            buffer.parts.append(part)
            buffer.last = time.monotonic()
            try:
                yield None
            finally:
                await release_connection()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(buffer.handled.wait(), FOLLOWER_WAIT)
            return
        buffer = self._buffers[key] = _Buffer(parts=[part])
        try:
            await release_connection()  # the first caller waits a window: no connection held
            while (left := buffer.last + self._wait(key, buffer) - time.monotonic()) > 0:
                await asyncio.sleep(left)
        finally:
            del self._buffers[key]
            self._expected.pop(key, None)
        try:
            yield sorted(buffer.parts, key=lambda p: p.message_id)
        finally:
            buffer.handled.set()


# A channel post holds at most 4096 characters of text (1024 of a caption); a piece shorter than
# this is a whole post, not the head of a long read that the channel had to cut.
MIN_CUT_POST_CHARS = 900


def split_forwards(parts: list[Part]) -> list[list[Part]]:
    """Group forwarded pieces into articles: people forward several posts at once.

    A piece continues the previous one only if both come from the same origin, their ids there
    are consecutive (or unknown, as for a person's messages) and the previous one is long enough
    to have been cut; otherwise it starts an article of its own.
    """
    runs: list[list[Part]] = []
    for part in parts:
        if runs:
            previous = runs[-1][-1]
            same_origin = part.origin == previous.origin
            consecutive = (not part.origin_message_id or not previous.origin_message_id
                           or part.origin_message_id == previous.origin_message_id + 1)
            if same_origin and consecutive and len(previous.text) >= MIN_CUT_POST_CHARS:
                runs[-1].append(part)
                continue
        runs.append([part])
    return runs


def updates_of(parts: list[Part]) -> set[int]:
    """The stored updates a reply to these pieces answers."""
    return set().union(*(p.updates for p in parts)) if parts else set()


def join_parts(parts: list[Part]) -> str:
    """Pieces glued back: a client splits at a space or newline, which it drops; put one back."""
    text = ""
    for part in parts:
        if text and not text.endswith(("\n", " ")) and not part.text.startswith(("\n", " ")):
            text += "\n" if text.endswith((".", "!", "?", "»", ":")) else " "
        text += part.text
    return text


def fit_within(text: str, limit: int) -> str:
    """The head of a paste that fits `limit` characters, cut at the last paragraph, sentence or
    word break before it (the caller says what was left out: a long paste is read in part,
    not refused whole)."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    for mark in ("\n", ". ", " "):
        at = head.rfind(mark)
        if at > limit // 2:
            return head[:at + 1].rstrip()
    return head
