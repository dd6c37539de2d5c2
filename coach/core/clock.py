"""Clocks the session engine is driven by: the real monotonic one, a faster one, a fake one.

The engine never reads a clock itself; whoever drives it (the Qt ticker, the terminal loop, a
test) reads one of these and passes the value to `tick(now)`. All values are seconds on one
monotonic time line ("engine time"). `scale` says how many engine seconds pass per real second,
so a driver knows how long to really wait for an engine deadline.
"""

from __future__ import annotations

import math
import time
from typing import Protocol, runtime_checkable

#: The largest `--time-scale` accepted: beyond it a timer's millisecond is a long engine time.
MAX_SCALE = 1000.0


@runtime_checkable
class Clock(Protocol):
    """A monotonic source of engine time, in seconds."""

    @property
    def scale(self) -> float:
        """Engine seconds per real second (1.0 for real time)."""

    def now(self) -> float:
        """The current engine time; never goes backwards."""


class MonotonicClock:
    """Real time: `time.monotonic()`."""

    scale = 1.0

    def now(self) -> float:
        return time.monotonic()


class ScaledClock:
    """Engine time that runs `scale` times faster than `base` (for `--time-scale` and demos).

    It starts at 0 when created, so engine times read as "seconds since this clock began".
    """

    def __init__(self, scale: float, base: Clock | None = None) -> None:
        if not (math.isfinite(scale) and 0 < scale <= MAX_SCALE):
            raise ValueError(f"the time scale must be above 0 and at most {MAX_SCALE:g}, "
                             f"not {scale!r}")
        self._scale = float(scale)
        self._base = base if base is not None else MonotonicClock()
        self._origin = self._base.now()

    @property
    def scale(self) -> float:
        return self._scale

    def now(self) -> float:
        return (self._base.now() - self._origin) * self._scale


class FakeClock:
    """A clock that moves only when told to; for tests and for driving the engine by hand."""

    scale = 1.0

    def __init__(self, start: float = 0.0) -> None:
        self._now = float(start)

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move forward by `seconds` (never backwards); the new time."""
        if seconds < 0:
            raise ValueError(f"a monotonic clock cannot go back {seconds} s")
        self._now += seconds
        return self._now

    def set(self, when: float) -> float:
        """Move forward to `when`."""
        if when < self._now:
            raise ValueError(f"a monotonic clock cannot go back from {self._now} to {when}")
        self._now = float(when)
        return self._now
