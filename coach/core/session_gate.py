"""Before a session starts: one decision combining every safety rule and the progression.

The window, the terminal mode and the tests ask the same two questions, in this order:

1. `SessionGate.screening(screenings, now)`: are the red-flag questions due (first run, the
   weekly re-check, or at every start while a yes holds sessions until a clinician's check
   is confirmed)?
2. After the pain check, `SessionGate.check(target, pain=..., ...)` -> `GateDecision`: the
   advice to show (leg pain spreading: not today, the only message; pain at or above the
   threshold, or 2+ above the last session's pain after: the flare-up routine instead; pain
   rising after sessions, or by 3+ in one: contact the physio, doses held; leg pain moving
   towards the back: a good sign), and each exercise's dose step for today with the sentence
   that announces a step up ("Forearm plank today: 45 s, up from 30 s").

`GateDecision.apply(routine)` is the routine copy to plan: each item's overrides with today's
dose step merged in. An item that sets its own value for a field the progression changes (the
flare-up routine's shorter holds) is left as the routine says: the physio chose that dose.

A target is a `Routine`; a single exercise ("Try this exercise") is `single_exercise(id)`.
Heat and cold on their own are pain relief, so high pain does not advise against them.
Nothing here reads a clock, a file or a widget.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType
from typing import Any

from coach.core import progression, safety
from coach.core.dose_history import progression_history
from coach.core.models import Catalogue, Routine, RoutineItem
from coach.core.progression import ExerciseSession, describe_step
from coach.core.records import Felt, PainScore, Screening, SessionRecord
from coach.core.safety import Advice, Hold, ScreeningNeed, StopRules
from coach.core.thermal import is_thermal

#: The id a single-exercise target carries (never a routine's id).
SINGLE_EXERCISE = ""


def single_exercise(exercise_id: str, overrides: Mapping[str, Any] | None = None) -> Routine:
    """A one-item target for "Try this exercise" (planned with `plan_exercise`)."""
    return Routine(id=SINGLE_EXERCISE, name=exercise_id, description="",
                   items=(RoutineItem(exercise_id, dict(overrides or {})),))


@dataclass(frozen=True)
class ScreeningStatus:
    """Whether to ask the red-flag questions now, and the hold a yes put on sessions."""

    need: ScreeningNeed | None
    hold: Hold | None = None

    @property
    def blocked(self) -> bool:
        return self.hold is not None


@dataclass(frozen=True)
class DoseNote:
    """Today's dose for one exercise with a progression."""

    item_index: int
    exercise_id: str
    exercise_name: str
    today: str                      # "45 s"
    stepped_up: bool = False
    previous: str | None = None     # "30 s", the dose it stepped up from
    message: str | None = None      # "Forearm plank today: 45 s, up from 30 s"
    held_back: str | None = None    # "the dose is locked"
    locked: bool = False

    @property
    def text(self) -> str:
        """The sentence shown before the session."""
        if self.message:
            return self.message
        if self.held_back:
            return f"{self.exercise_name} stays at {self.today} today: {self.held_back}."
        return f"{self.exercise_name} today: {self.today}."


@dataclass(frozen=True)
class GateDecision:
    """What to tell the person before the session, and the doses to use."""

    advice: tuple[Advice, ...] = ()
    pain_rising: bool = False
    doses: tuple[DoseNote, ...] = ()
    #: Item index -> dose fields to merge into that item's overrides.
    overrides: Mapping[int, Mapping[str, Any]] = field(
        default_factory=lambda: MappingProxyType({}))

    @property
    def stop(self) -> bool:
        """The advice is not to exercise today (the person may still choose to)."""
        return any(a.stop for a in self.advice)

    @property
    def suggest_routine(self) -> str | None:
        return next((a.suggest_routine for a in self.advice if a.suggest_routine), None)

    @property
    def announcements(self) -> tuple[DoseNote, ...]:
        """Dose notes worth saying before the session: a step up, or one held back."""
        return tuple(d for d in self.doses if d.stepped_up or d.held_back)

    @property
    def warning(self) -> bool:
        """Some advice is a warning (good news alone needs no "Start anyway")."""
        return any(a.warning for a in self.advice)

    @property
    def worth_showing(self) -> bool:
        """True when there is something to show before the session starts."""
        return bool(self.advice or self.announcements)

    def apply(self, routine: Routine) -> Routine:
        """The routine with today's dose steps merged into its items' overrides."""
        if not self.overrides:
            return routine
        items = tuple(
            replace(item, overrides={**item.overrides, **self.overrides[n]})
            if n in self.overrides else item
            for n, item in enumerate(routine.items))
        return replace(routine, items=items)


def _dose_mapping(catalogue: Catalogue, item: RoutineItem) -> dict[str, Any]:
    dose = catalogue.dose_for(item)
    return {"hold_seconds": dose.hold_seconds, "reps": dose.reps, "sets": dose.sets,
            "duration_seconds": dose.duration_seconds}


class SessionGate:
    """The rules before a session; see the module docstring."""

    def __init__(self, catalogue: Catalogue, rules: StopRules | None = None,
                 locked: Iterable[str] = ()) -> None:
        self.catalogue = catalogue
        self.rules = rules or StopRules()
        self.locked = frozenset(locked)

    def screening(self, screenings: Sequence[Screening], now: datetime) -> ScreeningStatus:
        """`screenings`: every red-flag screening, oldest first."""
        hold = safety.red_flag_hold(screenings)
        last = screenings[-1] if screenings else None
        return ScreeningStatus(need=safety.screening_needed(last, now, hold), hold=hold)

    def check(
        self,
        target: Routine,
        *,
        pain: PainScore | None = None,
        leg_spreading: bool | None = None,
        centralising: bool = False,
        sessions: Sequence[SessionRecord] = (),
        histories: Mapping[str, Sequence[ExerciseSession]] | None = None,
    ) -> GateDecision:
        """The decision for `target` given today's pain answers (None: skipped) and the history
        (`sessions` oldest first; `histories`: exercise id -> its sessions, oldest first).

        Leg pain spreading further down is the one message when it applies (not today);
        otherwise high pain or a flare-up since the last session, pain rising, and good news
        (centralising). A dose steps up only when none of these, nor a "Harder" last time,
        holds it back."""
        pain = pain or PainScore()
        done = [s for s in sessions if s.done]
        last = done[-1] if done else None
        thermal_only = self._thermal_only(target)
        flare = self.catalogue.routines.get(safety.FLARE_UP_ROUTINE)
        advice = list(safety.before_session(
            PainScore() if thermal_only else pain, leg_spreading, self.rules,
            routine_id=target.id, last=None if thermal_only else last,
            flare_up_available=flare is not None and flare.usable and not thermal_only,
            centralising=centralising))
        stop = any(a.stop for a in advice)
        rising = safety.pain_rising(sessions, self.rules)
        if not stop:
            advice += safety.after_sessions(sessions, self.rules)
        rise = safety.flare_rise(pain, last)
        doses, overrides = self.doses(
            target, histories or {}, pain_rising=rising, pain_before=pain,
            last_felt=last.felt if last else None,
            flare=rise is not None and rise >= self.rules.flare_by)
        return GateDecision(advice=tuple(advice), pain_rising=rising, doses=tuple(doses),
                            overrides=MappingProxyType(overrides))

    def doses(self, target: Routine, histories: Mapping[str, Sequence[ExerciseSession]], *,
              pain_rising: bool = False, pain_before: PainScore | None = None,
              last_felt: Felt | None = None,
              flare: bool = False) -> tuple[list[DoseNote], dict[int, dict[str, Any]]]:
        """Each progressing item's dose step today, and the overrides that give it."""
        notes: list[DoseNote] = []
        overrides: dict[int, dict[str, Any]] = {}
        for n, item in enumerate(target.items):
            exercise = self.catalogue.exercises.get(item.exercise_id)
            if exercise is None or not exercise.progression:
                continue
            keys = {k for step in exercise.progression for k in step}
            if keys & set(item.overrides):
                continue  # the routine sets this dose itself
            history = progression_history(exercise, histories.get(exercise.id, ()))
            locked = exercise.id in self.locked
            decision = progression.decide(
                exercise, _dose_mapping(self.catalogue, item), history, locked=locked,
                pain_rising=pain_rising, pain_before=pain_before,
                high_pain=self.rules.high_pain, last_felt=last_felt, flare=flare)
            if decision.step is None:
                continue
            overrides[n] = dict(decision.overrides)
            previous = (describe_step(exercise.progression[decision.step - 1])
                        if decision.stepped_up and decision.step else None)
            notes.append(DoseNote(
                item_index=n, exercise_id=exercise.id, exercise_name=exercise.name,
                today=describe_step(decision.overrides), stepped_up=decision.stepped_up,
                previous=previous, message=decision.message, held_back=decision.held_back,
                locked=locked))
        return notes, overrides

    def _thermal_only(self, target: Routine) -> bool:
        found = [self.catalogue.exercises.get(i.exercise_id) for i in target.items]
        return bool(found) and all(e is not None and is_thermal(e) for e in found)


@dataclass(frozen=True)
class EasierOffer:
    """After "this hurts": the gentler exercise the catalogue names, offered for after the
    session (it runs on its own, recorded like "Try this exercise")."""

    exercise_id: str
    name: str
    instead_of: str

    @property
    def text(self) -> str:
        return (f"{self.instead_of} stopped. {self.name} is a gentler version you can try "
                "when this session ends, if the pain has settled.")

    @property
    def button_text(self) -> str:
        return f"Try {self.name} instead"


def easier_offer(catalogue: Catalogue, stopped_id: str,
                 easier_id: str | None) -> EasierOffer | None:
    """The offer for an exercise stopped because it hurt; None when the catalogue names no
    easier exercise, or names one that is missing or is the same exercise."""
    if not easier_id or easier_id == stopped_id:
        return None
    easier = catalogue.exercises.get(easier_id)
    stopped = catalogue.exercises.get(stopped_id)
    if easier is None:
        return None
    return EasierOffer(easier.id, easier.name, stopped.name if stopped else stopped_id)
