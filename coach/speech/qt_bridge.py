"""Speaker reports as Qt signals, delivered in the GUI thread.

The speaker calls `on_caption`/`on_notice` from its worker thread; this QObject lives in the GUI
thread, so emitting its signals from the worker queues them to receivers there (Qt's automatic
connection). No widgets here: the window connects these to its caption label and notice bar.

    bridge = SpeechBridge()
    speaker = create_speaker(..., on_caption=bridge.on_caption, on_notice=bridge.on_notice)
    bridge.caption.connect(window.show_caption)      # receives a Cue
    bridge.notice.connect(window.show_notice)        # receives a SpeechNotice
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from coach.core.cues import Cue
from coach.speech.speaker import SpeechNotice


class SpeechBridge(QObject):
    caption = Signal(object)  # Cue
    notice = Signal(object)   # SpeechNotice

    def on_caption(self, cue: Cue) -> None:
        self.caption.emit(cue)

    def on_notice(self, notice: SpeechNotice) -> None:
        self.notice.emit(notice)
