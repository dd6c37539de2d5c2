"""Building the speaker the app asked for: `create_speaker` is what app.py and the terminal call."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from coach.speech.pyttsx3_speaker import Pyttsx3Speaker
from coach.speech.scheduled import ClockSource, ScheduledSpeaker
from coach.speech.settings import SpeechSettings
from coach.speech.silent import SilentSpeaker
from coach.speech.speaker import CaptionCallback, NoticeCallback, noop_caption, noop_notice

log = logging.getLogger(__name__)


def create_speaker(
    clock: ClockSource,
    settings: SpeechSettings,
    *,
    on_caption: CaptionCallback = noop_caption,
    on_notice: NoticeCallback = noop_notice,
    cache_dir: Path | None = None,
    voice: bool = True,
    **kwargs: Any,
) -> ScheduledSpeaker:
    """The pyttsx3 speaker, or with `voice=False` (e.g. --no-voice) the captions-only one.

    Never raises for a missing engine or sound device: the pyttsx3 speaker finds out in its own
    threads, sends one notice through `on_notice` and carries on with captions.
    """
    if not voice:
        return SilentSpeaker(clock, settings=settings, on_caption=on_caption, on_notice=on_notice)
    return Pyttsx3Speaker(
        clock, settings=settings, on_caption=on_caption, on_notice=on_notice,
        cache_dir=cache_dir, **kwargs,
    )
