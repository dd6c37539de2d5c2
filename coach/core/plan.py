"""The planner: a routine, with its dose overrides, turned into the timed phases it implies.

A `Plan` is a flat tuple of `Phase`s, each with a duration (or none, for an open-ended activity)
and the cues it asks for, relative to its start or its end. The session engine only walks this
list; every decision about *what* happens lives here, every decision about *when* in the engine.

Phases of one exercise, in order:

- `PREPARE` (get into position; the first step is shown). It lasts the exercise's
  `prepare_seconds`, else the settings' get-ready time. Its cues introduce the exercise; when
  the voice reads the steps aloud (voice on, full verbosity) they follow, the highlight moves
  with the step being read (`step_times`) and back to the first step for the "3, 2, 1", and
  the phase is lengthened so the reading fits before that countdown; never otherwise. A
  prepare time of 0 leaves it out.
- per side (an exercise done on each side runs all its sets on the first side, then the other):
  `SWITCH` before the second side ("Switch to the left leg"), as long as the prepare time;
- per set: `REST` between sets (`rest_seconds`; when that is 0, a `RELAX` of `relax_seconds`
  between held sets);
- per rep: `HOLD` (held reps) with `RELAX` between reps, or one `TEMPO` phase per part of the
  rep (no pause between tempo reps: the tempo is the rhythm), or one `DURATION` phase
  (walking, heat, cold), or one `OPEN` phase for an open-ended activity (no deadline; it counts
  up and ends when the person says so).

Between exercises comes `REST_BETWEEN` ("Rest for 15 seconds", "Next up: Bridge"); the plan
ends with `FINISHED`. Phases that would last 0 seconds are left out; cues said at their start
move to the start of the next phase.

Cue rules (texts are natural spoken English; an exercise's `cues` table replaces the defaults):
intro and "Get into position" at prepare; "3", "2", "1" before the end of every lead-in
(prepare, switch, rest between sets) and of holds and durations of 5 s or more; the rep number
(from rep 2) and "Hold" at each hold; "Halfway" at the middle of holds and durations of 20 s or
more; "Relax" at the end of each hold; "Begin" at the start of each tempo set and duration, the
tempo part's own words at each part; "Well done" at the end of the exercise's last work phase.
No cue is ever placed after the end of its phase.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from coach.core.cues import SPOKEN_KINDS, CueKind, Verbosity
from coach.core.models import Catalogue, Dose, DoseKind, Exercise, Routine, Side, TempoPhase
from coach.core.thermal import is_thermal, skin_reminder


class PlanError(ValueError):
    """A routine or exercise that cannot be planned (unusable, unknown, or without timing)."""


class PhaseKind(StrEnum):
    PREPARE = "prepare"            # get into position, first step shown
    HOLD = "hold"                  # one held rep
    RELAX = "relax"                # the pause between held reps
    TEMPO = "tempo"                # one part of a rep at a tempo ("lift 2 s")
    REST = "rest"                  # rest between sets
    SWITCH = "switch"              # change to the other side
    REST_BETWEEN = "rest-between"  # rest between exercises
    DURATION = "duration"          # a plain timed activity: walking, heat, cold
    OPEN = "open"                  # an open-ended activity: no deadline, counts up
    FINISHED = "finished"          # the routine is done (0 s)


#: Phases whose time counts as active (work) time.
WORK_KINDS = frozenset({PhaseKind.HOLD, PhaseKind.TEMPO, PhaseKind.DURATION, PhaseKind.OPEN})

#: Holds and durations at least this long get a "Halfway" cue.
HALFWAY_MIN_SECONDS = 20.0
#: Holds and durations at least this long end with "3", "2", "1".
COUNTDOWN_MIN_SECONDS = 5.0
#: Extra time after the spoken part of a lengthened prepare phase, for the countdown.
COUNTDOWN_LEAD = 3.5

#: Said (as a `NOTICE`) when "this hurts" stops an exercise; the engine adds it, not the plan.
HURTS_ADVICE = "Rest, and only carry on if the pain settles."
HURTS_TEXT = f"Stopping this exercise. {HURTS_ADVICE}"
FINISHED_TEXT = "That's the end of the routine."
FINISHED_LABEL = "Routine complete"


@dataclass(frozen=True)
class PlanSettings:
    """The user's settings the plan depends on (the GUI's settings feed these).

    `prepare_seconds` is used for exercises whose dose gives none, and for the side switch.
    `rest_between_seconds` replaces every routine's own rest between exercises when set.
    `verbosity` decides which cues are spoken; `voice` False (muted, or no voice at all) means
    nothing is spoken, so nothing waits for speech. Only reading the steps aloud (`reads_steps`)
    lengthens a prepare phase; `words_per_minute` is the speaking rate used for that estimate.
    """

    prepare_seconds: float = 5.0
    rest_between_seconds: float | None = None
    verbosity: Verbosity = Verbosity.FULL
    words_per_minute: float = 160.0
    voice: bool = True
    #: The side of the person's sciatica (their own setting): exercises done on each side
    #: start with it, or with `affected_side_only` are done on it alone. A routine that
    #: names its own `affected_side` (a prescription) goes first.
    affected_side: Side | None = None
    affected_side_only: bool = False

    @property
    def reads_steps(self) -> bool:
        """The voice reads every step aloud while getting into position."""
        return self.voice and self.verbosity is Verbosity.FULL

    def __post_init__(self) -> None:
        if not (math.isfinite(self.prepare_seconds) and self.prepare_seconds >= 0):
            raise ValueError(f"prepare_seconds must be 0 or more, not {self.prepare_seconds!r}")
        rest = self.rest_between_seconds
        if rest is not None and not (math.isfinite(rest) and rest >= 0):
            raise ValueError(f"rest_between_seconds must be 0 or more, not {rest!r}")
        if not self.words_per_minute > 0:
            raise ValueError(f"words_per_minute must be above 0, not {self.words_per_minute!r}")


@dataclass(frozen=True)
class PlannedCue:
    """A cue a phase asks for: `offset` seconds after its start, or before its end.

    Cues counted from the end (the countdown, "Relax", "Well done") move when time is added.
    An open-ended phase has no end until it is finished; its end cues are asked for then.
    """

    kind: CueKind
    text: str
    offset: float = 0.0
    from_end: bool = False

    def due(self, start: float, end: float | None) -> float | None:
        """The engine time this cue is due, for a phase running from `start` to `end`."""
        if self.from_end:
            return None if end is None else end - self.offset
        return start + self.offset


@dataclass(frozen=True)
class Phase:
    """One step of the session's timeline.

    `duration` is None only for an open-ended phase (`guide_seconds` then gives the suggested
    time, if any). Counters are 1-based and 0 where they do not apply (`sets`/`reps` give the
    planned totals). `step_index` is the step shown; `step_times` (a prepare phase whose steps
    are read aloud) moves it: (seconds after the start, step index) pairs in order; such a
    phase was lengthened for the reading, and `base_duration` is its length without it.
    `item_index` is the routine item the phase belongs to (None between
    exercises and at the end). `ends_rep`, `ends_set` and `ends_exercise` mark the work phase
    whose completion completes a rep, a set or the whole exercise.
    """

    index: int
    kind: PhaseKind
    duration: float | None
    text: str
    item_index: int | None = None
    exercise_id: str | None = None
    exercise_name: str | None = None
    side: Side | None = None
    side_label: str | None = None
    set_number: int = 0
    sets: int = 0
    rep_number: int = 0
    reps: int = 0
    step_index: int | None = None
    step_times: tuple[tuple[float, int], ...] = ()
    base_duration: float | None = None
    guide_seconds: float | None = None
    next_item_index: int | None = None
    cues: tuple[PlannedCue, ...] = ()
    ends_rep: bool = False
    ends_set: bool = False
    ends_exercise: bool = False

    @property
    def is_work(self) -> bool:
        return self.kind in WORK_KINDS

    @property
    def open_ended(self) -> bool:
        return self.duration is None


@dataclass(frozen=True)
class PlanItem:
    """One routine item as planned: the exercise, its effective dose and where its phases are.

    `first_phase` is its first phase; `rest_phase` the rest between exercises after it (if
    any); `next_phase` the first phase of the next item (or the finished phase). `set_seconds`
    is the planned time under work per set (the open-ended guide, or 0, for open activities).
    """

    index: int
    exercise: Exercise
    dose: Dose
    note: str
    sides: tuple[Side | None, ...]
    sets: int
    reps: int
    set_seconds: float
    first_phase: int
    rest_phase: int | None
    next_phase: int
    limb: str

    @property
    def kind(self) -> DoseKind:
        return self.dose.kind

    @property
    def hold_seconds(self) -> float | None:
        """The planned hold per rep, for held reps; None otherwise."""
        return self.dose.hold_seconds if self.dose.kind is DoseKind.HOLD else None

    @property
    def work_seconds(self) -> float:
        """Planned time under work, all sets and sides."""
        return self.set_seconds * self.sets * len(self.sides)


@dataclass(frozen=True)
class Plan:
    """Everything a session will do, in order. Build it with `plan_routine` or `plan_exercise`."""

    name: str
    routine_id: str | None
    settings: PlanSettings
    items: tuple[PlanItem, ...]
    phases: tuple[Phase, ...]
    _remaining_after: tuple[float, ...] = field(default=(), repr=False, compare=False)

    @property
    def total_seconds(self) -> float:
        """Planned length of every timed phase (open-ended phases count 0)."""
        return self._remaining_after[0] if self._remaining_after else 0.0

    @property
    def expected_seconds(self) -> float:
        """How long the session takes as planned, from the first get-ready to the end: every
        phase (get-ready, rests, both sides), an open-ended one at its suggested time. This is
        the one figure shown as a routine's length (see `routine_seconds`, `about`)."""
        guides = sum(p.guide_seconds or 0.0 for p in self.phases if p.open_ended)
        return self.total_seconds + guides

    @property
    def active_seconds(self) -> float:
        """Planned time in timed work phases (holds, tempo parts, durations)."""
        return sum(p.duration for p in self.phases if p.is_work and p.duration is not None)

    @property
    def open_ended(self) -> bool:
        """True when some phase waits for the person to say they are done."""
        return any(p.open_ended for p in self.phases)

    def remaining_after(self, index: int) -> float:
        """Planned time of the timed phases after phase `index`."""
        return self._remaining_after[index + 1] if index + 1 < len(self._remaining_after) else 0

    def cue_texts(self, verbosity: Verbosity | None = None) -> tuple[str, ...]:
        """Every distinct phrase this plan can say, first-use order (for pre-rendering speech).

        With a `verbosity`, only the phrases spoken at that verbosity. Includes the phrases the
        engine adds itself (the "this hurts" notice).
        """
        kinds = SPOKEN_KINDS[verbosity] if verbosity is not None else frozenset(CueKind)
        texts = [c.text for p in self.phases for c in p.cues if c.kind in kinds]
        if CueKind.NOTICE in kinds:
            texts.append(HURTS_TEXT)
        return tuple(dict.fromkeys(texts))


# --- words ---------------------------------------------------------------------------------

_LEG_NAME = re.compile(
    r"\b(legs?|knees?|hamstrings?|calf|calves|thighs?|ankles?|foot|feet|heels?|shins?|"
    r"sciatic|piriformis|pigeon|hip flexors?)\b",
    re.IGNORECASE,
)
_LEG_STEP = re.compile(
    r"\b(one|your (?:left|right)|the (?:left|right|other)|that|each) "
    r"(leg|knee|foot|heel|ankle|thigh|shin)\b",
    re.IGNORECASE,
)


def limb_of(exercise: Exercise) -> str:
    """"leg" when the exercise works one leg at a time, else "side" (for "Switch to the left ...").

    Read from the name ("Hamstring stretch") or steps that name one leg ("Bend one knee").
    An exercise's own `switch` cue replaces the wording anyway.
    """
    if _LEG_NAME.search(exercise.name) or any(_LEG_STEP.search(s) for s in exercise.steps):
        return "leg"
    return "side"


def side_label(side: Side | None, limb: str) -> str | None:
    """"Right leg", "Left side"; None for an exercise without sides."""
    return None if side is None else f"{side.value.capitalize()} {limb}"


def spoken_duration(seconds: float) -> str:
    """'30 seconds', '1 minute', '2 minutes 30 seconds', '2.5 seconds'."""
    if seconds < 60 and seconds != round(seconds):
        return f"{seconds:g} seconds"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} second" + ("" if whole == 1 else "s")
    minutes, rest = divmod(whole, 60)
    text = f"{minutes} minute" + ("" if minutes == 1 else "s")
    if rest:
        text += f" {rest} second" + ("" if rest == 1 else "s")
    return text


def about(seconds: float) -> str:
    """A session's length in words: "about 12 min" (to the minute from a minute and a half),
    "about 45 s"."""
    if seconds >= 90:
        return f"about {round(seconds / 60)} min"
    return f"about {round(seconds)} s"


def speech_seconds(text: str, words_per_minute: float) -> float:
    """A rough estimate of how long `text` takes to say, with the pause after it."""
    return 0.4 + len(text.split()) * 60.0 / words_per_minute


# --- planning ------------------------------------------------------------------------------


def plan_routine(
    catalogue: Catalogue, routine: Routine | str, settings: PlanSettings | None = None
) -> Plan:
    """The phases of a whole routine, with each item's dose overrides applied."""
    settings = settings or PlanSettings()
    if isinstance(routine, str):
        if routine not in catalogue.routines:
            raise PlanError(f"there is no routine '{routine}'")
        routine = catalogue.routine(routine)
    if not routine.usable:
        raise PlanError(f"routine '{routine.id}' cannot be started: {routine.unusable_reason}")
    if not routine.items:
        raise PlanError(f"routine '{routine.id}' has no exercises")
    rest = (settings.rest_between_seconds if settings.rest_between_seconds is not None
            else routine.rest_between_seconds)
    side, only = ((routine.affected_side, routine.affected_side_only)
                  if routine.affected_side is not None
                  else (settings.affected_side, settings.affected_side_only))
    entries = []
    for item in routine.items:
        if item.exercise_id not in catalogue.exercises:
            raise PlanError(f"routine '{routine.id}' names exercise '{item.exercise_id}', "
                            "which does not exist")
        dose = catalogue.dose_for(item).for_affected_side(side, only=only)
        entries.append((catalogue.exercise(item.exercise_id), dose, item.note))
    return _build(routine.name, routine.id, entries, rest, settings)


def routine_seconds(
    catalogue: Catalogue, routine: Routine | str, settings: PlanSettings | None = None
) -> float | None:
    """How long `routine` takes at `settings` (its plan's `expected_seconds`); None when it
    cannot be planned. Home, Routines, `coach list`, `coach run` and the handout all show this."""
    try:
        return plan_routine(catalogue, routine, settings).expected_seconds
    except PlanError:
        return None


def plan_exercise(
    catalogue: Catalogue, exercise_id: str, settings: PlanSettings | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Plan:
    """The phases of one exercise on its own, with its own dose ("try this exercise").

    `overrides` changes the dose for this run only (a progression step, a heat timer's
    chosen minutes), as a routine item's overrides would."""
    settings = settings or PlanSettings()
    if exercise_id not in catalogue.exercises:
        raise PlanError(f"there is no exercise '{exercise_id}'")
    exercise = catalogue.exercise(exercise_id)
    dose = exercise.dose.with_overrides(overrides or {}).for_affected_side(
        settings.affected_side, only=settings.affected_side_only)
    return _build(exercise.name, None, [(exercise, dose, "")], 0.0, settings)


def _build(
    name: str,
    routine_id: str | None,
    entries: Sequence[tuple[Exercise, Dose, str]],
    rest_between: float,
    settings: PlanSettings,
) -> Plan:
    builder = _Builder(settings)
    items: list[PlanItem] = []
    for n, (exercise, dose, note) in enumerate(entries):
        _check_dose(exercise, dose)
        first = len(builder.phases)
        limb = limb_of(exercise)
        _plan_exercise_phases(builder, n, exercise, dose, limb)
        rest_phase: int | None = None
        if n + 1 < len(entries):
            nxt = entries[n + 1][0]
            added = builder.add(
                PhaseKind.REST_BETWEEN, rest_between, "Rest",
                [PlannedCue(CueKind.REST, f"Rest for {spoken_duration(rest_between)}"),
                 PlannedCue(CueKind.NEXT_UP, f"Next up: {nxt.name}")],
                next_item_index=n + 1, keep_carry=False,
            )
            rest_phase = added.index if added else None
        sets = dose.sets
        reps = dose.reps if dose.kind is not DoseKind.DURATION else 1
        if dose.kind is DoseKind.DURATION:
            set_seconds = float(dose.duration_seconds or 0)
        else:
            set_seconds = dose.rep_seconds * reps
        items.append(PlanItem(
            index=n, exercise=exercise, dose=dose, note=note, sides=dose.side_order,
            sets=sets, reps=reps, set_seconds=set_seconds, first_phase=first,
            rest_phase=rest_phase, next_phase=len(builder.phases), limb=limb,
        ))
    builder.add(PhaseKind.FINISHED, 0.0, FINISHED_LABEL,
                [PlannedCue(CueKind.WELL_DONE, FINISHED_TEXT)])
    phases = tuple(builder.phases)
    remaining = [0.0] * (len(phases) + 1)
    for i in range(len(phases) - 1, -1, -1):
        remaining[i] = remaining[i + 1] + (phases[i].duration or 0.0)
    return Plan(name=name, routine_id=routine_id, settings=settings, items=tuple(items),
                phases=phases, _remaining_after=tuple(remaining))


def _check_dose(exercise: Exercise, dose: Dose) -> None:
    kind = dose.kind
    if kind is DoseKind.DURATION:
        if not dose.open_ended and not (dose.duration_seconds and dose.duration_seconds > 0):
            raise PlanError(f"exercise '{exercise.id}' has no duration")
    elif kind is DoseKind.HOLD:
        if not (dose.hold_seconds and dose.hold_seconds > 0):
            raise PlanError(f"exercise '{exercise.id}' has no hold_seconds, tempo or duration")
    elif any(p.seconds <= 0 for p in dose.tempo):
        raise PlanError(f"exercise '{exercise.id}' has a tempo part of 0 seconds")
    if dose.reps < 1 or dose.sets < 1:
        raise PlanError(f"exercise '{exercise.id}' needs at least one rep and one set")


class _Builder:
    """Appends phases; a phase of 0 s is left out and its start cues move to the next one."""

    def __init__(self, settings: PlanSettings) -> None:
        self.settings = settings
        self.phases: list[Phase] = []
        self.carry: list[PlannedCue] = []

    def spoken(self, kind: CueKind) -> bool:
        return self.settings.voice and kind in SPOKEN_KINDS[self.settings.verbosity]

    def say_time(self, cues: Iterable[PlannedCue]) -> float:
        """How long the spoken ones of `cues` take, one after the other."""
        wpm = self.settings.words_per_minute
        return sum(speech_seconds(c.text, wpm) for c in cues if self.spoken(c.kind))

    def add(
        self,
        kind: PhaseKind,
        duration: float | None,
        text: str,
        cues: Sequence[PlannedCue] = (),
        *,
        keep_carry: bool = True,
        **fields: Any,
    ) -> Phase | None:
        if duration is not None and duration <= 0 and kind is not PhaseKind.FINISHED:
            if keep_carry:
                self.carry.extend(
                    PlannedCue(c.kind, c.text) for c in cues if not c.from_end
                )
            return None
        duration = None if duration is None else float(duration)
        carried = [PlannedCue(c.kind, c.text) for c in self.carry]
        self.carry = []
        clamped = [_clamp(c, duration) for c in [*carried, *cues]]
        ranked = sorted(enumerate(clamped),
                        key=lambda nc: (_offset_from_start(nc[1], duration), nc[0]))
        placed = [c for _, c in ranked]
        phase = Phase(index=len(self.phases), kind=kind, duration=duration, text=text,
                      cues=tuple(placed), **fields)
        self.phases.append(phase)
        return phase


def _clamp(cue: PlannedCue, duration: float | None) -> PlannedCue:
    if duration is None:
        return cue
    offset = min(max(cue.offset, 0.0), duration)
    return cue if offset == cue.offset else PlannedCue(cue.kind, cue.text, offset, cue.from_end)


def _offset_from_start(cue: PlannedCue, duration: float | None) -> float:
    if not cue.from_end:
        return cue.offset
    return math.inf if duration is None else duration - cue.offset


def _countdown(duration: float, after: float) -> list[PlannedCue]:
    """"3", "2", "1" before the end, each only if it falls `after` seconds or more in."""
    return [PlannedCue(CueKind.COUNTDOWN, str(k), float(k), from_end=True)
            for k in (3, 2, 1) if duration - k >= max(after, 0.5) - 1e-9]


def _plan_exercise_phases(
    b: _Builder, item_index: int, exercise: Exercise, dose: Dose, limb: str
) -> None:
    sides = dose.side_order
    reps = dose.reps if dose.kind is not DoseKind.DURATION else 1
    prepare = float(dose.prepare_seconds if dose.prepare_seconds is not None
                    else b.settings.prepare_seconds)
    common: dict[str, Any] = {"item_index": item_index, "exercise_id": exercise.id,
                              "exercise_name": exercise.name, "sets": dose.sets, "reps": reps}
    sets = _Sets(b, exercise, dose)
    for side_n, side in enumerate(sides):
        at_side: dict[str, Any] = {"side": side, "side_label": side_label(side, limb), **common}
        if side_n == 0:
            _add_prepare(b, exercise, prepare, at_side)
        else:
            switch = exercise.cue("switch", f"Switch to the {side.value if side else ''} {limb}")
            switch_cues = [PlannedCue(CueKind.SWITCH, switch)]
            b.add(PhaseKind.SWITCH, prepare, switch,
                  [*switch_cues, *_countdown(prepare, b.say_time(switch_cues))],
                  set_number=1, step_index=0 if exercise.steps else None, **at_side)
        last_side = side_n == len(sides) - 1
        for set_n in range(1, dose.sets + 1):
            if set_n > 1:
                sets.add_rest(set_n, at_side)
            sets.add_work(set_n, last_side and set_n == dose.sets, at_side)


def _add_prepare(b: _Builder, exercise: Exercise, base: float, at_side: dict[str, Any]) -> None:
    """Getting into position for `base` seconds: the introduction, the first step, then 3-2-1.

    When the voice reads the steps aloud, every step is read and the phase is lengthened so the
    reading fits before the countdown; the highlight follows the step being read, then goes back
    to the first step (the position to be in) for the countdown."""
    settings = b.settings
    position = "Get into position."
    if at_side["side_label"] is not None:
        position += f" {at_side['side_label']} first."
    # Heat and cold: the introduction carries the skin-protection reminder, so it is a
    # NOTICE (said at every verbosity); one is added when the exercise's own words lack it.
    thermal = is_thermal(exercise)
    intro = [PlannedCue(CueKind.NOTICE if thermal else CueKind.INTRO,
                        exercise.cue("intro", exercise.name))]
    reminder = skin_reminder(exercise)
    if reminder:
        intro.append(PlannedCue(CueKind.NOTICE, reminder))
    intro.append(PlannedCue(CueKind.PREPARE, position))
    reads = settings.reads_steps
    steps = exercise.steps if reads else exercise.steps[:1]
    intro += [PlannedCue(CueKind.STEP, s) for s in steps]
    timed: list[PlannedCue] = []
    step_times: list[tuple[float, int]] = []
    t = 0.0
    for cue in intro:
        timed.append(PlannedCue(cue.kind, cue.text, t))
        if reads and cue.kind is CueKind.STEP:
            step_times.append((t, len(step_times)))
        if b.spoken(cue.kind):
            t += speech_seconds(cue.text, settings.words_per_minute)
    prepare = base
    if prepare > 0 and step_times:
        prepare = max(prepare, float(math.ceil(t + COUNTDOWN_LEAD)))
        if len(step_times) > 1:
            step_times.append((t, 0))
    else:
        step_times = []
    b.add(PhaseKind.PREPARE, prepare, "Get into position", [*timed, *_countdown(prepare, t)],
          set_number=1, rep_number=0, step_index=0 if exercise.steps else None,
          step_times=tuple(step_times), base_duration=float(base) if step_times else None,
          **at_side)


class _Sets:
    """Adds the phases of an exercise's sets: the rest before a set, and its work."""

    def __init__(self, b: _Builder, exercise: Exercise, dose: Dose) -> None:
        self.b = b
        self.exercise = exercise
        self.dose = dose
        self.start_text = exercise.cue("start", "Hold" if dose.kind is DoseKind.HOLD else "Begin")
        self.finish = PlannedCue(CueKind.WELL_DONE, exercise.cue("finish", "Well done"), 0.0,
                                 True)
        self.last_step = len(exercise.steps) - 1 if exercise.steps else None
        self.work_step = hold_step(exercise)
        self.part_steps = tempo_steps(exercise, dose.tempo)

    def add_rest(self, set_n: int, at_side: dict[str, Any]) -> None:
        """Between sets: a rest of `rest_seconds`; without one, a relax between held sets."""
        b, dose = self.b, self.dose
        if dose.rest_seconds > 0:
            rest = float(dose.rest_seconds)
            rest_cues = [PlannedCue(CueKind.REST, f"Rest for {spoken_duration(rest)}")]
            b.add(PhaseKind.REST, rest, "Rest",
                  [*rest_cues, *_countdown(rest, b.say_time(rest_cues))],
                  set_number=set_n, **at_side)
        elif dose.kind is DoseKind.HOLD:
            b.add(PhaseKind.RELAX, float(dose.relax_seconds), "Relax",
                  set_number=set_n, step_index=self.last_step, **at_side)

    def add_work(self, set_n: int, last: bool, at_side: dict[str, Any]) -> None:
        """One set's work phases; `last`: the exercise's last set (it ends with "Well done")."""
        kind = self.dose.kind
        if kind is DoseKind.HOLD:
            self._held(set_n, last, at_side)
        elif kind is DoseKind.TEMPO:
            self._tempo(set_n, last, at_side)
        else:
            self._timed(set_n, last, at_side)

    def _held(self, set_n: int, last: bool, at_side: dict[str, Any]) -> None:
        b, exercise, dose = self.b, self.exercise, self.dose
        hold = float(dose.hold_seconds or 0)
        for rep in range(1, dose.reps + 1):
            if rep > 1:
                b.add(PhaseKind.RELAX, float(dose.relax_seconds), "Relax",
                      set_number=set_n, rep_number=rep, step_index=self.last_step, **at_side)
            cues = [PlannedCue(CueKind.REP, str(rep))] if rep > 1 else []
            cues.append(PlannedCue(CueKind.START, self.start_text))
            cues += _work_cues(exercise, hold, b.say_time(cues))
            cues.append(PlannedCue(CueKind.RELAX, exercise.cue("relax", "Relax"), 0.0, True))
            end = rep == dose.reps
            if end and last:
                cues.append(self.finish)
            b.add(PhaseKind.HOLD, hold, "Hold", cues, set_number=set_n, rep_number=rep,
                  step_index=self.work_step, ends_rep=True, ends_set=end,
                  ends_exercise=end and last, **at_side)

    def _tempo(self, set_n: int, last: bool, at_side: dict[str, Any]) -> None:
        b, tempo = self.b, self.dose.tempo
        reps = self.dose.reps
        for rep in range(1, reps + 1):
            for part_n, part in enumerate(tempo):
                cues = []
                if part_n == 0 and rep == 1:
                    cues.append(PlannedCue(CueKind.START, self.start_text))
                elif part_n == 0:
                    cues.append(PlannedCue(CueKind.REP, str(rep)))
                cues.append(PlannedCue(CueKind.TEMPO, part.spoken))
                end_rep = part_n == len(tempo) - 1
                end = end_rep and rep == reps
                if end and last:
                    cues.append(self.finish)
                b.add(PhaseKind.TEMPO, float(part.seconds), part.name.capitalize(),
                      cues, set_number=set_n, rep_number=rep,
                      step_index=self.part_steps[part_n], ends_rep=end_rep,
                      ends_set=end, ends_exercise=end and last, **at_side)

    def _timed(self, set_n: int, last: bool, at_side: dict[str, Any]) -> None:
        """A timed activity, or an open-ended one (no deadline; `duration_seconds` guides)."""
        b, exercise, dose = self.b, self.exercise, self.dose
        cues = [PlannedCue(CueKind.START, self.start_text)]
        ends: dict[str, Any] = {"set_number": set_n, "rep_number": 1,
                                "step_index": self.work_step, "ends_rep": True,
                                "ends_set": True, "ends_exercise": last}
        if dose.open_ended:
            guide = dose.duration_seconds
            if guide:
                cues.append(PlannedCue(
                    CueKind.NOTICE,
                    f"That's {spoken_duration(guide)}. Stop whenever you are ready.",
                    float(guide)))
            if last:
                cues.append(self.finish)
            b.add(PhaseKind.OPEN, None, "As long as comfortable", cues, guide_seconds=guide,
                  **ends, **at_side)
        else:
            length = float(dose.duration_seconds or 0)
            cues += _work_cues(exercise, length, b.say_time(cues))
            if last:
                cues.append(self.finish)
            b.add(PhaseKind.DURATION, length, "Keep going", cues, **ends, **at_side)


_WORD = re.compile(r"[a-z]+")


def hold_step(exercise: Exercise) -> int | None:
    """The step shown while holding (or during a timed activity).

    Steps are written in order and the last one usually says how to come out of the position
    (it is shown while relaxing), so the hold is the step before it; unless the last step itself
    speaks of holding, or there are only one or two steps: then the last.
    """
    n = len(exercise.steps)
    if n == 0:
        return None
    if n < 3 or "hold" in _WORD.findall(exercise.steps[-1].lower()):
        return n - 1
    return n - 2



def tempo_steps(exercise: Exercise, tempo: Sequence[TempoPhase]) -> tuple[int | None, ...]:
    """The step shown during each tempo part, in order.

    A part is matched to the first later step that uses its words ("lift" -> "...lift your
    hips...", "round up" -> "...a rounded hump..."), leaving a step for each part after it; a
    part with no such step takes the step lined up from the end (the last part with the last
    step). Steps never go backwards within a rep.
    """
    n, k = len(exercise.steps), len(tempo)
    if n == 0 or k == 0:
        return (None,) * k
    words = [set(_WORD.findall(step.lower())) for step in exercise.steps]
    out: list[int | None] = []
    previous = -1
    for i, part in enumerate(tempo):
        stems = [w[:5] for w in _WORD.findall(part.name.lower()) if len(w) >= 3]
        last_possible = max(previous + 1, n - k + i)  # leave a step for each later part
        found = next((j for j in range(previous + 1, min(n, last_possible + 1))
                      if stems and any(any(w.startswith(s) for w in words[j]) for s in stems)),
                     None)
        if found is None:
            found = min(n - 1, max(previous + 1, n - k + i))
        out.append(found)
        previous = found
    return tuple(out)


def _work_cues(exercise: Exercise, duration: float, after: float) -> list[PlannedCue]:
    """"Halfway" and the closing countdown of a hold or a timed activity."""
    cues = []
    if duration >= HALFWAY_MIN_SECONDS:
        cues.append(PlannedCue(CueKind.HALFWAY, exercise.cue("halfway", "Halfway"),
                               duration / 2))
    if duration >= COUNTDOWN_MIN_SECONDS:
        cues += _countdown(duration, after)
    return cues
