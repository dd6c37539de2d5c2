"""Answering whatever dialog the app opens, as a person would, so a test can press every button
with the real dialogs (pytest-qt's note on modal dialogs: a timer finds the dialog and closes it).

`ModalAnswerer` polls on a `QTimer`. A modal dialog opened with `exec()` runs a nested event
loop, and the timer fires inside it; so do the timers of dialogs nested in that one. Each poll
answers the active modal dialog, else any visible top-level dialog (the non-modal warning and
crash dialogs):

- `QFileDialog`: saving, a new file under `files`; opening, the newest file there that matches
  the filter the dialog shows first (cancelled when there is none).
- `QMessageBox`: the button named in `choices` for its title, else its default button, else its
  accept button (so a "Stop the session?" question gets its safe default, "Carry on").
- the crash dialog: recorded in `crashes` (with its traceback), then closed.
- any other dialog (the app's own): what `filling` says for its title; then every exclusive
  group of radio or toggle buttons with nothing chosen gets the calm answer when it offers one
  ("No", or "No change" for where the leg pain has gone), else its first button; then an
  OK-like button of a `QDialogButtonBox`, else the accent ("primary") button, else the default
  button, else `accept()`.

The answer is pressed on the next turn of the event loop, not inside the poll, so a dialog that
the press opens (a question inside a dialog) is polled and answered too; the innermost dialog
is answered first. A dialog still open after `STUCK_AFTER` answers is recorded in `stuck` and
rejected. No reference to a button is kept after it is pressed: PySide can hand a wrapper kept
after Qt deleted its widget back for the next widget made at the same address. `answered`
lists what was answered ("QMessageBox 'Saved': Close"); `warnings` the text of non-modal
message boxes.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

#: Answers given to one dialog that is still open before it counts as stuck.
STUCK_AFTER = 5
#: What an OK-like button of a QDialogButtonBox does.
_ACCEPTING = (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole)


#: The answers that report nothing wrong, chosen in a group of choices nothing fills.
_CALM_ANSWERS = ("No", "No change")


def _plain(text: str) -> str:
    return text.replace("&", "")


def _depth(widget: QWidget) -> int:
    """How many dialogs `widget` sits in (itself included)."""
    depth = 0
    while widget is not None:
        depth += isinstance(widget, QDialog)
        widget = widget.parentWidget()
    return depth


def _type_name(dialog: QFileDialog, path: Path) -> None:
    """Type the whole path into the file dialog's name field, as a person may. (selectFile
    would wait for the folder to be read, and OK could still take the name suggested.)"""
    field = dialog.findChild(QLineEdit, "fileNameEdit")
    if field is None:
        dialog.selectFile(str(path))
    else:
        field.setText(str(path))


def describe(dialog: QWidget) -> str:
    text = f" ({dialog.text()!r})" if isinstance(dialog, QMessageBox) else ""
    return f"{type(dialog).__name__} '{dialog.windowTitle()}'{text}"


class ModalAnswerer(QObject):
    """See the module docstring. Use as a context manager, or `start()` and `stop()`."""

    def __init__(self, files: Path, *, interval_ms: int = 10,
                 choices: dict[str, str] | None = None) -> None:
        super().__init__()
        self.files = files
        self.files.mkdir(parents=True, exist_ok=True)
        #: A message box's title -> the text of the button to press.
        self.choices: dict[str, str] = dict(choices or {})
        #: A dialog's title -> what fills it in before it is accepted (instead of the defaults).
        self.fills: dict[str, Callable[[QDialog], None]] = {}
        self.answered: list[str] = []
        self.warnings: list[str] = []
        self.crashes: list[str] = []
        self.stuck: list[str] = []
        self.saved: list[Path] = []
        #: How many times each open dialog was answered, and those being answered now.
        self._answers: dict[tuple[int, str, str], int] = {}
        self._in_flight: set[tuple[int, str, str]] = set()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        self._pending: list[tuple[tuple[int, str, str], Callable[[], object]]] = []

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def __enter__(self) -> ModalAnswerer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @contextmanager
    def choosing(self, title: str, button_text: str) -> Iterator[None]:
        """For a while, answer the message box titled `title` with `button_text`."""
        before = self.choices.get(title)
        self.choices[title] = button_text
        try:
            yield
        finally:
            if before is None:
                self.choices.pop(title, None)
            else:
                self.choices[title] = before

    @contextmanager
    def filling(self, title: str, fill: Callable[[QDialog], None]) -> Iterator[None]:
        """For a while, fill the dialog titled `title` with `fill` before accepting it."""
        self.fills[title] = fill
        try:
            yield
        finally:
            self.fills.pop(title, None)

    # --- what is open -----------------------------------------------------------------------

    @staticmethod
    def open_dialogs() -> list[QDialog]:
        """Every dialog on screen: the active modal one first, then the other top-level ones."""
        found: list[QDialog] = []
        try:
            modal = QApplication.activeModalWidget()
        except RuntimeError:
            # PySide can hand back a stale wrapper for a widget Qt made itself (a file
            # dialog) at the address of one it deleted; the list below finds the dialog.
            modal = None
        if isinstance(modal, QDialog) and modal.isVisible():
            found.append(modal)
        others: list[QDialog] = []
        for w in QApplication.topLevelWidgets():
            try:
                if isinstance(w, QDialog) and w.isVisible() and w not in found:
                    others.append(w)
            except RuntimeError:
                continue
        # Without the active modal one: the modal dialogs first, the innermost (a question a
        # dialog asked, parented to it) before the one it belongs to.
        others.sort(key=lambda d: (not d.isModal(), -_depth(d)))
        return found + others

    def quiet(self) -> bool:
        """True when no dialog is open."""
        return not self.open_dialogs()

    # --- answering --------------------------------------------------------------------------

    def poll(self) -> None:
        try:
            self._poll()
        except Exception as e:  # never let a dialog hang the test: record, then close it
            self.stuck.append(f"the answerer failed: {e!r}")
            for dialog in self.open_dialogs():
                dialog.reject()

    def _poll(self) -> None:
        dialogs = self.open_dialogs()
        if not dialogs:
            self._answers.clear()
            return
        dialog = dialogs[0]
        # By the Qt object, not its Python wrapper: PySide may hand back a new wrapper each
        # time for a dialog Qt made itself (a file dialog).
        key = (shiboken6.getCppPointer(dialog)[0], type(dialog).__name__, dialog.windowTitle())
        if key in self._in_flight:
            return  # its answer is being given (perhaps it asked a question of its own)
        count = self._answers.get(key, 0)
        self._answers[key] = count + 1
        if count >= STUCK_AFTER:
            self.stuck.append(f"{describe(dialog)} stayed open after being answered")
            self._later(key, dialog.reject)
            return
        self._later(key, self._answer(dialog))

    def _later(self, key: tuple[int, str, str], press: Callable[[], object]) -> None:
        """Press on the next turn of the event loop, not inside the poll: a press that opens a
        dialog runs a nested event loop, and the poll's timer must go on firing in it. Each
        press has a timer of its own, since a timer whose slot is still running (a press that
        opened a dialog) does not fire again. Until the press is done, the dialog is not
        answered again."""
        self._in_flight.add(key)
        self._pending.append((key, press))
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(self._press)
        timer.timeout.connect(timer.deleteLater)
        timer.start(0)

    def _press(self) -> None:
        if not self._pending:
            return
        key, press = self._pending.pop(0)
        try:
            target = getattr(press, "__self__", None)
            if target is None or shiboken6.isValid(target):  # not gone in the meantime
                press()
        finally:
            self._in_flight.discard(key)
            del press  # let go of the button (see the module docstring)

    def _answer(self, dialog: QDialog):  # -> Callable[[], None]
        name = type(dialog).__name__
        if name == "CrashDialog":
            details = getattr(dialog, "details", None)  # the traceback, behind "Show details"
            text = details.toPlainText() if details is not None else dialog.windowTitle()
            self.crashes.append(text)
            self.answered.append(f"{describe(dialog)}: crash")
            return dialog.accept
        if isinstance(dialog, QFileDialog):
            return self._answer_file(dialog)
        if isinstance(dialog, QMessageBox):
            return self._answer_message(dialog)
        return self._answer_own(dialog)

    def _answer_file(self, dialog: QFileDialog):
        if dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave:
            suggested = Path(dialog.selectedFiles()[0]).name if dialog.selectedFiles() else ""
            path = self._new_path(suggested or "saved")
            self.saved.append(path)
            _type_name(dialog, path)
            self.answered.append(f"{describe(dialog)}: {path.name}")
            return dialog.accept
        patterns = re.findall(r"\*\.?[\w*]*", dialog.selectedNameFilter()) or ["*"]
        candidates = [p for p in self.files.iterdir()
                      if p.is_file() and any(fnmatch.fnmatch(p.name, pat) for pat in patterns)]
        if not candidates:
            self.answered.append(f"{describe(dialog)}: cancelled (no file to open)")
            return dialog.reject
        newest = max(candidates, key=lambda p: p.stat().st_mtime_ns)
        _type_name(dialog, newest)
        self.answered.append(f"{describe(dialog)}: {newest.name}")
        return dialog.accept

    def _new_path(self, name: str) -> Path:
        path = self.files / name
        stem, suffix, n = path.stem, path.suffix, 1
        while path.exists() or path in self.saved:
            n += 1
            path = self.files / f"{stem}-{n}{suffix}"
        return path

    def _answer_message(self, box: QMessageBox):
        if not box.isModal():
            self.warnings.append(box.text())
        wanted = self.choices.get(box.windowTitle())
        target = None
        if wanted is not None:
            target = next((b for b in box.buttons() if _plain(b.text()) == wanted), None)
        if target is None:
            target = box.defaultButton()
        if target is None:
            target = next((b for b in box.buttons()
                           if box.buttonRole(b) in (QMessageBox.ButtonRole.AcceptRole,
                                                    QMessageBox.ButtonRole.YesRole)), None)
        if target is None:
            self.answered.append(f"{describe(box)}: accepted")
            return box.accept
        self.answered.append(f"{describe(box)}: {_plain(target.text())}")
        return target.click

    def _answer_own(self, dialog: QDialog):
        fill = self.fills.get(dialog.windowTitle())
        if fill is not None:
            fill(dialog)
        for group in dialog.findChildren(QButtonGroup):
            buttons = [b for b in group.buttons() if b.isVisible() and b.isEnabled()]
            if group.exclusive() and buttons and group.checkedButton() is None:
                no = next((b for b in buttons if _plain(b.text()) in _CALM_ANSWERS), None)
                (no or buttons[0]).click()
        target = self._accepting_button(dialog)
        if target is None:
            self.answered.append(f"{describe(dialog)}: accepted")
            return dialog.accept
        self.answered.append(f"{describe(dialog)}: {_plain(target.text())}")
        return target.click

    @staticmethod
    def _accepting_button(dialog: QDialog) -> QAbstractButton | None:
        def usable(b: QAbstractButton) -> bool:
            return b.isVisible() and b.isEnabled()

        pushes = [b for b in dialog.findChildren(QPushButton) if usable(b)]
        for box in dialog.findChildren(QDialogButtonBox):
            for b in box.buttons():
                if usable(b) and box.buttonRole(b) in _ACCEPTING:
                    return b
        primary = next((b for b in pushes if b.objectName() == "primary"), None)
        if primary is not None:
            return primary
        # A button with the focus is the default one too, so this comes last.
        return next((b for b in pushes if b.isDefault()), None)
