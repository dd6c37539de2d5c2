"""Cue requests: what the coach wants said (and shown as a caption), and when.

The session engine emits these; speakers, captions and the event log consume them. A cue's
`due` is on the same injected monotonic clock the engine is ticked with.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CueKind(StrEnum):
    INTRO = "intro"            # "Knee to chest stretch" (exercise introduction)
    STEP = "step"              # a step's text, read in full verbosity
    PREPARE = "prepare"        # "Get into position"
    START = "start"            # "Hold" / "Begin" / the exercise's own start cue
    TEMPO = "tempo"            # a tempo part: "Lift", "Lower slowly"
    COUNTDOWN = "countdown"    # "3", "2", "1"
    HALFWAY = "halfway"        # "Halfway" on long holds
    RELAX = "relax"            # "Relax"
    REP = "rep"                # "4" (rep number), spoken as the rep starts
    SWITCH = "switch"          # "Switch to the left side"
    REST = "rest"              # "Rest"
    NEXT_UP = "next-up"        # "Next up: bridge"
    WELL_DONE = "well-done"    # "Well done" at the end of an exercise or session
    NOTICE = "notice"          # anything else the person must hear (e.g. skin protection)


class Verbosity(StrEnum):
    """How much the coach says: steps read aloud, counts only, or the bare minimum."""

    FULL = "full"
    COUNTS = "counts"
    MINIMAL = "minimal"


#: The kinds spoken at each verbosity. Captions always show every cue.
SPOKEN_KINDS: dict[Verbosity, frozenset[CueKind]] = {
    Verbosity.FULL: frozenset(CueKind),
    Verbosity.COUNTS: frozenset(CueKind) - {CueKind.STEP},
    Verbosity.MINIMAL: frozenset(
        {CueKind.START, CueKind.COUNTDOWN, CueKind.RELAX, CueKind.SWITCH, CueKind.WELL_DONE,
         CueKind.NOTICE}
    ),
}


@dataclass(frozen=True)
class Cue:
    """A request to say `text` at clock time `due` (seconds, engine clock).

    `urgent` cues (countdown numbers, start/relax) are only worth saying on time; a speaker drops
    them rather than say them late. `phase_id` ties the cue to the phase that asked for it.
    """

    kind: CueKind
    text: str
    due: float
    phase_id: int = 0
    beep: bool = False

    @property
    def urgent(self) -> bool:
        return self.kind in _URGENT


_URGENT = frozenset({CueKind.COUNTDOWN, CueKind.START, CueKind.RELAX, CueKind.REP, CueKind.TEMPO})
