"""Prescription files: a routine exported for a patient reads back as the same routine, with
exactly the exercises the patient's copy lacks; opening one never overwrites a routine silently."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from coach.core.catalogue import parse_file
from coach.core.errors import KnownError
from coach.core.prescription import (
    Choice,
    Library,
    export_prescription,
    install,
    open_prescription,
    same_exercise,
    same_routine,
    save_routine,
)
from coach.paths import assets_dir, default_catalogue

# The physiotherapist's own exercises: not in the default catalogue, so the file carries them.
PHYSIO_CATALOGUE = '''
schema = 1

[[exercise]]
id = "side-lying-clam"
name = "Side-lying clam"
category = "strength"
summary = "Strengthens the muscles at the side of the hip."
position = "lying-on-back"
equipment = ["mat", "band"]
steps = [
  "Lie on your side with your knees bent.",
  "Keep your feet together and lift the top knee.",
  "Lower it slowly.",
]
sides = "each"
first_side = "left"
tempo = [
  { name = "open", seconds = 2, cue = "Open" },
  { name = "close", seconds = 2.5 },
]
reps = 10
sets = 2
rest_seconds = 30
cues = { start = "Off you go", finish = "Lovely" }
cautions = ["Keep your hips stacked."]
stop_if = ["the pain spreads into the leg"]
image = "illustrations/bridge.svg"
sources = ["Clinic handout"]
easier = "heel-slide"
progression = [{ reps = 10 }, { reps = 12 }]

[[exercise]]
id = "heel-slide"
name = "Heel slide"
category = "mobility"
summary = "Bends and straightens the knee gently."
position = "lying-on-back"
steps = ["Lie on your back.", "Slide one heel towards you and back."]
hold_seconds = 3
reps = 8
relax_seconds = 2

[[routine]]
id = "hip-strength"
name = "Hip strength"
description = "Three exercises for the hips, from your physiotherapist."
sessions_per_week = 4
weeks = 6
rest_between_seconds = 20
prescriber = { name = "Sam Physio", contact = "020 7946 0000, clinic@example.org" }

[[routine.item]]
exercise = "knee-to-chest"
hold_seconds = 25
sides = "each"
first_side = "left"
note = "Gently; stop if it \\"pinches\\"."

[[routine.item]]
exercise = "side-lying-clam"
reps = 8
tempo = [{ name = "open", seconds = 3, cue = "Open" }, { name = "close", seconds = 3 }]

[[routine.item]]
exercise = "walking"
duration_seconds = 600
'''


def library(root: Path, *, user_text: str | None = None) -> Library:
    user = root / "catalogue.toml"
    if user_text is not None:
        root.mkdir(parents=True, exist_ok=True)
        user.write_text(user_text, encoding="utf-8")
    return Library(default=default_catalogue(), user=user, folder=root / "prescriptions",
                   assets_dir=assets_dir())


@pytest.fixture
def physio(tmp_path):
    lib = library(tmp_path / "physio", user_text=PHYSIO_CATALOGUE)
    catalogue = lib.load()
    assert [str(p) for p in catalogue.problems] == []
    return lib, catalogue


@pytest.fixture
def patient(tmp_path):
    lib = library(tmp_path / "patient")
    return lib, lib.load()


def export(lib: Library, catalogue, routine_id: str, path: Path) -> Path:
    text = export_prescription(catalogue, catalogue.routine(routine_id),
                               shipped=lib.shipped_ids(catalogue), assets_dir=assets_dir())
    path.write_text(text, encoding="utf-8")
    return path


def open_and_add(lib: Library, path: Path, choices=None):
    catalogue = lib.load()
    opened = open_prescription(path, catalogue, lib)
    done = install(opened, choices or {}, catalogue, lib)
    return opened, done, lib.load()


def test_an_exported_routine_opens_on_the_patients_copy_as_the_same_routine(
        physio, patient, tmp_path):
    (plib, pcat), (qlib, _) = physio, patient
    rx = export(plib, pcat, "hip-strength", tmp_path / "hip.toml")
    opened, done, after = open_and_add(qlib, rx)
    assert opened.problems == []
    assert done.routine_ids == ("hip-strength",)
    assert [p.name for p in done.written] == ["hip-strength.toml"]
    assert after.problems == []
    assert same_routine(after.routine("hip-strength"), pcat.routine("hip-strength"))
    for exercise_id in ("side-lying-clam", "heel-slide"):
        assert same_exercise(after.exercise(exercise_id), pcat.exercise(exercise_id))
    routine = after.routine("hip-strength")
    assert routine.usable
    assert routine.prescriber.contact == "020 7946 0000, clinic@example.org"
    assert routine.items[0].note == 'Gently; stop if it "pinches".'


def test_exporting_the_opened_routine_again_gives_the_same_bytes(physio, patient, tmp_path):
    (plib, pcat), (qlib, _) = physio, patient
    first = export(plib, pcat, "hip-strength", tmp_path / "first.toml")
    _, _, after = open_and_add(qlib, first)
    second = export(qlib, after, "hip-strength", tmp_path / "second.toml")
    assert second.read_bytes() == first.read_bytes()
    third = export(plib, pcat, "hip-strength", tmp_path / "third.toml")
    assert third.read_bytes() == first.read_bytes()


def test_the_file_carries_the_exercises_the_patient_lacks_and_not_the_default_ones(
        physio, tmp_path):
    lib, catalogue = physio
    rx = export(lib, catalogue, "hip-strength", tmp_path / "hip.toml")
    text = rx.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert text.startswith("# A Physio Coach prescription")
    assert list(data) == ["schema", "exercise", "routine"]
    assert data["schema"] == 1
    # The clam, then the gentler exercise it names; knee-to-chest and walking are shipped.
    assert [e["id"] for e in data["exercise"]] == ["side-lying-clam", "heel-slide"]
    assert [i["exercise"] for i in data["routine"][0]["item"]] == [
        "knee-to-chest", "side-lying-clam", "walking"]
    # Exactly the overrides, no more.
    assert data["routine"][0]["item"][2] == {"exercise": "walking", "duration_seconds": 600}


def test_a_routine_of_default_exercises_exports_no_exercises(physio, tmp_path):
    lib, catalogue = physio
    data = tomllib.loads(export(lib, catalogue, "core-and-glutes", tmp_path / "c.toml")
                         .read_text(encoding="utf-8"))
    assert "exercise" not in data
    assert data["routine"][0]["id"] == "core-and-glutes"


def test_opening_the_same_prescription_twice_changes_nothing(physio, patient, tmp_path):
    (plib, pcat), (qlib, _) = physio, patient
    rx = export(plib, pcat, "hip-strength", tmp_path / "hip.toml")
    open_and_add(qlib, rx)
    opened, done, after = open_and_add(qlib, rx)
    assert [r.id for r in opened.unchanged] == ["hip-strength"]
    assert opened.collisions == []
    assert done.written == ()
    assert after.problems == []


def changed_prescription(plib, tmp_path, note: str) -> Path:
    """The physio's next version of the routine: same id, another note."""
    text = PHYSIO_CATALOGUE.replace('duration_seconds = 600',
                                    f'duration_seconds = 600\nnote = "{note}"')
    lib = library(tmp_path / "physio-v2", user_text=text)
    return export(lib, lib.load(), "hip-strength", tmp_path / f"{note}.toml")


def test_a_changed_routine_with_a_taken_id_asks_and_replace_replaces_it(
        physio, patient, tmp_path):
    (plib, pcat), (qlib, _) = physio, patient
    open_and_add(qlib, export(plib, pcat, "hip-strength", tmp_path / "v1.toml"))
    v2 = changed_prescription(plib, tmp_path, "Walk a little further")
    opened, done, after = open_and_add(qlib, v2)
    (collision,) = opened.collisions
    assert collision.replaceable
    assert collision.existing.id == "hip-strength"
    assert opened.new == []
    # Nothing happens without a choice.
    assert done.written == ()
    assert after.routine("hip-strength").items[2].note == ""
    _, done, after = open_and_add(qlib, v2, {"hip-strength": Choice.REPLACE})
    assert done.routine_ids == ("hip-strength",)
    assert after.routine("hip-strength").items[2].note == "Walk a little further"
    assert [p.name for p in qlib.folder_files()] == ["hip-strength.toml"]
    assert after.problems == []


def test_keep_both_adds_the_new_routine_under_a_new_id_and_name(physio, patient, tmp_path):
    (plib, pcat), (qlib, _) = physio, patient
    open_and_add(qlib, export(plib, pcat, "hip-strength", tmp_path / "v1.toml"))
    v2 = changed_prescription(plib, tmp_path, "Walk a little further")
    _, done, after = open_and_add(qlib, v2, {"hip-strength": Choice.KEEP_BOTH})
    assert done.routine_ids == ("hip-strength-2",)
    assert after.routine("hip-strength").items[2].note == ""
    kept = after.routine("hip-strength-2")
    assert kept.name == "Hip strength (2)"
    assert kept.items[2].note == "Walk a little further"
    assert sorted(p.name for p in qlib.folder_files()) == [
        "hip-strength-2.toml", "hip-strength.toml"]
    assert after.problems == []


def test_a_default_routine_is_never_replaced_only_kept_beside(physio, patient, tmp_path):
    (plib, pcat), (qlib, qcat) = physio, patient
    rx = export(plib, pcat, "hip-strength", tmp_path / "core.toml")
    rx.write_text(rx.read_text().replace('id = "hip-strength"', 'id = "core-and-glutes"'))
    opened = open_prescription(rx, qcat, qlib)
    (collision,) = opened.collisions
    assert not collision.replaceable
    with pytest.raises(ValueError, match="not in the prescriptions folder"):
        install(opened, {"core-and-glutes": Choice.REPLACE}, qcat, qlib)
    done = install(opened, {"core-and-glutes": Choice.KEEP_BOTH}, qcat, qlib)
    after = qlib.load()
    assert done.routine_ids == ("core-and-glutes-2",)
    assert after.routine("core-and-glutes").name == "Back and hip strength"
    assert after.routine("core-and-glutes-2").name == "Hip strength (2)"
    assert after.problems == []


def test_a_broken_prescription_reports_every_problem_and_adds_no_broken_routine(
        patient, tmp_path):
    qlib, qcat = patient
    rx = tmp_path / "broken.toml"
    rx.write_text(
        'schema = 1\n\n[[routine]]\nid = "broken"\nname = "Broken"\ndescription = "x"\n\n'
        '[[routine.item]]\nexercise = "brige"\n\n'
        '[[routine]]\nid = "fine"\nname = "Fine"\ndescription = "y"\n\n'
        '[[routine.item]]\nexercise = "bridge"\nreps = -5\n\n'
        '[[routine]]\nid = "good"\nname = "Good"\ndescription = "z"\n\n'
        '[[routine.item]]\nexercise = "bridge"\n', encoding="utf-8")
    opened = open_prescription(rx, qcat, qlib)
    messages = [str(p) for p in opened.problems]
    assert messages == [
        "broken.toml:8: routine 'broken': item 1 names exercise 'brige', which does not exist "
        "(did you mean 'bridge'?)",
        "broken.toml:18: routine 'fine': item 1: reps must be between 1 and 100, got -5",
    ]
    assert [r.id for r in opened.unusable] == ["broken", "fine"]
    done = install(opened, {}, qcat, qlib)
    assert done.routine_ids == ("good",)
    assert "broken" not in qlib.load().routines


def test_a_file_that_is_not_toml_is_refused_with_the_reason(patient, tmp_path):
    qlib, qcat = patient
    rx = tmp_path / "letter.toml"
    rx.write_text("Dear patient,\nplease do your exercises.\n", encoding="utf-8")
    opened = open_prescription(rx, qcat, qlib)
    assert not opened.addable
    assert "not valid TOML" in opened.problems[0].message
    missing = open_prescription(tmp_path / "nowhere.toml", qcat, qlib)
    assert not missing.readable
    assert missing.problems[0].message == "the file does not exist"


def test_an_exercise_that_differs_from_an_installed_one_is_added_under_a_new_id(
        physio, patient, tmp_path):
    (plib, pcat), (qlib, _) = physio, patient
    open_and_add(qlib, export(plib, pcat, "hip-strength", tmp_path / "v1.toml"))
    # Another routine using a changed clam (more steps) comes from another physio.
    other = PHYSIO_CATALOGUE.replace('id = "hip-strength"', 'id = "hips-again"').replace(
        '  "Lower it slowly.",\n', '  "Lower it slowly.",\n  "Rest.",\n')
    olib = library(tmp_path / "other", user_text=other)
    _, done, after = open_and_add(qlib, export(olib, olib.load(), "hips-again",
                                               tmp_path / "other.toml"))
    assert done.routine_ids == ("hips-again",)
    assert after.problems == []
    assert after.exercise("side-lying-clam").steps[-1] == "Lower it slowly."
    assert after.exercise("side-lying-clam-2").steps[-1] == "Rest."
    assert after.routine("hips-again").items[1].exercise_id == "side-lying-clam-2"
    assert after.routine("hip-strength").items[1].exercise_id == "side-lying-clam"


def test_saving_a_renamed_routine_replaces_its_own_file(physio, tmp_path):
    lib, catalogue = physio
    routine = catalogue.routine("hip-strength")
    done = save_routine(dataclasses.replace(routine, id="my-hips"), catalogue, lib)
    assert [p.name for p in done.written] == ["my-hips.toml"]
    catalogue = lib.load()
    saved = catalogue.routine("my-hips")
    done = save_routine(dataclasses.replace(saved, id="hips-week-2", name="Hips, week 2"),
                        catalogue, lib, replaces="my-hips")
    assert [p.name for p in done.removed] == ["my-hips.toml"]
    assert [p.name for p in lib.folder_files()] == ["hips-week-2.toml"]
    after = lib.load()
    assert "my-hips" not in after.routines
    assert after.routine("hips-week-2").name == "Hips, week 2"
    assert after.problems == []
    with pytest.raises(KnownError, match="already exists"):
        save_routine(dataclasses.replace(saved, id="core-and-glutes"), after, lib)


def test_every_installed_file_is_a_valid_catalogue_on_its_own(physio, patient, tmp_path):
    (plib, pcat), (qlib, _) = physio, patient
    open_and_add(qlib, export(plib, pcat, "hip-strength", tmp_path / "v1.toml"))
    for path in qlib.folder_files():
        assert parse_file(path, assets_dir=assets_dir()).problems == []
