"""Reading exercises' dose histories from the history, for the progression rule.

A thin reader over `HistoryStore`: three queries (sessions, sets and exercise events since a
date), then `coach.core.dose_history.exercise_sessions` per exercise. The rule itself lives in
core and is tested there; this module is tested against a real store.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from coach.core.dose_history import exercise_sessions
from coach.core.models import Exercise
from coach.core.progression import ExerciseSession
from coach.storage.history import HistoryStore


def exercise_histories(store: HistoryStore, exercises: Iterable[Exercise], *,
                       since: date | None = None) -> dict[str, list[ExerciseSession]]:
    """Exercise id -> its sessions since `since` (all when None), oldest first."""
    wanted = {e.id: e for e in exercises}
    if not wanted:
        return {}
    sessions = store.sessions(since=since)
    known = {s.id for s in sessions}
    sets = [s for s in store.sets(since=since) if s.record.exercise_id in wanted]
    events = [(sid, e) for sid, e in store.exercise_events()
              if sid in known and e.exercise_id in wanted]
    return {exercise_id: exercise_sessions(exercise, sessions, sets, events)
            for exercise_id, exercise in wanted.items()}


def exercise_history(store: HistoryStore, exercise: Exercise, *,
                     since: date | None = None) -> list[ExerciseSession]:
    """One exercise's sessions since `since`, oldest first."""
    return exercise_histories(store, [exercise], since=since)[exercise.id]
