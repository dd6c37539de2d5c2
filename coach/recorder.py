"""Writes a running session to the history the moment each thing happens.

`SessionRecorder` is an engine listener: `engine.add_listener(recorder)`. It turns

- `SessionStarted` into `HistoryStore.start_session` (routine, local start time, weekly goal,
  the pain scores asked before the session),
- every `SetCompleted` into `record_set`, committed before the listener returns, so a crash or a
  power cut a moment later keeps every set completed before it,
- `ExerciseSkipped` and `ExerciseStoppedForPain` into `record_exercise_event`,
- `SessionFinished` into `finish_session` with its outcome (`outcome_for`).

Answers the window asks after the session (pain after, how it felt, a note) go through
`answer()`. Engine times are monotonic seconds; the history stores local wall-clock times, read
from the injected `wall_clock` when each event arrives (events are delivered as they happen).
Storage notices (full disk, ...) reach the window through the store's own `on_notice`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from coach.core.events import (
    Event,
    ExerciseSkipped,
    ExerciseStoppedForPain,
    SessionFinished,
    SessionStarted,
    SetCompleted,
)
from coach.core.records import (
    ExerciseEvent,
    ExerciseEventKind,
    Felt,
    LegPain,
    Outcome,
    PainScore,
    SetRecord,
)
from coach.core.result import SessionResult
from coach.storage.history import HistoryStore

log = logging.getLogger(__name__)

#: The routine id recorded for a session of one exercise on its own (no routine).
SINGLE_EXERCISE_ROUTINE_ID = "single-exercise"


def _local_now() -> datetime:
    return datetime.now().astimezone()


def outcome_for(result: SessionResult) -> Outcome:
    """How a finished session is recorded: `SessionResult.outcome` (completed, partly done,
    nothing done, stopped for pain, ended early)."""
    return result.outcome


class SessionRecorder:
    """Records one session from its engine events; see the module docstring."""

    def __init__(
        self,
        store: HistoryStore,
        *,
        weekly_goal: int | None = None,
        pain_before: PainScore | None = None,
        leg_pain_spreading: bool | None = None,
        leg_pain: LegPain | None = None,
        wall_clock: Callable[[], datetime] = _local_now,
    ) -> None:
        self._store = store
        self._goal = weekly_goal
        self._pain_before = pain_before
        self._spreading = leg_pain_spreading
        self._leg_pain = leg_pain
        self._wall = wall_clock
        self._session_id: int | None = None
        self._finished = False

    @property
    def session_id(self) -> int | None:
        """The history's id for this session once it has started (see `start_session`)."""
        return self._session_id

    @property
    def finished(self) -> bool:
        return self._finished

    def __call__(self, event: Event) -> None:
        if isinstance(event, SessionStarted):
            self._started(event)
            return
        if self._session_id is None or self._finished:
            return  # nothing to attach it to: the session has not started, or is over
        if isinstance(event, SetCompleted):
            self._store.record_set(self._session_id, SetRecord(
                exercise_id=event.exercise_id,
                set_number=event.set_number,
                completed_at=self._wall(),
                side=event.side,
                complete=event.complete,
                reps_done=event.reps_done,
                reps_planned=event.reps_planned,
                hold_seconds=event.hold_seconds,
                hold_seconds_planned=event.hold_seconds_planned,
                work_seconds=event.work_seconds,
                work_seconds_planned=event.work_seconds_planned,
                sets_planned=event.sets,
                item_index=event.item_index,
            ))
        elif isinstance(event, ExerciseSkipped | ExerciseStoppedForPain):
            kind = (ExerciseEventKind.SKIPPED if isinstance(event, ExerciseSkipped)
                    else ExerciseEventKind.STOPPED_FOR_PAIN)
            self._store.record_exercise_event(self._session_id, ExerciseEvent(
                kind, event.exercise_id, self._wall(), side=event.side,
                detail=event.result.reason))
        elif isinstance(event, SessionFinished):
            result = event.result
            self._store.finish_session(
                self._session_id, result.ended_wall or self._wall(), outcome_for(result))
            self._finished = True

    def _started(self, event: SessionStarted) -> None:
        if self._session_id is not None:
            raise RuntimeError("a SessionRecorder records one session; make a new one")
        plan = event.plan
        self._session_id = self._store.start_session(
            plan.routine_id or SINGLE_EXERCISE_ROUTINE_ID,
            plan.name,
            self._wall(),
            weekly_goal=self._goal,
            pain_before=self._pain_before,
            leg_pain_spreading=self._spreading,
            leg_pain=self._leg_pain,
        )

    def set_answers_before(self, *, pain_before: PainScore | None = None,
                           leg_pain_spreading: bool | None = None,
                           leg_pain: LegPain | None = None) -> None:
        """The answers asked before the session, when they are known only after the recorder
        was made (the terminal asks them after opening the history). Before the start only."""
        if self._session_id is not None:
            raise RuntimeError("the session has started; use answer()")
        self._pain_before = pain_before
        self._spreading = leg_pain_spreading
        self._leg_pain = leg_pain

    def answer(
        self,
        *,
        pain_before: PainScore | None = None,
        pain_after: PainScore | None = None,
        felt: Felt | str | None = None,
        note: str | None = None,
        leg_pain_after: LegPain | None = None,
    ) -> None:
        """Store answers the window asked for once the session is under way or over.

        Each may be None (not asked, or skipped); what is given replaces what is stored.
        """
        if self._session_id is None:
            raise RuntimeError("the session has not started yet")
        if pain_before is not None or pain_after is not None:
            self._store.update_pain(self._session_id, before=pain_before, after=pain_after)
        if felt is not None or note or leg_pain_after is not None:
            self._store.update_feedback(self._session_id, felt=felt, note=note,
                                        leg_pain_after=leg_pain_after)
