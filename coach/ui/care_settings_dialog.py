"""The "Safety and reminders" dialog: reminder times, snooze, the sitting nudge, the stop rules,
the leg with the sciatica and the locked doses.

Like the Settings dialog it edits a copy and hands back the new `Settings`; app.py saves and
applies it. Reminder times are off until the person adds one.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from coach.core.models import Catalogue, Side
from coach.core.reminders import format_time, parse_times
from coach.settings import Settings
from coach.ui.widgets import (
    WrappingCheckBox,
    button,
    dialog_layout,
    narrow_form,
    ok_cancel,
    plain_label,
)


def _spin(name: str, lo: int, hi: int, value: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setAccessibleName(name)
    spin.setRange(lo, hi)
    spin.setValue(value)
    if suffix:
        spin.setSuffix(suffix)
    return spin


class CareSettingsDialog(QDialog):
    def __init__(self, settings: Settings, catalogue: Catalogue,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Safety and reminders")
        self._original = settings
        reminders = settings.reminders
        rules = settings.stop_rules

        # Reminders
        self.times = QListWidget()
        self.times.setAccessibleName("Daily reminder times")
        self.times.setMaximumHeight(110)
        for t in reminders.times:
            self.times.addItem(t)
        self.new_time = QTimeEdit(QTime(9, 0))
        self.new_time.setDisplayFormat("HH:mm")
        self.new_time.setAccessibleName("Time to add")
        self.add_time = button("&Add time", "Add this reminder time")
        self.add_time.clicked.connect(self._add_time)
        self.remove_time = button("&Remove", "Remove the selected reminder time")
        self.remove_time.clicked.connect(self._remove_time)
        time_row = QHBoxLayout()
        time_row.addWidget(self.new_time)
        time_row.addWidget(self.add_time)
        time_row.addWidget(self.remove_time)
        time_row.addStretch()
        self.snooze = _spin("Snooze minutes", 1, 240, reminders.snooze_minutes, " min")
        self.sitting = WrappingCheckBox("Remind me to get up after sitting for a long time")
        self.sitting.setChecked(reminders.sitting)
        self.sitting_minutes = _spin("Minutes of sitting before the reminder", 10, 240,
                                     reminders.sitting_minutes, " min")
        self.sitting_minutes.setEnabled(reminders.sitting)
        self.sitting.toggled.connect(self.sitting_minutes.setEnabled)
        r_form = narrow_form(QFormLayout())
        r_form.addRow(plain_label("Reminders are off until you add a time. They appear while "
                                  "Physio Coach is running (minimised is fine)."))
        r_form.addRow("Daily &times", self.times)
        r_form.addRow("", self._wrap(time_row))
        r_form.addRow("S&nooze for", self.snooze)
        r_form.addRow("", self.sitting)
        r_form.addRow("Get up &after", self.sitting_minutes)
        r_box = QGroupBox("Reminders")
        r_box.setLayout(r_form)

        # Stop rules
        self.high_pain = _spin("Pain at or above which the gentler routine is suggested",
                               1, 10, rules.high_pain, " out of 10")
        self.spreading = WrappingCheckBox(
            "Advise stopping when leg pain spreads further down the leg")
        self.spreading.setChecked(rules.spreading_stops)
        self.rising_by = _spin("Rise in pain after a session that counts", 1, 10,
                               rules.rising_by, " points")
        self.rising_sessions = _spin("Sessions in a row with that rise", 1, 10,
                                     rules.rising_sessions, " sessions")
        s_form = narrow_form(QFormLayout())
        s_form.addRow("Suggest the flare-up routine from &pain", self.high_pain)
        s_form.addRow("", self.spreading)
        s_form.addRow("Call the physio when pain rises &by", self.rising_by)
        s_form.addRow("...in this many sessions in a &row", self.rising_sessions)
        s_box = QGroupBox("Stop rules")
        s_box.setLayout(s_form)

        # The leg with the sciatica
        self.affected_side = QComboBox()
        self.affected_side.setAccessibleName("Leg with the sciatica")
        for text, value in (("Not set", ""), ("Left leg", Side.LEFT.value),
                            ("Right leg", Side.RIGHT.value)):
            self.affected_side.addItem(text, value)
        chosen = settings.affected_side.value if settings.affected_side else ""
        self.affected_side.setCurrentIndex(self.affected_side.findData(chosen))
        self.affected_only = WrappingCheckBox("Do this leg only, and skip the other side")
        self.affected_only.setChecked(settings.affected_side_only)
        self.affected_side.currentIndexChanged.connect(lambda _i: self._side_changed())
        a_form = narrow_form(QFormLayout())
        a_form.addRow(plain_label("Exercises done on each side start with this leg. A routine "
                                  "from your physiotherapist may set this for you."))
        a_form.addRow("&Leg with the sciatica", self.affected_side)
        a_form.addRow("", self.affected_only)
        a_box = QGroupBox("Your sciatica side")
        a_box.setLayout(a_form)
        self._side_changed()

        # Locked doses
        self.locks = QListWidget()
        self.locks.setAccessibleName("Exercises whose dose is locked")
        locked = set(settings.locked_doses)
        for exercise in catalogue.exercises.values():
            if not exercise.progression:
                continue
            item = QListWidgetItem(exercise.name)
            item.setData(Qt.ItemDataRole.UserRole, exercise.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if exercise.id in locked
                               else Qt.CheckState.Unchecked)
            self.locks.addItem(item)
        self._unknown_locks = tuple(e for e in settings.locked_doses
                                    if e not in catalogue.exercises)
        l_layout = QVBoxLayout()
        l_layout.addWidget(plain_label("A ticked exercise keeps its current dose: the coach "
                                       "does not step it up."))
        l_layout.addWidget(self.locks)
        l_box = QGroupBox("Locked doses")
        l_box.setLayout(l_layout)

        layout = QVBoxLayout()
        layout.addWidget(a_box)  # first: it changes every session, and is found at once
        layout.addWidget(r_box)
        layout.addWidget(s_box)
        layout.addWidget(l_box)
        dialog_layout(self, layout, ok_cancel(self))

    @staticmethod
    def _wrap(inner: QHBoxLayout) -> QWidget:
        w = QWidget()
        inner.setContentsMargins(0, 0, 0, 0)
        w.setLayout(inner)
        return w

    def _side_changed(self) -> None:
        """"On this leg only" means something only once a leg is chosen."""
        chosen = bool(self.affected_side.currentData())
        self.affected_only.setEnabled(chosen)
        if not chosen:
            self.affected_only.setChecked(False)

    def _time_texts(self) -> list[str]:
        return [self.times.item(i).text() for i in range(self.times.count())]

    def _add_time(self) -> None:
        t = self.new_time.time()
        texts = self._time_texts() + [f"{t.hour():02d}:{t.minute():02d}"]
        self.times.clear()
        for value in parse_times(texts):
            self.times.addItem(format_time(value))

    def _remove_time(self) -> None:
        for item in self.times.selectedItems():
            self.times.takeItem(self.times.row(item))

    def value(self) -> Settings:
        reminders = self._original.reminders.replace(
            times=tuple(format_time(t) for t in parse_times(self._time_texts())),
            snooze_minutes=self.snooze.value(), sitting=self.sitting.isChecked(),
            sitting_minutes=self.sitting_minutes.value())
        rules = dataclasses.replace(  # the rules without a field here are kept as they are
            self._original.stop_rules, high_pain=self.high_pain.value(),
            spreading_stops=self.spreading.isChecked(), rising_by=self.rising_by.value(),
            rising_sessions=self.rising_sessions.value())
        locked = [self.locks.item(i).data(Qt.ItemDataRole.UserRole)
                  for i in range(self.locks.count())
                  if self.locks.item(i).checkState() == Qt.CheckState.Checked]
        return self._original.replace(
            reminders=reminders, stop_rules=rules,
            affected_side=Side(self.affected_side.currentData())
            if self.affected_side.currentData() else None,
            affected_side_only=self.affected_only.isChecked(),
            locked_doses=tuple(sorted(set(locked) | set(self._unknown_locks))))
