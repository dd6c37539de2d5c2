"""Local calendar weeks, Monday to Sunday.

Progress is counted in weeks. Week arithmetic is done on `date`s, never on timestamps: a week
that contains a daylight-saving change has 167 or 169 hours but always seven dates, and a
session belongs to the local date on which it started (see `local_date`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

ONE_WEEK = timedelta(days=7)


def local_date(moment: datetime) -> date:
    """The calendar date of an aware `moment` in its own (local) time zone.

    A naive datetime is refused: without a zone the date is a guess.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a local time with its time zone is needed, not {moment!r}")
    return moment.date()


def week_start(day: date) -> date:
    """The Monday on or before `day`."""
    return day - timedelta(days=day.weekday())


def weeks_between(first: date, last: date) -> int:
    """Whole weeks from the week of `first` to the week of `last` (0 for the same week)."""
    return (week_start(last) - week_start(first)).days // 7


def week_starts(last: date, count: int) -> list[date]:
    """The Mondays of the `count` weeks ending with the week of `last`, oldest first."""
    if count < 0:
        raise ValueError("count must not be negative")
    end = week_start(last)
    return [end - ONE_WEEK * (count - 1 - i) for i in range(count)]
