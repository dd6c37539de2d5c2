"""One exercise's dose history, as the progression rule reads it, from plain history records.

`exercise_sessions(exercise, sessions, sets, events)` turns what the history keeps (sessions
with their pain checks, set rows carrying the planned dose, exercises skipped or stopped) into
one `ExerciseSession` per session that included the exercise, oldest first:

- `planned` is the dose the session's set rows planned (hold, reps, sets; the duration for a
  timed activity). A session where the exercise was stopped or skipped before any set has no
  rows: it keeps the last planned dose that matched a progression step (it happened at that
  level) and never counts as completed.
- `completed` means every planned set on every side was finished (complete rows at least
  sets x sides for each time the routine has the exercise) and nothing was skipped or stopped
  for pain.

`progression_history` then keeps the sessions whose dose is one of the exercise's progression
steps: a routine that sets its own dose on purpose (the flare-up routine's shorter holds) does
not move the level, and is not moved by it.

Both are pure, so the rule is tested on hand-built records; `coach.storage.dose_history` reads
the records from a `HistoryStore`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from coach.core.models import DoseKind, Exercise, Side
from coach.core.progression import ExerciseSession, current_step
from coach.core.records import ExerciseEvent, SessionRecord, StoredSet


def planned_dose(exercise: Exercise, rows: Sequence[StoredSet]) -> dict[str, Any]:
    """The dose a session planned for `exercise`, from its set rows (first row that says)."""
    planned: dict[str, Any] = {}
    for stored in rows:
        r = stored.record
        if r.hold_seconds_planned is not None:
            planned.setdefault("hold_seconds", r.hold_seconds_planned)
        if r.reps_planned is not None:
            planned.setdefault("reps", r.reps_planned)
        if r.sets_planned is not None:
            planned.setdefault("sets", r.sets_planned)
        if exercise.dose.kind is DoseKind.DURATION and r.work_seconds_planned is not None:
            planned.setdefault("duration_seconds", r.work_seconds_planned)
    return planned


def _all_sets_done(exercise: Exercise, rows: Sequence[StoredSet]) -> bool:
    sides_expected = len(exercise.dose.side_order)
    by_item: dict[int | None, list[StoredSet]] = defaultdict(list)
    for stored in rows:
        by_item[stored.record.item_index].append(stored)
    for item_rows in by_item.values():
        sides: set[Side | None] = {s.record.side for s in item_rows}
        planned_sets = max((s.record.sets_planned or 1) for s in item_rows)
        complete = sum(1 for s in item_rows if s.record.complete)
        if complete < planned_sets * max(sides_expected, len(sides)):
            return False
    return True


def exercise_sessions(
    exercise: Exercise,
    sessions: Sequence[SessionRecord],
    sets: Iterable[StoredSet],
    events: Iterable[tuple[int, ExerciseEvent]],
) -> list[ExerciseSession]:
    """See the module docstring. `sessions` oldest first; `sets` and `events` of any exercise."""
    rows: dict[int, list[StoredSet]] = defaultdict(list)
    for stored in sets:
        if stored.record.exercise_id == exercise.id:
            rows[stored.session_id].append(stored)
    troubles: dict[int, list[ExerciseEvent]] = defaultdict(list)
    for session_id, event in events:
        if event.exercise_id == exercise.id:
            troubles[session_id].append(event)
    out: list[ExerciseSession] = []
    level: Mapping[str, Any] = {}
    for session in sessions:
        mine = rows.get(session.id, [])
        trouble = troubles.get(session.id, [])
        if not mine and not trouble:
            continue
        if mine:
            planned: Mapping[str, Any] = planned_dose(exercise, mine)
            completed = not trouble and _all_sets_done(exercise, mine)
        else:
            planned, completed = dict(level), False
        if exercise.progression and current_step(exercise, planned) is not None:
            level = planned
        out.append(ExerciseSession(local_date=session.local_date, planned=planned,
                                   completed=completed, pain_before=session.pain_before,
                                   pain_after=session.pain_after))
    return out


def progression_history(exercise: Exercise,
                        history: Sequence[ExerciseSession]) -> list[ExerciseSession]:
    """The sessions planned at one of the exercise's progression steps (see the docstring)."""
    return [s for s in history if current_step(exercise, s.planned) is not None]
