"""Building a session window on a fake clock with a fake speaker, and answering its prompts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt

from coach.core.clock import FakeClock
from coach.core.cues import Verbosity
from coach.core.plan import Plan, PlanSettings, plan_routine
from coach.core.records import LegPain
from coach.core.safety import RED_FLAGS
from coach.safety_flow import BriefChoice, BriefResult, PainAfter, PainBefore, RedFlagResult
from coach.speech.fake import FakeSpeaker
from coach.speech.settings import SpeechSettings
from coach.ui.prompts import ScreenChoice
from coach.ui.qt_compat import protect_singletons
from coach.ui.session_controller import SessionController
from tests.helpers.driving import run_to
from tests.helpers.factories import catalogue, exercise, routine

#: Phase start times of `short_plan()` (engine seconds from the start): 3 s to get into
#: position (counts-only speech reads no step, so nothing lengthens it).
FIRST_HOLD = 3.0
REST_BETWEEN = 64.0
WALK_PREPARE = 69.0
WALK = 72.0
END = 82.0


def short_catalogue(name: str = "Bridge", steps: Sequence[str] = (
        "Lie on your back.", "Lift your hips.", "Hold it."), note: str = ""):
    bridge = exercise("bridge", name=name, steps=tuple(steps), hold_seconds=5, reps=2, sets=2,
                      sides="each")
    walk = exercise("walk", name="Walk", steps=("Walk at an easy pace.",), duration_seconds=10)
    r = routine("test", ["bridge", "walk"], rest_between_seconds=5, name="Test routine")
    if note:
        from dataclasses import replace

        from coach.core.models import RoutineItem

        r = replace(r, items=(RoutineItem("bridge", {}, note), RoutineItem("walk")))
    return catalogue([bridge, walk], [r])


def short_plan(**kwargs) -> Plan:
    """Bridge (5 s holds, 2 reps, 2 sets, each side), a 5 s rest, then a 10 s walk; 82 s."""
    return plan_routine(short_catalogue(**kwargs), "test",
                        PlanSettings(prepare_seconds=3, verbosity=Verbosity.COUNTS))


def all_no() -> dict[str, bool]:
    return {flag.id: False for flag in RED_FLAGS}


@dataclass
class FakePrompts:
    """Answers every question at once and remembers what was asked.

    Safety questions (issue 7) by default: no red flag, every pain question skipped, the
    session started after any advice, the disclaimer read, heat and cold at their default
    minutes. A test sets the answers it needs (`red_flag_answers`, `pain_before_answer`, ...).
    """

    confirm_answer: bool = False
    screen_answer: ScreenChoice | None = None
    asked: list[str] = field(default_factory=list)
    screens_offered: list[list[str]] = field(default_factory=list)
    crashes: list[tuple[Path | None, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    red_flag_answers: RedFlagResult | None = field(
        default_factory=lambda: RedFlagResult(all_no()))
    holds: list = field(default_factory=list)
    leg_pain_answer: LegPain | None = None
    pain_before_answer: PainBefore | None = field(default_factory=PainBefore)
    pain_after_answer: PainAfter | None = None
    brief_answer: BriefResult = field(default_factory=lambda: BriefResult(BriefChoice.START))
    minutes_answer: int | None = None
    briefs: list = field(default_factory=list)
    informed: list[str] = field(default_factory=list)
    compared: list[bool] = field(default_factory=list)
    problem_lists: list[list[str]] = field(default_factory=list)

    def confirm(self, parent, title: str, text: str, *, yes: str, no: str) -> bool:
        self.asked.append(title)
        return self.confirm_answer

    def choose_screen(self, parent, names, current: int) -> ScreenChoice | None:
        self.screens_offered.append(list(names))
        return self.screen_answer

    def crash(self, parent, log_file, details: str):
        self.crashes.append((log_file, details))
        return None

    def warn(self, parent, text: str) -> None:
        self.warnings.append(text)

    def red_flags(self, parent, need, *, hold=None):
        self.asked.append("red flags")
        self.holds.append(hold)
        return self.red_flag_answers

    def pain_before(self, parent, session_name: str):
        self.asked.append(f"pain before {session_name}")
        return self.pain_before_answer

    def pain_after(self, parent, session_name: str, *, compare: bool):
        self.asked.append(f"pain after {session_name}")
        self.compared.append(compare)
        return self.pain_after_answer

    def session_brief(self, parent, decision, *, session_name: str, suggested_name):
        self.asked.append(f"brief {session_name}")
        self.briefs.append(decision)
        return self.brief_answer

    def problems(self, parent, title: str, intro: str, problems) -> None:
        self.problem_lists.append([str(p) for p in problems])

    def disclaimer(self, parent) -> None:
        self.asked.append("disclaimer")

    def choose_minutes(self, parent, title: str, text: str, choices, default: int):
        self.asked.append(f"minutes {title}")
        return self.minutes_answer if self.minutes_answer is not None else default

    def inform(self, parent, title: str, text: str) -> None:
        self.informed.append(text)

    def leg_pain_moved(self, parent, text: str):
        self.asked.append("leg pain moved")
        return self.leg_pain_answer


class Session:
    """A controller on a fake clock with a fake speaker; `run_to(t)` ticks like the timer."""

    def __init__(self, plan: Plan, *, presenter: bool = False,
                 speech: SpeechSettings | None = None) -> None:
        protect_singletons()  # a whole session makes many Qt calls; see coach.ui.qt_compat
        self.clock = FakeClock(100.0)
        self.speaker = FakeSpeaker()
        self.errors: list[BaseException] = []
        self.controller = SessionController(
            plan, clock=self.clock, speech=speech or SpeechSettings(),
            speaker_factory=self._speaker, ticker_factory=None, presenter=presenter,
            report_error=self.errors.append)
        self.start_time = self.clock.now()

    def _speaker(self, clock, settings, *, on_caption, on_notice):
        return self.speaker

    @property
    def engine(self):
        return self.controller.engine

    def run_to(self, seconds: float) -> None:
        """Tick the session to `seconds` after its start."""
        run_to(self.engine, self.clock, self.start_time + seconds)

    def run_for(self, seconds: float) -> None:
        run_to(self.engine, self.clock, self.clock.now() + seconds)

    def run_until_phase(self, kind, *, step: float = 0.5, limit: float = 600.0) -> None:
        """Tick on until the session is in a phase of `kind` (a `PhaseKind`)."""
        end = self.clock.now() + limit
        while self.engine.phase.kind is not kind:
            assert self.clock.now() < end, f"no {kind} phase within {limit} s"
            self.run_for(step)


def press(qtbot, window, key: Qt.Key, text: str = "") -> None:
    """A key press as the user makes it: to whatever has the focus in the active window."""
    target = window.focusWidget() or window
    qtbot.keyClick(target, key)


def show_active(qtbot, window) -> None:
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
