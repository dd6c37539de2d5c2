"""The routine editor: a physiotherapist builds or changes a routine for a patient.

It renders a `RoutineDraft` (coach.core.routine_draft) and forwards every edit to it; the draft
keeps the text as typed, the undo history and the checks (the catalogue loader's rules, in
clinical words). A field's message shows once the person has typed in it, or when they ask to
save: a new routine opens clean. Each field keeps a line for its message, so fields never move
while messages come and go. Saving, exporting and printing are asked for with signals carrying
the checked routine; `coach.ui.routine_actions` does them.

Keys: Alt+Up / Alt+Down (or Ctrl+Up / Ctrl+Down) move the selected exercise, Delete removes
it, Ctrl+Z / Ctrl+Shift+Z undo and redo (in the text fields too: the draft's undo, not the
field's own), Ctrl+S saves. Exercises can also be dragged into a new order.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from coach.core.browse import ExerciseFilter, filter_exercises
from coach.core.models import DoseKind, Routine, Sides, format_seconds
from coach.core.routine_draft import RoutineDraft
from coach.ui.prompts import Prompts
from coach.ui.theme import WARNING
from coach.ui.widgets import button, heading, plain_label, plain_tooltip

ERROR_STYLE = f"color: {WARNING};"
ROUTINE_LABELS = {
    "name": "&Name",
    "description": "&Description",
    "sessions_per_week": "&Weekly goal (sessions)",
    "weeks": "Programme &length (weeks)",
    "rest_between_seconds": "Rest &between exercises (s)",
    "prescriber_name": "&Physiotherapist",
    "prescriber_contact": "&Contact (optional)",
}
ITEM_LABELS = {
    "hold_seconds": "&Hold (s)",
    "reps": "&Reps",
    "sets": "S&ets",
    "rest_seconds": "Rest between &sets (s)",
    "duration_seconds": "D&uration (s)",
}


class _Message(QLabel):
    """A field's message line: always there, at least one line tall even when empty, so the
    fields below never move when a message comes or goes."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        hint = super().minimumSizeHint()
        return QSize(hint.width(), max(hint.height(), self.fontMetrics().lineSpacing()))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        hint = super().sizeHint()
        return QSize(hint.width(), max(hint.height(), self.fontMetrics().lineSpacing()))

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt API)
        return max(super().heightForWidth(width), self.fontMetrics().lineSpacing())


def _message_label() -> QLabel:
    label = _Message()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    return label


def _set_text(widget: QLineEdit | QPlainTextEdit, text: str) -> None:
    """Show the draft's text without echoing it back as an edit (and keep the cursor when
    nothing changed)."""
    current = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
    if current == text:
        return
    widget.blockSignals(True)
    if isinstance(widget, QPlainTextEdit):
        widget.setPlainText(text)
    else:
        widget.setText(text)
    widget.blockSignals(False)


def _with_message(widget: QWidget, message: QLabel) -> QWidget:
    """A form field with its problem shown under it; the row's label (and its Alt+letter)
    leads to the field."""
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    column.addWidget(widget)
    column.addWidget(message)
    holder.setFocusProxy(widget)
    # The label's Alt+letter focuses its buddy (this holder) only if the holder takes focus.
    holder.setFocusPolicy(widget.focusPolicy())
    return holder


class _UndoToDraft(QObject):
    """Undo and redo keys in a text field go to the draft, not to the field's own history."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
                event.matches(QKeySequence.StandardKey.Undo)
                or event.matches(QKeySequence.StandardKey.Redo)):
            event.ignore()  # not the field's: let the window's shortcut have it
            return True
        return False


class ItemList(QListWidget):
    """The routine's exercises: drag to reorder, Alt/Ctrl+Up/Down to move, Delete to remove."""

    move_requested = Signal(int, int)  # row, to
    remove_requested = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("Exercises in this routine")
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # A line too long for the column wraps: nothing hides behind a scrollbar.
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.model().rowsMoved.connect(self._rows_moved)
        self.rendering = False

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        row = self.currentRow()
        mods = event.modifiers() & (Qt.KeyboardModifier.AltModifier
                                    | Qt.KeyboardModifier.ControlModifier)
        if row >= 0 and mods and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move_requested.emit(row, row + (-1 if event.key() == Qt.Key.Key_Up else 1))
            return
        if row >= 0 and event.key() == Qt.Key.Key_Delete:
            self.remove_requested.emit(row)
            return
        super().keyPressEvent(event)

    def _rows_moved(self, _parent: QModelIndex, start: int, _end: int,
                    _dest: QModelIndex, row: int) -> None:
        """A drop moved `start` before `row`; the draft makes the move (and undo knows it)."""
        if not self.rendering:
            self.move_requested.emit(start, row - 1 if row > start else row)


class RoutineEditor(QMainWindow):
    """Edits one `RoutineDraft`. Signals carry the checked routine:
    `save_requested(Routine)`, `export_requested(Routine)`, `print_requested(Routine)`, and an
    exercise id for `demo_requested(str)`; `closed` once the window has closed."""

    save_requested = Signal(object)
    export_requested = Signal(object)
    print_requested = Signal(object)
    demo_requested = Signal(str)
    closed = Signal()

    def __init__(self, draft: RoutineDraft, *, prompts: Prompts,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.prompts = prompts
        self.catalogue = draft.catalogue
        self._current = -1
        self._undo_filter = _UndoToDraft(self)
        self.setWindowTitle("Routine editor — Physio Coach")
        self.resize(1180, 760)
        self._build()
        draft.subscribe(self.render)
        self.render()
        if draft.items:
            self.select(0)

    # --- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self._build_actions()
        routine_box = QGroupBox("Routine")
        form = self.routine_form = QFormLayout(routine_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.messages: dict[str, QLabel] = {}
        for key, label in ROUTINE_LABELS.items():
            widget: QLineEdit | QPlainTextEdit
            if key == "description":
                widget = QPlainTextEdit()
                widget.setTabChangesFocus(True)
                widget.setFixedHeight(90)
                widget.textChanged.connect(
                    lambda w=widget: self.draft.set_field("description", w.toPlainText()))
            else:
                widget = QLineEdit()
                widget.textEdited.connect(lambda text, k=key: self.draft.set_field(k, text))
            widget.setAccessibleName(label.replace("&", ""))
            widget.installEventFilter(self._undo_filter)
            self.fields[key] = widget
            self.messages[key] = _message_label()
            form.addRow(label, _with_message(widget, self.messages[key]))
        self.affected_side = QComboBox()
        self.affected_side.setAccessibleName("Patient's affected leg")
        for text, value in (("The patient's own setting", ""),
                            ("Left leg first", "left"), ("Right leg first", "right"),
                            ("Left leg only", "left-only"), ("Right leg only", "right-only")):
            self.affected_side.addItem(text, value)
        self.affected_side.activated.connect(
            lambda _i: self.draft.set_field("affected_side", self.affected_side.currentData()))
        self.messages["affected_side"] = _message_label()
        self.fields["weeks"].setPlaceholderText("ongoing")
        self.fields["sessions_per_week"].setPlaceholderText("3")
        self.fields["rest_between_seconds"].setPlaceholderText("15")

        # The routine's exercises, and the picker to add more.
        self.list = ItemList()
        self.list.currentRowChanged.connect(self._row_changed)
        self.list.move_requested.connect(self.move)
        self.list.remove_requested.connect(self.remove)
        self.up_button = button("Move &up", "Move the selected exercise up")
        self.down_button = button("Move do&wn", "Move the selected exercise down")
        self.remove_button = button("Re&move", "Remove the selected exercise")
        self.up_button.clicked.connect(lambda: self.move(self._current, self._current - 1))
        self.down_button.clicked.connect(lambda: self.move(self._current, self._current + 1))
        self.remove_button.clicked.connect(lambda: self.remove(self._current))
        moves = QHBoxLayout()
        for b in (self.up_button, self.down_button, self.remove_button):
            moves.addWidget(b)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search exercises to add")
        self.search.setAccessibleName("Search exercises to add")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter_picker)
        self.search.returnPressed.connect(self.add_picked)
        self.picker = QListWidget()
        self.picker.setAccessibleName("Exercises to add")
        self.picker.itemActivated.connect(lambda _item: self.add_picked())
        self.add_button = button("&Add to routine", "Add the chosen exercise to the routine")
        self.add_button.clicked.connect(self.add_picked)
        middle = QWidget()
        m = QVBoxLayout(middle)
        m.addWidget(heading("Exercises", scale=1.1))
        self.messages["item"] = _message_label()
        m.addWidget(self.messages["item"])
        m.addWidget(self.list, 3)
        m.addLayout(moves)
        m.addWidget(self.search)
        m.addWidget(self.picker, 2)
        m.addWidget(self.add_button)

        # The selected exercise's dose.
        self.item_title = heading(scale=1.2)
        self.item_dose = plain_label()
        self.item_fields: dict[str, QLineEdit] = {}
        self.item_messages: dict[str, QLabel] = {}
        self.item_form = QFormLayout()
        self.item_form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        for key, label in ITEM_LABELS.items():
            edit = QLineEdit()
            edit.setAccessibleName(label.replace("&", ""))
            edit.textEdited.connect(lambda text, k=key: self._item_edit(k, text))
            edit.installEventFilter(self._undo_filter)
            self.item_fields[key] = edit
            self._add_item_row(key, label, edit)
        self.sides = QComboBox()
        self.sides.setAccessibleName("Sides")
        self.sides.addItem("As the exercise", "")
        self.sides.addItem("Each side in turn", Sides.EACH.value)
        self.sides.addItem("Both sides together", Sides.NONE.value)
        self.sides.activated.connect(lambda _i: self._item_edit("sides", self.sides.currentData()))
        self._add_item_row("sides", "Si&des", self.sides)
        self.first_side = QComboBox()
        self.first_side.setAccessibleName("First side")
        for text, value in (("As the exercise", ""), ("Right", "right"), ("Left", "left")):
            self.first_side.addItem(text, value)
        self.first_side.activated.connect(
            lambda _i: self._item_edit("first_side", self.first_side.currentData()))
        self._add_item_row("first_side", "&First side", self.first_side)
        self.tempo_box = QWidget()
        self.tempo_layout = QFormLayout(self.tempo_box)
        self.tempo_layout.setContentsMargins(0, 0, 0, 0)
        self.tempo_fields: list[QLineEdit] = []
        self.item_messages["tempo"] = _message_label()
        self.item_form.addRow("Tempo", self.tempo_box)
        self.item_form.addRow(self.item_messages["tempo"])
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Note to the patient")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(70)
        self.note.textChanged.connect(lambda: self._item_edit("note", self.note.toPlainText()))
        self.note.installEventFilter(self._undo_filter)
        self.item_messages["note"] = _message_label()
        self.item_form.addRow("&Note to the patient", self.note)
        self.item_form.addRow(self.item_messages["note"])
        self.item_messages["item"] = _message_label()
        self.demo_button = button("&Demo this exercise", "Demonstrate this exercise full screen")
        self.demo_button.clicked.connect(self._demo)
        right = QWidget()
        r = QVBoxLayout(right)
        r.addWidget(self.item_title)
        r.addWidget(self.item_dose)
        r.addLayout(self.item_form)
        r.addWidget(self.item_messages["item"])
        r.addWidget(self.demo_button, 0, Qt.AlignmentFlag.AlignLeft)
        # The patient's affected leg belongs to the whole routine, but sits here, after the
        # exercise fields, so the exercise picker stays in sight on a small screen.
        patient_box = QGroupBox("This patient")
        patient_form = QFormLayout(patient_box)
        patient_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        patient_form.addRow("Affected le&g", _with_message(self.affected_side,
                                                           self.messages["affected_side"]))
        r.addWidget(patient_box)
        r.addStretch()
        self.item_panel = right

        self.status = _message_label()
        self.status.setAccessibleName("Problems in this routine")
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(routine_box)
        left_column.addStretch()
        for panel in (left, middle, right):
            panel.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.list.setMinimumHeight(self.list.fontMetrics().lineSpacing() * 5)
        self.picker.setMinimumHeight(self.picker.fontMetrics().lineSpacing() * 5)
        # Three columns side by side when they fit the window, else one under another; the
        # page scrolls up and down, never sideways.
        self.panels = (left, middle, right)
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        for panel, stretch in zip(self.panels, (3, 3, 2), strict=True):
            self.columns.addWidget(panel, stretch)
        page = QWidget()
        page.setLayout(self.columns)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        self.page_scroll = scroll
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status)
        self.setCentralWidget(central)
        self._filter_picker("")

    def _add_item_row(self, key: str, label: str, widget: QWidget) -> None:
        self.item_messages[key] = _message_label()
        self.item_form.addRow(label, _with_message(widget, self.item_messages[key]))

    def _build_actions(self) -> None:
        bar = self.addToolBar("Routine")
        bar.setObjectName("routine-toolbar")
        bar.setMovable(False)

        def action(text: str, slot, keys: list[QKeySequence] | None = None) -> QAction:
            a = QAction(text, self)
            a.triggered.connect(slot)
            if keys:
                a.setShortcuts(keys)
                a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            bar.addAction(a)
            self.addAction(a)
            return a

        self.undo_action = action("Undo", self.draft_undo, [QKeySequence("Ctrl+Z")])
        self.redo_action = action("Redo", self.draft_redo,
                                  [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        bar.addSeparator()
        self.save_action = action("&Save", self.save, [QKeySequence("Ctrl+S")])
        self.export_action = action("&Export for patient…", self.export)
        self.print_action = action("&Print / Save PDF…", self.print_handout)

    # --- rendering --------------------------------------------------------------------------

    def render(self) -> None:
        """Show the draft as it is now (called after every change, undo included)."""
        draft = self.draft
        check = draft.check()
        for key, widget in self.fields.items():
            _set_text(widget, draft.fields[key])
            self._show_messages(self.messages[key], draft.shown(None, key))
        self.affected_side.setCurrentIndex(
            max(0, self.affected_side.findData(draft.fields["affected_side"])))
        self._show_messages(self.messages["affected_side"], draft.shown(None, "affected_side"))
        self._show_messages(self.messages["item"], draft.shown(None, "item"))
        self._render_list(check.routine)
        self._current = min(self._current, len(draft.items) - 1)
        if self._current < 0 and draft.items:
            self._current = 0
        self.list.rendering = True
        self.list.setCurrentRow(self._current)
        self.list.rendering = False
        self._render_item()
        self.undo_action.setEnabled(draft.can_undo)
        self.redo_action.setEnabled(draft.can_redo)
        # The labels name exercises ("Undo add <name>"): shown literally.
        self.undo_action.setToolTip(plain_tooltip(f"Undo {draft.undo_label}" if draft.can_undo
                                                  else "Undo"))
        self.redo_action.setToolTip(plain_tooltip(f"Redo {draft.redo_label}" if draft.can_redo
                                                  else "Redo"))
        shown = sum(len(draft.shown(i, key)) for i, key, _message in check.located())
        self.status.setStyleSheet(ERROR_STYLE if shown else "")
        self.status.setText(
            "Ready to save, export or print." if check.ok else
            f"Fix what is marked in red, then save ({shown} to fix)." if shown else
            "Name the routine, say what it is for and add exercises, then save.")
        title = draft.fields["name"].strip() or "New routine"
        self.setWindowTitle(f"{'*' if draft.modified else ''}{title} — Routine editor")

    @staticmethod
    def _show_messages(label: QLabel, messages: list[str]) -> None:
        label.setText(" ".join(dict.fromkeys(messages)))

    def _render_list(self, routine: Routine | None) -> None:
        self.list.rendering = True
        self.list.blockSignals(True)
        self.list.clear()
        troubled = {i for i, key, _message in self.draft.check().located()
                    if i is not None and self.draft.shown(i, key)}
        for n, item in enumerate(self.draft.items):
            ex = self.catalogue.exercises.get(item.exercise_id)
            text = f"{n + 1}. {ex.name if ex else item.exercise_id}"
            if routine is not None:
                text += f" — {self.catalogue.dose_for(routine.items[n]).describe()}"
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, item.exercise_id)
            if n in troubled:
                entry.setText(text + " (check the dose)")
                entry.setForeground(Qt.GlobalColor.darkRed)
            self.list.addItem(entry)
        self.list.blockSignals(False)
        self.list.rendering = False

    def _render_item(self) -> None:
        index = self._current
        has = 0 <= index < len(self.draft.items)
        self.item_panel.setEnabled(has)
        for b in (self.up_button, self.down_button, self.remove_button):
            b.setEnabled(has)
        if not has:
            self.item_title.setText("No exercise selected")
            self.item_dose.setText("Add an exercise, then choose it to set its dose.")
            for label in self.item_messages.values():
                label.clear()
            return
        messages = self.draft.shown
        ex = self.draft.exercise(index)
        self.item_title.setText(ex.name if ex else self.draft.items[index].exercise_id)
        own = ex.dose if ex else None
        self.item_dose.setText(f"Its own dose: {own.describe()}. Leave a field empty to keep "
                               "the exercise's own value." if own else
                               "This exercise is not in the catalogue.")
        kind = own.kind if own else DoseKind.HOLD
        shown = {
            "hold_seconds": kind is DoseKind.HOLD,
            "reps": kind is not DoseKind.DURATION,
            "sets": kind is not DoseKind.DURATION,
            "rest_seconds": kind is not DoseKind.DURATION,
            "duration_seconds": kind is DoseKind.DURATION,
        }
        for key, edit in self.item_fields.items():
            _set_text(edit, self.draft.item_value(index, key))
            default = getattr(own, key, None) if own else None
            edit.setPlaceholderText("" if default is None else f"{default:g}")
            self._set_row_visible(edit, shown[key])
            self._show_messages(self.item_messages[key], messages(index, key))
        self._select_data(self.sides, self.draft.item_value(index, "sides"))
        self._select_data(self.first_side, self.draft.item_value(index, "first_side"))
        for key in ("sides", "first_side"):
            self._show_messages(self.item_messages[key], messages(index, key))
        self._render_tempo(index)
        _set_text(self.note, self.draft.item_value(index, "note"))
        for key in ("note", "tempo", "item"):
            self._show_messages(self.item_messages[key], messages(index, key))

    def _set_row_visible(self, widget: QWidget, visible: bool) -> None:
        holder = widget.parentWidget()
        self.item_form.setRowVisible(holder, visible)

    @staticmethod
    def _select_data(combo: QComboBox, value: str) -> None:
        index = combo.findData(value)
        combo.setCurrentIndex(index if index >= 0 else 0)

    def _render_tempo(self, index: int) -> None:
        item = self.draft.items[index]
        parts = item.tempo_parts
        defaults = {p.name: p.seconds for p in self.draft.tempo_defaults(index)}
        if len(self.tempo_fields) != len(parts) or any(
                self.tempo_layout.labelForField(f).text() != f"{name} (s)"
                for f, (name, _cue) in zip(self.tempo_fields, parts, strict=False)):
            while self.tempo_layout.rowCount():
                self.tempo_layout.removeRow(0)
            self.tempo_fields = []
            for n, (name, _cue) in enumerate(parts):
                edit = QLineEdit()
                edit.setAccessibleName(f"Tempo: {name} (seconds)")
                edit.textEdited.connect(lambda text, part=n: self._tempo_edit(part, text))
                edit.installEventFilter(self._undo_filter)
                self.tempo_fields.append(edit)
                self.tempo_layout.addRow(plain_label(f"{name} (s)", wrap=False,
                                                     selectable=False), edit)
        for n, (edit, (name, _cue)) in enumerate(zip(self.tempo_fields, parts, strict=True)):
            _set_text(edit, item.tempo[n] if item.tempo is not None else "")
            default = defaults.get(name)
            edit.setPlaceholderText(format_seconds(default) if default is not None else "")
        self.item_form.setRowVisible(self.tempo_box, bool(parts))

    # --- intent -----------------------------------------------------------------------------

    def select(self, index: int) -> None:
        self._current = index
        self.render()

    def _row_changed(self, row: int) -> None:
        if not self.list.rendering and row >= 0:
            self._current = row
            self._render_item()

    def _filter_picker(self, text: str) -> None:
        self.picker.clear()
        for ex in filter_exercises(self.catalogue, ExerciseFilter(text=text)):
            entry = QListWidgetItem(ex.name)
            entry.setData(Qt.ItemDataRole.UserRole, ex.id)
            entry.setToolTip(plain_tooltip(ex.summary))
            self.picker.addItem(entry)
        if self.picker.count():
            self.picker.setCurrentRow(0)

    def add_picked(self) -> None:
        entry = self.picker.currentItem()
        if entry is not None:
            self.add(entry.data(Qt.ItemDataRole.UserRole))

    def add(self, exercise_id: str) -> None:
        """Add an exercise after the selected one (from the picker or the Exercises tab)."""
        at = self._current + 1 if self._current >= 0 else len(self.draft.items)
        self._current = at  # the draft's change re-renders with the new item selected
        self.draft.add(exercise_id, at)

    def move(self, index: int, to: int) -> None:
        count = len(self.draft.items)
        if 0 <= index < count:
            self._current = max(0, min(to, count - 1))
            self.draft.move(index, to)

    def remove(self, index: int) -> None:
        if 0 <= index < len(self.draft.items):
            self.draft.remove(index)

    def _item_edit(self, key: str, value: str) -> None:
        if 0 <= self._current < len(self.draft.items):
            self.draft.set_item_field(self._current, key, value)

    def _tempo_edit(self, part: int, text: str) -> None:
        if 0 <= self._current < len(self.draft.items):
            self.draft.set_tempo_seconds(self._current, part, text)

    def draft_undo(self) -> None:
        self.draft.undo()

    def draft_redo(self) -> None:
        self.draft.redo()

    def _checked(self) -> Routine | None:
        """The routine, or None after showing every message and going to the first one."""
        check = self.draft.check()
        if check.routine is not None:
            return check.routine
        self.draft.reveal()
        order = [*self.fields, "item"]
        located = sorted(((i, key) for i, key, _m in check.located()),
                         key=lambda p: (-1, order.index(p[1])) if p[0] is None and p[1] in order
                         else (p[0] if p[0] is not None else len(order), 0))
        if located:
            self._go_to(*located[0])
        return None

    def _go_to(self, index: int | None, key: str) -> None:
        """Put the cursor in the field a message is about."""
        widget: QWidget | None
        if index is None:
            widget = self.fields.get(key) or (self.search if key == "item" else None)
        else:
            self.select(index)
            widget = {"sides": self.sides, "first_side": self.first_side, "note": self.note,
                      "tempo": self.tempo_fields[0] if self.tempo_fields else None,
                      }.get(key) or self.item_fields.get(key) or self.list
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> None:
        routine = self._checked()
        if routine is not None:
            self.save_requested.emit(routine)

    def saved(self, routine_id: str) -> None:
        """The routine was saved under `routine_id`: further saves replace it."""
        self.draft.saved_as(routine_id)
        self.render()

    def export(self) -> None:
        routine = self._checked()
        if routine is not None:
            self.export_requested.emit(routine)

    def print_handout(self) -> None:
        routine = self._checked()
        if routine is not None:
            self.print_requested.emit(routine)

    def _demo(self) -> None:
        if 0 <= self._current < len(self.draft.items):
            self.demo_requested.emit(self.draft.items[self._current].exercise_id)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._arrange()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self._arrange()

    def _arrange(self) -> None:
        """Columns side by side when each has at least its narrowest width, else stacked."""
        spacing = self.columns.spacing() * 2 + 40  # gaps, margins and a vertical scrollbar
        wanted = sum(panel.minimumSizeHint().width() for panel in self.panels) + spacing
        direction = (QBoxLayout.Direction.LeftToRight if wanted <= self.width()
                     else QBoxLayout.Direction.TopToBottom)
        if self.columns.direction() != direction:
            self.columns.setDirection(direction)
            # One under another, a field has the whole width under its label: its message
            # fits on the line kept for it.
            rows = (QFormLayout.RowWrapPolicy.DontWrapRows
                    if direction is QBoxLayout.Direction.LeftToRight
                    else QFormLayout.RowWrapPolicy.WrapAllRows)
            for form in (self.routine_form, self.item_form):
                form.setRowWrapPolicy(rows)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if self.draft.modified and not self.prompts.confirm(
                self, "Close the routine editor?",
                "This routine has changes that are not saved. Close without saving?",
                yes="Close without saving", no="Keep editing"):
            event.ignore()
            return
        super().closeEvent(event)
        self.closed.emit()
