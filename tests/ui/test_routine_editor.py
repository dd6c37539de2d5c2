"""The routine editor and the File menu's routine actions, driven like a physiotherapist would:
add exercises, reorder them by keys and by dragging, type a dose and see the loader's message,
undo, save, export for the patient, and open that file on the patient's side."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from coach.core.prescription import Library, open_prescription, same_routine
from coach.paths import assets_dir, default_catalogue
from coach.ui.main_window import MainWindow
from coach.ui.prompts import Prompts
from coach.ui.routine_actions import RoutineActions
from coach.ui.routine_editor import RoutineEditor
from tests.ui.test_main_window import rendered

# The offscreen platform says these when a window with a toolbar is shown or raised; harmless.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints",
                                       "This plugin does not support raise")


@dataclass
class FakePrompts:
    """Answers at once; remembers what was asked."""

    choices: list[str | None] = field(default_factory=list)
    save_to: Path | None = None
    open_path: Path | None = None
    confirm_answer: bool = True
    asked: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problem_lists: list[list[str]] = field(default_factory=list)
    suggested: list[Path] = field(default_factory=list)

    def confirm(self, parent, title, text, *, yes, no) -> bool:
        self.asked.append(title)
        return self.confirm_answer

    def warn(self, parent, text) -> None:
        self.warnings.append(text)

    def inform(self, parent, title, text) -> None:
        self.asked.append(title)

    def choose(self, parent, title, text, options):
        self.asked.append(title)
        answer = self.choices.pop(0) if self.choices else options[-1][0]
        assert answer is None or answer in [key for key, _label in options], (answer, options)
        return answer

    def save_file(self, parent, title, suggested, filters):
        self.asked.append(title)
        self.suggested.append(suggested)
        return self.save_to

    def open_file(self, parent, title, directory, filters):
        return self.open_path

    def problems(self, parent, title, intro, problems) -> None:
        self.problem_lists.append([str(p) for p in problems])

    def ask_date(self, parent, title, text, default: date, latest: date):
        return default


def make_library(root: Path) -> Library:
    return Library(default=default_catalogue(), user=root / "catalogue.toml",
                   folder=root / "prescriptions", assets_dir=assets_dir())


@pytest.fixture
def physio(qtbot, tmp_path):
    """A main window with the routine actions, on a fresh data folder."""
    library = make_library(tmp_path / "physio")
    catalogue = library.load()
    window = MainWindow(catalogue)
    qtbot.addWidget(window)
    prompts = FakePrompts()
    actions = RoutineActions(catalogue, library, window=window, prompts=lambda: prompts,
                             history=lambda: None, today=lambda: date(2024, 6, 5),
                             documents=tmp_path)
    yield actions, prompts
    for editor in list(actions.editors):
        editor.draft.mark_saved()
        editor.close()


def new_editor(qtbot, actions) -> RoutineEditor:
    editor = actions.new_routine()
    qtbot.addWidget(editor)
    return editor


def names(editor: RoutineEditor) -> list[str]:
    return [editor.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(editor.list.count())]


def add(qtbot, editor: RoutineEditor, search: str) -> None:
    editor.search.clear()
    qtbot.keyClicks(editor.search, search)
    qtbot.keyClick(editor.search, Qt.Key.Key_Return)


def fill(qtbot, editor: RoutineEditor) -> None:
    qtbot.keyClicks(editor.fields["name"], "Back care")
    editor.fields["description"].setPlainText("Three gentle exercises.")
    qtbot.keyClicks(editor.fields["prescriber_name"], "Sam Physio")
    for search in ("pelvic tilt", "bridge", "walking"):
        add(qtbot, editor, search)


def test_exercises_are_added_from_the_search_after_the_selected_one(qtbot, physio):
    actions, _ = physio
    editor = new_editor(qtbot, actions)
    fill(qtbot, editor)
    assert names(editor) == ["pelvic-tilt", "bridge", "walking"]
    assert editor.list.currentRow() == 2
    editor.list.setCurrentRow(0)
    add(qtbot, editor, "plank")
    assert names(editor) == ["pelvic-tilt", "plank", "bridge", "walking"]
    assert editor.draft.fields["id"] == "back-care"  # made from the name, never typed


def test_alt_and_ctrl_arrows_move_the_selected_exercise(qtbot, physio):
    actions, _ = physio
    editor = new_editor(qtbot, actions)
    fill(qtbot, editor)
    editor.list.setCurrentRow(0)
    qtbot.keyClick(editor.list, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert names(editor) == ["bridge", "pelvic-tilt", "walking"]
    assert editor.list.currentRow() == 1
    qtbot.keyClick(editor.list, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert names(editor) == ["bridge", "walking", "pelvic-tilt"]
    qtbot.keyClick(editor.list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert names(editor) == ["bridge", "pelvic-tilt", "walking"]
    qtbot.keyClick(editor.list, Qt.Key.Key_Delete)
    assert names(editor) == ["bridge", "walking"]


def test_a_drop_in_the_list_is_a_move_the_draft_can_undo(qtbot, physio):
    actions, _ = physio
    editor = new_editor(qtbot, actions)
    fill(qtbot, editor)
    # What QListWidget does on an internal drop: move the row in its model.
    assert editor.list.model().moveRows(QModelIndex(), 2, 1, QModelIndex(), 0)
    assert [i.exercise_id for i in editor.draft.items] == ["walking", "pelvic-tilt", "bridge"]
    assert names(editor) == ["walking", "pelvic-tilt", "bridge"]
    editor.draft_undo()
    assert names(editor) == ["pelvic-tilt", "bridge", "walking"]


def test_a_bad_dose_shows_its_message_as_you_type_and_undo_takes_it_back(qtbot, physio):
    actions, _ = physio
    editor = new_editor(qtbot, actions)
    fill(qtbot, editor)
    editor.list.setCurrentRow(1)  # the bridge
    assert editor.item_title.text() == "Bridge"
    reps = editor.item_fields["reps"]
    message = editor.item_messages["reps"]
    assert message.text() == ""
    assert editor.draft.check().ok
    qtbot.keyClicks(reps, "0")
    assert message.text() == "Use 1 to 100 reps."
    assert message.textFormat() == Qt.TextFormat.PlainText
    assert not editor.draft.check().ok
    assert editor.status.text() == "Fix what is marked in red, then save (1 to fix)."
    assert editor.list.item(1).text().endswith("(check the dose)")
    qtbot.keyClicks(reps, "5")  # "05" is five
    assert message.text() == ""
    assert editor.draft.check().ok
    reps.setFocus()
    qtbot.keyClick(reps, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert reps.text() == ""  # typing "05" was one step
    assert editor.draft.item_value(1, "reps") == ""
    qtbot.keyClick(reps, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert reps.text() == "05"


def test_the_tempo_and_sides_of_an_item_can_be_changed(qtbot, physio):
    actions, _ = physio
    editor = new_editor(qtbot, actions)
    fill(qtbot, editor)
    editor.list.setCurrentRow(1)
    assert [editor.tempo_layout.labelForField(f).text() for f in editor.tempo_fields] == [
        "lift (s)", "hold (s)", "lower (s)"]
    qtbot.keyClicks(editor.tempo_fields[1], "5")
    editor.sides.setCurrentIndex(editor.sides.findData("each"))
    editor.sides.activated.emit(editor.sides.currentIndex())
    routine = editor.draft.check().routine
    bridge = routine.items[1]
    assert [p.seconds for p in bridge.overrides["tempo"]] == [2, 5, 2]
    assert bridge.overrides["sides"] == "each"
    assert "lift 2 s / hold 5 s / lower 2 s" in editor.list.item(1).text()


def test_save_puts_the_routine_on_the_routines_tab_and_into_the_prescriptions_folder(
        qtbot, physio):
    actions, _ = physio
    editor = new_editor(qtbot, actions)
    fill(qtbot, editor)
    editor.save_action.trigger()
    saved = actions.library.folder / "back-care.toml"
    assert saved.is_file()
    assert not editor.draft.modified
    assert "back-care" in actions.catalogue.routines
    window = actions.window
    assert window.routines.detail.routine_id == "back-care"
    assert window.home.chooser.findData("back-care") >= 0
    # A later save replaces the same routine, even under a new name: its id (and so its
    # history) stays.
    editor.fields["name"].clear()
    qtbot.keyClicks(editor.fields["name"], "Back care, week 2")
    editor.save_action.trigger()
    assert [p.name for p in actions.library.folder_files()] == ["back-care.toml"]
    assert actions.catalogue.routine("back-care").name == "Back care, week 2"


def test_editing_a_default_routine_makes_a_copy_and_never_touches_the_original(
        qtbot, physio):
    actions, _ = physio
    editor = actions.edit_routine("core-and-glutes")
    qtbot.addWidget(editor)
    assert editor.draft.fields["id"] == "core-and-glutes-2"
    editor.save_action.trigger()
    original = actions.catalogue.routine("core-and-glutes")
    assert original.origin == str(default_catalogue())
    copy = actions.catalogue.routine("core-and-glutes-2")
    assert same_routine(dataclasses.replace(original, id="core-and-glutes-2"), copy)


def test_export_writes_a_prescription_the_patients_copy_opens_as_the_same_routine(
        qtbot, physio, tmp_path):
    actions, prompts = physio
    editor = new_editor(qtbot, actions)
    fill(qtbot, editor)
    qtbot.keyClicks(editor.fields["prescriber_contact"], "clinic@example.org")
    prompts.save_to = tmp_path / "for-patient.toml"
    editor.export_action.trigger()
    assert prompts.save_to.is_file()
    patient = make_library(tmp_path / "patient")
    opened = open_prescription(prompts.save_to, patient.load(), patient)
    assert opened.problems == []
    (routine,) = opened.new
    assert same_routine(routine, editor.draft.check().routine)
    assert routine.prescriber.contact == "clinic@example.org"


def test_export_suggests_a_name_the_desktop_opens_as_a_prescription(qtbot, physio, tmp_path):
    """ROUTINE-ID.physio.toml: the name `coach desktop install` registers as a prescription."""
    actions, prompts = physio
    editor = new_editor(qtbot, actions)
    fill(qtbot, editor)
    prompts.save_to = tmp_path / "chosen.toml"
    editor.export_action.trigger()
    (suggested,) = prompts.suggested
    assert suggested.name == f"{editor.draft.check().routine.id}.physio.toml"


def test_open_prescription_adds_it_and_asks_before_replacing(qtbot, physio, tmp_path):
    actions, prompts = physio
    editor = actions.new_routine()  # closed (and deleted) below: not qtbot's to close
    fill(qtbot, editor)
    prompts.save_to = tmp_path / "rx.toml"
    editor.export_action.trigger()
    editor.draft.mark_saved()
    editor.close()
    assert actions.editors == []
    # The patient's side: a window of their own.
    patient_lib = make_library(tmp_path / "patient")
    catalogue = patient_lib.load()
    window = MainWindow(catalogue)
    qtbot.addWidget(window)
    answers = FakePrompts()
    patient = RoutineActions(catalogue, patient_lib, window=window, prompts=lambda: answers,
                             history=lambda: None, today=date.today, documents=tmp_path)
    assert patient.open_prescription(prompts.save_to) == ["back-care"]
    assert window.routines.detail.routine_id == "back-care"
    # The same file again: nothing to ask, nothing changes.
    assert patient.open_prescription(prompts.save_to) == []
    assert "This routine is already here" not in answers.asked
    # A changed version: the patient is asked, and chooses.
    text = prompts.save_to.read_text(encoding="utf-8")
    changed = tmp_path / "rx-2.toml"
    changed.write_text(text.replace("Three gentle exercises.", "Now four times a week."),
                       encoding="utf-8")
    answers.choices = ["keep-both"]
    assert patient.open_prescription(changed) == ["back-care-2"]
    assert catalogue.routine("back-care-2").name == "Back care (2)"
    answers.choices = ["replace"]
    assert patient.open_prescription(changed) == ["back-care"]
    assert catalogue.routine("back-care").description == "Now four times a week."
    answers.choices = [None]  # cancelled: nothing added
    changed.write_text(text.replace("Three gentle exercises.", "Five."), encoding="utf-8")
    assert patient.open_prescription(changed) == []
    assert catalogue.routine("back-care").description == "Now four times a week."


def test_a_broken_prescription_shows_its_problems(qtbot, physio, tmp_path):
    actions, prompts = physio
    rx = tmp_path / "broken.toml"
    rx.write_text('schema = 1\n[[routine]]\nid = "x"\nname = "X"\ndescription = "d"\n'
                  '[[routine.item]]\nexercise = "brige"\n', encoding="utf-8")
    assert actions.open_prescription(rx) == []
    assert prompts.problem_lists == [[
        "broken.toml:6: routine 'x': item 1 names exercise 'brige', which does not exist "
        "(did you mean 'bridge'?)"]]


def test_print_writes_the_handout_pdf_and_demo_is_forwarded(qtbot, physio, tmp_path):
    actions, prompts = physio
    editor = new_editor(qtbot, actions)
    fill(qtbot, editor)
    prompts.save_to = tmp_path / "handout.pdf"
    prompts.choices = ["letter"]
    prompts.confirm_answer = False  # "Saved": Close, not open it
    editor.print_action.trigger()
    assert prompts.save_to.read_bytes().startswith(b"%PDF")
    editor.list.setCurrentRow(1)
    with qtbot.waitSignal(actions.window.demo_exercise, timeout=1000) as demo:
        qtbot.mouseClick(editor.demo_button, Qt.MouseButton.LeftButton)
    assert demo.args == ["bridge"]


def test_closing_with_unsaved_changes_asks_first(qtbot, physio):
    actions, prompts = physio
    editor = new_editor(qtbot, actions)
    fill(qtbot, editor)
    prompts.confirm_answer = False
    editor.close()
    assert editor.isVisible()
    assert "Close the routine editor?" in prompts.asked


def test_the_exercises_tab_offers_add_to_routine_while_an_editor_is_open(qtbot, physio):
    actions, _ = physio
    window = actions.window
    detail = window.exercises.detail
    assert detail.add_button.isHidden()
    editor = actions.new_routine()  # closed (and deleted) below: not qtbot's to close
    assert not detail.add_button.isHidden()
    window.exercises.select("plank")
    qtbot.mouseClick(detail.add_button, Qt.MouseButton.LeftButton)
    assert names(editor) == ["plank"]
    editor.close()
    assert detail.add_button.isHidden()


def test_saving_keeps_the_routines_of_files_named_on_the_command_line(qtbot, tmp_path):
    extra = tmp_path / "extra.toml"
    extra.write_text('schema = 1\n[[routine]]\nid = "from-the-clinic"\nname = "From the clinic"'
                     '\ndescription = "d"\n[[routine.item]]\nexercise = "bridge"\n',
                     encoding="utf-8")
    library = make_library(tmp_path / "data")
    catalogue = library.load([extra])
    window = MainWindow(catalogue)
    qtbot.addWidget(window)
    actions = RoutineActions(catalogue, library, window=window, prompts=FakePrompts,
                             history=lambda: None, today=date.today, extra=[extra])
    editor = new_editor(qtbot, actions)
    fill(qtbot, editor)
    editor.save_action.trigger()
    assert {"back-care", "from-the-clinic"} <= set(catalogue.routines)


def test_names_from_the_catalogue_show_literally_in_labels_and_tooltips(qtbot, tmp_path):
    library = make_library(tmp_path / "physio")
    library.user.parent.mkdir(parents=True)
    library.user.write_text(
        'schema = 1\n[[exercise]]\nid = "html"\nname = "<b>Bold</b> lift"\ncategory = "strength"'
        '\nsummary = "<i>Strong</i> &amp; slow"\nposition = "standing"\nsteps = ["Lift."]'
        '\nreps = 5\ntempo = [{ name = "<u>up</u>", seconds = 2, cue = "Up" },'
        ' { name = "down", seconds = 2, cue = "Down" }]\n', encoding="utf-8")
    catalogue = library.load()
    assert not catalogue.problems, catalogue.problems
    window = MainWindow(catalogue)
    qtbot.addWidget(window)
    actions = RoutineActions(catalogue, library, window=window, prompts=FakePrompts,
                             history=lambda: None, today=lambda: date(2024, 6, 5))
    editor = actions.new_routine()  # closed (and deleted) at the end of the test
    add(qtbot, editor, "bold lift")
    assert names(editor) == ["html"]
    picked = editor.picker.item(0)
    assert rendered(picked.toolTip()) == "<i>Strong</i> &amp; slow"
    assert rendered(editor.undo_action.toolTip()) == "Undo Add <b>Bold</b> lift"
    assert editor.item_title.text() == "<b>Bold</b> lift"
    tempo_labels = [editor.tempo_layout.labelForField(f) for f in editor.tempo_fields]
    assert [label.text() for label in tempo_labels] == ["<u>up</u> (s)", "down (s)"]
    shown = [label for label in editor.findChildren(QLabel) if "<" in label.text()]
    assert len(shown) >= 3  # the title, the first tempo part, the list of problems or not
    for label in shown:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
    editor.draft.mark_saved()
    editor.close()


# --- as a physiotherapist sees it: messages, a layout that stays put, the real dialogs -------


def active_editor(qtbot, actions) -> RoutineEditor:
    """A new routine's editor, shown and active (so keys and clicks reach it as a user's)."""
    editor = new_editor(qtbot, actions)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow, timeout=2000)
    return editor


def field_labels(editor: RoutineEditor) -> list[str]:
    return [label.text() for label in editor.findChildren(QLabel)]


def test_a_new_routine_opens_with_no_message_and_no_id_to_type(qtbot, physio):
    actions, _ = physio
    editor = new_editor(qtbot, actions)
    assert [m.text() for m in editor.messages.values()] == [""] * len(editor.messages)
    assert editor.status.text() == ("Name the routine, say what it is for and add exercises, "
                                    "then save.")
    assert "id" not in editor.fields
    assert not [w for w in editor.findChildren(QWidget) if w.accessibleName() == "Id"]
    assert not any(text.replace("&", "") == "Id" for text in field_labels(editor))


def test_save_with_problems_shows_them_in_clinical_words_at_their_fields(
        qtbot, physio, tmp_path):
    actions, prompts = physio
    editor = active_editor(qtbot, actions)
    qtbot.keyClicks(editor.fields["prescriber_contact"], "clinic@example.org")
    assert editor.messages["prescriber_name"].text() == ""  # not typed in yet
    qtbot.keyClick(editor.fields["name"], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert {key: m.text() for key, m in editor.messages.items() if m.text()} == {
        "name": "Give the routine a name.",
        "description": "Describe the routine in a sentence.",
        "prescriber_name": "Add the physiotherapist's name.",
        "item": "Add at least one exercise.",
    }
    assert editor.status.text() == "Fix what is marked in red, then save (4 to fix)."
    assert QApplication.focusWidget() is editor.fields["name"]
    assert prompts.warnings == []  # no pop-up: the form says it
    assert not actions.library.folder.exists() or not actions.library.folder_files()
    jargon = ("[[", "required", "field", "'item'", "routine.", "_")
    for text in field_labels(editor):
        assert not any(word in text for word in jargon), text


def test_fields_stay_put_while_messages_come_and_go_and_all_that_is_typed_is_saved(
        qtbot, physio):
    """Clicks land where each field was first seen, while messages appear and disappear
    around it, and every value typed reaches the saved file."""
    import tomllib

    actions, _ = physio
    editor = active_editor(qtbot, actions)
    editor.resize(1600, 1000)  # every field in view at once
    add(qtbot, editor, "pelvic tilt")
    add(qtbot, editor, "bridge")  # selected: its dose fields are on the right
    fields = {**editor.fields, "reps": editor.item_fields["reps"]}
    seen = {key: w.mapTo(editor, w.rect().center()) for key, w in fields.items()}

    def type_at(key: str, text: str) -> None:
        """Click where the field was first seen, select what is there, type."""
        point = seen[key]
        target = editor.childAt(point)
        assert target is not None, key
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(editor, point))
        focus = QApplication.focusWidget()
        assert focus is fields[key] or focus.parent() is fields[key], (key, focus)
        qtbot.keyClick(focus, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(focus, text)

    editor.save_action.trigger()  # every message shows: name, description
    type_at("reps", "0")  # a message comes on the right
    type_at("name", "Back care")  # the name's message goes
    type_at("weeks", "lots")  # a message comes under the weeks
    type_at("description", "Two gentle exercises.")  # the description's message goes
    type_at("weeks", "6")  # the weeks' message goes
    type_at("sessions_per_week", "0")  # a message comes
    type_at("prescriber_contact", "clinic@example.org")  # and the name's message comes
    type_at("prescriber_name", "Sam Physio")  # lands in the field, not in empty space
    type_at("sessions_per_week", "4")
    type_at("rest_between_seconds", "20")
    type_at("reps", "12")
    assert [m.text() for m in editor.messages.values()] == [""] * len(editor.messages)
    qtbot.keyClick(editor.list, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = tomllib.loads((actions.library.folder / "back-care.toml").read_text("utf-8"))
    (routine,) = saved["routine"]
    assert routine["name"] == "Back care"
    assert routine["description"] == "Two gentle exercises."
    assert (routine["sessions_per_week"], routine["weeks"], routine["rest_between_seconds"]) \
        == (4, 6, 20)
    assert routine["prescriber"] == {"name": "Sam Physio", "contact": "clinic@example.org"}
    assert [item["exercise"] for item in routine["item"]] == ["pelvic-tilt", "bridge"]
    assert routine["item"][1]["reps"] == 12


def test_every_exercise_line_shows_in_full_without_a_sideways_scrollbar(qtbot, physio):
    actions, _ = physio
    editor = new_editor(qtbot, actions)
    editor.resize(800, 600)
    qtbot.waitExposed(editor)
    fill(qtbot, editor)
    for search in ("knee to chest", "hamstring stretch"):
        add(qtbot, editor, search)
    assert editor.draft.check().ok  # so each line has its dose
    assert " — " in editor.list.item(0).text()
    qtbot.waitUntil(lambda: editor.list.visualItemRect(editor.list.item(0)).width() > 0,
                    timeout=1000)
    listed = editor.list
    assert not listed.horizontalScrollBar().isVisible()
    width = listed.viewport().width()
    metrics = listed.fontMetrics()
    for row in range(listed.count()):
        item = listed.item(row)
        rect = listed.visualItemRect(item)
        assert rect.right() <= width, item.text()
        needed = metrics.boundingRect(0, 0, rect.width() - 8, 10_000,
                                      int(Qt.TextFlag.TextWordWrap), item.text())
        assert needed.height() <= rect.height(), (item.text(), needed, rect)


def answer_modals(qtbot, *answers):
    """Answer the next modal dialogs as they open, in order: each answer gets the dialog.
    Returns the list of dialogs seen (checked when the test has run)."""
    pending = list(answers)
    seen: list[QWidget] = []
    timer = QTimer()
    timer.setInterval(10)

    def look() -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None and modal not in seen and pending:
            seen.append(modal)
            pending.pop(0)(modal)
        if not pending:
            timer.stop()

    timer.timeout.connect(look)
    timer.start()
    return seen, timer


def click_button(text: str):
    def answer(dialog: QWidget) -> None:
        (button,) = [b for b in dialog.findChildren(QAbstractButton) if b.text() == text]
        button.click()
    return answer


def test_print_says_saved_with_a_button_to_open_it_and_one_to_close(qtbot, tmp_path):
    library = make_library(tmp_path / "physio")
    catalogue = library.load()
    window = MainWindow(catalogue)
    qtbot.addWidget(window)

    class RealDialogs(Prompts):  # the real dialogs; the file dialog answers with a path
        def save_file(self, parent, title, suggested, filters):
            return tmp_path / "handout.pdf"

    prompts = RealDialogs()
    actions = RoutineActions(catalogue, library, window=window, prompts=lambda: prompts,
                             history=lambda: None, today=lambda: date(2024, 6, 5),
                             documents=tmp_path)
    buttons: list[list[str]] = []

    def close_saved(box: QWidget) -> None:
        buttons.append([b.text() for b in box.buttons()])
        click_button("Close")(box)

    seen, timer = answer_modals(qtbot, click_button("A4"), close_saved)
    try:
        assert actions.print_routine("desk-break") == tmp_path / "handout.pdf"
    finally:
        timer.stop()
    assert (tmp_path / "handout.pdf").read_bytes().startswith(b"%PDF")
    assert [d.windowTitle() for d in seen] == ["Print / Save PDF", "Saved"]
    assert sorted(buttons[0]) == ["Close", "Open it to print"]  # no Cancel beside Close


def test_a_fields_alt_letter_puts_the_cursor_in_that_field(qtbot, physio):
    """The form's labels promise an Alt+letter (Alt+N for Name, Alt+P for Physiotherapist,
    Alt+H for Hold); each one takes the typing to its field."""
    actions, _ = physio
    editor = new_editor(qtbot, actions)
    add(qtbot, editor, "pelvic tilt")
    editor.activateWindow()
    qtbot.waitUntil(lambda: editor.isActiveWindow(), timeout=2000)
    for key, field_widget in ((Qt.Key.Key_N, editor.fields["name"]),
                              (Qt.Key.Key_P, editor.fields["prescriber_name"]),
                              (Qt.Key.Key_D, editor.fields["description"]),
                              (Qt.Key.Key_H, editor.item_fields["hold_seconds"])):
        qtbot.keyClick(editor.search, key, Qt.KeyboardModifier.AltModifier)
        assert editor.focusWidget() is field_widget, key
    editor.fields["name"].setFocus()
    qtbot.keyClick(editor.fields["name"], Qt.Key.Key_Tab)
    after_name = editor.focusWidget()
    assert after_name is not editor.fields["name"]
    assert after_name in [*editor.fields.values(), *editor.item_fields.values()]


def test_file_quit_closes_an_open_editor_too_and_asks_first_when_it_has_changes(
        qtbot, physio):
    """Quit with the editor open ends the app: the editor closes with the main window (they
    used to stay open, and the process with them); with unsaved changes it asks first, and
    "Keep editing" keeps both windows open."""
    actions, prompts = physio
    window = actions.window
    window.show()
    editor = actions.new_routine()  # not handed to qtbot: it is deleted once closed
    add(qtbot, editor, "bridge")
    [quit_action] = [a for a in window.file_menu.actions() if a.text() == "&Quit"]
    prompts.confirm_answer = False  # Keep editing
    quit_action.trigger()
    assert prompts.asked[-1] == "Close the routine editor?"
    assert editor.isVisible()
    assert window.isVisible()
    editor.draft.mark_saved()
    quit_action.trigger()
    assert not editor.isVisible()
    assert not window.isVisible()


def test_the_affected_leg_chosen_in_the_editor_is_saved_in_the_prescription(qtbot, physio):
    from coach.core.models import Side

    actions, _ = physio
    editor = new_editor(qtbot, actions)
    fill(qtbot, editor)
    combo = editor.affected_side
    combo.setCurrentIndex(combo.findText("Left leg only"))
    combo.activated.emit(combo.currentIndex())
    editor.save_action.trigger()
    text = (actions.library.folder / "back-care.toml").read_text(encoding="utf-8")
    assert 'affected_side = "left"' in text
    assert "affected_side_only = true" in text
    routine = actions.catalogue.routine("back-care")
    assert (routine.affected_side, routine.affected_side_only) == (Side.LEFT, True)
    editor.draft.undo()
    assert combo.currentData() == ""
