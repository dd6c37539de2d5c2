"""The default catalogue (exercises.toml) that ships with the app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coach.core.catalogue import load_catalogue
from coach.core.models import Catalogue, Category, DoseKind, Exercise

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "exercises.toml"
ASSETS = ROOT / "assets"

# Every exercise the source articles name, plus heat, cold and the posture break.
EXPECTED_EXERCISES = (
    "knee-to-chest", "sciatic-nerve-glide", "pigeon-pose", "seated-spinal-twist",
    "back-extension-on-elbows", "pelvic-tilt", "hamstring-stretch", "piriformis-stretch",
    "cat-camel", "bridge", "squat", "plank", "walking", "heat-therapy", "cold-therapy",
    "sitting-posture-break",
)
REQUIRED_ROUTINES = ("gentle-daily-stretch", "core-and-glutes", "desk-break", "flare-up")
GLIDES_AND_STRETCHES = {Category.STRETCH, Category.NERVE_GLIDE}
HEAT_AND_COLD = {Category.HEAT, Category.COLD}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue([DEFAULT], assets_dir=ASSETS)


def _exercises(catalogue: Catalogue) -> list[Exercise]:
    return list(catalogue.exercises.values())


def test_the_default_catalogue_loads_with_no_problems(catalogue: Catalogue) -> None:
    assert [str(p) for p in catalogue.problems] == []


def test_every_exercise_named_in_the_sources_is_present(catalogue: Catalogue) -> None:
    assert set(EXPECTED_EXERCISES) <= set(catalogue.exercises)


def test_every_exercise_has_three_to_six_steps(catalogue: Catalogue) -> None:
    for ex in _exercises(catalogue):
        assert 3 <= len(ex.steps) <= 6, ex.id


def test_every_exercise_has_its_illustration_under_assets(catalogue: Catalogue) -> None:
    for ex in _exercises(catalogue):
        assert ex.image is not None, ex.id
        assert ex.image.is_file(), ex.id
        assert ex.image.is_relative_to(ASSETS.resolve()), ex.id
        assert ex.image.name == f"{ex.id}.svg"


def test_every_exercise_names_its_sources(catalogue: Catalogue) -> None:
    for ex in _exercises(catalogue):
        assert ex.sources, ex.id


def test_stretches_and_glides_ask_for_a_stretch_never_pain(catalogue: Catalogue) -> None:
    for ex in _exercises(catalogue):
        if ex.category in GLIDES_AND_STRETCHES:
            assert any("never pain" in c for c in ex.cautions), ex.id


def test_every_movement_stops_when_symptoms_spread_down_the_leg(
    catalogue: Catalogue,
) -> None:
    for ex in _exercises(catalogue):
        if ex.category not in HEAT_AND_COLD:
            assert any("further down the leg" in s for s in ex.stop_if), ex.id


@pytest.mark.parametrize("exercise_id", ["heat-therapy", "cold-therapy"])
def test_heat_and_cold_always_keep_a_towel_between_pack_and_skin(
    catalogue: Catalogue, exercise_id: str
) -> None:
    ex = catalogue.exercise(exercise_id)
    assert any("towel" in c for c in ex.cautions)
    assert "towel" in ex.cue("intro", "")


def test_heat_and_cold_run_for_the_times_the_sources_give(catalogue: Catalogue) -> None:
    assert 15 * 60 <= (catalogue.exercise("heat-therapy").dose.duration_seconds or 0) <= 20 * 60
    assert 10 * 60 <= (catalogue.exercise("cold-therapy").dose.duration_seconds or 0) <= 15 * 60


def test_every_easier_choice_is_a_different_exercise(catalogue: Catalogue) -> None:
    for ex in _exercises(catalogue):
        if ex.easier is not None:
            assert ex.easier in catalogue.exercises, ex.id
            assert ex.easier != ex.id


def test_spoken_text_has_no_symbols_or_abbreviations(catalogue: Catalogue) -> None:
    unspeakable = re.compile(r"->|~|\be\.g\.|\bi\.e\.|\bapprox|\d\s*s\b|%|/")
    for ex in _exercises(catalogue):
        spoken = [ex.summary, *ex.steps, *ex.cues.values(),
                  *(p.cue or p.name for p in ex.dose.tempo)]
        for text in spoken:
            assert not unspeakable.search(text), (ex.id, text)


@pytest.mark.parametrize("routine_id", REQUIRED_ROUTINES)
def test_the_required_routines_exist_and_can_be_started(
    catalogue: Catalogue, routine_id: str
) -> None:
    routine = catalogue.routine(routine_id)
    assert routine.usable, routine.unusable_reason
    assert routine.description
    for item in routine.items:
        assert item.exercise_id in catalogue.exercises


def test_the_daily_stretch_routine_is_meant_for_every_day(catalogue: Catalogue) -> None:
    assert catalogue.routine("gentle-daily-stretch").sessions_per_week == 7


def test_the_core_routine_runs_three_times_a_week_for_six_weeks(catalogue: Catalogue) -> None:
    routine = catalogue.routine("core-and-glutes")
    assert (routine.sessions_per_week, routine.weeks) == (3, 6)


def test_the_desk_break_is_about_five_minutes_without_lying_down(catalogue: Catalogue) -> None:
    routine = catalogue.routine("desk-break")
    assert 4 * 60 <= catalogue.active_seconds(routine) <= 6 * 60
    for item in routine.items:
        position = catalogue.exercise(item.exercise_id).position
        assert position in {"sitting-on-chair", "standing", "any"}, item.exercise_id


def test_the_flare_up_routine_ends_with_cold_and_keeps_holds_short(
    catalogue: Catalogue,
) -> None:
    routine = catalogue.routine("flare-up")
    ids = [item.exercise_id for item in routine.items]
    assert ids[-1] == "cold-therapy"
    for item in routine.items:
        dose = catalogue.dose_for(item)
        ex = catalogue.exercise(item.exercise_id)
        assert ex.category in {Category.STRENGTH, Category.STRETCH, Category.COLD,
                               Category.POSTURE, Category.AEROBIC}, ex.id
        if dose.kind is DoseKind.HOLD:
            assert (dose.hold_seconds or 0) <= (ex.dose.hold_seconds or 0), ex.id


def test_the_plank_starts_short_with_a_knees_down_plank_as_its_easier_step(
    catalogue: Catalogue,
) -> None:
    plank, knees = catalogue.exercise("plank"), catalogue.exercise("knee-plank")
    assert plank.easier == "knee-plank"
    assert knees.harder == "plank"
    assert (knees.dose.hold_seconds or 0) <= 15
    assert (plank.dose.hold_seconds or 0) < 30
    for ex in (plank, knees):
        holds = [step["hold_seconds"] for step in ex.progression]
        assert holds == sorted(holds), ex.id
        assert all(b - a <= 10 for a, b in zip(holds, holds[1:], strict=False)), ex.id
    assert plank.progression[-1]["hold_seconds"] == 60


def test_a_walk_grows_by_small_steps(catalogue: Catalogue) -> None:
    steps = [s["duration_seconds"] for s in catalogue.exercise("walking").progression]
    assert all(b <= a * 1.25 for a, b in zip(steps, steps[1:], strict=False)), steps


def test_each_easier_and_harder_choice_is_a_gentler_or_harder_form_of_the_same_thing(
    catalogue: Catalogue,
) -> None:
    assert catalogue.exercise("seated-spinal-twist").easier == "lying-knee-rolls"
    assert catalogue.exercise("lying-knee-rolls").harder == "seated-spinal-twist"
    assert catalogue.exercise("squat").easier == "supported-squat"
    assert catalogue.exercise("supported-squat").harder == "squat"
    for ex in _exercises(catalogue):
        if ex.harder is not None:
            assert catalogue.exercises[ex.harder].easier == ex.id, ex.id


def test_the_nerve_glide_keeps_the_other_knee_bent_and_lifts_only_to_a_light_pull(
    catalogue: Catalogue,
) -> None:
    glide = catalogue.exercise("sciatic-nerve-glide")
    assert "knee" in glide.steps[0]
    assert "both legs" not in glide.steps[0]
    assert "light pull, no higher" in glide.steps[1]
    assert "flex" not in " ".join(p.spoken for p in glide.dose.tempo)
    hamstring = catalogue.exercise("hamstring-stretch")
    assert any("ankle" in c and "bend the knee" in c for c in hamstring.cautions)


def test_the_pigeon_warns_after_a_hip_replacement_or_with_knee_problems(
    catalogue: Catalogue,
) -> None:
    cautions = " ".join(catalogue.exercise("pigeon-pose").cautions)
    assert "hip replacement" in cautions
    assert "knee" in cautions


def test_the_back_extension_has_an_id_that_says_what_it_is_and_keeps_its_old_one(
    catalogue: Catalogue,
) -> None:
    ex = catalogue.exercise("back-extension-on-elbows")
    assert catalogue.exercise("prone-press-up") is ex
    assert "prone-press-up" not in catalogue.exercises
    assert any("elbows under your shoulders" in step for step in ex.steps)


def test_the_missing_kinds_are_there_an_open_activity_a_band_and_lying_on_one_side(
    catalogue: Catalogue,
) -> None:
    activity = catalogue.exercise("other-gentle-activity")
    assert activity.dose.open_ended
    assert any(i.exercise_id == activity.id for r in catalogue.usable_routines()
               for i in r.items)
    assert any("band" in e for e in catalogue.exercise("band-clam").equipment)
    assert {ex.id for ex in _exercises(catalogue) if ex.position == "lying-on-side"} >= {
        "band-clam", "side-lying-rest"}


def test_the_desk_break_stretches_first_then_walks_once_and_sits_back_down(
    catalogue: Catalogue,
) -> None:
    routine = catalogue.routine("desk-break")
    assert [i.exercise_id for i in routine.items] == ["piriformis-stretch",
                                                     "sitting-posture-break"]
    assert "hour" not in routine.description


def test_the_flare_up_routine_walks_rests_and_leaves_red_flags_to_the_safety_questions(
    catalogue: Catalogue,
) -> None:
    routine = catalogue.routine("flare-up")
    ids = [item.exercise_id for item in routine.items]
    assert "walking" in ids
    assert "side-lying-rest" in ids
    for sign in ("bladder", "bowel", "numb", "both legs"):
        assert sign not in routine.description.lower()
