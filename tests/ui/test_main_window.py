"""The main window renders the catalogue as literal text and forwards what the user asks for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QScrollArea

from coach import paths
from coach.core.browse import ExerciseFilter, filter_exercises
from coach.core.catalogue import load_catalogue
from coach.core.models import Category, Position, Sides
from coach.ui.main_window import MainWindow
from coach.ui.widgets import plain_label
from tests.core.catalogue_text import catalogue_text, load_text

ROOT = Path(__file__).resolve().parents[2]


def default_catalogue():
    return load_catalogue([paths.default_catalogue()], assets_dir=paths.assets_dir())


def test_the_window_shows_routines_exercises_and_todays_routine(qtbot):
    catalogue = default_catalogue()
    window = MainWindow(catalogue, routine_id="core-and-glutes")
    qtbot.addWidget(window)
    assert window.routines.list.count() == len(catalogue.routines)
    assert window.exercises.list.count() == len(catalogue.exercises)
    assert window.home.current_routine_id() == "core-and-glutes"
    assert window.home.start.isEnabled()


def test_start_on_home_asks_for_todays_routine(qtbot):
    window = MainWindow(default_catalogue(), routine_id="desk-break")
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.start_routine, timeout=1000) as blocker:
        qtbot.mouseClick(window.home.start, Qt.MouseButton.LeftButton)
    assert blocker.args == ["desk-break"]


def test_try_this_exercise_asks_to_run_the_selected_exercise_alone(qtbot):
    window = MainWindow(default_catalogue())
    qtbot.addWidget(window)
    window.exercises.select("bridge")
    with qtbot.waitSignal(window.try_exercise, timeout=1000) as blocker:
        qtbot.mouseClick(window.exercises.detail.try_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["bridge"]
    with qtbot.waitSignal(window.present_exercise, timeout=1000) as blocker:
        qtbot.mouseClick(window.exercises.detail.present_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["bridge"]


def test_search_narrows_the_exercise_list(qtbot):
    window = MainWindow(default_catalogue())
    qtbot.addWidget(window)
    browser = window.exercises
    qtbot.keyClicks(browser.search, "towel")
    shown = browser.shown_ids()
    assert "hamstring-stretch" in shown
    assert "plank" not in shown
    assert browser.count.text().startswith(f"{len(shown)} of ")


def test_filters_combine_and_match_the_core_rule(qtbot):
    catalogue = default_catalogue()
    window = MainWindow(catalogue)
    qtbot.addWidget(window)
    browser = window.exercises
    browser.category.setCurrentIndex(browser.category.findData(Category.STRETCH))
    browser.sides.setCurrentIndex(browser.sides.findData(Sides.EACH))
    expected = [e.id for e in filter_exercises(
        catalogue, ExerciseFilter(category=Category.STRETCH, sides=Sides.EACH))]
    assert browser.shown_ids() == expected
    assert expected
    assert all(catalogue.exercise(i).dose.sides is Sides.EACH for i in expected)
    browser.position.setCurrentIndex(browser.position.findData(Position.STANDING))
    browser.search.setText("zzz-nothing")
    assert browser.shown_ids() == []
    assert not browser.detail.try_button.isEnabled()


def test_equipment_none_finds_exercises_that_need_nothing(qtbot):
    catalogue = default_catalogue()
    window = MainWindow(catalogue)
    qtbot.addWidget(window)
    browser = window.exercises
    browser.equipment.setCurrentIndex(browser.equipment.findData("none"))
    assert all(not catalogue.exercise(i).equipment for i in browser.shown_ids())


def rendered(rich_text: str) -> str:
    """What Qt shows for a rich-text string (a tooltip that looks like HTML is rendered)."""
    doc = QTextDocument()
    doc.setHtml(rich_text)
    return doc.toPlainText()


def test_html_in_a_catalogue_shows_literally(qtbot, tmp_path):
    summary = "A <i>gentle</i> stretch &amp; more"
    text = catalogue_text().replace('name = "Knee to chest"', 'name = "<b>Bold</b> <img src=x>"')
    text = text.replace('summary = "A gentle stretch for the low back."', f'summary = "{summary}"')
    catalogue, _ = load_text(tmp_path, text)
    window = MainWindow(catalogue)
    qtbot.addWidget(window)
    detail = window.exercises.detail
    item = window.exercises.list.item(0)
    assert item.text() == "<b>Bold</b> <img src=x>"
    # A tooltip has no text format: it must read as typed once Qt renders it.
    assert rendered(item.toolTip()) == summary
    assert detail.title.text() == "<b>Bold</b> <img src=x>"
    assert detail.summary.text() == summary
    for label in (detail.title, detail.summary, detail.steps, detail.cautions, detail.dose):
        assert label.textFormat() == Qt.TextFormat.PlainText
    window.tabs.setCurrentIndex(1)  # Routines: the list and the detail
    routines = window.routines
    for label in routines.findChildren(QLabel) + window.home.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


def test_a_missing_illustration_shows_the_placeholder(qtbot, tmp_path):
    catalogue, _ = load_text(tmp_path, catalogue_text())
    window = MainWindow(catalogue)
    qtbot.addWidget(window)
    assert window.exercises.detail.illustration.is_placeholder
    window2 = MainWindow(default_catalogue())
    qtbot.addWidget(window2)
    window2.exercises.select("bridge")
    assert not window2.exercises.detail.illustration.is_placeholder


def test_an_unusable_routine_cannot_be_started(qtbot, tmp_path):
    catalogue, _ = load_text(tmp_path, catalogue_text(routine_items=("missing-one",)))
    window = MainWindow(catalogue)
    qtbot.addWidget(window)
    assert not window.routines.detail.start.isEnabled()
    assert "cannot be started" in window.routines.detail.problem.text()
    assert not window.home.start.isEnabled()


def test_the_application_draws_in_the_fusion_style_that_honours_our_palettes():
    # In a process of its own: this one already has its QApplication (made alike, see
    # tests/conftest.py, but with style sheets set by other tests by now).
    code = ("import sys; from coach.ui.theme import new_application; "
            "print(new_application(sys.argv).style().name())")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.stdout.strip() == "fusion", result.stderr


def test_plain_labels_refuse_rich_text_even_when_made_without_the_qt_enums(qtbot):
    label = plain_label("<b>Bold</b>")
    qtbot.addWidget(label)
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.textInteractionFlags() == Qt.TextInteractionFlag.TextSelectableByMouse
    assert plain_label(selectable=False).textInteractionFlags() != \
        Qt.TextInteractionFlag.TextSelectableByMouse


def test_the_window_can_shrink_to_800_by_600(qtbot):
    window = MainWindow(default_catalogue())
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    assert (window.width(), window.height()) == (800, 600)
    assert window.minimumSizeHint().width() <= 800


def test_exit_when_ready_opens_the_real_window_and_exits_0(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "coach", "--exit-when-ready", "--data-dir", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


# Run in a process of its own: at the first paint (then the window quits), which of PySide's
# costly Python types exist. See README "Performance" and coach.ui.widgets.
_FIRST_PAINT_PROBE = """
import os, sys
import coach.app, coach.cli
def end(code):
    import PySide6.QtCore as core, PySide6.QtWidgets as widgets
    built = [n for n in ("Qt", "QStyle", "QListWidget", "QDialog")
             if n in vars(core) or n in vars(widgets)]
    print(",".join(built) or "none", flush=True)
    os._exit(code)
coach.app._end_process = end
sys.exit(coach.cli.main(["--exit-when-ready", "--data-dir", sys.argv[1]]))
"""


def test_the_first_paint_builds_neither_the_qt_enum_namespace_nor_qstyle(tmp_path):
    # Either would add ~5-10 ms to every start-up (PySide makes all their enums at once).
    result = subprocess.run(
        [sys.executable, "-c", _FIRST_PAINT_PROBE, str(tmp_path)], capture_output=True,
        text=True, cwd=ROOT, timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "none"


def test_searching_sciatica_finds_every_exercise_that_speaks_of_the_sciatic_nerve(qtbot):
    catalogue = default_catalogue()
    window = MainWindow(catalogue)
    qtbot.addWidget(window)
    browser = window.exercises
    qtbot.keyClicks(browser.search, "sciatica")
    shown = browser.shown_ids()
    assert {"sciatic-nerve-glide", "piriformis-stretch", "pigeon-pose"} <= set(shown)
    assert "plank" not in shown
    assert browser.count.text() == f"{len(shown)} of {len(catalogue.exercises)} exercises"


def test_search_looks_in_the_cautions_and_the_category(qtbot):
    window = MainWindow(default_catalogue())
    qtbot.addWidget(window)
    browser = window.exercises
    qtbot.keyClicks(browser.search, "nerve glide")
    assert "sciatic-nerve-glide" in browser.shown_ids()
    browser.search.clear()
    qtbot.keyClicks(browser.search, "sore knee")  # only in Knee to chest's cautions
    assert browser.shown_ids() == ["knee-to-chest"]


def test_another_exercise_is_shown_from_its_top(qtbot):
    window = MainWindow(default_catalogue())
    qtbot.addWidget(window)
    window.resize(900, 500)
    window.show()
    window.tabs.setCurrentIndex(window.tabs.indexOf(window._exercises))
    browser = window.exercises
    browser.select("knee-to-chest")
    bar = browser.detail.findChild(QScrollArea).verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5_000)
    bar.setValue(bar.maximum())
    browser.list.setCurrentRow(browser.shown_ids().index("bridge"))
    assert browser.detail.title.text() == "Bridge"
    assert bar.value() == 0


def test_a_routine_of_one_of_everything_reads_in_the_singular(qtbot, tmp_path):
    text = catalogue_text(exercises=("knee-to-chest",), routine_items=("knee-to-chest",))
    text = text.replace("sessions_per_week = 5", "sessions_per_week = 1\nweeks = 1")
    catalogue, _ = load_text(tmp_path, text)
    assert not catalogue.problems, catalogue.problems
    window = MainWindow(catalogue)
    qtbot.addWidget(window)
    facts = window.home.facts.text()
    assert facts.startswith("1 exercise · ")
    assert "goal: 1 session a week" in facts
    assert "for 1 week" in facts
    assert window.exercises.count.text() == "1 of 1 exercise"
