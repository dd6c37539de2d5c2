"""The first run in the real app, with the real disclaimer dialog."""

from __future__ import annotations

import pytest

from coach.ui.disclaimer_dialog import DisclaimerDialog
from coach.ui.prompts import Prompts
from tests.ui.real_dialogs import answer_when_open
from tests.ui.test_app_sessions import make_app, restore_app_look  # noqa: F401 (fixture)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints",
                                       "This plugin does not support raise")


def test_the_first_run_disclaimer_is_titled_for_what_it_is(tmp_path, qtbot):
    app, _ = make_app(tmp_path)
    qtbot.addWidget(app.window)
    app.prompts.disclaimer = Prompts().disclaimer
    watcher = answer_when_open(DisclaimerDialog, lambda d: d.ok.click())
    try:
        app._after_first_paint()
        (shown,) = watcher.seen
        assert shown.title == "Before you start"
        assert shown.labels[0] == "Before you start"
        assert "About" not in shown.text
        assert "does not replace your physiotherapist" in shown.text
        assert app.settings.disclaimer_seen
    finally:
        watcher.stop()
        app.shutdown()
