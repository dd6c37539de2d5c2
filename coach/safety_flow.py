"""The safety questions around a session, in order, shared by the window and the terminal.

`SafetyFlow` asks through a prompts object (the window's dialogs, `coach.ui.prompts.Prompts`,
or the terminal's `coach.terminal_safety.TerminalPrompts`; tests pass fakes) and applies the
rules of `coach.core.session_gate`:

- `first_run(parent)`: the red-flag screen when none was ever answered, then the disclaimer
  once.
- `screen(parent)`: the red-flag questions when due (first run, weekly re-check, and at every
  start while a yes holds sessions) or when asked for (Help > Red-flag check). Answers are
  recorded at once. Any yes holds every session, on every later day too, until the person
  confirms that a clinician has checked them and said they can exercise; that confirmation
  is offered only at a later start, for the signs already reported, and is recorded with its
  date and time.
- `before_session(parent, target, name=...)`: the screening, the pain check (back, leg, where
  the leg pain has gone, and the one-line nerve signs: a yes there asks the six questions at
  once), then the advice and today's dose steps when there is anything to say, with the
  choice of the flare-up routine instead, not today, or start (anyway); dose locks ticked
  there are saved. Returns `Prepared` (the routine to plan, with today's doses, and the
  answers for the recorder) or None when no session should start.
- `after_hurts(parent, recorder)`: on "this hurts", where the leg pain has gone (saved with
  the session); further down ends the session.
- `after_session(parent, recorder, name=...)`: pain after, where the leg pain has gone, the
  nerve signs, how it felt and a note, saved with the session; then one message: rest today
  (leg pain spreading further down), a good sign (moving towards the back), or the "pain
  rising" advice when the last sessions show it.

No Qt: the flow only calls the prompts, the history store and the injected clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from coach.core import thermal
from coach.core.models import Catalogue, Routine
from coach.core.records import Felt, LegPain, PainScore, Screening
from coach.core.safety import (
    CENTRALISING_MESSAGE,
    SPREADING_AFTER_MESSAGE,
    Hold,
    ScreeningNeed,
    StopRules,
    after_sessions,
    clearance_allowed,
)
from coach.core.session_gate import GateDecision, SessionGate
from coach.storage.dose_history import exercise_histories
from coach.storage.history import HistoryStore

log = logging.getLogger(__name__)

#: How far back the dose history is read: after a long break the routine's own dose applies.
DOSE_HISTORY_DAYS = 180


# --- the answers the prompts give ------------------------------------------------------------


@dataclass(frozen=True)
class PainBefore:
    pain: PainScore = PainScore()
    #: Where the leg pain has gone since last time. None: not answered.
    leg_pain: LegPain | None = None
    #: The one-line nerve signs question (saddle, bladder or bowel, both legs). None: skipped.
    nerve_signs: bool | None = None

    @property
    def leg_spreading(self) -> bool | None:
        return None if self.leg_pain is None else self.leg_pain is LegPain.FURTHER_DOWN

    def recorder_answers(self) -> dict[str, Any]:
        """Keyword arguments for `SessionRecorder` (stored with the session)."""
        return {"pain_before": self.pain, "leg_pain_spreading": self.leg_spreading,
                "leg_pain": self.leg_pain}


@dataclass(frozen=True)
class PainAfter:
    pain: PainScore = PainScore()
    felt: Felt | None = None
    note: str | None = None
    leg_pain: LegPain | None = None
    nerve_signs: bool | None = None


@dataclass(frozen=True)
class RedFlagResult:
    """The answers (question id -> yes), whether the advice was acknowledged, and whether the
    person confirmed that a clinician has checked them and said they can exercise."""

    answers: Mapping[str, bool] = field(default_factory=dict)
    acknowledged: bool = False
    cleared: bool = False

    @property
    def any_positive(self) -> bool:
        return any(self.answers.values())


class BriefChoice(StrEnum):
    START = "start"
    SUGGESTED = "suggested"     # the suggested routine instead (the flare-up routine)
    NOT_TODAY = "not-today"


@dataclass(frozen=True)
class BriefResult:
    choice: BriefChoice
    #: Exercise ids shown with a lock box, and whether each is now ticked.
    locks: Mapping[str, bool] = field(default_factory=dict)


class SafetyPrompts(Protocol):
    """What the flow asks; `parent` is the window to put a dialog over (None in a terminal)."""

    def red_flags(self, parent: Any, need: ScreeningNeed | None, *,
                  hold: Hold | None = None) -> RedFlagResult | None: ...

    def pain_before(self, parent: Any, session_name: str) -> PainBefore | None: ...

    def pain_after(self, parent: Any, session_name: str, *,
                   compare: bool) -> PainAfter | None: ...

    def session_brief(self, parent: Any, decision: GateDecision, *, session_name: str,
                      suggested_name: str | None) -> BriefResult: ...

    def disclaimer(self, parent: Any) -> None: ...

    def choose_minutes(self, parent: Any, title: str, text: str, choices: list[int],
                       default: int) -> int | None: ...

    def inform(self, parent: Any, title: str, text: str) -> None: ...

    def leg_pain_moved(self, parent: Any, text: str) -> LegPain | None: ...


class Answering(Protocol):
    """The part of `SessionRecorder` the flow uses after a session."""

    @property
    def session_id(self) -> int | None: ...

    def answer(self, *, pain_before: PainScore | None = None,
               pain_after: PainScore | None = None, felt: Felt | str | None = None,
               note: str | None = None, leg_pain_after: LegPain | None = None) -> None: ...


@dataclass(frozen=True)
class Prepared:
    """A session cleared to start: the routine to plan (today's doses merged in), the answers
    for the recorder, and the decision it came from."""

    target: Routine
    pain: PainBefore
    decision: GateDecision


RISING_TITLE = "Please contact your physiotherapist"
SPREADING_TITLE = "Rest today"
HURTS_QUESTION = "The exercise has stopped. Has your leg pain moved?"
CENTRALISING_TITLE = "A good sign"


class SafetyFlow:
    def __init__(
        self,
        catalogue: Catalogue,
        *,
        prompts: SafetyPrompts,
        store: Callable[[], HistoryStore | None],
        now: Callable[[], datetime],
        stop_rules: Callable[[], StopRules] = StopRules,
        locked: Callable[[], tuple[str, ...]] = tuple,
        save_locks: Callable[[tuple[str, ...]], None] = lambda locks: None,
        disclaimer_seen: Callable[[], bool] = lambda: True,
        mark_disclaimer_seen: Callable[[], None] = lambda: None,
    ) -> None:
        self.catalogue = catalogue
        self.prompts = prompts
        self._store = store
        self._now = now
        self._rules = stop_rules
        self._locked = locked
        self._save_locks = save_locks
        self._disclaimer_seen = disclaimer_seen
        self._mark_disclaimer_seen = mark_disclaimer_seen
        #: Without a history, the answers of this run are kept here (never across runs).
        self._screenings: list[Screening] = []
        #: The answer given (and its message said) on "this hurts" in the running session.
        self._said_at_hurts: LegPain | None = None

    def gate(self) -> SessionGate:
        return SessionGate(self.catalogue, self._rules(), self._locked())

    # --- the red-flag screen ----------------------------------------------------------------

    def screenings(self) -> list[Screening]:
        """Every red-flag screening, oldest first."""
        store = self._store()
        if store is None:
            return list(self._screenings)
        return store.screenings()

    def latest_screening(self) -> Screening | None:
        found = self.screenings()
        return found[-1] if found else None

    def first_run(self, parent: Any) -> None:
        """The red-flag screen (when never answered), then the disclaimer (once)."""
        if self.latest_screening() is None:
            self.screen(parent)
        if not self._disclaimer_seen():
            self.prompts.disclaimer(parent)
            self._mark_disclaimer_seen()

    def screen(self, parent: Any, *, force: bool = False) -> bool:
        """Ask the red-flag questions when due (or `force`); True when a session may start."""
        status = self.gate().screening(self.screenings(), self._now())
        if status.need is None and not force:
            return True
        result = self.prompts.red_flags(parent, status.need, hold=status.hold)
        if result is None:
            return status.need is None
        answered = self._now()
        screening = Screening(answered_at=answered, answers=dict(result.answers),
                              acknowledged_at=answered if result.acknowledged else None)
        self._record(screening)
        if result.cleared and clearance_allowed(status.hold, result.answers):
            self._clear(answered)
            log.warning("red-flag hold lifted: a clinician's check was confirmed")
            return True
        if screening.any_positive or status.hold is not None:
            log.warning("red-flag screen: sessions held (a warning sign reported: %s)",
                        sorted(k for k, v in screening.answers.items() if v) or "earlier")
            return False
        return True

    def _record(self, screening: Screening) -> None:
        store = self._store()
        self._screenings.append(screening)
        if store is not None:
            store.record_screening(screening)

    def _clear(self, at: datetime) -> None:
        store = self._store()
        self._screenings = [replace(s, cleared_at=at) if s.any_positive and s.cleared_at is None
                            else s for s in self._screenings]
        if store is not None:
            store.clear_red_flags(at)

    # --- before a session -------------------------------------------------------------------

    def thermal_overrides(self, parent: Any, exercise_id: str) -> dict[str, Any] | None:
        """For a heat or cold exercise on its own: ask how many minutes (within its range).
        {} for any other exercise; None when the person cancelled."""
        exercise = self.catalogue.exercises.get(exercise_id)
        if exercise is None or not thermal.is_thermal(exercise):
            return {}
        choices = thermal.minute_choices(exercise)
        default = thermal.default_minutes(exercise) or choices[0]
        minutes = self.prompts.choose_minutes(
            parent, exercise.name,
            f"How long? {exercise.name} is used for {choices[0]} to {choices[-1]} minutes "
            "at a time. The coach tells you when to take the pack off.",
            choices, default)
        if minutes is None:
            return None
        return thermal.duration_override(exercise, minutes)

    def before_session(self, parent: Any, target: Routine, *, name: str,
                       pain: PainBefore | None = None) -> Prepared | None:
        """See the module docstring. `pain`: answers already given (no new pain check)."""
        if not self.screen(parent):
            return None
        if pain is None:
            pain = self.prompts.pain_before(parent, name)
            if pain is None:
                return None
            if pain.nerve_signs and not self.screen(parent, force=True):
                return None
        decision = self.decide(target, pain)
        if decision.worth_showing:
            suggested = (self.catalogue.routines.get(decision.suggest_routine)
                         if decision.suggest_routine else None)
            brief = self.prompts.session_brief(
                parent, decision, session_name=name,
                suggested_name=suggested.name if suggested else None)
            if self._apply_locks(brief.locks):
                decision = self.decide(target, pain)
            if brief.choice is BriefChoice.NOT_TODAY:
                log.info("session not started after the advice: %s",
                         [a.kind.value for a in decision.advice])
                return None
            if brief.choice is BriefChoice.SUGGESTED and suggested is not None:
                target = suggested
                decision = self.decide(target, pain)
        return Prepared(decision.apply(target), pain, decision)

    def decide(self, target: Routine, pain: PainBefore) -> GateDecision:
        """The gate's decision for `target` with these answers and the history."""
        store = self._store()
        sessions = store.sessions() if store is not None else []
        exercises = [self.catalogue.exercises[i.exercise_id] for i in target.items
                     if i.exercise_id in self.catalogue.exercises]
        since = (self._now() - timedelta(days=DOSE_HISTORY_DAYS)).date()
        histories = (exercise_histories(store, exercises, since=since)
                     if store is not None else {})
        return self.gate().check(target, pain=pain.pain, leg_spreading=pain.leg_spreading,
                                 centralising=pain.leg_pain is LegPain.TOWARDS_BACK,
                                 sessions=sessions, histories=histories)

    def _apply_locks(self, boxes: Mapping[str, bool]) -> bool:
        """Save the "keep this dose" boxes; True when the set of locks changed."""
        before = set(self._locked())
        after = {eid for eid in before if boxes.get(eid, True)}
        after |= {eid for eid, ticked in boxes.items() if ticked}
        if after == before:
            return False
        self._save_locks(tuple(sorted(after)))
        return True

    # --- after a session --------------------------------------------------------------------

    def after_hurts(self, parent: Any, recorder: Answering | None) -> bool:
        """After "this hurts": ask where the leg pain has gone, and keep the answer with the
        session. Further down: what to do is said at once (and not again after the session),
        and True: the session should end."""
        return self.leg_pain_moved(parent, recorder,
                                   self.prompts.leg_pain_moved(parent, HURTS_QUESTION))

    def leg_pain_moved(self, parent: Any, recorder: Answering | None,
                       moved: LegPain | None) -> bool:
        """The answer to `HURTS_QUESTION`, however it was asked (the terminal reads one key):
        kept with the session; further down says what to do now (True: end the session);
        towards the back says it is a good sign. Neither is said again after the session."""
        if moved is None:
            return False
        if recorder is not None and recorder.session_id is not None:
            recorder.answer(leg_pain_after=moved)
        self._said_at_hurts = moved
        if moved is LegPain.FURTHER_DOWN and self._rules().spreading_stops:
            self.prompts.inform(parent, SPREADING_TITLE, SPREADING_AFTER_MESSAGE)
            return True
        if moved is LegPain.TOWARDS_BACK:
            self.prompts.inform(parent, CENTRALISING_TITLE, CENTRALISING_MESSAGE)
        return False

    def after_session(self, parent: Any, recorder: Answering | None, *,
                      name: str) -> PainAfter | None:
        """Ask the pain after (saved with the session), then advise if pain keeps rising.
        "Compared with last time" is asked only when there was a last time: a session before
        this one in which something was done."""
        store = self._store()
        this = store.resolve(recorder.session_id) if store and recorder else None
        compare = store is not None and any(
            s.done for s in store.sessions() if s.id != this)
        answers = self.prompts.pain_after(parent, name, compare=compare)
        said, self._said_at_hurts = self._said_at_hurts, None
        spread_before = said is LegPain.FURTHER_DOWN  # kept: the answer that matters most
        if answers is not None and recorder is not None:
            recorder.answer(pain_after=answers.pain, felt=answers.felt, note=answers.note,
                            leg_pain_after=None if spread_before else answers.leg_pain)
        if answers is not None and answers.nerve_signs:
            self.screen(parent, force=True)
        leg = answers.leg_pain if answers is not None else None
        if spread_before or (leg is LegPain.FURTHER_DOWN and self._rules().spreading_stops):
            if not spread_before:
                self.prompts.inform(parent, SPREADING_TITLE, SPREADING_AFTER_MESSAGE)
            return answers
        if leg is LegPain.TOWARDS_BACK and said is not LegPain.TOWARDS_BACK:
            self.prompts.inform(parent, CENTRALISING_TITLE, CENTRALISING_MESSAGE)
        if store is not None:
            for advice in after_sessions(store.sessions(), self._rules()):
                self.prompts.inform(parent, RISING_TITLE, advice.message)
        return answers
