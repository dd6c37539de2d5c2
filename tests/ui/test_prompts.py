"""The real dialogs behind the prompts seam show catalogue and user text literally.

Each prompt is opened for real (in a nested event loop, as the app opens it); a zero-delay timer
reads the dialog that came up, then answers it, so nothing waits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from coach.ui.prompts import Prompts

# The offscreen platform says these when a dialog is shown or raised; harmless.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints",
                                       "This plugin does not support raise")

NAME = "<b>Bridge</b> & <i>knee</i> &lt;3"
TEXT = f"The routine '{NAME}' was saved to /tmp/<img src=x>.toml."


def shown_texts(dialog: QWidget) -> list[tuple[str, Qt.TextFormat]]:
    """Every label's text and format: what the person reads, and how Qt renders it."""
    return [(label.text(), label.textFormat()) for label in dialog.findChildren(QLabel)
            if label.text()]


def when_open(answer: Callable[[QDialog], None]) -> dict[str, object]:
    """On the next turn of the event loop: record the modal dialog's labels, then `answer` it.
    The dialog is always closed, so a failing check can never leave the test hanging.

    Nothing here keeps the dialog itself: a reference held by the test would keep alive a
    dialog the prompt lets go of, and hide a prompt that reads its field after that."""
    seen: dict[str, object] = {}

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        seen["opened"] = dialog is not None
        if dialog is None:
            return
        seen["texts"] = shown_texts(dialog)
        seen["title"] = dialog.windowTitle()
        try:
            answer(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, run)
    return seen


def click(text: str) -> Callable[[QDialog], None]:
    def press(box: QDialog) -> None:
        assert isinstance(box, QMessageBox)
        button = next(b for b in box.buttons() if b.text() == text)
        button.click()
    return press


def assert_literal(seen: dict[str, object], text: str) -> None:
    assert seen.get("opened"), "no dialog came up"
    texts = seen["texts"]
    assert (text, Qt.TextFormat.PlainText) in texts, texts
    assert all(fmt == Qt.TextFormat.PlainText for _text, fmt in texts), texts


@pytest.fixture
def prompts(qapp):
    return Prompts()


def test_confirm_shows_a_name_with_html_literally_and_gives_the_answer(prompts):
    seen = when_open(click("Stop it"))
    assert prompts.confirm(None, NAME, TEXT, yes="Stop it", no="Carry on") is True
    assert_literal(seen, TEXT)
    assert seen["title"] == NAME


def test_confirm_defaults_to_the_safe_answer(prompts):
    seen = when_open(lambda box: box.reject())
    assert prompts.confirm(None, "Stop?", TEXT, yes="Stop it", no="Carry on") is False
    assert_literal(seen, TEXT)


def test_choose_shows_the_text_literally_and_returns_the_key_pressed(prompts):
    seen = when_open(click("Keep both"))
    answer = prompts.choose(None, "This routine is already here", TEXT,
                            [("replace", "Replace it"), ("keep-both", "Keep both")])
    assert answer == "keep-both"
    assert_literal(seen, TEXT)


def test_inform_shows_the_text_literally(prompts):
    seen = when_open(click("OK"))
    prompts.inform(None, "Prescription saved", TEXT)
    assert_literal(seen, TEXT)


def test_warn_shows_the_text_literally_without_blocking(prompts, qtbot):
    prompts.warn(None, TEXT)
    box = prompts._open[-1]
    qtbot.addWidget(box)
    assert box.isVisible()
    assert not box.isModal()
    assert (TEXT, Qt.TextFormat.PlainText) in shown_texts(box)
    box.close()


def test_choose_minutes_shows_the_exercise_name_literally_and_returns_the_minutes(prompts):
    question = f"How long? {NAME} is used for 10 to 20 minutes at a time."

    def pick_fifteen(dialog: QDialog) -> None:
        combo = dialog.findChild(QComboBox)
        combo.setCurrentIndex(combo.findData(15))
        dialog.accept()

    seen = when_open(pick_fifteen)
    assert prompts.choose_minutes(None, NAME, question, [10, 15, 20], 10) == 15
    assert_literal(seen, question)
    assert seen["title"] == NAME


def test_choose_minutes_starts_on_the_default_and_cancel_gives_none(prompts):
    defaults: list[int] = []

    def cancel(dialog: QDialog) -> None:
        defaults.append(dialog.findChild(QComboBox).currentData())
        dialog.reject()

    when_open(cancel)
    assert prompts.choose_minutes(None, "Heat", "How long?", [10, 15, 20], 20) is None
    assert defaults == [20]


def test_ask_date_shows_its_question_literally(prompts):
    question = f"Report on {NAME} from which day?"
    seen = when_open(lambda dialog: dialog.accept())
    assert prompts.ask_date(None, "Visit report", question, date(2024, 5, 1),
                            date(2024, 6, 5)) == date(2024, 5, 1)
    assert_literal(seen, question)


def test_problems_are_listed_as_typed_under_their_intro(prompts):
    from coach.core.models import Problem

    problem = Problem(file="/tmp/<b>rx</b>.toml", line=3, message="name is <i>empty</i>")
    intro = f"{NAME} has 1 problem."
    listed: list[str] = []

    def read(dialog: QDialog) -> None:
        listed.append(dialog.findChild(QPlainTextEdit).toPlainText())
        dialog.accept()

    seen = when_open(read)
    prompts.problems(None, "Problems in the prescription", intro, [problem])
    assert_literal(seen, intro)
    assert listed == [str(problem)]


def test_ask_date_gives_the_day_picked_in_the_calendar_field(prompts):
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QDateEdit

    def pick(dialog: QDialog) -> None:
        dialog.findChild(QDateEdit).setDate(QDate(2024, 5, 20))
        dialog.accept()

    when_open(pick)
    assert prompts.ask_date(QWidget(), "Visit report", "From which day?", date(2024, 5, 1),
                            date(2024, 6, 5)) == date(2024, 5, 20)


def test_choose_minutes_gives_the_answer_with_a_parent_window_too(prompts, qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    when_open(lambda dialog: dialog.accept())
    assert prompts.choose_minutes(parent, "Cold therapy", "How long?", [5, 10], 10) == 10


def test_the_minutes_question_is_wide_enough_to_read_in_a_few_lines(prompts):
    """The question about a heat pack's minutes reads in three lines or fewer, and the
    minutes field is as tall as a finger-sized button (it was a narrow column of five)."""
    question = ("How long? Heat therapy is used for 10 to 20 minutes at a time. The coach "
                "tells you when to take the pack off.")
    measured: dict[str, int] = {}

    def measure(dialog: QDialog) -> None:
        label = next(lb for lb in dialog.findChildren(QLabel) if lb.text() == question)
        lines = label.heightForWidth(label.width()) / label.fontMetrics().lineSpacing()
        measured["lines"] = round(lines)
        measured["field"] = dialog.findChild(QComboBox).height()
        dialog.accept()

    when_open(measure)
    assert prompts.choose_minutes(None, "Heat therapy", question, [10, 15, 20], 15) == 15
    assert measured["lines"] <= 3, measured
    assert measured["field"] >= 40, measured
