"""The real "How is your pain now?" dialog after a session in the real app: "Compared with last
time" is asked only when there was a last time."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

from coach.ui.pain_check_dialog import PainAfterDialog
from coach.ui.prompts import Prompts
from tests.ui.test_app_sessions import make_app, restore_app_look  # noqa: F401 (fixture)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints",
                                       "This plugin does not support raise")

COMPARE = "Compared with last time, this session felt"


def real_pain_after(app) -> list[list[str]]:
    """Answer the app's pain-after question with the real dialog; each time it opens, record
    its labels and press Skip."""
    seen: list[list[str]] = []
    real = Prompts()

    def ask(parent, session_name, *, compare):
        def answer() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, PainAfterDialog):
                return
            poll.stop()
            seen.append([label.text() for label in dialog.findChildren(QLabel)])
            dialog.skip_button.click()

        poll = QTimer()
        poll.setInterval(10)
        poll.timeout.connect(answer)
        poll.start()
        try:
            return real.pain_after(parent, session_name, compare=compare)
        finally:
            poll.stop()

    app.prompts.pain_after = ask
    return seen


def test_how_it_compared_is_asked_from_the_second_session_on(tmp_path, qtbot):
    app, _ = make_app(tmp_path)
    qtbot.addWidget(app.window)
    try:
        seen = real_pain_after(app)
        app.try_exercise("pelvic-tilt")
        qtbot.waitUntil(lambda: len(seen) == 1, timeout=10_000)
        assert "After your session" in seen[0]
        assert COMPARE not in seen[0]
        app.session_window.close()
        app.try_exercise("pelvic-tilt")
        qtbot.waitUntil(lambda: len(seen) == 2, timeout=10_000)
        assert COMPARE in seen[1]
        app.session_window.close()
    finally:
        app.shutdown()
