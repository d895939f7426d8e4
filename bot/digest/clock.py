"""The one notion of "now" the digest code uses, injectable so tests can move time by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.storage.tables import as_utc

Clock = Callable[[], datetime]
"""Returns the current instant as an aware UTC datetime."""


def system_clock() -> datetime:
    return datetime.now(UTC)


class ManualClock:
    """A clock that stands still until told to move: `clock.advance(minutes=5)`, `clock.set(t)`.

    Used by tests and by the CLI's dry runs; it is a plain callable, so it fits `Clock`.
    """

    def __init__(self, start: datetime) -> None:
        self._now = as_utc(start)

    def __call__(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = as_utc(when)

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now
