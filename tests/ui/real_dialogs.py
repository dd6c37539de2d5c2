"""Answering a real modal dialog while the app waits in its nested event loop.

`answer_when_open(kind, answer)` watches the event loop (a 10 ms timer, no sleeping) until a
dialog of `kind` is the active modal widget, records what it shows, then calls `answer` on
it. Stop the watcher with `.stop()` (done for you once it has answered)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPlainTextEdit


@dataclass
class Seen:
    """One dialog as it was shown: title, every label's text, every text box's text."""

    title: str
    labels: list[str]
    boxes: list[str]

    @property
    def text(self) -> str:
        return "\n".join([self.title, *self.labels, *self.boxes])


@dataclass
class Watcher:
    seen: list[Seen] = field(default_factory=list)
    timer: QTimer = field(default_factory=QTimer)

    def stop(self) -> None:
        self.timer.stop()


def answer_when_open(kind: type[QDialog], answer: Callable[[QDialog], None], *,
                     times: int = 1) -> Watcher:
    watcher = Watcher()

    def check() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind) or not dialog.isVisible():
            return
        watcher.seen.append(Seen(
            dialog.windowTitle(),
            [label.text() for label in dialog.findChildren(QLabel) if label.text()],
            [box.toPlainText() for box in dialog.findChildren(QPlainTextEdit)]))
        try:
            answer(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()
            if len(watcher.seen) >= times:
                watcher.stop()

    watcher.timer.setInterval(10)
    watcher.timer.timeout.connect(check)
    watcher.timer.start()
    return watcher
