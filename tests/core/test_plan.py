"""The planner: which phases a routine implies, how long each is, and which cues each asks for."""

from __future__ import annotations

import pytest

from coach.core.cues import CueKind, Verbosity
from coach.core.models import Routine, Side
from coach.core.plan import (
    FINISHED_TEXT,
    HURTS_TEXT,
    PhaseKind,
    PlanError,
    PlanSettings,
    limb_of,
    plan_exercise,
    plan_routine,
    spoken_duration,
)
from tests.helpers.factories import catalogue, exercise, routine

MINIMAL = PlanSettings(verbosity=Verbosity.MINIMAL)


def kinds(plan) -> list[str]:
    return [p.kind.value for p in plan.phases]


def texts(phase, kind: CueKind | None = None) -> list[str]:
    return [c.text for c in phase.cues if kind is None or c.kind is kind]


def one(ex, settings=MINIMAL, **routine_kw):
    cat = catalogue([ex], [routine("r", [ex.id], **routine_kw)])
    return plan_routine(cat, "r", settings)


def test_a_held_exercise_on_each_side_runs_all_sets_on_the_first_side_then_switches():
    ex = exercise("knee-hug", sides="each", first_side="left", hold_seconds=10, reps=2, sets=2,
                  rest_seconds=10, relax_seconds=3)
    plan = one(ex)
    assert kinds(plan) == [
        "prepare",
        "hold", "relax", "hold", "rest", "hold", "relax", "hold",
        "switch",
        "hold", "relax", "hold", "rest", "hold", "relax", "hold",
        "finished",
    ]
    sides = [p.side for p in plan.phases if p.kind is PhaseKind.HOLD]
    assert sides == [Side.LEFT] * 4 + [Side.RIGHT] * 4
    holds = [(p.set_number, p.rep_number) for p in plan.phases if p.kind is PhaseKind.HOLD]
    assert holds == [(1, 1), (1, 2), (2, 1), (2, 2)] * 2


def test_only_the_last_hold_of_a_set_ends_the_set_and_only_the_very_last_ends_the_exercise():
    plan = one(exercise("e", sides="each", hold_seconds=10, reps=2, sets=2))
    holds = [p for p in plan.phases if p.kind is PhaseKind.HOLD]
    assert all(p.ends_rep for p in holds)
    assert [p.ends_set for p in holds] == [False, True] * 4
    assert [p.ends_exercise for p in holds] == [False] * 7 + [True]


def test_the_side_switch_is_spoken_and_shown_and_names_the_leg_for_leg_exercises():
    plan = one(exercise("hamstring-stretch", sides="each", hold_seconds=10))
    switch = next(p for p in plan.phases if p.kind is PhaseKind.SWITCH)
    assert switch.text == "Switch to the left leg"
    assert texts(switch, CueKind.SWITCH) == ["Switch to the left leg"]
    assert switch.side is Side.LEFT
    assert switch.side_label == "Left leg"
    assert texts(plan.phases[0], CueKind.PREPARE) == ["Get into position. Right leg first."]


def test_an_exercise_that_does_not_name_a_leg_switches_sides():
    ex = exercise("trunk-rotation", sides="each", hold_seconds=10,
                  steps=("Lie on your back.", "Let both knees fall to one side."))
    assert limb_of(ex) == "side"
    switch = next(p for p in one(ex).phases if p.kind is PhaseKind.SWITCH)
    assert switch.text == "Switch to the left side"


def test_rest_between_sets_says_how_long_and_counts_down_into_the_next_set():
    plan = one(exercise("e", hold_seconds=10, sets=2, rest_seconds=30))
    rest = next(p for p in plan.phases if p.kind is PhaseKind.REST)
    assert rest.duration == 30
    assert texts(rest) == ["Rest for 30 seconds", "3", "2", "1"]
    assert [c.offset for c in rest.cues if c.kind is CueKind.COUNTDOWN] == [3, 2, 1]
    assert all(c.from_end for c in rest.cues if c.kind is CueKind.COUNTDOWN)


def test_held_sets_without_a_rest_are_separated_by_the_relax_time():
    plan = one(exercise("e", hold_seconds=10, sets=2, reps=1, relax_seconds=4))
    assert kinds(plan) == ["prepare", "hold", "relax", "hold", "finished"]
    assert plan.phases[2].duration == 4


def test_a_hold_says_its_rep_number_hold_halfway_counts_down_and_relaxes_at_its_end():
    plan = one(exercise("e", hold_seconds=30, reps=2))
    first, second = (p for p in plan.phases if p.kind is PhaseKind.HOLD)
    assert texts(first) == ["Hold", "Halfway", "3", "2", "1", "Relax"]
    assert texts(second) == ["2", "Hold", "Halfway", "3", "2", "1", "Relax", "Well done"]
    halfway = next(c for c in first.cues if c.kind is CueKind.HALFWAY)
    assert halfway.offset == 15
    assert not halfway.from_end
    relax = next(c for c in first.cues if c.kind is CueKind.RELAX)
    assert relax.from_end
    assert relax.offset == 0


def test_short_holds_have_no_countdown_and_no_halfway():
    plan = one(exercise("e", hold_seconds=3, reps=1))
    hold = plan.phases[1]
    assert texts(hold) == ["Hold", "Relax", "Well done"]


def test_tempo_reps_are_one_phase_per_part_with_the_parts_own_words():
    ex = exercise("bridge", name="Bridge",
                  tempo=[("lift", 2, "Lift"), ("hold", 3), ("lower", 2, "Lower slowly")],
                  reps=2)
    plan = one(ex)
    tempo = [p for p in plan.phases if p.kind is PhaseKind.TEMPO]
    assert [(p.text, p.duration, p.rep_number) for p in tempo] == [
        ("Lift", 2, 1), ("Hold", 3, 1), ("Lower", 2, 1),
        ("Lift", 2, 2), ("Hold", 3, 2), ("Lower", 2, 2),
    ]
    assert [texts(p) for p in tempo] == [
        ["Begin", "Lift"], ["Hold"], ["Lower slowly"],
        ["2", "Lift"], ["Hold"], ["Lower slowly", "Well done"],
    ]
    assert [p.ends_rep for p in tempo] == [False, False, True] * 2


def test_a_duration_activity_begins_says_halfway_counts_down_and_finishes_in_its_own_words():
    ex = exercise("heat", duration_seconds=900, cues={"finish": "Time is up."})
    plan = one(ex)
    assert kinds(plan) == ["prepare", "duration", "finished"]
    activity = plan.phases[1]
    assert activity.duration == 900
    assert texts(activity) == ["Begin", "Halfway", "3", "2", "1", "Time is up."]
    assert activity.ends_exercise


def test_an_open_ended_activity_has_no_deadline_and_mentions_its_guide_time():
    plan = one(exercise("walk", open_ended=True, duration_seconds=600))
    activity = plan.phases[1]
    assert activity.kind is PhaseKind.OPEN
    assert activity.duration is None
    assert activity.guide_seconds == 600
    notice = next(c for c in activity.cues if c.kind is CueKind.NOTICE)
    assert notice.text == "That's 10 minutes. Stop whenever you are ready."
    assert notice.offset == 600
    assert not any(c.kind is CueKind.COUNTDOWN for c in activity.cues)
    assert plan.open_ended


def test_exercises_are_separated_by_a_rest_that_names_the_next_one():
    a = exercise("a", hold_seconds=5)
    b = exercise("bridge", name="Bridge", hold_seconds=5)
    cat = catalogue([a, b], [routine("r", ["a", "bridge"], rest_between_seconds=20)])
    plan = plan_routine(cat, "r", MINIMAL)
    assert kinds(plan) == ["prepare", "hold", "rest-between", "prepare", "hold", "finished"]
    rest = plan.phases[2]
    assert rest.duration == 20
    assert rest.item_index is None
    assert rest.next_item_index == 1
    assert texts(rest) == ["Rest for 20 seconds", "Next up: Bridge"]
    assert plan.items[0].rest_phase == 2
    assert plan.items[0].next_phase == 3
    assert plan.items[1].rest_phase is None
    assert plan.items[1].next_phase == 5


def test_the_settings_rest_between_exercises_replaces_the_routines_own():
    cat = catalogue([exercise("a"), exercise("b")], [routine("r", ["a", "b"])])
    plan = plan_routine(cat, "r", PlanSettings(rest_between_seconds=0,
                                               verbosity=Verbosity.MINIMAL))
    assert "rest-between" not in kinds(plan)


def test_routine_item_overrides_change_the_dose_for_that_routine_only():
    ex = exercise("e", hold_seconds=20, reps=3)
    cat = catalogue([ex], [routine("r", [("e", {"hold_seconds": 30, "reps": 1})])])
    plan = plan_routine(cat, "r", MINIMAL)
    holds = [p for p in plan.phases if p.kind is PhaseKind.HOLD]
    assert [p.duration for p in holds] == [30]
    assert plan.items[0].set_seconds == 30


def test_the_prepare_time_comes_from_the_dose_or_else_the_setting():
    assert one(exercise("e", prepare_seconds=12)).phases[0].duration == 12
    assert one(exercise("e"), PlanSettings(prepare_seconds=7,
                                           verbosity=Verbosity.MINIMAL)).phases[0].duration == 7


def test_with_no_prepare_time_the_introduction_moves_to_the_first_hold():
    plan = one(exercise("e", name="Cat", hold_seconds=10, prepare_seconds=0))
    assert kinds(plan) == ["hold", "finished"]
    hold = plan.phases[0]
    assert texts(hold)[:4] == ["Cat", "Get into position.", "Lie on your back.", "Hold"]
    assert all(c.offset == 0 for c in hold.cues[:4])


def test_full_verbosity_reads_every_step_before_the_countdown_lengthening_the_prepare():
    steps = ("Lie on your back with both knees bent and your feet flat on the mat.",
             "Loop a towel around the sole of one foot and hold one end in each hand.",
             "Straighten that leg up towards the ceiling as far as is comfortable.")
    ex = exercise("towel", steps=steps, hold_seconds=10, prepare_seconds=5)
    plan = one(ex, PlanSettings(verbosity=Verbosity.FULL))
    prepare = plan.phases[0]
    step_cues = [c for c in prepare.cues if c.kind is CueKind.STEP]
    assert [c.text for c in step_cues] == list(steps)
    offsets = [c.offset for c in step_cues]
    assert offsets == sorted(offsets)
    assert len(set(offsets)) == 3
    first_count = next(c for c in prepare.cues if c.kind is CueKind.COUNTDOWN)
    assert prepare.duration > 5
    assert prepare.duration - first_count.offset > offsets[-1]
    assert prepare.duration == int(prepare.duration)


def test_below_full_verbosity_only_the_first_step_is_shown_and_the_prepare_keeps_its_time():
    ex = exercise("e", steps=("One.", "Two.", "Three."), hold_seconds=10, prepare_seconds=5)
    prepare = one(ex, MINIMAL).phases[0]
    assert texts(prepare, CueKind.STEP) == ["One."]
    assert prepare.duration == 5
    assert prepare.step_index == 0


def test_an_exercises_own_cue_words_replace_the_defaults():
    ex = exercise("e", sides="each", hold_seconds=30, reps=1,
                  cues={"intro": "Knee hugs.", "start": "Ease in and hold",
                        "relax": "Let go", "halfway": "Half way there",
                        "switch": "Other leg now", "finish": "Lovely"})
    plan = one(ex)
    all_texts = [c.text for p in plan.phases for c in p.cues]
    for word in ("Knee hugs.", "Ease in and hold", "Let go", "Half way there",
                 "Other leg now", "Lovely"):
        assert word in all_texts
    for default in ("Hold", "Relax", "Halfway", "Well done"):
        assert default not in all_texts


def test_the_plan_ends_with_a_finished_phase_that_says_so():
    plan = one(exercise("e"))
    last = plan.phases[-1]
    assert last.kind is PhaseKind.FINISHED
    assert last.duration == 0
    assert texts(last) == [FINISHED_TEXT]


def test_no_cue_is_placed_after_the_end_of_its_phase():
    exercises = [
        exercise("a", sides="each", hold_seconds=2, reps=3, sets=2, rest_seconds=1,
                 prepare_seconds=1, relax_seconds=0.5),
        exercise("b", tempo=[("up", 0.5), ("down", 0.5)], reps=3, sets=2, rest_seconds=2),
        exercise("c", duration_seconds=4),
        exercise("d", open_ended=True, duration_seconds=30),
    ]
    cat = catalogue(exercises, [routine("r", ["a", "b", "c", "d"], rest_between_seconds=1)])
    for verbosity in Verbosity:
        plan = plan_routine(cat, "r", PlanSettings(prepare_seconds=2, verbosity=verbosity))
        for phase in plan.phases:
            for cue in phase.cues:
                assert cue.offset >= 0
                if phase.duration is not None:
                    assert cue.offset <= phase.duration, (phase.kind, cue)


def test_planned_totals_count_timed_phases_and_work_phases():
    ex = exercise("e", hold_seconds=10, reps=2, relax_seconds=3, prepare_seconds=5)
    plan = one(ex)
    assert plan.total_seconds == 5 + 10 + 3 + 10
    assert plan.active_seconds == 20
    assert plan.remaining_after(0) == 23
    assert plan.items[0].work_seconds == 20


def test_cue_texts_lists_each_phrase_once_and_can_be_limited_to_what_is_spoken():
    ex = exercise("e", name="Cat", hold_seconds=10, reps=3)
    plan = one(ex, PlanSettings(verbosity=Verbosity.FULL))
    every = plan.cue_texts()
    assert len(every) == len(set(every))
    assert {"Cat", "Hold", "Relax", "2", "3", "1", "Well done", FINISHED_TEXT,
            HURTS_TEXT} <= set(every)
    minimal = plan.cue_texts(Verbosity.MINIMAL)
    assert "Cat" not in minimal
    assert "Lie on your back." not in minimal
    assert "Hold" in minimal
    assert HURTS_TEXT in minimal


def test_one_exercise_can_be_planned_on_its_own():
    cat = catalogue([exercise("cat-camel", name="Cat-camel", hold_seconds=5)])
    plan = plan_exercise(cat, "cat-camel", MINIMAL)
    assert plan.routine_id is None
    assert plan.name == "Cat-camel"
    assert kinds(plan) == ["prepare", "hold", "finished"]


def test_unknown_and_unusable_routines_cannot_be_planned():
    cat = catalogue([exercise("a")], [routine("r", ["a"])])
    with pytest.raises(PlanError, match="no routine 'nope'"):
        plan_routine(cat, "nope")
    with pytest.raises(PlanError, match="no exercise 'nope'"):
        plan_exercise(cat, "nope")
    broken = Routine(id="b", name="B", description="", items=cat.routines["r"].items,
                     unusable_reason="exercise 'x' has problems")
    with pytest.raises(PlanError, match="cannot be started: exercise 'x' has problems"):
        plan_routine(cat, broken)


def test_durations_are_spoken_in_plain_words():
    assert spoken_duration(1) == "1 second"
    assert spoken_duration(30) == "30 seconds"
    assert spoken_duration(2.5) == "2.5 seconds"
    assert spoken_duration(60) == "1 minute"
    assert spoken_duration(150) == "2 minutes 30 seconds"


def test_every_default_routine_plans_with_every_cue_inside_its_phase():
    from coach.core.catalogue import load_catalogue
    from coach.paths import assets_dir, default_catalogue

    cat = load_catalogue([default_catalogue()], assets_dir=assets_dir())
    assert cat.usable_routines()
    for r in cat.usable_routines():
        plan = plan_routine(cat, r, PlanSettings())
        assert plan.phases[-1].kind is PhaseKind.FINISHED
        assert len(plan.items) == len(r.items)
        for phase in plan.phases:
            assert all(c.offset <= (phase.duration or float("inf")) for c in phase.cues)
