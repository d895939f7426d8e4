"""Next due instants from local time + IANA zone, DST gaps and folds, catch-up decisions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.digest.schedule import (
    BadTime,
    DueAction,
    UnknownZone,
    decide,
    local_instant,
    next_due,
    parse_time_of_day,
    parse_zone,
)

NEW_YORK = parse_zone("America/New_York")
BERLIN = parse_zone("Europe/Berlin")
MOSCOW = parse_zone("Europe/Moscow")


@pytest.mark.parametrize("raw, expected", [("9:00", time(9)), ("09:00", time(9)),
                                           ("20:30", time(20, 30)), (" 08.05 ", time(8, 5))])
def test_time_of_day_accepts_common_spellings(raw: str, expected: time) -> None:
    assert parse_time_of_day(raw) == expected


@pytest.mark.parametrize("raw", ["24:00", "9", "09:60", "nine", "", "9:5", "-1:00"])
def test_bad_time_gets_a_message_with_an_example(raw: str) -> None:
    with pytest.raises(BadTime) as caught:
        parse_time_of_day(raw)
    assert "/subscribe 08:30" in str(caught.value)


def test_zone_names_are_matched_case_insensitively() -> None:
    assert parse_zone("asia/almaty").key == "Asia/Almaty"


@pytest.mark.parametrize("raw", ["Mars/Olympus", "Moscow", "../etc/passwd", ""])
def test_unknown_zone_gets_a_message_with_an_example(raw: str) -> None:
    with pytest.raises(UnknownZone) as caught:
        parse_zone(raw)
    assert "Asia/Almaty" in str(caught.value)


def test_next_due_is_today_before_the_time_and_tomorrow_after_it() -> None:
    morning = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)  # 08:00 in Moscow (UTC+3)
    assert next_due(morning, time(9), MOSCOW) == datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    exactly = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    assert next_due(exactly, time(9), MOSCOW) == datetime(2026, 11, 28, 6, 0, tzinfo=UTC)


def test_time_in_a_spring_forward_gap_moves_to_the_end_of_the_gap() -> None:
    # 8 March 2026 New York: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist.
    due = local_instant(date(2026, 3, 8), time(2, 30), NEW_YORK)
    assert due == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    assert due.astimezone(NEW_YORK).strftime("%H:%M %Z") == "03:00 EDT"
    # 29 March 2026 Berlin: 02:00 CET jumps to 03:00 CEST.
    assert local_instant(date(2026, 3, 29), time(2, 30), BERLIN) == datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC)


def test_time_in_a_fall_back_fold_means_its_first_occurrence() -> None:
    # 1 November 2026 New York: 01:00-02:00 happens twice (EDT, then EST).
    due = local_instant(date(2026, 11, 1), time(1, 30), NEW_YORK)
    assert due == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert due.astimezone(NEW_YORK).strftime("%Z") == "EDT"


def test_a_daily_0230_subscription_across_both_dst_changes_fires_once_a_day() -> None:
    """Walk a 02:30 New York subscription through March and November: one digest per local
    day, always at 02:30 local except on the spring-forward day (03:00)."""
    for start in (datetime(2026, 3, 5, tzinfo=UTC), datetime(2026, 10, 29, tzinfo=UTC)):
        due, days = start, []
        for _ in range(6):
            due = next_due(due, time(2, 30), NEW_YORK)
            days.append(due.astimezone(NEW_YORK))
        assert [d.date() for d in days] == [days[0].date() + timedelta(days=i) for i in range(6)]
        local_times = {d.strftime("%H:%M") for d in days}
        assert local_times <= {"02:30", "03:00"}
        assert ("03:00" in local_times) == (start.month == 3)
        gaps = {days[i + 1] - days[i] for i in range(5)}
        assert max(gaps) <= timedelta(hours=25) and min(gaps) >= timedelta(hours=23)


def test_a_digest_late_by_less_than_the_catch_up_window_is_sent() -> None:
    due = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    decision = decide(due + timedelta(hours=2), due, time(9), MOSCOW,
                      catch_up=timedelta(hours=3))
    assert decision.action is DueAction.SEND
    assert decision.next_due_at == datetime(2026, 11, 28, 6, 0, tzinfo=UTC)


def test_a_digest_late_by_more_than_the_catch_up_window_is_skipped() -> None:
    due = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    decision = decide(due + timedelta(hours=4), due, time(9), MOSCOW,
                      catch_up=timedelta(hours=3))
    assert decision.action is DueAction.SKIP
    assert decision.next_due_at == datetime(2026, 11, 28, 6, 0, tzinfo=UTC)


def test_a_long_outage_yields_one_next_due_not_a_backlog() -> None:
    due = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    now = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)  # a week later, an hour after 09:00
    decision = decide(now, due, time(9), MOSCOW, catch_up=timedelta(hours=3))
    assert decision.action is DueAction.SKIP
    assert decision.next_due_at == datetime(2026, 11, 28, 6, 0, tzinfo=UTC)


def test_not_yet_due_waits() -> None:
    due = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    decision = decide(due - timedelta(seconds=1), due, time(9), MOSCOW,
                      catch_up=timedelta(hours=3))
    assert decision.action is DueAction.WAIT and decision.next_due_at == due
