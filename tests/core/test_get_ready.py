"""Getting into position: how long it lasts, which step is lit while the steps are read, the
Ready control, and Back on an exercise done on each side. Driven by the fake clock."""

from __future__ import annotations

from coach.core.catalogue import load_catalogue
from coach.core.clock import FakeClock
from coach.core.cues import CueKind, Verbosity
from coach.core.engine import BACK_GRACE_SECONDS, SessionEngine
from coach.core.events import CueRequested, CuesCancelled, ExerciseSkipped, PhaseEnded
from coach.core.models import Side
from coach.core.plan import (
    PhaseKind,
    PlanSettings,
    about,
    hold_step,
    plan_exercise,
    plan_routine,
    routine_seconds,
)
from coach.core.result import ExerciseStatus
from coach.paths import assets_dir, default_catalogue
from coach.settings import Settings
from coach.speech.settings import SpeechSettings
from tests.helpers.driving import run_to, run_to_end
from tests.helpers.factories import catalogue, exercise, routine
from tests.helpers.recorder import EventLog

DEFAULT = load_catalogue([default_catalogue()], assets_dir=assets_dir())
SILENT = PlanSettings(voice=False)
READING = PlanSettings(verbosity=Verbosity.FULL)


def prepares(plan):
    return [p.duration for p in plan.phases if p.kind is PhaseKind.PREPARE]


def test_with_the_voice_off_getting_into_position_lasts_the_get_ready_time_exactly():
    plan = plan_routine(DEFAULT, "gentle-daily-stretch", PlanSettings(prepare_seconds=5,
                                                                      voice=False))
    own = [item.dose.prepare_seconds for item in plan.items]
    assert prepares(plan) == [float(p if p is not None else 5) for p in own]


def test_when_the_steps_are_not_read_aloud_the_get_ready_time_is_not_lengthened():
    """Counts-only speech says the name and "Get into position", but reads no step."""
    ex = exercise("e", name="A stretch with a rather long name to say", prepare_seconds=5,
                  steps=("Lie on your back with both knees bent and your feet flat.",
                         "Loop a towel around one foot.", "Straighten that leg."))
    for settings in (PlanSettings(verbosity=Verbosity.COUNTS),
                     PlanSettings(verbosity=Verbosity.MINIMAL), SILENT):
        plan = plan_routine(catalogue([ex], [routine("r", ["e"])]), "r", settings)
        assert prepares(plan) == [5.0], settings
        assert [c.text for c in plan.phases[0].cues if c.kind is CueKind.STEP] == [ex.steps[0]]


def test_only_a_voice_reading_the_steps_lengthens_the_get_ready_time():
    plan = plan_exercise(DEFAULT, "knee-to-chest", READING)
    prepare = plan.phases[0]
    steps = [c for c in prepare.cues if c.kind is CueKind.STEP]
    assert len(steps) == 5
    assert prepare.duration > 10  # the exercise's own prepare time is 10 s
    assert prepare.duration - 3 >= steps[-1].offset  # the reading ends before "3, 2, 1"


def test_muting_the_voice_in_the_settings_means_no_reading_time_is_planned():
    muted = Settings(speech=SpeechSettings(mute=True)).plan_settings()
    assert muted.voice is False
    assert not muted.reads_steps
    assert Settings().plan_settings().reads_steps
    counts = Settings(speech=SpeechSettings(verbosity=Verbosity.COUNTS)).plan_settings()
    assert counts.voice
    assert not counts.reads_steps


def engine_for(plan):
    clock = FakeClock(0.0)
    engine = SessionEngine(plan)
    log = EventLog()
    engine.add_listener(log)
    engine.start(clock.now())
    return engine, clock, log


def test_the_step_lit_follows_the_step_being_read_then_the_first_step_for_the_countdown():
    plan = plan_exercise(DEFAULT, "knee-to-chest", READING)
    prepare = plan.phases[0]
    engine, clock, _ = engine_for(plan)
    steps = [c for c in prepare.cues if c.kind is CueKind.STEP]
    for n, cue in enumerate(steps):
        run_to(engine, clock, cue.offset + 0.01)
        assert engine.snapshot(clock.now()).step_index == n
    run_to(engine, clock, prepare.duration - 2.5)  # "3, 2, 1": get into position
    assert engine.snapshot(clock.now()).step_index == 0
    run_to(engine, clock, prepare.duration + 0.5)
    state = engine.snapshot(clock.now())
    assert state.phase_kind is PhaseKind.HOLD
    assert state.step_index == hold_step(DEFAULT.exercise("knee-to-chest")) == 3


def test_without_reading_the_first_step_stays_lit_while_getting_into_position():
    plan = plan_exercise(DEFAULT, "knee-to-chest", SILENT)
    engine, clock, _ = engine_for(plan)
    for t in (0.0, 4.0, 9.5):
        run_to(engine, clock, t)
        assert engine.snapshot(clock.now()).step_index == 0


# --- Ready ------------------------------------------------------------------------------------


def test_ready_starts_the_exercise_at_once_and_is_not_a_skip():
    plan = plan_exercise(DEFAULT, "knee-to-chest", READING)
    engine, clock, log = engine_for(plan)
    run_to(engine, clock, 4.0)
    log.clear()
    assert engine.ready(clock.now())
    assert log.of(CuesCancelled)[0].reason == "ready"
    assert log.of(PhaseEnded)[0].completed
    assert engine.phase.kind is PhaseKind.HOLD
    assert engine.snapshot(clock.now()).remaining == engine.phase.duration
    assert not engine.ready(clock.now())  # only during a lead-in
    run_to_end(engine, clock)
    assert not log.of(ExerciseSkipped)
    assert engine.result.exercises[0].status is ExerciseStatus.COMPLETED


def test_ready_also_ends_the_switch_to_the_other_side():
    plan = plan_exercise(DEFAULT, "knee-to-chest", SILENT)
    engine, clock, _ = engine_for(plan)
    switch = next(p for p in plan.phases if p.kind is PhaseKind.SWITCH)
    run_to(engine, clock, plan.phases[switch.index - 1].duration and 0)
    while engine.phase.kind is not PhaseKind.SWITCH:
        run_to(engine, clock, engine.next_wakeup(clock.now()))
    assert engine.ready(clock.now())
    assert engine.phase.kind is PhaseKind.HOLD
    assert engine.phase.side is Side.LEFT


def test_ready_while_paused_moves_on_and_stays_paused():
    plan = plan_exercise(DEFAULT, "knee-to-chest", SILENT)
    engine, clock, _ = engine_for(plan)
    run_to(engine, clock, 2.0)
    engine.pause(clock.now())
    assert engine.ready(clock.now())
    assert engine.paused
    assert engine.phase.kind is PhaseKind.HOLD


# --- Back on two sides ------------------------------------------------------------------------


def two_sided():
    return [exercise("a", hold_seconds=10, reps=2, relax_seconds=2, prepare_seconds=5),
            exercise("b", hold_seconds=10, reps=2, relax_seconds=2, prepare_seconds=5,
                     sides="each", first_side="right")]


def test_back_on_the_second_side_goes_to_the_start_of_that_side_then_the_first_side():
    cat = catalogue(two_sided(), [routine("r", ["a", "b"], rest_between_seconds=10)])
    plan = plan_routine(cat, "r", SILENT)
    engine, clock, _ = engine_for(plan)
    left_hold = next(p for p in plan.phases
                     if p.kind is PhaseKind.HOLD and p.side is Side.LEFT)
    while engine.phase.index != left_hold.index:
        run_to(engine, clock, engine.next_wakeup(clock.now()))
    run_to(engine, clock, clock.now() + 6)
    assert engine.back(clock.now())
    assert engine.phase.kind is PhaseKind.SWITCH
    assert engine.phase.side is Side.LEFT
    run_to(engine, clock, clock.now() + BACK_GRACE_SECONDS / 2)
    assert engine.back(clock.now())  # again at once: the first side
    assert engine.phase.kind is PhaseKind.PREPARE
    assert engine.phase.side is Side.RIGHT
    assert engine.phase.item_index == 1
    assert engine.back(clock.now())  # and again: the previous exercise
    assert engine.phase.item_index == 0
    assert engine.phase.kind is PhaseKind.PREPARE


def test_back_during_the_rest_after_a_two_sided_exercise_redoes_its_last_side():
    cat = catalogue(list(reversed(two_sided())), [routine("r", ["b", "a"])])
    plan = plan_routine(cat, "r", SILENT)
    engine, clock, _ = engine_for(plan)
    while engine.phase.kind is not PhaseKind.REST_BETWEEN:
        run_to(engine, clock, engine.next_wakeup(clock.now()))
    assert engine.back(clock.now())
    assert engine.phase.kind is PhaseKind.SWITCH
    assert engine.phase.side is Side.LEFT


# --- the routine's length ---------------------------------------------------------------------


def test_a_routines_length_is_every_phase_of_its_plan_get_ready_rests_and_sides_included():
    for settings in (SILENT, READING, PlanSettings(prepare_seconds=20, voice=False)):
        plan = plan_routine(DEFAULT, "gentle-daily-stretch", settings)
        total = sum(p.duration or 0 for p in plan.phases)
        assert routine_seconds(DEFAULT, "gentle-daily-stretch", settings) == total
    assert (routine_seconds(DEFAULT, "gentle-daily-stretch", READING)
            > routine_seconds(DEFAULT, "gentle-daily-stretch", SILENT))


def test_an_open_ended_activity_counts_at_its_suggested_time():
    walking = exercise("walk", open_ended=True, duration_seconds=600, prepare_seconds=5)
    plan = plan_routine(catalogue([walking], [routine("r", ["walk"])]), "r", SILENT)
    walk = next(p for p in plan.phases if p.kind is PhaseKind.OPEN)
    assert walk.guide_seconds
    assert plan.expected_seconds == plan.total_seconds + walk.guide_seconds


def test_a_length_reads_to_the_minute_past_a_minute_and_a_half():
    assert about(574) == "about 10 min"
    assert about(45) == "about 45 s"
    assert about(90) == "about 2 min"


# --- the voice stops reading during the session -----------------------------------------------


def test_a_get_ready_that_starts_with_nobody_reading_lasts_its_set_time():
    """Planned with the voice reading the steps, then muted: the next get-ready is its set
    time again, with only the first step, and the first step lit throughout."""
    plan = plan_routine(DEFAULT, "flare-up", READING)  # ...pelvic tilt 5 s, knee to chest 10 s
    engine, clock, log = engine_for(plan)
    knee = next(i.index for i in plan.items if i.exercise.id == "knee-to-chest")
    second = next(p for p in plan.phases
                  if p.kind is PhaseKind.PREPARE and p.item_index == knee)
    assert second.duration > 10
    assert second.base_duration == 10
    engine.reads_steps = False
    while engine.phase.index != second.index:
        run_to(engine, clock, engine.next_wakeup(clock.now()))
    start = clock.now()
    asked = [e.cue for e in log.of(CueRequested) if e.cue.phase_id == second.index]
    assert [c.text for c in asked if c.kind is CueKind.STEP] == [
        DEFAULT.exercise("knee-to-chest").steps[0]]
    assert all(c.due <= start + 10 for c in asked)
    assert engine.snapshot(clock.now()).remaining == 10
    run_to(engine, clock, start + 9)
    assert engine.snapshot(clock.now()).step_index == 0
    run_to(engine, clock, start + 10.01)
    assert engine.phase.kind is PhaseKind.HOLD
