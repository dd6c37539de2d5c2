"""The Home page (today's routine, a big Start) and the Routines page (list and detail)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coach.core.models import Catalogue, Routine, format_duration
from coach.ui.theme import WARNING
from coach.ui.widgets import (
    button,
    heading,
    list_and_detail,
    plain_label,
    primary_button,
    select_by_id,
)


def routine_lines(catalogue: Catalogue, routine: Routine) -> list[str]:
    """The routine's items as lines: "1. Bridge: lift 2 s / ... · 10 reps" plus notes."""
    lines = []
    for n, item in enumerate(routine.items, start=1):
        ex = catalogue.exercises.get(item.exercise_id)
        if ex is None:
            lines.append(f"{n}. {item.exercise_id} (not in the catalogue)")
            continue
        lines.append(f"{n}. {ex.name}: {catalogue.dose_for(item).describe()}")
        if item.note:
            lines.append(f"    Note: {item.note}")
    return lines


def _rounded(seconds: float) -> float:
    """To the minute once past a minute and a half: "about 10 min", not "about 9 min 34 s"."""
    return round(seconds / 60) * 60 if seconds >= 90 else seconds


def routine_facts(catalogue: Catalogue, routine: Routine) -> str:
    facts = [f"{len(routine.items)} exercises",
             f"goal: {routine.sessions_per_week} sessions a week"]
    if routine.usable:
        active = _rounded(catalogue.active_seconds(routine))
        facts.insert(1, f"about {format_duration(active)} of exercise")
    if routine.weeks:
        facts.append(f"for {routine.weeks} weeks")
    if routine.prescriber:
        who = routine.prescriber.name
        if routine.prescriber.contact:
            who += f" ({routine.prescriber.contact})"
        facts.append(f"from {who}")
    return " · ".join(facts)


class RoutineDetail(QWidget):
    start_requested = Signal(str)
    edit_requested = Signal(str)
    export_requested = Signal(str)
    print_requested = Signal(str)

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.routine_id: str | None = None
        self.title = heading()
        self.facts = plain_label()
        self.description = plain_label()
        self.problem = plain_label()
        self.problem.setStyleSheet(f"color: {WARNING}; font-weight: bold;")
        self.items = plain_label()
        self.start = primary_button("&Start this routine", "Start this routine")
        self.start.clicked.connect(lambda: self._forward(self.start_requested))
        self.edit_button = button("&Edit…", "Edit this routine")
        self.export_button = button("E&xport for patient…", "Export this routine for a patient")
        self.print_button = button("&Print / Save PDF…", "Print this routine's handout")
        self.edit_button.clicked.connect(lambda: self._forward(self.edit_requested))
        self.export_button.clicked.connect(lambda: self._forward(self.export_requested))
        self.print_button.clicked.connect(lambda: self._forward(self.print_requested))
        actions = QHBoxLayout()
        actions.addWidget(self.start)
        for b in (self.edit_button, self.export_button, self.print_button):
            actions.addWidget(b)
        actions.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addWidget(self.description)
        layout.addWidget(self.problem)
        layout.addLayout(actions)
        layout.addWidget(self.items)
        layout.addStretch()

    def show_routine(self, routine: Routine | None) -> None:
        self.routine_id = routine.id if routine else None
        if routine is None:
            for w in (self.title, self.facts, self.description, self.problem, self.items):
                w.setText("")
            for b in (self.start, self.edit_button, self.export_button, self.print_button):
                b.setEnabled(False)
            return
        for b in (self.edit_button, self.export_button, self.print_button):
            b.setEnabled(routine.usable)
        self.title.setText(routine.name)
        self.facts.setText(routine_facts(self.catalogue, routine))
        self.description.setText(routine.description)
        self.problem.setVisible(not routine.usable)
        self.problem.setText(f"This routine cannot be started: {routine.unusable_reason}"
                             if not routine.usable else "")
        self.items.setText("\n".join(routine_lines(self.catalogue, routine)))
        self.start.setEnabled(routine.usable)

    def _forward(self, signal: Signal) -> None:
        if self.routine_id:
            signal.emit(self.routine_id)


class RoutinesPage(QWidget):
    start_requested = Signal(str)
    new_requested = Signal()
    edit_requested = Signal(str)
    export_requested = Signal(str)
    print_requested = Signal(str)

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.list = QListWidget()
        self.list.setAccessibleName("Routines")
        for routine in catalogue.routines.values():
            item = QListWidgetItem(routine.name + ("" if routine.usable else " (cannot start)"))
            item.setData(Qt.ItemDataRole.UserRole, routine.id)
            self.list.addItem(item)
        self.detail = RoutineDetail(catalogue)
        self.new_button = button("&New routine…", "Build a new routine")
        self.new_button.clicked.connect(self.new_requested)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list)
        left_layout.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addWidget(list_and_detail(left, self.detail))
        self.list.currentItemChanged.connect(self._selected)
        self.list.itemActivated.connect(self._activated)
        self.detail.start_requested.connect(self.start_requested)
        self.detail.edit_requested.connect(self.edit_requested)
        self.detail.export_requested.connect(self.export_requested)
        self.detail.print_requested.connect(self.print_requested)
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self.detail.show_routine(None)

    def select(self, routine_id: str) -> None:
        select_by_id(self.list, routine_id)

    def _selected(self, current: QListWidgetItem | None) -> None:
        if current is not None:
            self.detail.show_routine(self.catalogue.routines.get(
                current.data(Qt.ItemDataRole.UserRole)))

    def _activated(self, item: QListWidgetItem) -> None:
        routine = self.catalogue.routines.get(item.data(Qt.ItemDataRole.UserRole))
        if routine is not None and routine.usable:
            self.start_requested.emit(routine.id)


class HomePage(QWidget):
    """Today's routine with a big Start; the last session and the weekly goal once known."""

    start_requested = Signal(str)
    routine_chosen = Signal(str)

    def __init__(self, catalogue: Catalogue, routine_id: str | None = None) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.greeting = heading("Today's routine", scale=1.8)
        self.chooser = QComboBox()
        self.chooser.setAccessibleName("Today's routine")
        for routine in catalogue.usable_routines():
            self.chooser.addItem(routine.name, routine.id)
        self.facts = plain_label()
        self.description = plain_label()
        self.start = primary_button("&Start", "Start today's routine")
        self.start.setMinimumHeight(72)
        self.start.setMinimumWidth(260)
        self.last_session = plain_label()
        self.week = plain_label()
        self.empty = plain_label("No routine can be started: the catalogue has none that "
                                 "loaded without problems.")
        row = QHBoxLayout()
        row.addWidget(self.chooser, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.greeting)
        layout.addLayout(row)
        layout.addWidget(self.facts)
        layout.addWidget(self.description)
        layout.addSpacing(12)
        layout.addWidget(self.start, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addSpacing(12)
        layout.addWidget(self.week)
        layout.addWidget(self.last_session)
        layout.addWidget(self.empty)
        layout.addStretch()
        self.chooser.currentIndexChanged.connect(self._chosen)
        self.start.clicked.connect(self._start)
        if routine_id is not None:
            index = self.chooser.findData(routine_id)
            if index >= 0:
                self.chooser.setCurrentIndex(index)
        self._show(self.chooser.currentData())

    def current_routine_id(self) -> str | None:
        return self.chooser.currentData()

    def refresh(self, routine_id: str | None = None) -> None:
        """Re-read the routines (the catalogue changed); keep or pick `routine_id`."""
        keep = routine_id or self.chooser.currentData()
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for routine in self.catalogue.usable_routines():
            self.chooser.addItem(routine.name, routine.id)
        index = self.chooser.findData(keep)
        self.chooser.setCurrentIndex(max(index, 0))
        self.chooser.blockSignals(False)
        self._show(self.chooser.currentData())

    def set_progress(self, week: str, last_session: str) -> None:
        """Show this week's count against the goal, and the last session (from history)."""
        self.week.setText(week)
        self.last_session.setText(last_session)

    def _chosen(self) -> None:
        routine_id = self.chooser.currentData()
        self._show(routine_id)
        if routine_id:
            self.routine_chosen.emit(routine_id)

    def _show(self, routine_id: str | None) -> None:
        routine = self.catalogue.routines.get(routine_id) if routine_id else None
        self.empty.setVisible(routine is None)
        self.start.setEnabled(routine is not None)
        self.chooser.setVisible(routine is not None)
        self.facts.setText(routine_facts(self.catalogue, routine) if routine else "")
        self.description.setText(routine.description if routine else "")

    def _start(self) -> None:
        routine_id = self.chooser.currentData()
        if routine_id:
            self.start_requested.emit(routine_id)
