"""The Home page: today's routine with a big Start, the weekly goal and the last session.

It is the one page built before the first paint, so it stays light: no `Qt` namespace enums
(see `coach.ui.widgets.plain_label`), and its labels are not selectable (the first selectable
label loads Qt's text-editing machinery, ~3 ms; nothing here is worth copying).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QVBoxLayout, QWidget

from coach.core.catalogue import start_blocked_reason
from coach.core.models import Catalogue
from coach.core.plan import PlanSettings
from coach.ui.routine_text import routine_facts
from coach.ui.widgets import heading, plain_label, plain_tooltip, primary_button, vertical_scroll


class HomePage(QWidget):
    """Today's routine with a big Start; the last session and the weekly goal once known."""

    start_requested = Signal(str)
    routine_chosen = Signal(str)

    def __init__(self, catalogue: Catalogue, routine_id: str | None = None,
                 plan_settings: PlanSettings | None = None) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.plan_settings = plan_settings
        self.greeting = heading("Today's routine", scale=1.8, selectable=False)
        self.chooser = QComboBox()
        self.chooser.setAccessibleName("Today's routine")
        for routine in catalogue.usable_routines():
            self.chooser.addItem(routine.name, routine.id)
        self.facts = plain_label(selectable=False)
        self.description = plain_label(selectable=False)
        self.start = primary_button("&Start", "Start today's routine")
        self.start.setMinimumHeight(72)
        self.start.setMinimumWidth(260)
        self.last_session = plain_label(selectable=False)
        self.week = plain_label(selectable=False)
        self.empty = plain_label(selectable=False)
        row = QHBoxLayout()
        row.addWidget(self.chooser, 1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.greeting)
        layout.addLayout(row)
        layout.addWidget(self.facts)
        layout.addWidget(self.description)
        layout.addWidget(self.empty)  # why nothing can start, right above Start
        layout.addSpacing(12)
        start_row = QHBoxLayout()  # Start keeps its own width, on the left
        start_row.addWidget(self.start)
        start_row.addStretch()
        layout.addLayout(start_row)
        layout.addSpacing(12)
        layout.addWidget(self.week)
        layout.addWidget(self.last_session)
        layout.addStretch()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(vertical_scroll(body))
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

    def choose(self, routine_id: str) -> bool:
        """Make `routine_id` today's routine, as if picked (`routine_chosen` is emitted, so it
        is remembered); False when it is not one that can start."""
        index = self.chooser.findData(routine_id)
        if index < 0:
            return False
        self.chooser.blockSignals(True)
        self.chooser.setCurrentIndex(index)
        self.chooser.blockSignals(False)
        self._show(routine_id)
        self.routine_chosen.emit(routine_id)
        return True

    def set_plan_settings(self, settings: PlanSettings) -> None:
        """The person's settings changed: the routine's length is shown for the new ones."""
        self.plan_settings = settings
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
        reason = (start_blocked_reason(self.catalogue)
                  or "Choose a routine to start.") if routine is None else ""
        self.empty.setText(reason)
        self.empty.setVisible(routine is None)
        self.start.setEnabled(routine is not None)
        self.start.setToolTip(plain_tooltip(reason) if reason else "")
        self.chooser.setVisible(routine is not None)
        self.facts.setText(routine_facts(self.catalogue, routine, self.plan_settings)
                           if routine else "")
        self.description.setText(routine.description if routine else "")

    def _start(self) -> None:
        routine_id = self.chooser.currentData()
        if routine_id:
            self.start_requested.emit(routine_id)
