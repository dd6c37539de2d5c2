"""The safety and reminder settings, as tables of the settings file.

- `[stop_rules]`: the thresholds of `coach.core.stop_rules.StopRules` (pain at or above which
  the flare-up routine is suggested, whether spreading leg pain advises stopping, how much and
  in how many sessions in a row rising pain advises calling the physio).
- `[reminders]`: daily reminder times (none: off until the person chooses), the snooze length,
  and the "time to get up" nudge for long sitting (off by default) with its interval.

Like `SpeechSettings`, reading never raises: a value that cannot be used keeps its default,
with a log line. No Qt here.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from coach.core.reminders import (
    DEFAULT_SITTING_MINUTES,
    DEFAULT_SNOOZE_MINUTES,
    ReminderTimeError,
    format_time,
    parse_times,
)
from coach.core.stop_rules import StopRules

log = logging.getLogger(__name__)


Check = Callable[[Any], Any]
"""Returns the value to use, or raises TypeError/ValueError when it cannot be used."""


def int_in(lo: int, hi: int) -> Callable[[Any], int]:
    """A check for a whole number from `lo` to `hi` (true/false is not a number here)."""

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise ValueError(value)
        return value

    return check


def flag(value: Any) -> bool:
    """A check for true or false."""
    if not isinstance(value, bool):
        raise TypeError(value)
    return value


def checked(data: Mapping[str, Any], checks: Mapping[str, Check], what: str) -> dict[str, Any]:
    """The values of `data` that pass their check; each one that does not is logged and left
    out, so it keeps its default. Keys without a check are ignored."""
    values: dict[str, Any] = {}
    for name, check in checks.items():
        if name not in data:
            continue
        try:
            values[name] = check(data[name])
        except (TypeError, ValueError):
            log.warning("%s %s = %r cannot be used; keeping the default", what, name,
                        data[name])
    return values


_STOP_CHECKS: dict[str, Check] = {
    "high_pain": int_in(1, 10),
    "spreading_stops": flag,
    "rising_by": int_in(1, 10),
    "rising_sessions": int_in(1, 10),
    "single_rise_by": int_in(1, 10),
    "flare_by": int_in(1, 10),
}


def stop_rules_to_dict(rules: StopRules) -> dict[str, Any]:
    return dataclasses.asdict(rules)


def stop_rules_from_dict(data: Any) -> StopRules:
    if not isinstance(data, Mapping):
        if data is not None:
            log.warning("stop_rules is not a table (%r); using the defaults", data)
        return StopRules()
    values = checked(data, _STOP_CHECKS, "stop rule")
    return StopRules(**values)


def _times(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise TypeError(value)
    try:
        return tuple(format_time(t) for t in parse_times(value))
    except ReminderTimeError as e:
        raise ValueError(str(e)) from e


@dataclass(frozen=True)
class ReminderSettings:
    #: Daily reminder times, "HH:MM", sorted; empty: reminders are off.
    times: tuple[str, ...] = ()
    snooze_minutes: int = DEFAULT_SNOOZE_MINUTES
    #: The "time to get up" nudge after long sitting.
    sitting: bool = False
    sitting_minutes: int = DEFAULT_SITTING_MINUTES

    def replace(self, **changes: Any) -> ReminderSettings:
        return dataclasses.replace(self, **changes)

    @property
    def enabled(self) -> bool:
        return bool(self.times)

    def to_dict(self) -> dict[str, Any]:
        return {"times": list(self.times), "snooze_minutes": self.snooze_minutes,
                "sitting": self.sitting, "sitting_minutes": self.sitting_minutes}

    @classmethod
    def from_dict(cls, data: Any) -> ReminderSettings:
        if not isinstance(data, Mapping):
            if data is not None:
                log.warning("reminders is not a table (%r); using the defaults", data)
            return cls()
        return cls(**checked(data, _REMINDER_CHECKS, "reminder setting"))


_REMINDER_CHECKS: dict[str, Check] = {
    "times": _times,
    "snooze_minutes": int_in(1, 240),
    "sitting": flag,
    "sitting_minutes": int_in(10, 240),
}


def locked_from(value: Any) -> tuple[str, ...]:
    """Exercise ids whose dose is locked (a list of strings in the file)."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        raise TypeError(value)
    return tuple(sorted(set(value)))
