"""The real app for a test: `CoachApp` on a temporary data folder, with nothing faked but time.

Real settings, SQLite history and catalogue files, the real `Prompts` (answer its dialogs with
`tests.helpers.modal_answerer.ModalAnswerer`), the crash handler installed as `coach` installs
it (Qt's own messages stay with pytest-qt, which fails a test on a Qt warning). Sessions run on
a `FakeClock` that moves only when the test moves it, and speak through the app's captions-only
speaker. "Open it to print" opens nothing outside the test: `UrlOpener` notes the file.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from coach.app import CoachApp
from coach.core.clock import FakeClock
from coach.paths import resolve
from coach.speech.factory import create_speaker
from coach.ui.qt_compat import protect_singletons


class UrlOpener(QObject):
    """Stands in for the desktop's PDF viewer: notes each file it is asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[Path] = []

    @Slot(QUrl)
    def open_url(self, url: QUrl) -> None:
        self.opened.append(Path(url.toLocalFile()))


@dataclass
class RealApp:
    app: CoachApp
    clock: FakeClock
    opener: UrlOpener = field(default_factory=UrlOpener)


@contextmanager
def real_app(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             catalogue: Sequence[Path] = ()) -> Iterator[RealApp]:
    """The app, not started (`app.start()` opens the window and asks the first-run questions);
    `catalogue`: extra catalogue files, as `coach --catalogue FILE`."""
    protect_singletons()  # whole sessions make many Qt calls; see coach.ui.qt_compat
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # where the file dialogs start
    (tmp_path / "home").mkdir(exist_ok=True)
    monkeypatch.setattr("coach.ui.crash_reporter.route_qt_messages", lambda: None)
    paths = resolve(tmp_path / "data")
    paths.ensure()
    args = argparse.Namespace(catalogue=list(catalogue), exit_when_ready=False,
                              time_scale=None, data_dir=tmp_path / "data")
    app = CoachApp(paths, args, paths.log_file)
    clock = FakeClock(1000.0)
    app.session_clock = lambda: clock

    def silent(clock, settings, *, on_caption, on_notice):
        return create_speaker(clock, settings, on_caption=on_caption, on_notice=on_notice,
                              voice=False)

    app.make_speaker = silent
    app.install_crash_handler()
    real = RealApp(app, clock)
    QDesktopServices.setUrlHandler("file", real.opener, "open_url")
    qtbot.addWidget(app.window)
    try:
        yield real
    finally:
        QDesktopServices.unsetUrlHandler("file")
        app.shutdown()
