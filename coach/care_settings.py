"""The settings of issue 7 (safety and reminders), as tables of the settings file.

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
from collections.abc import Mapping
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


def _int_in(lo: int, hi: int, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ValueError(value)
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(value)
    return value


_STOP_CHECKS: dict[str, Any] = {
    "high_pain": lambda v: _int_in(1, 10, v),
    "spreading_stops": _flag,
    "rising_by": lambda v: _int_in(1, 10, v),
    "rising_sessions": lambda v: _int_in(1, 10, v),
}


def stop_rules_to_dict(rules: StopRules) -> dict[str, Any]:
    return dataclasses.asdict(rules)


def stop_rules_from_dict(data: Any) -> StopRules:
    if not isinstance(data, Mapping):
        if data is not None:
            log.warning("stop_rules is not a table (%r); using the defaults", data)
        return StopRules()
    values = _checked(data, _STOP_CHECKS, "stop rule")
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
        return cls(**_checked(data, _REMINDER_CHECKS, "reminder setting"))


_REMINDER_CHECKS: dict[str, Any] = {
    "times": _times,
    "snooze_minutes": lambda v: _int_in(1, 240, v),
    "sitting": _flag,
    "sitting_minutes": lambda v: _int_in(10, 240, v),
}


def locked_from(value: Any) -> tuple[str, ...]:
    """Exercise ids whose dose is locked (a list of strings in the file)."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        raise TypeError(value)
    return tuple(sorted(set(value)))


def _checked(data: Mapping[str, Any], checks: Mapping[str, Any], what: str) -> dict[str, Any]:
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
