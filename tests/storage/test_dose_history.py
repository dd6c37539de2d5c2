"""Dose histories read back from a real history written by the recorder."""

from __future__ import annotations

from coach.core.clock import FakeClock
from coach.core.cues import Verbosity
from coach.core.engine import SessionEngine
from coach.core.plan import PlanSettings, plan_routine
from coach.core.records import PainScore
from coach.core.session_gate import SessionGate
from coach.recorder import SessionRecorder
from coach.storage.dose_history import exercise_histories, exercise_history
from tests.helpers.driving import run_for, run_to_end
from tests.helpers.factories import catalogue, exercise, routine

MINIMAL = PlanSettings(verbosity=Verbosity.MINIMAL, prepare_seconds=2)


def plank_catalogue():
    plank = exercise("plank", name="Forearm plank", hold_seconds=30, sets=2, rest_seconds=5)
    plank = plank.__class__(**{**plank.__dict__, "progression": (
        {"hold_seconds": 30}, {"hold_seconds": 45}, {"hold_seconds": 60})})
    bridge = exercise("bridge", hold_seconds=5, reps=2)
    return catalogue([plank, bridge], [routine("core", ["bridge", "plank"], name="Core"),
                                       routine("easy", ["bridge"], name="Easy")])


def run_session(store, now, cat, *, before=(3, 3), after=(3, 3), hurts_at: float | None = None,
                routine_id: str = "core"):
    gate = SessionGate(cat)
    target = cat.routine(routine_id)
    histories = exercise_histories(store, cat.exercises.values())
    decision = gate.check(target, sessions=store.sessions(), histories=histories)
    plan = plan_routine(cat, decision.apply(target), MINIMAL)
    engine = SessionEngine(plan, wall_clock=now)
    recorder = SessionRecorder(store, wall_clock=now, pain_before=PainScore(*before))
    engine.add_listener(recorder)
    clock = FakeClock()
    engine.start(clock.now())
    if hurts_at is not None:
        run_for(engine, clock, hurts_at)
        engine.hurts(clock.now())
    run_to_end(engine, clock)
    recorder.answer(pain_after=PainScore(*after))
    now.advance(days=1)
    return decision, plan


def test_three_recorded_sessions_step_the_plank_up_in_the_fourth(store, now):
    cat = plank_catalogue()
    for _ in range(3):
        decision, plan = run_session(store, now, cat)
        assert not decision.announcements
    history = exercise_history(store, cat.exercise("plank"))
    assert [s.completed for s in history] == [True, True, True]
    assert history[-1].planned == {"hold_seconds": 30.0, "reps": 1, "sets": 2}
    assert history[-1].pain_before == PainScore(3, 3)
    decision, plan = run_session(store, now, cat)
    assert [d.text for d in decision.announcements] == [
        "Forearm plank today: 45 s, up from 30 s"]
    rows = [s.record for s in store.sets() if s.record.exercise_id == "plank"]
    assert [r.hold_seconds_planned for r in rows[-2:]] == [45.0, 45.0]


def test_a_stop_for_pain_resets_the_count_at_that_level(store, now):
    cat = plank_catalogue()
    run_session(store, now, cat)
    run_session(store, now, cat)
    # Bridge is ~20 s; the plank's first hold runs from about 27 s.
    run_session(store, now, cat, hurts_at=35.0)
    history = exercise_history(store, cat.exercise("plank"))
    assert [s.completed for s in history] == [True, True, False]
    decision, _ = run_session(store, now, cat)
    assert not decision.announcements


def test_pain_rising_after_two_sessions_holds_the_dose(store, now):
    cat = plank_catalogue()
    for _ in range(3):
        run_session(store, now, cat)
    run_session(store, now, cat, before=(2, 2), after=(4, 2), routine_id="easy")
    run_session(store, now, cat, before=(2, 2), after=(2, 5), routine_id="easy")
    decision, plan = run_session(store, now, cat)
    assert decision.pain_rising
    assert [d.text for d in decision.announcements] == [
        "Forearm plank stays at 30 s today: pain has been rising after sessions."]
    plank = next(i for i in plan.items if i.exercise.id == "plank")
    assert plank.dose.hold_seconds == 30
