"""The leg with the sciatica: exercises done on each side start with it, or are done on it
alone; a prescribed routine's own side goes before the person's setting."""

from __future__ import annotations

import pytest

from coach.core.clock import FakeClock
from coach.core.cues import Verbosity
from coach.core.engine import SessionEngine
from coach.core.events import SessionFinished, SetCompleted
from coach.core.models import Side, Sides
from coach.core.plan import PhaseKind, PlanSettings, plan_exercise, plan_routine
from tests.core.catalogue_text import catalogue_text, load_text
from tests.helpers.factories import catalogue, exercise, routine
from tests.helpers.recorder import EventLog

MINIMAL = PlanSettings(verbosity=Verbosity.MINIMAL)


def _catalogue(**routine_kw):
    ex = exercise("piriformis", sides="each", first_side="right", hold_seconds=10, reps=1)
    plain = exercise("tilt", hold_seconds=5, reps=1)
    r = routine("r", ["piriformis", "tilt"])
    if routine_kw:
        import dataclasses
        r = dataclasses.replace(r, **routine_kw)
    return catalogue([ex, plain], [r])


def _held_sides(plan) -> list[Side | None]:
    return [p.side for p in plan.phases if p.kind is PhaseKind.HOLD]


def test_without_an_affected_side_each_exercise_starts_on_its_own_first_side():
    plan = plan_routine(_catalogue(), "r", MINIMAL)
    assert _held_sides(plan) == [Side.RIGHT, Side.LEFT, None]


def test_the_affected_side_goes_first():
    settings = PlanSettings(verbosity=Verbosity.MINIMAL, affected_side=Side.LEFT)
    plan = plan_routine(_catalogue(), "r", settings)
    assert _held_sides(plan) == [Side.LEFT, Side.RIGHT, None]
    assert plan.items[0].sides == (Side.LEFT, Side.RIGHT)


def test_on_the_affected_side_only_the_other_side_and_its_switch_are_left_out():
    settings = PlanSettings(verbosity=Verbosity.MINIMAL, affected_side=Side.LEFT,
                            affected_side_only=True)
    plan = plan_routine(_catalogue(), "r", settings)
    assert _held_sides(plan) == [Side.LEFT, None]
    assert PhaseKind.SWITCH not in [p.kind for p in plan.phases]
    assert plan.items[0].dose.describe() == "Hold 10 s · once · left side only"


def test_an_exercise_tried_on_its_own_starts_on_the_affected_side_too():
    settings = PlanSettings(verbosity=Verbosity.MINIMAL, affected_side=Side.LEFT)
    assert _held_sides(plan_exercise(_catalogue(), "piriformis", settings)) == [Side.LEFT,
                                                                                Side.RIGHT]


def test_a_prescribed_routines_side_goes_before_the_persons_setting():
    cat = _catalogue(affected_side=Side.RIGHT, affected_side_only=True)
    settings = PlanSettings(verbosity=Verbosity.MINIMAL, affected_side=Side.LEFT)
    assert _held_sides(plan_routine(cat, "r", settings)) == [Side.RIGHT, None]


def test_a_session_on_the_affected_side_only_runs_on_the_fake_clock_and_records_one_side():
    settings = PlanSettings(verbosity=Verbosity.MINIMAL, affected_side=Side.LEFT,
                            affected_side_only=True)
    plan = plan_routine(_catalogue(), "r", settings)
    clock = FakeClock(100.0)
    engine = SessionEngine(plan)
    log = EventLog()
    engine.add_listener(log)
    engine.start(clock.now())
    while not engine.finished:
        clock.set(engine.next_wakeup(clock.now()))
        engine.tick(clock.now())
    assert log.of(SessionFinished)
    sets = [(s.exercise_id, s.side) for s in log.of(SetCompleted)]
    assert sets == [("piriformis", Side.LEFT), ("tilt", None)]


def test_a_prescription_file_gives_the_affected_side_for_its_routine(tmp_path):
    text = catalogue_text().replace('sessions_per_week = 5',
                                    'sessions_per_week = 5\naffected_side = "left"\n'
                                    'affected_side_only = true')
    cat, _ = load_text(tmp_path, text)
    assert cat.problems == []
    r = cat.routine("morning")
    assert (r.affected_side, r.affected_side_only) == (Side.LEFT, True)
    assert cat.exercise("knee-to-chest").dose.sides is Sides.EACH
    assert _held_sides(plan_routine(cat, "morning", MINIMAL)) == [Side.LEFT, Side.LEFT]


@pytest.mark.parametrize(("extra", "field"), [
    ('affected_side = "middle"', "affected_side"),
    ("affected_side_only = true", "affected_side_only"),
])
def test_a_wrong_affected_side_in_a_file_is_reported(tmp_path, extra, field):
    text = catalogue_text().replace('sessions_per_week = 5', f"sessions_per_week = 5\n{extra}")
    cat, _ = load_text(tmp_path, text)
    assert [p.field for p in cat.problems] == [field]


def test_an_exported_prescription_carries_the_side_and_the_harder_and_old_ids_of_its_exercises(
        tmp_path):
    from coach.core.catalogue import parse_text
    from coach.core.prescription import needed_exercises, prescription_text

    text = (catalogue_text(exercises=("easy-one", "hard-one"), routine_items=("easy-one",))
            .replace('id = "easy-one"\n', 'id = "easy-one"\nharder = "hard-one"\n'
                     'old_ids = ["gentle-one"]\n')
            .replace("sessions_per_week = 5", 'sessions_per_week = 5\naffected_side = "right"'))
    cat, _ = load_text(tmp_path, text)
    assert cat.problems == []
    needed = needed_exercises(cat, [cat.routine("morning")], shipped=set())
    assert [e.id for e in needed] == ["easy-one", "hard-one"]  # the harder step goes along
    exported = prescription_text([cat.routine("morning")],
                                 [cat.exercise("easy-one"), cat.exercise("hard-one")],
                                 assets_dir=tmp_path / "assets")
    again = parse_text(exported, assets_dir=tmp_path / "assets", name="rx.toml")
    assert again.problems == []
    (routine, _), = again.routines
    assert (routine.affected_side, routine.affected_side_only) == (Side.RIGHT, False)
    easy = next(e for e in again.exercises if e.id == "easy-one")
    assert (easy.harder, easy.old_ids) == ("hard-one", ("gentle-one",))
