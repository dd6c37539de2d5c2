"""The Settings dialog: voice, rate, volume, beeps, verbosity, timing, theme and text size.

It edits a copy of the settings and hands back the new value; saving (atomically) and applying
(speaker, theme) is done by the caller, so changes take effect without a restart. The voices
arrive after the dialog has opened (the speech engine lists them in a thread of its own, and
`VoicesLater` brings them to `set_voices`); until then the saved voice is offered under its
id, so pressing OK early keeps it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QSlider,
    QSpinBox,
    QWidget,
)

from coach.core.cues import Verbosity
from coach.settings import Settings, Theme
from coach.speech.settings import RATE_MAX, RATE_MIN
from coach.speech.voices import VoiceInfo
from coach.ui.widgets import WrappingCheckBox, dialog_layout, narrow_form, ok_cancel

if TYPE_CHECKING:
    from concurrent.futures import Future

log = logging.getLogger(__name__)

VERBOSITY_LABELS = {
    Verbosity.FULL: "Full: read the steps aloud",
    Verbosity.COUNTS: "Counts only: names, holds and numbers",
    Verbosity.MINIMAL: "Minimal: start, stop and the last three seconds",
}
THEME_LABELS = {Theme.LIGHT: "Light", Theme.DARK: "Dark", Theme.HIGH_CONTRAST: "High contrast"}
TEXT_SIZES = [(1.0, "Normal"), (1.25, "Large"), (1.5, "Larger"), (2.0, "Largest")]


class VoicesLater(QObject):
    """Hands voices listed in another thread to the dialogs connected to `listed`, on the GUI
    thread. Long-lived (the app keeps one), so a listing that ends after its dialog has gone
    is simply not delivered: Qt drops the connections of a deleted dialog."""

    listed = Signal(object)  # list[VoiceInfo]

    def deliver(self, voices: Future[list[VoiceInfo]]) -> None:
        """A `Future.add_done_callback`, called in whichever thread finished the listing."""
        try:
            self.listed.emit(voices.result())  # queued to this object's (the GUI) thread
        except RuntimeError:
            log.debug("the voices were listed after the app had closed")


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, voices: Sequence[VoiceInfo] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._original = settings
        speech = settings.speech

        self.voice = QComboBox()
        self.voice.setAccessibleName("Voice")
        self.set_voices(voices, chosen=speech.voice_id)
        self.rate = QSpinBox()
        self.rate.setAccessibleName("Speaking rate in words per minute")
        self.rate.setRange(RATE_MIN, RATE_MAX)
        self.rate.setSuffix(" words a minute")
        self.rate.setValue(speech.rate)
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setAccessibleName("Volume")
        self.volume.setRange(0, 100)
        self.volume.setValue(round(speech.volume * 100))
        self.mute = WrappingCheckBox("Mute the voice (captions still show)")
        self.mute.setChecked(speech.mute)
        self.beeps = WrappingCheckBox("Beep in the last three seconds and at the end of each part")
        self.beeps.setChecked(speech.beeps)
        self.verbosity = QComboBox()
        self.verbosity.setAccessibleName("How much the coach says")
        for value, text in VERBOSITY_LABELS.items():
            self.verbosity.addItem(text, value)
        self._select(self.verbosity, speech.verbosity)

        self.prepare = QSpinBox()
        self.prepare.setAccessibleName("Seconds to get into position")
        self.prepare.setRange(0, 120)
        self.prepare.setSuffix(" s")
        self.prepare.setValue(settings.prepare_seconds)
        self.rest = QSpinBox()
        self.rest.setAccessibleName("Rest between exercises in seconds")
        self.rest.setRange(-1, 600)
        self.rest.setSpecialValueText("As the routine says")
        self.rest.setSuffix(" s")
        self.rest.setValue(-1 if settings.rest_between_seconds is None
                           else settings.rest_between_seconds)
        self.theme = QComboBox()
        self.theme.setAccessibleName("Theme")
        for value, text in THEME_LABELS.items():
            self.theme.addItem(text, value)
        self._select(self.theme, settings.theme)
        self.text_size = QComboBox()
        self.text_size.setAccessibleName("Text size")
        for scale, text in TEXT_SIZES:
            self.text_size.addItem(text, scale)
        nearest = min(TEXT_SIZES, key=lambda s: abs(s[0] - settings.text_scale))[0]
        self._select(self.text_size, nearest)

        form = QFormLayout()
        form.addRow("&Voice", self.voice)
        form.addRow("&Rate", self.rate)
        form.addRow("V&olume", self.volume)
        form.addRow("", self.mute)
        form.addRow("", self.beeps)
        form.addRow("&What is said", self.verbosity)
        form.addRow("&Get-ready time", self.prepare)
        form.addRow("Rest &between exercises", self.rest)
        form.addRow("&Theme", self.theme)
        form.addRow("Te&xt size", self.text_size)
        dialog_layout(self, narrow_form(form), ok_cancel(self))

    def set_voices(self, voices: Sequence[VoiceInfo], *, chosen: str | None = None) -> None:
        """Offer `voices` (the default voice first), keeping the voice chosen so far (or
        `chosen`), under its id if it is not among them."""
        if chosen is None:
            chosen = self.voice.currentData()
        self.voice.clear()
        self.voice.addItem("Default voice", None)
        for v in voices:
            self.voice.addItem(v.label, v.id)
        if chosen is not None and self.voice.findData(chosen) < 0:
            self.voice.addItem(chosen, chosen)
        self._select(self.voice, chosen)

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    def value(self) -> Settings:
        """The settings as edited so far."""
        speech = self._original.speech.replace(
            voice_id=self.voice.currentData(), rate=self.rate.value(),
            volume=self.volume.value() / 100, mute=self.mute.isChecked(),
            beeps=self.beeps.isChecked(), verbosity=self.verbosity.currentData(),
        )
        rest = self.rest.value()
        return self._original.replace(
            speech=speech, prepare_seconds=self.prepare.value(),
            rest_between_seconds=None if rest < 0 else rest, theme=self.theme.currentData(),
            text_scale=self.text_size.currentData(),
        )
