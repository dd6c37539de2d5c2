"""A child process for the hostile-names test: the real app opens a prescription whose names are
HTML, then shows every page, the dialogs that show those names and both PDFs (the tray's
notification text is tested in tests/ui/test_reminders_ui.py: there is no tray here).

Run as `python -m tests.helpers.hostile_tour DATA RX OUT`: DATA is the data folder (the history
and settings are already there), RX the prescription; OUT is where the PDFs go and where
`tour.json` is written at the end with what was seen. The parent test runs it under a memory
limit and a timeout, and watches the canary file itself, so a tour that reads `/dev/zero` or
the canary is a failure, never a hang.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import os
import sys
from datetime import date, timedelta
from pathlib import Path


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def main(argv: list[str]) -> int:
    data, rx, out = (Path(a) for a in argv)
    # A dialog nobody answers would wait for ever: show where, well before the parent's timeout.
    faulthandler.dump_traceback_later(90, exit=True)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QDialog

    from coach.app import CoachApp
    from coach.paths import resolve
    from coach.speech.fake import FakeSpeaker
    from coach.ui.theme import QT_ARGUMENTS, new_application
    from tests.ui.real_dialogs import answer_when_open

    qt = new_application(["hostile-tour", *QT_ARGUMENTS])
    paths = resolve(data)
    paths.ensure()
    args = argparse.Namespace(catalogue=[], exit_when_ready=False, time_scale=1000.0,
                              data_dir=data, open_files=[rx])
    app = CoachApp(paths, args, paths.log_file)
    app.make_speaker = lambda clock, settings, *, on_caption, on_notice: FakeSpeaker()
    seen: dict[str, object] = {"dialogs": []}

    def paint(widget) -> None:  # noqa: ANN001 (a QWidget)
        qt.processEvents()
        widget.grab()  # lays out and paints it, chart titles included
        qt.processEvents()

    # `coach FILE.toml`: the prescription is added after the first paint; its message (the
    # real message box) is answered with OK.
    told = answer_when_open(QDialog, lambda box: box.accept())
    app.start()
    paint(app.window)  # the first paint: the rest of start-up follows it
    while told.timer.isActive():  # until the one message has been answered
        qt.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    told.stop()
    seen["dialogs"] += [s.text for s in told.seen]  # type: ignore[operator]
    routine_id = next(r for r in app.catalogue.routines if r.startswith("hostile"))
    exercise_id = "hostile-bridge"
    seen["rss_start_kib"] = rss_kib()

    def tour() -> None:
        window = app.window
        window.tabs.setCurrentWidget(window.home)
        window.home.choose(routine_id)
        paint(window)
        window.tabs.setCurrentIndex(1)
        window.routines.select(routine_id)
        paint(window)
        window.tabs.setCurrentIndex(2)
        window.exercises.select(exercise_id)
        paint(window)
        window.tabs.setCurrentWidget(app.progress_tab)
        progress = window.page_of(app.progress_tab)
        progress.exercise.setCurrentIndex(progress.exercise.findData(exercise_id))
        paint(window)
        window.tabs.setCurrentWidget(app.tips_tab)
        paint(window)
        # The dialogs that show the names: the routine editor, safety and reminders.
        editor = app.routine_actions.edit_routine(routine_id)
        assert editor is not None
        paint(editor)
        seen["editor_title"] = editor.windowTitle()
        editor.close()
        care = answer_when_open(QDialog, lambda d: (paint(d), d.reject()))
        app.open_care_settings()
        care.stop()
        seen["dialogs"] += [s.text for s in care.seen]  # type: ignore[operator]
        # The exercise presented in the session window, then closed.
        app.demo_exercise(exercise_id)
        if app.session_window is not None:
            paint(app.session_window)
            app.session_window.close()
        qt.processEvents()

    tour()
    seen["rss_after_first_kib"] = rss_kib()
    tour()
    seen["rss_after_second_kib"] = rss_kib()
    # Both PDFs, through the app's own actions (the file and day questions answered here).
    prompts = app.prompts
    prompts.choose = lambda parent, title, text, options: (  # type: ignore[method-assign]
        "close" if title == "Saved" else options[0][0])
    prompts.confirm = lambda *question, **answers: False  # type: ignore[method-assign]
    prompts.save_file = lambda parent, title, suggested, filters: out / suggested.name  # type: ignore[method-assign]
    prompts.ask_date = lambda parent, title, text, default, latest: date.today() - timedelta(days=60)  # type: ignore[method-assign]  # noqa: E501
    seen["handout"] = str(app.routine_actions.print_routine(routine_id))
    seen["report"] = str(app.routine_actions.visit_report())
    seen["rss_end_kib"] = rss_kib()
    app.shutdown()
    (out / "tour.json").write_text(json.dumps(seen))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
