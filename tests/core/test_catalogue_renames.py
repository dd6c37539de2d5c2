"""`harder` beside `easier`, and `old_ids`: an exercise keeps answering to the id it had."""

from __future__ import annotations

from coach.core.catalogue import merge, parse_file
from tests.core.catalogue_text import EXERCISE, catalogue_text, load_text


def _with_field(text: str, exercise_id: str, line: str) -> str:
    anchor = f'id = "{exercise_id}"\n'
    assert anchor in text
    return text.replace(anchor, anchor + line + "\n", 1)


def test_an_exercise_names_a_harder_version_that_exists(tmp_path):
    text = catalogue_text(exercises=("easy", "hard"))
    text = _with_field(text, "easy", 'harder = "hard"')
    text = _with_field(text, "hard", 'easier = "easy"')
    catalogue, _ = load_text(tmp_path, text.replace('exercise = "knee-to-chest"',
                                                    'exercise = "easy"'))
    assert catalogue.problems == []
    assert catalogue.exercise("easy").harder == "hard"
    assert catalogue.exercise("hard").easier == "easy"


def test_a_harder_version_that_does_not_exist_is_reported(tmp_path):
    text = _with_field(catalogue_text(), "knee-to-chest", 'harder = "knee-to-chestt"')
    catalogue, _ = load_text(tmp_path, text)
    [problem] = catalogue.problems
    assert problem.field == "harder"
    assert "does not exist" in problem.message
    assert "did you mean 'knee-to-chest'" in problem.message


def test_harder_cannot_name_the_exercise_itself(tmp_path):
    text = _with_field(catalogue_text(), "knee-to-chest", 'harder = "knee-to-chest"')
    catalogue, _ = load_text(tmp_path, text)
    assert any(p.field == "harder" and "itself" in p.message for p in catalogue.problems)


def _renamed_catalogue_text() -> str:
    text = catalogue_text(exercises=("back-extension-on-elbows",),
                          routine_items=("prone-press-up",))
    return _with_field(text, "back-extension-on-elbows", 'old_ids = ["prone-press-up"]')


def test_a_routine_item_with_an_old_id_runs_the_renamed_exercise(tmp_path):
    catalogue, _ = load_text(tmp_path, _renamed_catalogue_text())
    assert catalogue.problems == []
    routine = catalogue.routine("morning")
    assert routine.usable
    assert [i.exercise_id for i in routine.items] == ["back-extension-on-elbows"]
    assert catalogue.renamed == {"prone-press-up": "back-extension-on-elbows"}
    assert catalogue.exercise("prone-press-up").id == "back-extension-on-elbows"
    assert catalogue.find("prone-press-up") is catalogue.exercise("back-extension-on-elbows")
    assert catalogue.find("nothing") is None
    assert list(catalogue.exercises) == ["back-extension-on-elbows"]  # listed once


def test_a_prescription_file_using_the_old_id_loads_over_the_catalogue(tmp_path):
    """An older prescription (its own file, loaded after the default catalogue) names the
    exercise by the id it had: the routine still runs the renamed exercise."""
    (tmp_path / "assets").mkdir()
    base = tmp_path / "exercises.toml"
    base.write_text(_with_field(catalogue_text(exercises=("back-extension-on-elbows",),
                                               routine_items=()),
                                "back-extension-on-elbows", 'old_ids = ["prone-press-up"]'),
                    encoding="utf-8")
    prescription = tmp_path / "old-prescription.toml"
    prescription.write_text(
        "schema = 1\n" + EXERCISE.format(id="my-stretch") + 'easier = "prone-press-up"\n'
        '\n[[routine]]\nid = "back-care"\nname = "Back care"\ndescription = "From my physio."\n'
        '\n[[routine.item]]\nexercise = "prone-press-up"\nhold_seconds = 8\n'
        '\n[[routine.item]]\nexercise = "my-stretch"\n', encoding="utf-8")
    catalogue = merge([parse_file(p, assets_dir=tmp_path / "assets")
                       for p in (base, prescription)])
    assert [str(p) for p in catalogue.problems] == []
    routine = catalogue.routine("back-care")
    assert routine.usable
    assert routine.items[0].exercise_id == "back-extension-on-elbows"
    assert catalogue.dose_for(routine.items[0]).hold_seconds == 8
    assert catalogue.exercise("my-stretch").easier == "back-extension-on-elbows"


def test_an_exercise_that_really_has_the_old_id_wins_over_the_rename(tmp_path):
    text = catalogue_text(exercises=("back-extension-on-elbows", "prone-press-up"),
                          routine_items=("prone-press-up",))
    text = _with_field(text, "back-extension-on-elbows", 'old_ids = ["prone-press-up"]')
    catalogue, _ = load_text(tmp_path, text)
    assert catalogue.problems == []
    assert catalogue.renamed == {}
    assert catalogue.routine("morning").items[0].exercise_id == "prone-press-up"


def test_an_old_id_claimed_by_two_exercises_is_reported(tmp_path):
    text = catalogue_text(exercises=("one", "two"), routine_items=("old",))
    text = _with_field(text, "one", 'old_ids = ["old"]')
    text = _with_field(text, "two", 'old_ids = ["old"]')
    catalogue, _ = load_text(tmp_path, text)
    [problem] = catalogue.problems
    assert problem.field == "old_ids"
    assert problem.subject == "exercise 'two'"
    assert catalogue.routine("morning").items[0].exercise_id == "one"


def test_an_old_id_must_look_like_an_id(tmp_path):
    text = _with_field(catalogue_text(), "knee-to-chest", 'old_ids = ["Prone Press Up"]')
    catalogue, _ = load_text(tmp_path, text)
    assert any(p.field == "old_ids" for p in catalogue.problems)
