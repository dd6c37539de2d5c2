"""The main window: the routines and exercises of the loaded catalogue.

This is the foundation's plain window; the full browser, session window and settings build on it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coach.core.models import Catalogue, Exercise, Routine


def plain_label(text: str = "", *, wrap: bool = True) -> QLabel:
    """A label that shows catalogue or user text literally: never rendered as HTML."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setText(text)
    return label


class _ListWithDetail(QWidget):
    """A list of (id, title) rows and a plain-text detail pane for the selected one."""

    def __init__(self, rows: list[tuple[str, str, str]], accessible: str) -> None:
        super().__init__()
        self._details = {ident: detail for ident, _, detail in rows}
        self.list = QListWidget()
        self.list.setAccessibleName(accessible)
        for ident, title, _ in rows:
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, ident)
            self.list.addItem(item)
        self.detail = plain_label()
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setAccessibleName(f"{accessible} details")
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.list.currentItemChanged.connect(self._show)
        if rows:
            self.list.setCurrentRow(0)

    def _show(self, current: QListWidgetItem | None) -> None:
        ident = current.data(Qt.ItemDataRole.UserRole) if current else None
        self.detail.setText(self._details.get(ident, ""))


def exercise_detail(ex: Exercise) -> str:
    lines = [ex.name, "", ex.summary, "", f"Dose: {ex.dose.describe()}", "", "Steps:"]
    lines += [f"  {n}. {step}" for n, step in enumerate(ex.steps, start=1)]
    if ex.cautions:
        lines += ["", "Take care:"] + [f"  - {c}" for c in ex.cautions]
    if ex.stop_if:
        lines += ["", "Stop if:"] + [f"  - {c}" for c in ex.stop_if]
    return "\n".join(lines)


def routine_detail(catalogue: Catalogue, routine: Routine) -> str:
    lines = [routine.name, "", routine.description, "",
             f"Goal: {routine.sessions_per_week} sessions a week"]
    if not routine.usable:
        lines += ["", f"This routine cannot be started: {routine.unusable_reason}"]
    lines += ["", "Exercises:"]
    for item in routine.items:
        ex = catalogue.exercises.get(item.exercise_id)
        if ex is None:
            lines.append(f"  - {item.exercise_id} (missing)")
        else:
            lines.append(f"  - {ex.name}: {catalogue.dose_for(item).describe()}")
    return "\n".join(lines)


class MainWindow(QMainWindow):
    """Lists the catalogue's routines and exercises. `first_paint` fires once, after painting."""

    first_paint = Signal()

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self.setWindowTitle("Physio Coach")
        self.setMinimumSize(800, 600)
        self.catalogue = catalogue
        tabs = QTabWidget()
        tabs.setAccessibleName("Sections")
        self.routines = _ListWithDetail(
            [(r.id, r.name + ("" if r.usable else " (cannot be started)"),
              routine_detail(catalogue, r)) for r in catalogue.routines.values()],
            "Routines",
        )
        self.exercises = _ListWithDetail(
            [(e.id, e.name, exercise_detail(e)) for e in catalogue.exercises.values()],
            "Exercises",
        )
        tabs.addTab(self.routines, "Routines")
        tabs.addTab(self.exercises, "Exercises")
        self.setCentralWidget(tabs)
        self._painted = False
        self.installEventFilter(self)
        tabs.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            self.first_paint.emit()
        return super().eventFilter(watched, event)
