"""When to remind: daily routine reminders (with snooze) and the "time to get up" nudge.

Pure rules over aware datetimes, so the tray icon, a test and a future command share them.

Daily reminders. The person picks wall-clock times ("08:30", "18:00"); none means reminders
are off. `next_reminder(times, after, tz)` is the first of those moments strictly after `after`.
Daylight-saving changes are handled on the wall clock of `tz`:

- a time that does not exist that day (the clocks jump from 01:00 to 02:00 and the time is
  01:30) is moved forward by the gap, to 02:30 the same day, so no day's reminder is lost;
- a time that happens twice (the clocks go back) fires once, at its first occurrence.

Moments are compared in UTC: two aware datetimes sharing one `tzinfo` are compared by their
wall clocks alone in Python, which is wrong across a fold.

`tz` is a `zoneinfo.ZoneInfo`; `None` means the system's own rules (the C library's, through
`datetime.astimezone()` on a naive time), used when the local zone has no name we can find.

`ReminderClock` holds the state the tray needs: the next due moment, a snooze, and which
moment has already fired, so a reminder fires once even when the timer wakes late (after the
computer slept, a late reminder fires once, then the schedule moves past `now`).

The sitting reminder is simpler: it is counted in monotonic seconds since the person last
moved (a session ended, or they dismissed the nudge), and only while no session runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

#: How long "Snooze" puts a reminder off by default.
DEFAULT_SNOOZE_MINUTES = 15
#: How long someone may sit before "time to get up", by default.
DEFAULT_SITTING_MINUTES = 45

_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


class ReminderTimeError(ValueError):
    """A reminder time that is not a valid "HH:MM" clock time."""


def parse_time(text: str) -> time:
    """ "8:30" or "08:30" -> time(8, 30); `ReminderTimeError` with a plain sentence otherwise."""
    found = _TIME.match(text)
    if not found:
        raise ReminderTimeError(f"'{text}' is not a time; write it like 08:30 or 18:00")
    hour, minute = int(found.group(1)), int(found.group(2))
    if hour > 23 or minute > 59:
        raise ReminderTimeError(f"'{text}' is not a time of day (00:00 to 23:59)")
    return time(hour, minute)


def format_time(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def parse_times(texts: Iterable[str]) -> tuple[time, ...]:
    """Sorted, without duplicates; raises `ReminderTimeError` for the first bad one."""
    return tuple(sorted({parse_time(t) for t in texts}))


def local_zone() -> ZoneInfo | None:
    """The system's named time zone (TZ, else /etc/localtime's target), or None if unknown."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # not at start-up: the settings
    # import this module for its defaults and time parsing, which need no zone database

    candidates: list[str] = []
    env = os.environ.get("TZ", "").lstrip(":")
    if env:
        candidates.append(env)
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        candidates.append(target.split("zoneinfo/", 1)[1])
    for key in candidates:
        try:
            return ZoneInfo(key)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return None


def wall_time(day: date, at: time, tz: tzinfo | None) -> datetime:
    """The aware moment `at` o'clock on `day` in `tz`, skipping forward over a DST gap and
    taking the first of two moments in a fold."""
    naive = datetime.combine(day, at)
    if tz is None:
        return naive.astimezone()  # the C library's rules for the system zone
    first = naive.replace(tzinfo=tz, fold=0)
    # A wall time in a gap does not survive a round trip through UTC: it lands past the gap.
    return first.astimezone(UTC).astimezone(tz)


def next_reminder(times: Sequence[time], after: datetime,
                  tz: tzinfo | None = None) -> datetime | None:
    """The first daily reminder moment strictly after `after`; None when there are no times."""
    if not times:
        return None
    if after.tzinfo is None:
        raise ValueError("`after` must be an aware datetime")
    local = after.astimezone(tz) if tz is not None else after.astimezone()
    limit = after.astimezone(UTC)
    for offset in range(0, 3):
        day = local.date() + timedelta(days=offset)
        moments = sorted((wall_time(day, t, tz) for t in times),
                         key=lambda m: m.astimezone(UTC))
        for moment in moments:
            if moment.astimezone(UTC) > limit:
                return moment
    return None  # unreachable with at least one time: tomorrow's always comes after


class ReminderClock:
    """The daily reminder schedule as the tray uses it; see the module docstring.

    `fired(now)` answers "should a reminder show now?" and moves the schedule on, so each
    reminder shows once. `snooze(now)` puts it off for `snooze_minutes`. `next_due` is the
    moment to wake up for (a snooze or the next daily time, whichever is first).
    """

    def __init__(self, times: Sequence[time], now: datetime, *, tz: tzinfo | None = None,
                 snooze_minutes: int = DEFAULT_SNOOZE_MINUTES) -> None:
        if snooze_minutes <= 0:
            raise ValueError(f"snooze must be at least a minute, not {snooze_minutes}")
        self.times = tuple(sorted(set(times)))
        self.tz = tz
        self.snooze_minutes = snooze_minutes
        self._daily = next_reminder(self.times, now, tz)
        self._snoozed: datetime | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.times)

    @property
    def next_due(self) -> datetime | None:
        moments = [m for m in (self._daily, self._snoozed) if m is not None]
        return min(moments, key=lambda m: m.astimezone(UTC)) if moments else None

    @property
    def snoozed_until(self) -> datetime | None:
        return self._snoozed

    def fired(self, now: datetime) -> bool:
        """True (once) when a reminder or a snoozed reminder is due by `now`."""
        utc_now = now.astimezone(UTC)
        due = False
        if self._snoozed is not None and self._snoozed.astimezone(UTC) <= utc_now:
            self._snoozed = None
            due = True
        if self._daily is not None and self._daily.astimezone(UTC) <= utc_now:
            # Late (the computer slept) or on time: one reminder, then past `now`.
            self._daily = next_reminder(self.times, now, self.tz)
            due = True
        return due

    def snooze(self, now: datetime) -> datetime:
        """Put the reminder off for `snooze_minutes` from `now`; the new moment."""
        self._snoozed = (now.astimezone(UTC) + timedelta(minutes=self.snooze_minutes)
                         ).astimezone(now.tzinfo)
        return self._snoozed

    def seconds_until_due(self, now: datetime, *, cap: float | None = None) -> float | None:
        """How long to wait before looking again (0 when due), at most `cap` seconds."""
        due = self.next_due
        if due is None:
            return None
        wait = max(0.0, (due.astimezone(UTC) - now.astimezone(UTC)).total_seconds())
        return min(wait, cap) if cap is not None else wait


class SittingReminder:
    """ "Time to get up" after `minutes` of sitting, counted on a monotonic clock.

    The count starts when the reminder is made (at app start) and starts again when the nudge
    fires, when a session ends, or at `moved(now)`; it is held while a session runs
    (`session_running(True)`): the person is moving then.
    """

    def __init__(self, minutes: int, now: float) -> None:
        if minutes <= 0:
            raise ValueError(f"the sitting interval must be at least a minute, not {minutes}")
        self.minutes = minutes
        self._since = now
        self._in_session = False

    def moved(self, now: float) -> None:
        self._since = now

    def session_running(self, running: bool, now: float) -> None:
        self._in_session = running
        if not running:
            self._since = now

    def due_at(self) -> float | None:
        """Monotonic time the nudge is due; None while a session runs."""
        return None if self._in_session else self._since + self.minutes * 60.0

    def fired(self, now: float) -> bool:
        """True (once per interval) when the nudge is due; the count restarts at `now`."""
        due = self.due_at()
        if due is None or now < due:
            return False
        self._since = now
        return True


__all__ = [
    "DEFAULT_SITTING_MINUTES",
    "DEFAULT_SNOOZE_MINUTES",
    "ReminderClock",
    "ReminderTimeError",
    "SittingReminder",
    "format_time",
    "local_zone",
    "next_reminder",
    "parse_time",
    "parse_times",
    "wall_time",
]
