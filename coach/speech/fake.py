"""A speaker for tests of the session, the window and the terminal: it records what it was asked.

It keeps no time and plays nothing. `captions_due(now)` hands back, in order, the cues that a
real speaker would have captioned by `now` (and forgets them), so a test with a fake clock can
check the captions without a thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from coach.core.cues import Cue
from coach.speech.settings import SpeechSettings
from coach.speech.speaker import SpeechNotice


@dataclass
class FakeSpeaker:
    """Implements the Speaker protocol by recording every call."""

    said: list[Cue] = field(default_factory=list)
    prepared: list[str] = field(default_factory=list)
    applied: list[SpeechSettings] = field(default_factory=list)
    cancels: int = 0
    shut_down: bool = False
    notices: list[SpeechNotice] = field(default_factory=list)
    _pending: list[Cue] = field(default_factory=list)

    def prepare(self, texts: Iterable[str]) -> None:
        self.prepared.extend(texts)

    def say(self, cue: Cue) -> None:
        if self.shut_down:
            return
        self.said.append(cue)
        self._pending.append(cue)

    def cancel(self) -> None:
        self.cancels += 1
        self._pending.clear()

    def apply(self, settings: SpeechSettings) -> None:
        self.applied.append(settings)

    def shutdown(self) -> None:
        self.shut_down = True
        self._pending.clear()

    @property
    def pending(self) -> list[Cue]:
        """Cues asked for and not yet due-and-collected, nor cancelled."""
        return sorted(self._pending, key=lambda c: c.due)

    def captions_due(self, now: float) -> list[Cue]:
        due = [c for c in self.pending if c.due <= now]
        self._pending = [c for c in self._pending if c.due > now]
        return due

    def texts(self) -> list[str]:
        return [c.text for c in self.said]
