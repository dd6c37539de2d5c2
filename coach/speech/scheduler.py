"""When to play what: the speaker's timing rules, as plain code stepped with a clock value.

`CueScheduler` holds the cues waiting for their due time and, each time `run_due(now)` is called,
captions the cues that came due, drops those that could no longer start on time, pre-empts and
starts clips on a `Player`. It never reads a clock and never waits: the speaker's thread calls it
with `clock()` and waits until the time it returns, and tests call it with the values of a fake
clock, one step at a time.

The rules:
- A cue is captioned when it comes due (even if it is not spoken), never before and never after a
  cancel.
- A cue that cannot start within `late_limit` seconds of its due time is dropped, never queued.
- An urgent cue (count, start, relax, rep, tempo) pre-empts whatever is playing that was due
  earlier, or anything non-urgent. A non-urgent cue waits for the clip playing to finish, within
  the same late limit, so a step being read is not cut off by "Halfway" (which is dropped instead).
- Cues due at the same instant (the plan puts "2" and "Hold", or "Relax" and "Well done",
  together) are said in the order asked, each as soon as the one before ends: one utterance.
- When the clip is not rendered yet, the cue waits for it (within the late limit); if the cue also
  beeps, the tone plays on time instead and the words are dropped.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from coach.core.cues import Cue
from coach.speech.clips import Clip
from coach.speech.speaker import LATE_LIMIT

log = logging.getLogger(__name__)

#: How often (engine seconds) to look again while a cue waits for a clip to end or to be rendered.
POLL = 0.01


class Player(Protocol):
    """Plays one clip at a time; `play` replaces whatever is playing."""

    def play(self, clip: Clip) -> None: ...

    def stop(self) -> None: ...

    def is_playing(self) -> bool: ...


@dataclass(frozen=True)
class Pending:
    """The cue's clip is still being rendered; `fallback` (a beep) may be played on time instead."""

    fallback: Clip | None = None


#: What a cue needs played: a clip, nothing (caption only), or a clip not rendered yet.
Resolution = Clip | Pending | None
Resolver = Callable[[Cue], Resolution]


@dataclass
class _Entry:
    cue: Cue
    seq: int
    start_by: float
    captioned: bool = False

    @property
    def order(self) -> tuple[float, int]:
        return (self.cue.due, self.seq)


def _same_instant(a: Cue, b: Cue) -> bool:
    return abs(a.due - b.due) < 1e-6


@dataclass
class SchedulerStats:
    started: int = 0
    dropped: int = 0
    preempted: int = 0
    dropped_cues: list[tuple[Cue, str]] = field(default_factory=list)


class CueScheduler:
    """Timing rules for cues, stepped by `run_due(now)`. Not thread-safe: the owner locks."""

    def __init__(
        self,
        player: Player,
        resolve: Resolver,
        *,
        on_caption: Callable[[Cue], None],
        on_start: Callable[[Cue, Clip, float], None] | None = None,
        late_limit: float = LATE_LIMIT,
    ) -> None:
        self._player = player
        self._resolve = resolve
        self._on_caption = on_caption
        self._on_start = on_start
        self._late_limit = late_limit
        self._pending: list[_Entry] = []
        self._current: _Entry | None = None
        self._seq = itertools.count()
        self._closed = False
        self.stats = SchedulerStats()

    @property
    def pending(self) -> list[Cue]:
        return [e.cue for e in self._pending]

    @property
    def current(self) -> Cue | None:
        return self._current.cue if self._current else None

    def add(self, cue: Cue) -> None:
        if self._closed:
            log.debug("speaker closed; ignoring cue %r", cue.text)
            return
        entry = _Entry(cue, next(self._seq), cue.due + self._late_limit)
        self._pending.append(entry)
        self._pending.sort(key=lambda e: e.order)

    def cancel(self) -> None:
        """Forget every pending cue and silence the clip playing."""
        self._pending.clear()
        if self._current is not None:
            self._current = None
            self._player.stop()

    def close(self) -> None:
        """Cancel, and ignore every cue added from now on."""
        self._closed = True
        self.cancel()

    def run_due(self, now: float) -> float | None:
        """Act on everything due by `now`; return when to be called next (None: nothing waits)."""
        if self._current is not None and not self._player.is_playing():
            self._current = None
        wake: float | None = None

        def wake_by(t: float) -> None:
            nonlocal wake
            wake = t if wake is None else min(wake, t)

        keep: list[_Entry] = []
        for entry in self._pending:
            cue = entry.cue
            if cue.due > now:
                keep.append(entry)
                wake_by(cue.due)
                continue
            if not entry.captioned:
                entry.captioned = True
                self._on_caption(cue)
            if now > entry.start_by:
                self._drop(cue, f"{(now - cue.due) * 1000:.0f} ms late")
                continue
            try:
                resolution = self._resolve(cue)
            except Exception:
                log.exception("cannot tell what to play for %r; caption only", cue.text)
                resolution = None
            if resolution is None:
                continue  # caption only
            clip = resolution.fallback if isinstance(resolution, Pending) else resolution
            playing = self._current.cue if self._current is not None else None
            blocked = playing is not None and not self._preempts(cue, playing)
            if clip is None or blocked:
                # Wait for the clip to be rendered, or for the one playing to end. Cues due at
                # the same instant are said one after the other, like one sentence ("2. Hold"),
                # so while one of them plays the next is not late.
                if blocked and playing is not None and _same_instant(cue, playing):
                    entry.start_by = max(entry.start_by, now + self._late_limit)
                keep.append(entry)
                wake_by(min(entry.start_by + 1e-6, now + POLL))
                continue
            if isinstance(resolution, Pending):
                self._drop(cue, "words not rendered in time; beep only")
            if self._current is not None:
                log.debug("%r pre-empts %r", cue.text, self._current.cue.text)
                self.stats.preempted += 1
                self._player.stop()
            self._start(entry, clip, now)
        self._pending = keep
        return wake

    @staticmethod
    def _preempts(cue: Cue, playing: Cue) -> bool:
        if not cue.urgent or _same_instant(cue, playing):
            return False
        return not playing.urgent or cue.due > playing.due

    def _start(self, entry: _Entry, clip: Clip, now: float) -> None:
        self._player.play(clip)
        self._current = entry
        self.stats.started += 1
        if self._on_start is not None:
            self._on_start(entry.cue, clip, now)

    def _drop(self, cue: Cue, why: str) -> None:
        self.stats.dropped += 1
        self.stats.dropped_cues.append((cue, why))
        log.info("dropped cue %r (due %.3f): %s", cue.text, cue.due, why)
