"""The stop rules' thresholds: a setting of their own, read at start-up with the settings file.

Kept apart from `coach.core.safety`, which applies them, so reading the settings does not
import the safety rules and the history records they work on. `coach.core.safety` re-exports
`StopRules`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StopRules:
    """The stop rules, each a setting with a sensible default."""

    #: Pain before the session at or above this (back or leg) suggests the flare-up routine.
    high_pain: int = 7
    #: Leg pain spreading further down the leg: advise stopping and calling the physio.
    spreading_stops: bool = True
    #: Pain after higher than before by this much...
    rising_by: int = 2
    #: ...in this many sessions in a row: advise calling the physio, and hold every dose.
    rising_sessions: int = 2
    #: One session that ends this much higher than it started: the same advice at once.
    single_rise_by: int = 3
    #: Pain before today this much above the last session's pain after (the next-day
    #: flare-up): suggest the flare-up routine and hold every dose.
    flare_by: int = 2
