"""The plain main window renders the catalogue as literal text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from coach.ui.main_window import MainWindow
from tests.core.catalogue_text import catalogue_text, load_text


def test_the_window_lists_routines_and_exercises(qtbot, tmp_path):
    catalogue, _ = load_text(tmp_path, catalogue_text())
    window = MainWindow(catalogue)
    qtbot.addWidget(window)
    assert window.routines.list.count() == 1
    assert window.exercises.list.count() == 1
    assert window.exercises.detail.text().startswith("Knee to chest")


def test_html_in_a_catalogue_shows_literally(qtbot, tmp_path):
    text = catalogue_text().replace('name = "Knee to chest"', 'name = "<b>Bold</b> <img src=x>"')
    catalogue, _ = load_text(tmp_path, text)
    window = MainWindow(catalogue)
    qtbot.addWidget(window)
    assert window.exercises.list.item(0).text() == "<b>Bold</b> <img src=x>"
    assert window.exercises.detail.text().startswith("<b>Bold</b> <img src=x>")
    from PySide6.QtCore import Qt

    assert window.exercises.detail.textFormat() == Qt.TextFormat.PlainText


def test_exit_when_ready_opens_the_real_window_and_exits_0(tmp_path):
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-m", "coach", "--exit-when-ready", "--data-dir", str(tmp_path)],
        capture_output=True, text=True, cwd=root, timeout=60,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
