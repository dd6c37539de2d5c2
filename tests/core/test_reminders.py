"""Daily reminders across days and daylight-saving changes, snooze, and the sitting nudge."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from coach.core.reminders import (
    ReminderClock,
    ReminderTimeError,
    SittingReminder,
    format_time,
    next_reminder,
    parse_time,
    parse_times,
    wall_time,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def at(*args: int, tz=LONDON) -> datetime:
    return datetime(*args, tzinfo=tz)


def test_times_are_read_like_a_clock_and_bad_ones_say_how_to_write_them():
    assert parse_time("8:30") == time(8, 30)
    assert parse_time(" 18:05 ") == time(18, 5)
    assert format_time(time(8, 5)) == "08:05"
    assert parse_times(["18:00", "08:30", "18:00"]) == (time(8, 30), time(18))
    for bad in ("8", "24:00", "12:60", "noon", ""):
        with pytest.raises(ReminderTimeError, match="08:30|00:00"):
            parse_time(bad)


def test_no_times_means_no_reminder():
    assert next_reminder((), at(2026, 5, 1, 9, 0), LONDON) is None
    clock = ReminderClock((), at(2026, 5, 1, 9, 0), tz=LONDON)
    assert not clock.enabled
    assert clock.next_due is None
    assert not clock.fired(at(2026, 5, 2, 9, 0))


def test_the_next_reminder_is_later_today_or_else_tomorrow():
    times = (time(8, 30), time(18, 0))
    assert next_reminder(times, at(2026, 5, 1, 7, 0), LONDON) == at(2026, 5, 1, 8, 30)
    assert next_reminder(times, at(2026, 5, 1, 8, 30), LONDON) == at(2026, 5, 1, 18, 0)
    assert next_reminder(times, at(2026, 5, 1, 19, 0), LONDON) == at(2026, 5, 2, 8, 30)


def test_a_reminder_keeps_its_wall_clock_time_across_the_spring_change():
    # Clocks go forward at 01:00 GMT on 29 March 2026: 08:30 is BST the next morning.
    moment = next_reminder((time(8, 30),), at(2026, 3, 28, 9, 0), LONDON)
    assert moment == at(2026, 3, 29, 8, 30)
    assert moment.utcoffset() == timedelta(hours=1)
    assert moment.astimezone(UTC).hour == 7


def test_a_time_missing_on_the_spring_day_moves_past_the_gap_and_is_not_lost():
    moment = next_reminder((time(1, 30),), at(2026, 3, 28, 12, 0), LONDON)
    assert moment.date() == datetime(2026, 3, 29).date()
    assert (moment.hour, moment.minute) == (2, 30)
    assert moment.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_a_time_repeated_on_the_autumn_day_fires_once():
    # Clocks go back at 02:00 BST on 25 October 2026: 01:30 happens twice.
    first = next_reminder((time(1, 30),), at(2026, 10, 24, 12, 0), LONDON)
    assert first.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    # Just after the first 01:30 (it is 01:45 BST), the second 01:30 is not a new reminder.
    after = next_reminder((time(1, 30),), first + timedelta(minutes=15), LONDON)
    assert after.date() == datetime(2026, 10, 26).date()


def test_daily_times_in_another_zone_follow_its_own_change_date():
    # New York changes on 8 March 2026.
    moment = next_reminder((time(9, 0),), at(2026, 3, 7, 10, 0, tz=NEW_YORK), NEW_YORK)
    assert moment == at(2026, 3, 8, 9, 0, tz=NEW_YORK)
    assert moment.utcoffset() == timedelta(hours=-4)


def test_wall_time_without_a_zone_uses_the_system_rules():
    moment = wall_time(datetime(2026, 6, 1).date(), time(9, 0), None)
    assert moment.tzinfo is not None
    assert (moment.hour, moment.minute) == (9, 0)


def test_a_reminder_fires_once_when_due_then_waits_for_the_next_time():
    clock = ReminderClock((time(8, 30), time(18, 0)), at(2026, 5, 1, 7, 0), tz=LONDON)
    assert clock.next_due == at(2026, 5, 1, 8, 30)
    assert clock.seconds_until_due(at(2026, 5, 1, 8, 0)) == 1800
    assert clock.seconds_until_due(at(2026, 5, 1, 8, 0), cap=300) == 300
    assert not clock.fired(at(2026, 5, 1, 8, 29, 59))
    assert clock.fired(at(2026, 5, 1, 8, 30))
    assert not clock.fired(at(2026, 5, 1, 8, 30, 1))
    assert clock.next_due == at(2026, 5, 1, 18, 0)


def test_a_late_wake_up_fires_one_reminder_and_moves_past_now():
    clock = ReminderClock((time(8, 30), time(12, 0)), at(2026, 5, 1, 7, 0), tz=LONDON)
    assert clock.fired(at(2026, 5, 1, 13, 0))  # asleep through 08:30 and 12:00
    assert not clock.fired(at(2026, 5, 1, 13, 0))
    assert clock.next_due == at(2026, 5, 2, 8, 30)


def test_snooze_puts_the_reminder_off_and_the_daily_times_carry_on():
    clock = ReminderClock((time(8, 30), time(8, 50)), at(2026, 5, 1, 7, 0), tz=LONDON,
                          snooze_minutes=15)
    assert clock.fired(at(2026, 5, 1, 8, 30))
    assert clock.snooze(at(2026, 5, 1, 8, 31)) == at(2026, 5, 1, 8, 46)
    assert clock.next_due == at(2026, 5, 1, 8, 46)
    assert not clock.fired(at(2026, 5, 1, 8, 45))
    assert clock.fired(at(2026, 5, 1, 8, 46))
    assert clock.snoozed_until is None
    assert clock.next_due == at(2026, 5, 1, 8, 50)


def test_snooze_across_the_autumn_fold_is_fifteen_real_minutes():
    clock = ReminderClock((time(1, 0),), at(2026, 10, 24, 12, 0), tz=LONDON, snooze_minutes=15)
    now = datetime(2026, 10, 25, 0, 55, tzinfo=UTC).astimezone(LONDON)  # 01:55 BST
    until = clock.snooze(now)
    assert until.astimezone(UTC) == datetime(2026, 10, 25, 1, 10, tzinfo=UTC)


def test_a_snooze_must_be_at_least_a_minute():
    with pytest.raises(ValueError, match="minute"):
        ReminderClock((time(9),), at(2026, 5, 1, 7, 0), tz=LONDON, snooze_minutes=0)


def test_the_sitting_nudge_comes_after_the_interval_and_restarts():
    nudge = SittingReminder(45, now=0.0)
    assert nudge.due_at() == 2700.0
    assert not nudge.fired(2699.0)
    assert nudge.fired(2700.0)
    assert not nudge.fired(2701.0)
    assert nudge.due_at() == 5400.0


def test_the_sitting_nudge_waits_during_a_session_and_counts_from_its_end():
    nudge = SittingReminder(30, now=0.0)
    nudge.session_running(True, 1000.0)
    assert nudge.due_at() is None
    assert not nudge.fired(5000.0)
    nudge.session_running(False, 5000.0)
    assert nudge.due_at() == 5000.0 + 1800.0
    nudge.moved(6000.0)
    assert nudge.due_at() == 6000.0 + 1800.0
