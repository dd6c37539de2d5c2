"""The real "How is your pain now?" dialog after a session in the real app: "Compared with last
time" is asked only when there was a last time."""

from __future__ import annotations

import pytest

from coach.ui.pain_check_dialog import PainAfterDialog
from coach.ui.prompts import Prompts
from tests.ui.real_dialogs import answer_when_open
from tests.ui.test_app_sessions import make_app, restore_app_look  # noqa: F401 (fixture)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints",
                                       "This plugin does not support raise")

COMPARE = "Compared with last time, this session felt"


def test_how_it_compared_is_asked_from_the_second_session_on(tmp_path, qtbot):
    app, _ = make_app(tmp_path)
    qtbot.addWidget(app.window)
    app.prompts.pain_after = Prompts().pain_after  # the real dialog
    watcher = answer_when_open(PainAfterDialog, lambda d: d.skip_button.click(), times=2)
    try:
        app.try_exercise("pelvic-tilt")
        qtbot.waitUntil(lambda: len(watcher.seen) == 1, timeout=10_000)
        assert "After your session" in watcher.seen[0].labels
        assert COMPARE not in watcher.seen[0].labels
        app.session_window.close()
        app.try_exercise("pelvic-tilt")
        qtbot.waitUntil(lambda: len(watcher.seen) == 2, timeout=10_000)
        assert COMPARE in watcher.seen[1].labels
        app.session_window.close()
    finally:
        watcher.stop()
        app.shutdown()
