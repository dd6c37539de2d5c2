"""The timing rules, stepped with a fake clock and a recording player: no threads, no sleeping."""

from __future__ import annotations

import pytest

from coach.core.cues import Cue, CueKind
from coach.speech.clips import Clip
from coach.speech.scheduler import CueScheduler, Pending, Resolution

from .conftest import FakeClock, RecordingPlayer, clip, cue


class Harness:
    """A scheduler whose clips are all rendered, unless the test says otherwise."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.player = RecordingPlayer(clock)
        self.captions: list[tuple[float, str]] = []
        self.not_ready: set[str] = set()
        self.silent: set[str] = set()
        self.beep: Clip | None = None
        self.scheduler = CueScheduler(
            self.player, self.resolve, on_caption=lambda c: self.captions.append((clock(), c.text))
        )

    def resolve(self, c: Cue) -> Resolution:
        if c.text in self.silent:
            return None
        if c.text in self.not_ready:
            return Pending(self.beep if c.beep else None)
        return clip(c.text)

    def at(self, t: float) -> float | None:
        self.clock.t = t
        return self.scheduler.run_due(t)


@pytest.fixture
def h(fake_clock: FakeClock) -> Harness:
    return Harness(fake_clock)


def countdown(start: float) -> list[Cue]:
    return [cue(n, start + i, CueKind.COUNTDOWN, beep=True) for i, n in enumerate("321")]


def test_a_countdown_number_starts_on_its_second_and_not_before(h: Harness) -> None:
    for c in countdown(10.0):
        h.scheduler.add(c)
    assert h.at(9.9) == pytest.approx(10.0), "the speaker is told to wake exactly at the due time"
    assert h.player.played == []
    h.at(10.0)
    h.player.finish()
    assert h.at(10.5) == pytest.approx(11.0)
    h.at(11.0)
    h.player.finish()
    h.at(12.0)
    assert h.player.played == [(10.0, "3"), (11.0, "2"), (12.0, "1")]


def test_every_cue_is_captioned_when_due_even_when_it_is_not_spoken(h: Harness) -> None:
    h.silent.add("Lie on your back")
    h.scheduler.add(cue("Lie on your back", 5.0, CueKind.STEP))
    h.scheduler.add(cue("Hold", 6.0, CueKind.START))
    h.at(4.0)
    assert h.captions == []
    h.at(5.0)
    h.at(6.0)
    assert h.captions == [(5.0, "Lie on your back"), (6.0, "Hold")]
    assert h.player.texts == ["Hold"]


def test_a_cue_that_cannot_start_within_300_ms_is_dropped_not_queued(h: Harness) -> None:
    h.scheduler.add(cue("3", 10.0, CueKind.COUNTDOWN))
    h.scheduler.add(cue("2", 11.0, CueKind.COUNTDOWN))
    h.at(10.31)  # the speaker thread was held up past "3"'s window
    assert h.player.played == []
    assert h.scheduler.stats.dropped == 1
    h.at(11.0)
    assert h.player.played == [(11.0, "2")]


def test_a_cue_slightly_late_still_plays(h: Harness) -> None:
    h.scheduler.add(cue("Hold", 10.0, CueKind.START))
    h.at(10.25)
    assert h.player.texts == ["Hold"]
    assert h.scheduler.stats.dropped == 0


def test_a_count_pre_empts_a_step_being_read(h: Harness) -> None:
    h.scheduler.add(cue("Bend your knees and keep your feet flat", 10.0, CueKind.STEP))
    h.scheduler.add(cue("3", 12.0, CueKind.COUNTDOWN))
    h.at(10.0)
    h.at(12.0)  # the step is still playing
    assert h.player.texts == ["Bend your knees and keep your feet flat", "3"]
    assert h.player.stops == [12.0]
    assert h.scheduler.stats.preempted == 1


def test_the_next_count_pre_empts_the_previous_one_still_playing(h: Harness) -> None:
    for c in countdown(10.0):
        h.scheduler.add(c)
    h.at(10.0)
    h.at(11.0)  # "3" has not finished (a slow voice): "2" cuts it off, on time
    assert h.player.played == [(10.0, "3"), (11.0, "2")]
    assert h.player.stops == [11.0]


def test_a_non_urgent_cue_waits_for_the_clip_playing_within_the_limit(h: Harness) -> None:
    h.scheduler.add(cue("Hold", 10.0, CueKind.START))
    h.scheduler.add(cue("Halfway", 10.1, CueKind.HALFWAY))
    h.at(10.0)
    wake = h.at(10.1)
    assert h.player.texts == ["Hold"], "Halfway does not cut off Hold"
    assert wake is not None
    assert 10.1 < wake <= 10.4
    h.player.finish()
    h.at(10.3)
    assert h.player.played == [(10.0, "Hold"), (10.3, "Halfway")]


def test_a_non_urgent_cue_still_blocked_after_the_limit_is_dropped(h: Harness) -> None:
    h.scheduler.add(cue("A long step sentence", 10.0, CueKind.STEP))
    h.scheduler.add(cue("Halfway", 11.0, CueKind.HALFWAY))
    h.at(10.0)
    h.at(11.0)
    h.at(11.2)
    h.at(11.35)
    h.player.finish()
    h.at(11.4)
    assert h.player.texts == ["A long step sentence"]
    assert [c.text for c, _ in h.scheduler.stats.dropped_cues] == ["Halfway"]


def test_cancel_silences_the_clip_and_drops_everything_pending(h: Harness) -> None:
    for c in countdown(10.0):
        h.scheduler.add(c)
    h.at(10.0)
    h.at(10.2)
    h.scheduler.cancel()  # pause
    assert h.player.stops == [10.2]
    assert not h.player.is_playing()
    assert h.at(11.0) is None
    h.at(12.0)
    assert h.player.texts == ["3"]
    assert [t for _, t in h.captions] == ["3"], "no caption for a cancelled cue"


def test_cues_asked_for_on_resume_play_after_a_cancel(h: Harness) -> None:
    h.scheduler.add(cue("3", 10.0, CueKind.COUNTDOWN))
    h.scheduler.cancel()
    h.scheduler.add(cue("3", 20.0, CueKind.COUNTDOWN))
    h.at(20.0)
    assert h.player.played == [(20.0, "3")]


def test_no_cue_is_said_or_captioned_after_stop(h: Harness) -> None:
    h.scheduler.add(cue("Well done", 10.0, CueKind.WELL_DONE))
    h.scheduler.close()
    h.scheduler.add(cue("Rest", 11.0, CueKind.REST))
    assert h.at(12.0) is None
    assert h.player.played == []
    assert h.captions == []


def test_a_cue_waits_for_its_clip_to_be_rendered_within_the_limit(h: Harness) -> None:
    h.not_ready.add("Hold")
    h.scheduler.add(cue("Hold", 10.0, CueKind.START))
    wake = h.at(10.0)
    assert wake is not None
    assert wake <= 10.3
    assert h.player.played == []
    h.not_ready.clear()
    h.at(10.05)
    assert h.player.played == [(10.05, "Hold")]


def test_a_cue_whose_clip_is_not_ready_in_time_is_dropped(h: Harness) -> None:
    h.not_ready.add("Hold")
    h.scheduler.add(cue("Hold", 10.0, CueKind.START))
    h.at(10.0)
    h.at(10.2)
    h.at(10.31)
    assert h.player.played == []
    assert h.scheduler.stats.dropped == 1
    assert h.captions == [(10.0, "Hold")]


def test_a_beeping_cue_whose_words_are_not_ready_beeps_on_time(h: Harness) -> None:
    h.beep = clip("beep", 0.12)
    h.not_ready.add("3")
    h.scheduler.add(cue("3", 10.0, CueKind.COUNTDOWN, beep=True))
    h.at(10.0)
    assert h.player.played == [(10.0, "beep")]


def test_cues_due_at_the_same_time_play_in_the_order_asked(h: Harness) -> None:
    h.scheduler.add(cue("Switch to the left leg", 10.0, CueKind.SWITCH))
    h.scheduler.add(cue("Get into position", 10.0, CueKind.PREPARE))
    h.at(10.0)
    h.player.finish()
    h.at(10.1)
    assert h.player.texts == ["Switch to the left leg", "Get into position"]


def test_the_next_wake_up_is_the_earliest_due_time(h: Harness) -> None:
    h.scheduler.add(cue("Rest", 30.0, CueKind.REST))
    h.scheduler.add(cue("Hold", 20.0, CueKind.START))
    assert h.at(0.0) == pytest.approx(20.0)
    h.at(20.0)
    assert h.at(20.01) == pytest.approx(30.0)


def test_cues_due_at_the_same_instant_are_said_in_turn_however_long(h: Harness) -> None:
    # The plan puts the rep number and "Hold" at the same instant, "Relax" and "Well done" too.
    h.scheduler.add(cue("2", 10.0, CueKind.REP))
    h.scheduler.add(cue("Hold", 10.0, CueKind.START))
    h.scheduler.add(cue("Well done", 10.0, CueKind.WELL_DONE))
    h.at(10.0)
    h.at(10.2)
    h.at(10.4)  # "2" is still playing: "Hold" waits, it is not late
    h.player.finish()
    h.at(10.45)
    h.at(10.7)
    h.player.finish()
    h.at(10.9)
    assert h.player.played == [(10.0, "2"), (10.45, "Hold"), (10.9, "Well done")]
    assert h.scheduler.stats.dropped == 0
    assert h.player.stops == [], "nothing in the group cut off another"


def test_a_same_instant_group_is_still_cut_by_the_next_count(h: Harness) -> None:
    h.scheduler.add(cue("A long step sentence", 10.0, CueKind.STEP))
    h.scheduler.add(cue("Another step", 10.0, CueKind.STEP))
    h.scheduler.add(cue("3", 11.0, CueKind.COUNTDOWN))
    h.at(10.0)
    h.at(10.5)
    h.at(11.0)  # "3" cuts the first step; the second step is now behind a later cue
    h.at(11.2)
    h.at(11.4)
    assert h.player.texts == ["A long step sentence", "3"]
    assert [c.text for c, _ in h.scheduler.stats.dropped_cues] == ["Another step"]


def test_a_resolver_that_raises_costs_that_cue_its_sound_only(h: Harness) -> None:
    def broken(c: Cue) -> Resolution:
        if c.text == "Hold":
            raise RuntimeError("bug")
        return clip(c.text)

    h.scheduler._resolve = broken
    h.scheduler.add(cue("Hold", 10.0, CueKind.START))
    h.scheduler.add(cue("Relax", 10.0, CueKind.RELAX))
    h.at(10.0)
    assert [t for _, t in h.captions] == ["Hold", "Relax"]
    assert h.player.texts == ["Relax"]
