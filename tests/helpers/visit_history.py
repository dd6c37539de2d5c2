"""A small hand-built history for the visit report: four weeks of the core routine ending today,
doses stepping up, one session stopped for pain, one exercise stopped for pain, notes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from coach.core.models import Side
from coach.core.records import ExerciseEvent, ExerciseEventKind, Felt, PainScore, SetRecord
from coach.storage.history import HistoryStore

STOPPED_NOTE = "Leg pain came back during the bridge"
SESSION_NOTE = "Felt looser after the stretches"
EVENT_DETAIL = "sharp pain in the lower back"
#: The dose texts the report must show for the two exercises with sets.
DOSES = ("Hold 20 s · 3 reps · each side", "Hold 30 s · 3 reps · each side",
         "10 reps · 2 sets", "12 reps · 2 sets")


def local(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour).astimezone()


def today() -> date:
    return datetime.now().astimezone().date()


def build_history(db: Path, last_day: date) -> date:
    """Write the history to `db`; returns the first day of it (the report's --since)."""
    first = last_day - timedelta(days=25)
    days = [first + timedelta(days=n) for n in range(0, 26, 3)]
    store = HistoryStore.open(db, now=lambda: local(last_day), backup=False)
    try:
        for n, day in enumerate(days):
            later = n >= len(days) // 2
            start = local(day)
            sid = store.start_session("core-and-glutes", "Core and glutes", start, weekly_goal=3,
                                      pain_before=PainScore(back=max(1, 5 - n // 2),
                                                            leg=max(0, 6 - n // 2)))
            t = start
            hold = 30.0 if later else 20.0
            for side in (Side.RIGHT, Side.LEFT):
                t += timedelta(minutes=1)
                store.record_set(sid, SetRecord(
                    "knee-to-chest", 1, t, side=side, reps_done=3, reps_planned=3,
                    hold_seconds=hold, hold_seconds_planned=hold, work_seconds=3 * hold,
                    work_seconds_planned=3 * hold, sets_planned=1, item_index=0))
            reps = 12 if later else 10
            stopped = n == 2
            for number in (1, 2):
                t += timedelta(minutes=1)
                complete = not (stopped and number == 2)
                store.record_set(sid, SetRecord(
                    "bridge", number, t, complete=complete,
                    reps_done=reps if complete else 4, reps_planned=reps,
                    work_seconds=7.0 * reps, work_seconds_planned=7.0 * reps, sets_planned=2,
                    item_index=2))
            if n == 5:
                store.record_exercise_event(sid, ExerciseEvent(
                    ExerciseEventKind.STOPPED_FOR_PAIN, "plank", t + timedelta(seconds=30),
                    detail=EVENT_DETAIL))
            end = t + timedelta(minutes=2)
            if stopped:
                store.finish_session(sid, end, "stopped-for-pain",
                                     pain_after=PainScore(back=6, leg=7), note=STOPPED_NOTE)
            else:
                store.finish_session(sid, end, "completed", pain_after=PainScore(back=3, leg=3),
                                     felt=Felt.EASIER if later else Felt.SAME,
                                     note=SESSION_NOTE if n == 4 else None)
    finally:
        store.close()
    return first
