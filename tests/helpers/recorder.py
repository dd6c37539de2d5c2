"""An engine listener that keeps every event, with helpers to pick them out."""

from __future__ import annotations

from typing import TypeVar

from coach.core.events import CueRequested, Event, PhaseStarted

E = TypeVar("E", bound=Event)


class EventLog:
    """Add as a listener: `engine.add_listener(log)`; every event lands in `events`."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def of(self, kind: type[E]) -> list[E]:
        return [e for e in self.events if isinstance(e, kind)]

    def kinds(self) -> list[str]:
        """The phase kinds started, in order."""
        return [e.phase.kind.value for e in self.of(PhaseStarted)]

    def cue_texts(self) -> list[str]:
        return [e.cue.text for e in self.of(CueRequested)]

    def clear(self) -> None:
        self.events.clear()
