"""Loading and validating catalogue files: every rule in docs/catalogue.md."""

from __future__ import annotations

import os

import pytest

from coach.core.catalogue import MAX_FILE_BYTES, FileStatus, load_catalogue, parse_file
from coach.core.models import Category, DoseKind, Position, Side, Sides, TempoPhase
from tests.core.catalogue_text import catalogue_text, load_text


def replace_line(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def only_problem(catalogue):
    assert len(catalogue.problems) == 1, [str(p) for p in catalogue.problems]
    return catalogue.problems[0]


def test_a_valid_file_loads_its_exercises_and_routines_with_no_problems(tmp_path):
    catalogue, parsed = load_text(tmp_path, catalogue_text())
    assert catalogue.problems == []
    assert parsed.status is FileStatus.OK
    ex = catalogue.exercise("knee-to-chest")
    assert ex.category is Category.STRETCH
    assert ex.position is Position.LYING_ON_BACK
    assert ex.steps == ("Lie on your back.", "Hug one knee in.", "Hold, then lower.")
    assert ex.dose.kind is DoseKind.HOLD
    assert ex.dose.sides is Sides.EACH
    assert ex.dose.first_side is Side.RIGHT
    assert ex.dose.side_order == (Side.RIGHT, Side.LEFT)
    assert ex.line == 3
    routine = catalogue.routine("morning")
    assert routine.usable
    assert routine.sessions_per_week == 5
    assert [i.exercise_id for i in routine.items] == ["knee-to-chest"]


def test_a_toml_syntax_error_is_located_by_line_and_column(tmp_path):
    text = catalogue_text().replace('name = "Knee to chest"', 'name = "Knee to chest')
    catalogue, parsed = load_text(tmp_path, text)
    problem = only_problem(catalogue)
    assert problem.line == 5
    assert problem.column is not None
    assert "not valid TOML" in problem.message
    assert str(problem).startswith("cat.toml:5: ")
    assert parsed.status is FileStatus.PROBLEMS


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("hold_seconds = 20", "hold_seconds = -5",
         "exercise 'knee-to-chest': hold_seconds must be between 1 and 3600, got -5"),
        ("hold_seconds = 20", 'hold_seconds = "twenty"',
         "exercise 'knee-to-chest': hold_seconds must be a number, got text \"twenty\""),
        ("reps = 2", "reps = 2.5",
         "exercise 'knee-to-chest': reps must be a whole number, got 2.5"),
        ("reps = 2", "reps = true",
         "exercise 'knee-to-chest': reps must be a whole number, got true (true/false)"),
        ('category = "stretch"', 'category = "strech"',
         "exercise 'knee-to-chest': category must be one of stretch, strength, mobility, "
         "nerve-glide, aerobic, posture, heat, cold, got 'strech' (did you mean 'stretch'?)"),
        ("hold_seconds = 20", "hold_secs = 20",
         "exercise 'knee-to-chest': unknown key 'hold_secs' (did you mean 'hold_seconds'?)"),
        ('sides = "each"', 'sides = "both"',
         "exercise 'knee-to-chest': sides must be one of none, each, got 'both'"),
        ('id = "knee-to-chest"', 'id = "Knee To Chest"',
         "exercise 'Knee To Chest': id 'Knee To Chest' must be lowercase letters, digits and "
         "single dashes, like 'knee-to-chest'"),
    ],
)
def test_a_bad_field_gives_one_plain_located_sentence(tmp_path, old, new, expected):
    text = replace_line(catalogue_text(routine_items=()), old, new)
    catalogue, _ = load_text(tmp_path, text)
    problem = only_problem(catalogue)
    assert problem.text == expected
    assert problem.line is not None
    assert new.split(" =")[0] in text.splitlines()[problem.line - 1]


def test_a_missing_required_field_is_named(tmp_path):
    text = replace_line(catalogue_text(routine_items=()),
                        'summary = "A gentle stretch for the low back."\n', "")
    catalogue, _ = load_text(tmp_path, text)
    problem = only_problem(catalogue)
    assert problem.text == "exercise 'knee-to-chest': the required field 'summary' is missing"
    assert problem.line == 3  # the [[exercise]] header, where the field should be


def test_an_exercise_needs_exactly_one_way_of_being_timed(tmp_path):
    both = replace_line(catalogue_text(routine_items=()), "reps = 2",
                        'reps = 2\ntempo = [{ name = "lift", seconds = 2 }]')
    catalogue, _ = load_text(tmp_path, both)
    assert "found hold_seconds and tempo" in only_problem(catalogue).message
    none = replace_line(catalogue_text(routine_items=()), "hold_seconds = 20\n", "")
    catalogue, _ = load_text(tmp_path, none)
    assert "has no dose" in only_problem(catalogue).message


def test_reps_do_not_apply_to_a_timed_activity(tmp_path):
    text = replace_line(catalogue_text(routine_items=()), "hold_seconds = 20",
                        "duration_seconds = 600")
    catalogue, _ = load_text(tmp_path, text)
    assert "reps and sets do not apply" in only_problem(catalogue).message


def test_tempo_parts_load_in_order_with_their_cues(tmp_path):
    text = replace_line(
        catalogue_text(routine_items=()), "hold_seconds = 20",
        'tempo = [{ name = "lift", seconds = 2, cue = "Lift" }, { name = "hold", seconds = 3 },'
        ' { name = "lower", seconds = 2.5 }]',
    )
    catalogue, _ = load_text(tmp_path, text)
    assert catalogue.problems == []
    dose = catalogue.exercise("knee-to-chest").dose
    assert dose.kind is DoseKind.TEMPO
    assert dose.tempo == (TempoPhase("lift", 2, "Lift"), TempoPhase("hold", 3),
                          TempoPhase("lower", 2.5))
    assert dose.rep_seconds == 7.5
    assert [p.spoken for p in dose.tempo] == ["Lift", "Hold", "Lower"]


def test_a_bad_tempo_part_is_reported_at_the_tempo_line(tmp_path):
    text = replace_line(catalogue_text(routine_items=()), "hold_seconds = 20",
                        'tempo = [{ name = "lift", seconds = 0 }]')
    catalogue, _ = load_text(tmp_path, text)
    problem = only_problem(catalogue)
    assert problem.text == ("exercise 'knee-to-chest': tempo part 1: seconds must be between "
                            "0.5 and 60, got 0")
    assert problem.field == "tempo"


def test_a_progression_must_fit_the_dose(tmp_path):
    good = replace_line(catalogue_text(routine_items=()), "reps = 2",
                        "reps = 2\nprogression = [{ hold_seconds = 20 }, { hold_seconds = 30 }]")
    catalogue, _ = load_text(tmp_path, good)
    assert catalogue.problems == []
    assert catalogue.exercise("knee-to-chest").progression == (
        {"hold_seconds": 20}, {"hold_seconds": 30})
    bad = replace_line(catalogue_text(routine_items=()), "reps = 2",
                       "reps = 2\nprogression = [{ duration_seconds = 20 }, { reps = 3 }]")
    catalogue, _ = load_text(tmp_path, bad)
    assert "progression step 1: duration_seconds does not apply" in only_problem(
        catalogue).message


def test_unknown_cue_keys_are_reported_with_the_allowed_ones(tmp_path):
    text = replace_line(catalogue_text(routine_items=()), "reps = 2",
                        'reps = 2\ncues = { strat = "Go" }')
    catalogue, _ = load_text(tmp_path, text)
    assert "unknown cue 'strat' (did you mean 'start'?)" in only_problem(catalogue).message


def test_a_duplicate_id_in_one_file_keeps_the_first_and_reports_the_second(tmp_path):
    text = catalogue_text(exercises=("knee-to-chest", "knee-to-chest"))
    catalogue, _ = load_text(tmp_path, text)
    problem = only_problem(catalogue)
    assert problem.message == (
        'The exercise "Knee to chest" uses the id \'knee-to-chest\', which "Knee to chest" '
        "(line 3) already has; rename one (this one is left out until then)")
    assert problem.line == 15
    assert list(catalogue.exercises) == ["knee-to-chest"]


def test_valid_exercises_still_load_beside_broken_ones(tmp_path):
    text = catalogue_text(exercises=("good-one", "bad-one"), routine_items=("good-one",))
    text = text.replace('id = "bad-one"\nname = "Knee to chest"', 'id = "bad-one"\nname = 7')
    catalogue, _ = load_text(tmp_path, text)
    assert list(catalogue.exercises) == ["good-one"]
    assert catalogue.routine("morning").usable
    assert "name must be text, got the number 7" in only_problem(catalogue).message


def test_a_routine_naming_an_unknown_exercise_is_kept_but_unusable(tmp_path):
    text = catalogue_text(routine_items=("knee-to-chest", "knee-to-chst"))
    catalogue, _ = load_text(tmp_path, text)
    problem = only_problem(catalogue)
    assert problem.text == ("routine 'morning': item 2 names exercise 'knee-to-chst', which "
                            "does not exist (did you mean 'knee-to-chest'?)")
    lines = text.splitlines()
    second_item = [n for n, line in enumerate(lines, start=1) if line == "[[routine.item]]"][1]
    assert problem.line == second_item
    routine = catalogue.routine("morning")
    assert not routine.usable
    assert "knee-to-chst" in routine.unusable_reason
    assert catalogue.usable_routines() == []


def test_a_routine_using_a_broken_exercise_says_so(tmp_path):
    text = catalogue_text().replace("hold_seconds = 20", "hold_seconds = 0")
    catalogue, _ = load_text(tmp_path, text)
    assert len(catalogue.problems) == 1  # the exercise's own problem, not a second one
    assert catalogue.routine("morning").unusable_reason == (
        "item 1 uses exercise 'knee-to-chest', which has problems")


def test_a_routine_item_override_is_checked_like_the_exercise_field(tmp_path):
    text = catalogue_text() + "hold_seconds = 5000\n"
    catalogue, _ = load_text(tmp_path, text)
    problem = only_problem(catalogue)
    assert problem.text == ("routine 'morning': item 1: hold_seconds must be between 1 and "
                            "3600, got 5000")
    assert not catalogue.routine("morning").usable


@pytest.mark.parametrize(("old", "new", "message"), [
    ("hold_seconds = 20", "hold_seconds = " + "9" * 400, "hold_seconds must be between 1 and "
     "3600, got 99999999999999999... (400 digits)"),
    ("reps = 2", "reps = -" + "9" * 400, "reps must be between 1 and 100, got "
     "-99999999999999999... (400 digits)"),
    ('name = "Knee to chest"', "name = " + "9" * 400, "name must be text, got the number "
     "99999999999999999... (400 digits)"),
])
def test_an_integer_too_large_for_a_float_is_a_problem_not_a_crash(tmp_path, old, new,
                                                                   message):
    catalogue, _ = load_text(tmp_path, replace_line(catalogue_text(), old, new))
    assert message in [p.message for p in catalogue.problems]


def test_a_routine_item_override_replaces_the_dose_for_that_routine_only(tmp_path):
    text = catalogue_text() + "hold_seconds = 30\nnote = \"Longer this week\"\n"
    catalogue, _ = load_text(tmp_path, text)
    assert catalogue.problems == []
    item = catalogue.routine("morning").items[0]
    assert item.note == "Longer this week"
    assert catalogue.dose_for(item).hold_seconds == 30
    assert catalogue.exercise("knee-to-chest").dose.hold_seconds == 20


def test_an_override_that_mixes_timings_makes_the_routine_unusable(tmp_path):
    text = catalogue_text() + "duration_seconds = 60\n"
    catalogue, _ = load_text(tmp_path, text)
    assert "give only one way of timing" in only_problem(catalogue).message
    assert not catalogue.routine("morning").usable


def test_an_unsupported_schema_refuses_the_whole_file(tmp_path):
    catalogue, _ = load_text(tmp_path, catalogue_text().replace("schema = 1", "schema = 2"))
    problem = only_problem(catalogue)
    assert problem.line == 1
    assert "schema 2 is not supported" in problem.message
    assert catalogue.exercises == {}


def test_a_missing_schema_is_reported(tmp_path):
    catalogue, _ = load_text(tmp_path, catalogue_text().replace("schema = 1\n", ""))
    assert "'schema = 1' is missing" in only_problem(catalogue).message


def test_a_single_bracket_exercise_table_gets_a_hint(tmp_path):
    catalogue, _ = load_text(tmp_path, 'schema = 1\n[exercise]\nid = "x"\n')
    assert "write [[exercise]] (double brackets)" in only_problem(catalogue).message


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path):
    data = catalogue_text().encode().replace(b"Knee to chest", b"Kn\xe9e to chest")
    catalogue, parsed = load_text(tmp_path, data)
    problem = only_problem(catalogue)
    assert "not UTF-8" in problem.message
    assert problem.line == 5
    assert parsed.status is FileStatus.PROBLEMS


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    catalogue, _ = load_text(tmp_path, b"\xef\xbb\xbf" + catalogue_text().encode())
    assert catalogue.problems == []


def test_a_file_over_one_mebibyte_is_not_parsed(tmp_path):
    text = catalogue_text() + "#" * MAX_FILE_BYTES
    catalogue, _ = load_text(tmp_path, text)
    assert "larger than 1 MiB" in only_problem(catalogue).message
    assert catalogue.exercises == {}


def test_pathologically_nested_input_becomes_a_clean_problem(tmp_path):
    text = "schema = 1\nx = " + "[" * 5000 + "]" * 5000 + "\n"
    catalogue, _ = load_text(tmp_path, text)
    assert "nested too deeply" in only_problem(catalogue).message


def test_a_missing_file_is_unreadable_not_a_crash(tmp_path):
    parsed = parse_file(tmp_path / "nope.toml", assets_dir=tmp_path)
    assert parsed.status is FileStatus.UNREADABLE
    assert parsed.problems[0].message == "the file does not exist"
    parsed = parse_file(tmp_path, assets_dir=tmp_path)
    assert parsed.status is FileStatus.UNREADABLE


def _with_image(image: str) -> str:
    return catalogue_text(routine_items=()) + f'image = "{image}"\n'


def test_an_image_under_assets_is_resolved(tmp_path):
    assets = tmp_path / "assets"
    (assets / "illustrations").mkdir(parents=True)
    (assets / "illustrations" / "k.svg").write_text("<svg/>")
    catalogue, _ = load_text(tmp_path, _with_image("illustrations/k.svg"), assets=assets)
    assert catalogue.problems == []
    assert catalogue.exercise("knee-to-chest").image == (assets / "illustrations/k.svg").resolve()


def test_a_missing_image_costs_only_the_picture(tmp_path):
    catalogue, _ = load_text(tmp_path, _with_image("illustrations/none.svg"))
    assert "does not exist in the assets folder" in only_problem(catalogue).message
    assert catalogue.exercise("knee-to-chest").image is None


@pytest.mark.parametrize("image", ["../secret.svg", "/etc/passwd", "illustrations/../../x.svg",
                                   "~/x.svg"])
def test_an_image_outside_assets_is_refused_and_never_read(tmp_path, image, monkeypatch):
    (tmp_path / "secret.svg").write_text("<svg/>")
    opened: list[str] = []
    real_open, real_os_open = open, os.open

    def spy(file, *args, **kwargs):
        opened.append(os.fspath(file))
        return real_open(file, *args, **kwargs)

    def os_spy(file, *args, **kwargs):
        opened.append(os.fspath(file))
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    monkeypatch.setattr(os, "open", os_spy)
    catalogue, _ = load_text(tmp_path, _with_image(image))
    problem = only_problem(catalogue)
    assert "it was not read" in problem.message
    assert problem.field == "image"
    assert opened == [str(tmp_path / "cat.toml")]
    assert catalogue.exercise("knee-to-chest").image is None


def test_an_image_name_with_a_nul_character_is_a_problem_not_a_crash(tmp_path):
    catalogue, _ = load_text(tmp_path, _with_image("illustrations/k\\u0000.svg"))
    problem = only_problem(catalogue)
    assert problem.field == "image"
    assert problem.message == ("image contains a NUL character, which no file name can have; "
                               "it was not read")
    assert catalogue.exercise("knee-to-chest").image is None


def test_a_symlink_leading_out_of_assets_is_refused(tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    (tmp_path / "outside.svg").write_text("<svg/>")
    (assets / "link.svg").symlink_to(tmp_path / "outside.svg")
    catalogue, _ = load_text(tmp_path, _with_image("link.svg"), assets=assets)
    assert "a link to a file outside the assets folder" in only_problem(catalogue).message


def test_later_files_add_exercises_and_collisions_are_reported(tmp_path):
    first = tmp_path / "a.toml"
    first.write_text(catalogue_text())
    second = tmp_path / "b.toml"
    second.write_text(catalogue_text(exercises=("knee-to-chest", "bridge-ish"),
                                     routine_items=("bridge-ish",)))
    catalogue = load_catalogue([first, second], assets_dir=tmp_path)
    assert list(catalogue.exercises) == ["knee-to-chest", "bridge-ish"]
    assert catalogue.exercise("knee-to-chest").origin == str(first)
    routine_line = lambda path: path.read_text().splitlines().index("[[routine]]") + 1  # noqa: E731
    messages = [str(p) for p in catalogue.problems]
    assert messages == [
        f"{second}:3: The exercise \"Knee to chest\" uses the id 'knee-to-chest', which "
        f"\"Knee to chest\" ({first}:3) already has; rename one (this one is left out until "
        "then)",
        f"{second}:{routine_line(second)}: routine 'morning': this id is already used at "
        f"{first}:{routine_line(first)}; this definition is ignored (give it another id)",
    ]


def test_optional_files_load_only_when_present(tmp_path):
    base = tmp_path / "a.toml"
    base.write_text(catalogue_text())
    catalogue = load_catalogue([base], assets_dir=tmp_path, optional=[tmp_path / "none.toml"])
    assert catalogue.problems == []


def test_an_easier_version_must_exist(tmp_path):
    text = catalogue_text(routine_items=()) + 'easier = "pelvic-tit"\n'
    catalogue, _ = load_text(tmp_path, text)
    assert only_problem(catalogue).text == (
        "exercise 'knee-to-chest': easier names exercise 'pelvic-tit', which does not exist")


def test_text_from_the_file_is_kept_verbatim(tmp_path):
    text = catalogue_text(routine_items=()).replace(
        'name = "Knee to chest"', 'name = "<b>Knee</b> & <i>chest</i>"')
    catalogue, _ = load_text(tmp_path, text)
    assert catalogue.exercise("knee-to-chest").name == "<b>Knee</b> & <i>chest</i>"


def test_every_problem_names_its_file(tmp_path):
    text = catalogue_text().replace("hold_seconds = 20", "hold_seconds = 0") + "reps = 0\n"
    catalogue, _ = load_text(tmp_path, text, name="mine.toml")
    assert catalogue.problems
    assert all(str(p).startswith("mine.toml:") for p in catalogue.problems)


def test_a_duration_activity_describes_itself(tmp_path):
    text = replace_line(catalogue_text(routine_items=()), "hold_seconds = 20\nreps = 2\n",
                        "duration_seconds = 900\n").replace('sides = "each"\n', "")
    catalogue, _ = load_text(tmp_path, text)
    assert catalogue.problems == []
    dose = catalogue.exercise("knee-to-chest").dose
    assert dose.kind is DoseKind.DURATION
    assert dose.describe() == "15 min"
    assert dose.active_seconds == 900


def test_a_held_dose_counts_both_sides(tmp_path):
    catalogue, _ = load_text(tmp_path, catalogue_text())
    dose = catalogue.exercise("knee-to-chest").dose
    assert dose.describe() == "Hold 20 s · 2 times · each side"
    assert dose.active_seconds == 80
    assert catalogue.active_seconds(catalogue.routine("morning")) == 80



def test_an_easier_version_with_problems_of_its_own_is_named_as_such(tmp_path):
    text = catalogue_text(exercises=("gentle", "harder"), routine_items=())
    text = text.replace('id = "gentle"\nname = "Knee to chest"', 'id = "gentle"\nname = 5')
    text += 'easier = "gentle"\n'
    catalogue, _ = load_text(tmp_path, text)
    messages = [p.text for p in catalogue.problems]
    assert messages == [
        "exercise 'gentle': name must be text, got the number 5",
        "exercise 'harder': easier names exercise 'gentle', which has problems of its own, so "
        "it is not offered until they are fixed",
    ]


def test_an_exercise_reusing_an_earlier_files_id_is_reported_as_a_clash_not_by_its_fields(
        tmp_path):
    """A person's own catalogue that reuses a shipped id, with only the fields they meant to
    change: the clash is the problem, not the dose it left out."""
    first = tmp_path / "a.toml"
    first.write_text(catalogue_text())
    second = tmp_path / "b.toml"
    second.write_text('schema = 1\n\n[[exercise]]\nid = "knee-to-chest"\nname = "My knee hug"\n'
                      'reps = 15\n')
    catalogue = load_catalogue([first, second], assets_dir=tmp_path)
    assert [str(p) for p in catalogue.problems] == [
        f"{second}:3: The exercise \"My knee hug\" uses the id 'knee-to-chest', which "
        f"\"Knee to chest\" ({first}:3) already has; rename one (this one is left out until "
        "then)"]
    assert catalogue.exercise("knee-to-chest").origin == str(first)


@pytest.mark.parametrize("text", [
    "schema = 1\n" + "[[routine]]\n" * 20_000,
    "schema = 1\n[[exercise]]\n" + "".join(f"k{n} = 1\n" for n in range(20_000)),
    "schema = 1\n" + "".join(f"k{n} = 1\n" for n in range(20_000)),
], ids=["empty-routines", "unknown-keys", "unknown-top-level-keys"])
def test_a_file_lists_at_most_a_hundred_problems_then_counts_the_rest(text):
    from coach.core.catalogue import MAX_PROBLEMS, parse_text
    from coach.paths import assets_dir

    pf = parse_text(text, assets_dir=assets_dir(), name="worst.toml")
    assert len(pf.problems) <= MAX_PROBLEMS + 1
    assert any(p.message.startswith("... and ") and " more unknown " in p.message
               or p.more for p in pf.problems)
    assert not any(p.more for p in pf.problems[:-1])  # the count of the rest comes last
