"""The Routines page: every routine in a list, the chosen one in full, Start and Edit."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coach.core.models import Catalogue, Routine
from coach.core.plan import PlanSettings
from coach.ui.routine_text import routine_facts, routine_lines
from coach.ui.theme import WARNING
from coach.ui.widgets import (
    FlowLayout,
    button,
    heading,
    list_and_detail,
    plain_label,
    primary_button,
    select_by_id,
    vertical_scroll,
)


class RoutineDetail(QWidget):
    start_requested = Signal(str)
    edit_requested = Signal(str)
    export_requested = Signal(str)
    print_requested = Signal(str)

    def __init__(self, catalogue: Catalogue, plan_settings: PlanSettings | None = None) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.plan_settings = plan_settings
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
        actions = FlowLayout()  # wraps at a large text size
        actions.addWidget(self.start)
        for b in (self.edit_button, self.export_button, self.print_button):
            actions.addWidget(b)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addWidget(self.description)
        layout.addWidget(self.problem)
        layout.addLayout(actions)
        layout.addWidget(self.items)
        layout.addStretch()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(vertical_scroll(body))

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
        self.facts.setText(routine_facts(self.catalogue, routine, self.plan_settings))
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

    def __init__(self, catalogue: Catalogue, plan_settings: PlanSettings | None = None) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.list = QListWidget()
        self.list.setAccessibleName("Routines")
        for routine in catalogue.routines.values():
            item = QListWidgetItem(routine.name + ("" if routine.usable else " (cannot start)"))
            item.setData(Qt.ItemDataRole.UserRole, routine.id)
            self.list.addItem(item)
        self.detail = RoutineDetail(catalogue, plan_settings)
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

    def set_plan_settings(self, settings: PlanSettings) -> None:
        """The person's settings changed: lengths are shown for the new ones."""
        self.detail.plan_settings = settings
        self._selected(self.list.currentItem())

    def _selected(self, current: QListWidgetItem | None) -> None:
        if current is not None:
            self.detail.show_routine(self.catalogue.routines.get(
                current.data(Qt.ItemDataRole.UserRole)))

    def _activated(self, item: QListWidgetItem) -> None:
        routine = self.catalogue.routines.get(item.data(Qt.ItemDataRole.UserRole))
        if routine is not None and routine.usable:
            self.start_requested.emit(routine.id)
