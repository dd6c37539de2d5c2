"""A small hand-built history for the visit report: four weeks of the core routine ending today,
doses stepping up, one session stopped for pain, one exercise stopped for pain, notes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from coach.core.clock import FakeClock
from coach.core.cues import Verbosity
from coach.core.engine import SessionEngine
from coach.core.models import Catalogue, Routine, Side
from coach.core.plan import PlanSettings, plan_routine
from coach.core.records import ExerciseEvent, ExerciseEventKind, Felt, PainScore, SetRecord
from coach.recorder import SessionRecorder
from coach.storage.history import HistoryStore
from tests.helpers.driving import run_for

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
                # Plank stopped because it hurt, the session went on: partly done.
                outcome = "partly-done" if n == 5 else "completed"
                store.finish_session(sid, end, outcome, pain_after=PainScore(back=3, leg=3),
                                     felt=Felt.EASIER if later else Felt.SAME,
                                     note=SESSION_NOTE if n == 4 else None)
    finally:
        store.close()
    return first


# --- a history recorded by the real engine and recorder -----------------------------------------

#: The pain scores of the session in which Bridge hurt and the session went on.
BRIDGE_PAIN_BEFORE = PainScore(back=4, leg=5)
BRIDGE_PAIN_AFTER = PainScore(back=5, leg=6)


def record_session(store: HistoryStore, catalogue: Catalogue, routine: Routine | str,
                   start: datetime, *, weekly_goal: int | None = 3,
                   pain_before: PainScore | None = None, pain_after: PainScore | None = None,
                   skip_all: bool = False, hurts: str | None = None,
                   stop_after_hurt: bool = False) -> int:
    """Run `routine` to its end through the real engine and `SessionRecorder`, in fake time
    from the local `start`; returns the session id. `skip_all` skips every exercise; `hurts`
    presses "this hurts" after 5 s of work on that exercise, then the session goes on (or stops
    with `stop_after_hurt`)."""
    clock = FakeClock(0.0)

    def wall() -> datetime:
        return start + timedelta(seconds=clock.now())

    engine = SessionEngine(plan_routine(catalogue, routine, PlanSettings(
        verbosity=Verbosity.MINIMAL)), wall_clock=wall)
    recorder = SessionRecorder(store, weekly_goal=weekly_goal, pain_before=pain_before,
                               wall_clock=wall)
    engine.add_listener(recorder)
    engine.start(clock.now())
    hurt_done = False
    worked = 0  # seconds of work on the exercise that will hurt
    while not engine.finished:
        exercise = engine.state.exercise
        if skip_all and exercise is not None:
            engine.skip(clock.now())
            continue
        if exercise is not None and exercise.id == hurts and engine.phase.is_work:
            worked += 1
        if hurts is not None and not hurt_done and worked > 5:
            engine.hurts(clock.now())
            hurt_done = True
            if stop_after_hurt:
                engine.stop(clock.now())
            continue
        if engine.phase.duration is None:
            run_for(engine, clock, 700)
            engine.skip(clock.now())
            continue
        run_for(engine, clock, 1)
    if pain_after is not None:
        recorder.answer(pain_after=pain_after)
    assert recorder.session_id is not None
    return recorder.session_id


def build_recorded_history(db: Path, last_day: date, catalogue: Catalogue) -> date:
    """Six weeks ending on `last_day`, recorded by the real engine: Core and glutes three times
    a week (the knees-down plank hold stepping up from 10 s to 15 s half-way), Easy walk twice a
    week, one session in which every exercise was skipped, one in which Bridge hurt and the
    session went on (pain `BRIDGE_PAIN_BEFORE` / `BRIDGE_PAIN_AFTER`), one stopped when the
    knees-down plank hurt,
    and one Desk break in the last week. Returns the first day (the report's --since)."""
    first = last_day - timedelta(days=41)
    core = catalogue.routine("core-and-glutes")
    harder = replace(core, items=tuple(
        replace(i, overrides={**i.overrides, "hold_seconds": 15})
        if i.exercise_id == "knee-plank"
        else i for i in core.items))
    store = HistoryStore.open(db, now=lambda: local(last_day), backup=False)
    try:
        for n in range(42):
            day = first + timedelta(days=n)
            week = n // 7
            pain = PainScore(back=max(1, 5 - week // 2), leg=max(1, 6 - week // 2))
            after = PainScore(back=max(0, pain.back - 1), leg=max(0, (pain.leg or 0) - 1))
            if day.weekday() in (0, 2, 4):
                kwargs: dict[str, object] = {}
                if week == 2 and day.weekday() == 0:
                    kwargs = {"skip_all": True}
                elif week == 3 and day.weekday() == 2:
                    kwargs = {"hurts": "bridge"}
                    pain, after = BRIDGE_PAIN_BEFORE, BRIDGE_PAIN_AFTER
                elif week == 4 and day.weekday() == 4:
                    kwargs = {"hurts": "knee-plank", "stop_after_hurt": True}
                record_session(store, catalogue, harder if week >= 3 else core,
                               local(day, 8), pain_before=pain, pain_after=after,
                               **kwargs)  # type: ignore[arg-type]
            elif day.weekday() in (1, 5):
                record_session(store, catalogue, "easy-walk", local(day, 17),
                               pain_before=pain, pain_after=after)
            if day == last_day - timedelta(days=1):
                record_session(store, catalogue, "desk-break", local(day, 11))
    finally:
        store.close()
    return first
