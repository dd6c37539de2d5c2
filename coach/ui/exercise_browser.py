"""The Exercises page: search and filters, the list, and the selected exercise in full."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from coach.core.browse import ExerciseFilter, equipment_choices, filter_exercises, label
from coach.core.models import Catalogue, Category, Exercise, Position, Sides
from coach.core.words import counted
from coach.ui.illustration import IllustrationView
from coach.ui.widgets import (
    FlowLayout,
    button,
    heading,
    list_and_detail,
    plain_label,
    plain_tooltip,
    primary_button,
    select_by_id,
    vertical_scroll,
)

PRESENT_TIP = ("Full screen, for a class or a second screen: this exercise, then each one "
               "after it in the list, at the usual pace. Nothing is recorded.")
DEMO_TIP = ("Full screen: only this exercise, with every step read aloud slowly, to show a "
            "patient how it is done. Nothing is recorded.")


def _combo(name: str, values: list[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.addItem("Any", None)
    for text, value in values:
        combo.addItem(text, value)
    return combo


class ExerciseDetail(QWidget):
    """One exercise: illustration, summary, dose, steps, cautions. Shows text literally."""

    try_requested = Signal(str)
    present_requested = Signal(str)
    demo_requested = Signal(str)
    add_requested = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.exercise_id: str | None = None
        self.illustration = IllustrationView()
        self.title = heading()
        self.summary = plain_label()
        self.dose = plain_label()
        self.steps = plain_label()
        self.cautions = plain_label()
        self.try_button = primary_button("&Try this exercise", "Try this exercise")
        # Both run full screen and record nothing; they differ in what they show and how fast
        # it is read, so the labels, the tooltips and the icons say which is which.
        self.present_button = button("&Present from here", "Present from this exercise on")
        self.present_button.setToolTip(PRESENT_TIP)
        self.present_button.setIcon(self.style().standardIcon(
            QStyle.StandardPixmap.SP_FileDialogListView))
        self.demo_button = button("&Demo this one slowly", "Demonstrate this exercise slowly")
        self.demo_button.setToolTip(DEMO_TIP)
        self.demo_button.setIcon(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MediaVolume))
        self.add_button = button("&Add to routine", "Add this exercise to the routine being "
                                                    "edited")
        self.add_button.setVisible(False)
        self.try_button.clicked.connect(lambda: self._forward(self.try_requested))
        self.present_button.clicked.connect(lambda: self._forward(self.present_requested))
        self.demo_button.clicked.connect(lambda: self._forward(self.demo_requested))
        self.add_button.clicked.connect(lambda: self._forward(self.add_requested))
        actions = FlowLayout()  # wraps at a large text size
        actions.addWidget(self.try_button)
        actions.addWidget(self.present_button)
        actions.addWidget(self.demo_button)
        actions.addWidget(self.add_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.title)
        layout.addWidget(self.illustration, 3)
        layout.addWidget(self.summary)
        layout.addWidget(self.dose)
        layout.addLayout(actions)
        layout.addWidget(self.steps)
        layout.addWidget(self.cautions)
        layout.addStretch()
        self.scroll = vertical_scroll(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)
        self.show_exercise(None)

    def show_exercise(self, ex: Exercise | None) -> None:
        """Show `ex` (None: no exercise matches) from its top: the title and picture first,
        wherever the previous one was scrolled to."""
        if (ex.id if ex else None) != self.exercise_id:
            self.scroll.verticalScrollBar().setValue(0)
        self.exercise_id = ex.id if ex else None
        for b in (self.try_button, self.present_button, self.demo_button, self.add_button):
            b.setEnabled(ex is not None)
        if ex is None:
            self.title.setText("No exercise matches")
            for widget in (self.summary, self.dose, self.steps, self.cautions):
                widget.setText("")
            self.illustration.set_image(None)
            return
        self.title.setText(ex.name)
        self.illustration.set_image(ex.image, ex.name)
        self.summary.setText(ex.summary)
        facts = [ex.dose.describe(), label(ex.position.value)]
        if ex.equipment:
            facts.append("Equipment: " + ", ".join(ex.equipment))
        self.dose.setText(" · ".join(facts))
        self.steps.setText("\n".join(f"{n}. {s}" for n, s in enumerate(ex.steps, start=1)))
        notes = []
        if ex.cautions:
            notes += ["Take care:"] + [f"• {c}" for c in ex.cautions]
        if ex.stop_if:
            notes += ["", "Stop if:"] + [f"• {c}" for c in ex.stop_if]
        self.cautions.setText("\n".join(notes))

    def _forward(self, signal: Signal) -> None:
        if self.exercise_id:
            signal.emit(self.exercise_id)

    def set_can_add(self, can: bool) -> None:
        """Offer "Add to routine" while a routine editor is open."""
        self.add_button.setVisible(can)


class ExerciseBrowser(QWidget):
    """Search and filter the catalogue; forwards "try" and "present" with the exercise id."""

    try_requested = Signal(str)
    present_requested = Signal(str)

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search exercises")
        self.search.setAccessibleName("Search exercises")
        self.search.setClearButtonEnabled(True)
        self.category = _combo("Category", [(label(c.value), c) for c in Category])
        self.position = _combo("Position", [(label(p.value), p) for p in Position])
        self.equipment = _combo("Equipment", [
            ("No equipment" if e == "none" else label(e), e)
            for e in equipment_choices(catalogue.exercises.values())])
        self.sides = _combo("Sides", [("One side at a time", Sides.EACH),
                                      ("Both sides together", Sides.NONE)])
        filters = QFormLayout()
        filters.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for combo in (self.category, self.position, self.equipment, self.sides):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        filters.addRow("&Search", self.search)
        filters.addRow("&Category", self.category)
        filters.addRow("P&osition", self.position)
        filters.addRow("&Equipment", self.equipment)
        filters.addRow("S&ides", self.sides)
        self.list = QListWidget()
        self.list.setAccessibleName("Exercises")
        self.count = plain_label(selectable=False)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.count)
        left_layout.addWidget(self.list, 1)
        self.detail = ExerciseDetail()
        layout = QVBoxLayout(self)
        layout.addWidget(list_and_detail(left, self.detail))

        self.search.textChanged.connect(self.refresh)
        for combo in (self.category, self.position, self.equipment, self.sides):
            combo.currentIndexChanged.connect(self.refresh)
        self.list.currentItemChanged.connect(self._selected)
        self.list.itemActivated.connect(lambda item: self.try_requested.emit(
            item.data(Qt.ItemDataRole.UserRole)))
        self.detail.try_requested.connect(self.try_requested)
        self.detail.present_requested.connect(self.present_requested)
        self.refresh()

    def current_filter(self) -> ExerciseFilter:
        def pick(combo: QComboBox, kind: type[StrEnum]) -> StrEnum | None:
            value = combo.currentData()  # Qt hands enum data back as plain str
            return kind(value) if value else None

        return ExerciseFilter(
            text=self.search.text(),
            category=pick(self.category, Category),
            position=pick(self.position, Position),
            equipment=self.equipment.currentData() or None,
            sides=pick(self.sides, Sides),
        )

    def shown_ids(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def select(self, exercise_id: str) -> None:
        select_by_id(self.list, exercise_id)

    def refresh(self) -> None:
        previous = self.detail.exercise_id
        matches = filter_exercises(self.catalogue, self.current_filter())
        self.list.clear()
        for ex in matches:
            item = QListWidgetItem(ex.name)
            item.setData(Qt.ItemDataRole.UserRole, ex.id)
            item.setToolTip(plain_tooltip(ex.summary))
            self.list.addItem(item)
        total = len(self.catalogue.exercises)
        self.count.setText(f"{len(matches)} of {counted(total, 'exercise')}")
        if not matches:
            self.detail.show_exercise(None)
        elif not select_by_id(self.list, previous):
            self.list.setCurrentRow(0)

    def _selected(self, current: QListWidgetItem | None) -> None:
        if current is None:
            return
        self.detail.show_exercise(self.catalogue.exercises.get(
            current.data(Qt.ItemDataRole.UserRole)))
