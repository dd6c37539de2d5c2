"""Which step the window highlights in each phase of an exercise."""

from __future__ import annotations

from coach.core.catalogue import load_catalogue
from coach.core.models import TempoPhase
from coach.core.plan import PhaseKind, hold_step, plan_exercise, tempo_steps
from coach.paths import assets_dir, default_catalogue
from tests.helpers.factories import exercise

DEFAULT = load_catalogue([default_catalogue()], assets_dir=assets_dir())


def steps_shown(exercise_id: str) -> dict[PhaseKind, set[int | None]]:
    shown: dict[PhaseKind, set[int | None]] = {}
    for phase in plan_exercise(DEFAULT, exercise_id).phases:
        shown.setdefault(phase.kind, set()).add(phase.step_index)
    return shown


def test_a_hold_shows_the_step_before_the_way_out_and_relaxing_shows_the_way_out():
    shown = steps_shown("knee-to-chest")  # 5 steps; the 5th lets the leg slide back down
    assert shown[PhaseKind.PREPARE] == {0}
    assert shown[PhaseKind.HOLD] == {3}
    assert shown[PhaseKind.RELAX] == {4}


def test_a_last_step_that_speaks_of_holding_is_the_hold_step():
    ex = exercise("x", steps=("Lie down.", "Lift.", "Hold it."), hold_seconds=5)
    assert hold_step(ex) == 2
    short = exercise("y", steps=("Stand.", "Reach up."), hold_seconds=5)
    assert hold_step(short) == 1


def test_tempo_parts_follow_the_steps_that_use_their_words():
    bridge = DEFAULT.exercise("bridge")
    assert tempo_steps(bridge, bridge.dose.tempo) == (2, 3, 4)  # lift, hold, lower
    cat = DEFAULT.exercise("cat-camel")
    assert tempo_steps(cat, cat.dose.tempo) == (2, 3)  # "rounded hump", "sink"
    squat = DEFAULT.exercise("squat")
    assert tempo_steps(squat, squat.dose.tempo) == (1, 3)  # "Sit back", "stand up"


def test_tempo_parts_without_matching_words_line_up_from_the_end_in_order():
    glide = DEFAULT.exercise("sciatic-nerve-glide")  # "lift" only appears in the last step
    assert tempo_steps(glide, glide.dose.tempo) == (1, 2, 3, 4)
    parts = (TempoPhase("up", 2), TempoPhase("down", 2), TempoPhase("rest", 1))
    ex = exercise("z", steps=("One.", "Two."), tempo=parts, reps=2)
    assert tempo_steps(ex, parts) == (0, 1, 1)
