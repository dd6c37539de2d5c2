"""A speaker that says nothing: every cue becomes a caption at its due time, and that is all.

For `--no-voice`, for machines without sound, and for tests of the window and terminal mode.
"""

from __future__ import annotations

from typing import Any

from coach.speech.scheduled import ClockSource, ScheduledSpeaker


class SilentSpeaker(ScheduledSpeaker):
    """Captions only, on the same clock and with the same cancel rules as the real speaker."""

    def __init__(self, clock: ClockSource, **kwargs: Any) -> None:
        kwargs.setdefault("name", "silent-speaker")
        super().__init__(clock, **kwargs)
