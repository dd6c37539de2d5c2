"""Captions and notices reach the GUI thread as queued Qt signals, from the speaker's thread."""

from __future__ import annotations

import threading

from coach.core.cues import Cue, CueKind
from coach.speech.qt_bridge import SpeechBridge
from coach.speech.speaker import NoticeReason, SpeechNotice


def test_reports_from_a_worker_thread_are_delivered_in_the_gui_thread(qapp) -> None:  # noqa: ANN001
    bridge = SpeechBridge()
    got: list[tuple[object, bool]] = []
    gui = threading.get_ident()
    bridge.caption.connect(lambda c: got.append((c, threading.get_ident() == gui)))
    bridge.notice.connect(lambda n: got.append((n, threading.get_ident() == gui)))
    cue = Cue(CueKind.START, "Hold", 1.0)
    notice = SpeechNotice(NoticeReason.NO_DEVICE, "test")

    worker = threading.Thread(target=lambda: (bridge.on_caption(cue), bridge.on_notice(notice)))
    worker.start()
    worker.join(5)
    assert got == [], "queued: nothing runs in the worker thread"
    qapp.processEvents()
    assert got == [(cue, True), (notice, True)]
