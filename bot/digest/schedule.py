"""When a digest falls due: pure functions from a local time of day and an IANA zone to UTC.

All instants in and out are aware UTC datetimes; local wall time only exists inside this module.
Daylight saving time: a local time that does not exist that day (a spring-forward gap) moves to
the first valid instant after the gap (02:30 in New York on the March change -> 03:00 EDT); a
local time that happens twice (a fall-back fold) means its first occurrence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.digest.zones import CITY_ZONES
from bot.storage.tables import as_utc

_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
_LONGEST_GAP_MINUTES = 24 * 60  # no zone skips more than a day of wall time


class ScheduleInputError(ValueError):
    """A time or zone the user typed that we cannot use; `str(error)` is a polite Russian reply."""


class BadTime(ScheduleInputError):
    def __init__(self, raw: str) -> None:
        super().__init__(
            f"Не понимаю время «{raw}». Напишите его как ЧЧ:ММ по 24-часовым часам, "
            "например: /subscribe 08:30"
        )


class UnknownZone(ScheduleInputError):
    def __init__(self, raw: str) -> None:
        super().__init__(
            f"Не знаю часовой пояс «{raw}». Напишите город, например: /subscribe 08:00 "
            "Иркутск, или пояс из базы IANA: /subscribe 08:00 Asia/Almaty"
        )


def parse_time_of_day(raw: str) -> time:
    """"9:00", "09:00" or "09.00" -> time(9, 0); anything else raises `BadTime`."""
    match = _TIME.match(raw or "")
    if not match:
        raise BadTime(raw)
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise BadTime(raw)
    return time(hour, minute)


def format_time_of_day(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


def parse_zone(raw: str) -> ZoneInfo:
    """An IANA zone name in any letter case ("asia/almaty" works) or a city name («Москва»,
    «Алматы»); else `UnknownZone`. /subscribe and /settings both read zones through this."""
    name = (raw or "").strip()
    if name.casefold() in CITY_ZONES:
        return ZoneInfo(CITY_ZONES[name.casefold()])
    if not name or name.startswith(("/", ".")) or ".." in name:
        raise UnknownZone(raw)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    lowered = name.casefold()
    for candidate in available_timezones():
        if candidate.casefold() == lowered:
            return ZoneInfo(candidate)
    raise UnknownZone(raw)


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    """True when the naive wall time `wall` occurs in `zone` (is not inside a DST gap)."""
    aware = wall.replace(tzinfo=zone, fold=0)
    back = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return back == wall


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall time `at` on `day` in `zone`, with the DST rules above."""
    wall = datetime.combine(day, at)
    if not _exists(wall, zone):
        # Walk forward to the first wall minute that exists: the end of the gap.
        for step in range(1, _LONGEST_GAP_MINUTES + 1):
            candidate = wall + timedelta(minutes=step)
            if _exists(candidate, zone):
                wall = candidate
                break
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def next_due(after: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The first instant strictly after `after` when local time `at` comes round in `zone`."""
    after = as_utc(after)
    local_day = after.astimezone(zone).date()
    for offset in (-1, 0, 1, 2):
        candidate = local_instant(local_day + timedelta(days=offset), at, zone)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a local time recurs within two days")  # pragma: no cover


class DueAction(StrEnum):
    WAIT = "wait"  # not due yet
    SEND = "send"  # due, on time or late by less than the catch-up window
    SKIP = "skip"  # missed by more than the catch-up window: move on without sending


@dataclass(frozen=True, slots=True)
class DueDecision:
    action: DueAction
    next_due_at: datetime  # what to store after acting (unchanged for WAIT)
    late_by: timedelta


def decide(now: datetime, due_at: datetime, at: time, zone: ZoneInfo, *,
           catch_up: timedelta) -> DueDecision:
    """What to do with a subscription due at `due_at` when the clock says `now`.

    A digest late by less than `catch_up` (the bot was down) is still sent; one later than that
    is skipped, so nobody gets yesterday's morning digest in the evening. Either way the next due
    time is the first occurrence after `now`, so a long outage yields one digest, not a burst.
    """
    now, due_at = as_utc(now), as_utc(due_at)
    if now < due_at:
        return DueDecision(DueAction.WAIT, due_at, timedelta(0))
    late_by = now - due_at
    following = next_due(max(now, due_at), at, zone)
    action = DueAction.SEND if late_by <= catch_up else DueAction.SKIP
    return DueDecision(action, following, late_by)
