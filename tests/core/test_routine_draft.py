"""The routine editor's model: operations, undo and redo, and the loader's own checks."""

from __future__ import annotations

import dataclasses

import pytest

from coach.core.catalogue import load_catalogue
from coach.core.models import Sides
from coach.core.routine_draft import RoutineDraft
from coach.paths import assets_dir, default_catalogue
from tests.core.catalogue_text import load_text


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue([default_catalogue()], assets_dir=assets_dir())


def ids(draft: RoutineDraft) -> list[str]:
    return [item.exercise_id for item in draft.items]


def filled(catalogue) -> RoutineDraft:
    draft = RoutineDraft.new(catalogue, assets_dir=assets_dir())
    draft.set_field("name", "Back care")
    draft.set_field("description", "Three gentle exercises.")
    for exercise_id in ("pelvic-tilt", "bridge", "walking"):
        draft.add(exercise_id)
    return draft


def test_adding_removing_and_moving_items_keeps_their_order(catalogue):
    draft = filled(catalogue)
    assert ids(draft) == ["pelvic-tilt", "bridge", "walking"]
    assert draft.move_down(0) == 1
    assert ids(draft) == ["bridge", "pelvic-tilt", "walking"]
    assert draft.move_up(2) == 1
    assert ids(draft) == ["bridge", "walking", "pelvic-tilt"]
    assert draft.move_up(0) == 0  # already first: nothing changes
    assert draft.move(0, 99) == 2
    assert ids(draft) == ["walking", "pelvic-tilt", "bridge"]
    assert draft.add("plank", index=1) == 1
    draft.remove(0)
    assert ids(draft) == ["plank", "pelvic-tilt", "bridge"]


def test_every_operation_can_be_undone_and_redone(catalogue):
    draft = filled(catalogue)
    draft.move_down(0)
    draft.remove(2)
    assert draft.undo_label == "Remove Walking"
    draft.undo()
    assert ids(draft) == ["bridge", "pelvic-tilt", "walking"]
    draft.undo()
    assert ids(draft) == ["pelvic-tilt", "bridge", "walking"]
    assert draft.redo_label == "Move Pelvic tilt"
    draft.redo()
    assert ids(draft) == ["bridge", "pelvic-tilt", "walking"]
    draft.set_item_field(0, "reps", "12")  # a new change ends the redo history
    assert not draft.can_redo
    while draft.can_undo:
        draft.undo()
    assert ids(draft) == []
    assert draft.fields["name"] == ""
    assert not draft.modified


def test_typing_in_one_field_is_one_undo_step(catalogue):
    draft = filled(catalogue)
    for text in ("3", "30", "300"):
        draft.set_item_field(1, "rest_seconds", text)
    draft.set_item_field(1, "sets", "3")
    draft.undo()
    assert draft.item_value(1, "sets") == ""
    assert draft.item_value(1, "rest_seconds") == "300"
    draft.undo()
    assert draft.item_value(1, "rest_seconds") == ""


def test_the_id_is_made_from_the_name_never_takes_a_used_one_and_stays_once_saved(catalogue):
    draft = RoutineDraft.new(catalogue, assets_dir=assets_dir())
    draft.set_field("name", "Core and Glutes!")
    assert draft.fields["id"] == "core-and-glutes-2"  # core-and-glutes is taken
    draft.set_field("name", "Back care")
    assert draft.fields["id"] == "back-care"
    draft.saved_as("back-care")
    draft.set_field("name", "Back care, week 2")
    assert draft.fields["id"] == "back-care"


def test_a_valid_draft_checks_clean_and_makes_the_routine(catalogue):
    draft = filled(catalogue)
    draft.set_field("weeks", "6")
    draft.set_field("prescriber_name", "Sam Physio")
    draft.set_field("prescriber_contact", "clinic@example.org")
    draft.set_item_field(1, "reps", "12")
    draft.set_item_field(1, "sides", "each")
    draft.set_item_field(1, "note", "Slowly")
    draft.set_tempo_seconds(1, 0, "3")
    check = draft.check()
    assert check.problems == ()
    routine = check.routine
    assert routine.id == "back-care"
    assert routine.weeks == 6
    assert routine.prescriber.contact == "clinic@example.org"
    bridge = routine.items[1]
    assert bridge.overrides["reps"] == 12
    assert bridge.overrides["sides"] is Sides.EACH
    assert [p.seconds for p in bridge.overrides["tempo"]] == [3.0, 3.0, 2.0]
    assert bridge.note == "Slowly"


def test_a_bad_dose_is_checked_by_the_loaders_rules_and_told_in_the_forms_words(
        catalogue, tmp_path):
    draft = filled(catalogue)
    draft.set_item_field(0, "hold_seconds", "0")
    draft.set_item_field(1, "sets", "two")
    draft.set_field("weeks", "60")
    check = draft.check()
    assert check.routine is None
    assert check.messages(0, "hold_seconds") == ["Use 1 to 3600 seconds."]
    assert check.messages(1, "sets") == ["Use a whole number: 1 to 20 sets."]
    assert check.messages(None, "weeks") == [
        "Use 1 to 52 weeks, or leave it empty."]
    # The loader finds the same problem in the same value in a file.
    loaded, _ = load_text(tmp_path, draft.text())
    assert {p.message for p in loaded.problems} >= {
        "item 1: hold_seconds must be between 1 and 3600, got 0"}


def test_a_number_with_hundreds_or_thousands_of_digits_gets_a_message_not_a_crash(catalogue):
    draft = filled(catalogue)
    draft.set_item_field(1, "reps", "9" * 400)
    draft.set_item_field(2, "duration_seconds", "9" * 5000)
    check = draft.check()
    assert check.routine is None
    assert check.messages(1, "reps") == ["Use 1 to 100 reps."]
    assert check.messages(2, "duration_seconds") == ["Use 1 to 7200 seconds."]


def test_a_dose_the_exercise_cannot_take_is_reported_on_the_item(catalogue):
    draft = filled(catalogue)
    draft.set_item_field(2, "reps", "3")  # walking is timed by duration
    (message,) = draft.check().messages(2, "item")
    assert message == "A timed exercise has no reps or sets."


def test_an_id_used_by_another_routine_is_reported_on_the_name(catalogue):
    draft = filled(catalogue)
    draft.set_field("id", "desk-break")
    assert draft.check().messages(None, "name") == [
        "Another routine has this name."]


def test_a_new_routine_shows_no_message_until_a_field_is_typed_in_or_save_is_asked(
        catalogue):
    draft = RoutineDraft.new(catalogue, assets_dir=assets_dir())
    check = draft.check()
    assert not check.ok
    assert {key for _i, key, _m in check.located()} == {"name", "description", "item"}
    assert [draft.shown(None, key) for key in ("name", "description", "item")] == [[], [], []]
    draft.set_field("name", "B")
    draft.set_field("name", "")
    assert draft.shown(None, "name") == ["Give the routine a name."]
    assert draft.shown(None, "item") == []
    draft.reveal()
    assert draft.shown(None, "description") == ["Describe the routine in a sentence."]
    assert draft.shown(None, "item") == ["Add at least one exercise."]


def test_messages_are_plain_sentences_without_the_files_words(catalogue):
    draft = filled(catalogue)
    draft.set_field("name", "x" * 81)
    draft.set_field("description", "")
    draft.set_field("sessions_per_week", "often")
    draft.set_field("prescriber_contact", "clinic@example.org")
    draft.set_item_field(0, "note", "n" * 501)
    messages = [m for _i, _k, m in draft.check().located()]
    assert sorted(messages) == sorted([
        "Keep the name to 80 characters or fewer.",
        "Describe the routine in a sentence.",
        "Use a whole number: 1 to 14 sessions a week.",
        "Add the physiotherapist's name.",
        "Keep the note to 500 characters or fewer.",
    ])


def test_an_existing_routine_opens_unchanged_in_place_or_as_a_copy(catalogue):
    original = catalogue.routine("desk-break")
    in_place = RoutineDraft.from_routine(original, catalogue, assets_dir=assets_dir(),
                                         in_place=True)
    assert not in_place.modified
    assert in_place.check().routine == dataclasses.replace(original, origin="", line=None)
    copy = RoutineDraft.from_routine(original, catalogue, assets_dir=assets_dir(),
                                     in_place=False)
    assert copy.fields["id"] == "desk-break-2"
    assert copy.check().routine == dataclasses.replace(original, id="desk-break-2", origin="",
                                                       line=None)


def test_listeners_hear_every_change_including_undo(catalogue):
    draft = filled(catalogue)
    heard = []
    draft.subscribe(lambda: heard.append(ids(draft)))
    draft.move_down(0)
    draft.undo()
    draft.redo()
    assert heard == [["bridge", "pelvic-tilt", "walking"], ["pelvic-tilt", "bridge", "walking"],
                     ["bridge", "pelvic-tilt", "walking"]]


def test_the_patients_affected_leg_is_part_of_the_routine_and_survives_editing(catalogue):
    from coach.core.models import Side

    draft = filled(catalogue)
    draft.set_field("affected_side", "left-only")
    routine = draft.check().routine
    assert (routine.affected_side, routine.affected_side_only) == (Side.LEFT, True)
    again = RoutineDraft.from_routine(routine, catalogue, assets_dir=assets_dir(), in_place=True)
    assert again.fields["affected_side"] == "left-only"
    draft.set_field("affected_side", "right")
    routine = draft.check().routine
    assert (routine.affected_side, routine.affected_side_only) == (Side.RIGHT, False)
    draft.set_field("affected_side", "")
    assert draft.check().routine.affected_side is None
