"""The safety questions of `coach run`, asked in the terminal with plain prompts.

When stdin is a terminal, `TerminalSafety` runs the same `SafetyFlow` as the window, through
`TerminalPrompts`: the red-flag questions when due (y/n each; any yes shows what to do, by
urgency; at a later start, a clinician's check can be confirmed by typing "yes"), the pain
check before (back and leg 0-10, where the leg pain has gone, the nerve signs in one line;
Enter skips a question), the advice and today's dose steps with the choice of the flare-up
routine, start or not today, and the pain check after (the same, then how it felt, a note).

When stdin is not a terminal, nothing can be asked: one line says the questions were skipped
and why, today's dose steps still apply (and are printed), and a red flag answered yes and
not yet cleared by a clinician's check still stops the session (it can only be confirmed
where someone can answer). No Qt; the streams are parameters, so tests feed answers through a
pseudo-terminal or plain strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from coach.core.models import Catalogue, Routine
from coach.core.records import PAIN_MAX, PAIN_MIN, Felt, LegPain, PainScore
from coach.core.safety import (
    DISCLAIMER,
    HOLD_TEXT,
    NERVE_SIGNS_QUESTION,
    RED_FLAGS,
    Hold,
    ScreeningNeed,
    StopRules,
    clearance_allowed,
    red_flag_advice,
)
from coach.core.session_gate import GateDecision
from coach.safety_flow import (
    BriefChoice,
    BriefResult,
    PainAfter,
    PainBefore,
    Prepared,
    RedFlagResult,
    SafetyFlow,
)
from coach.storage.history import HistoryStore

SKIPPED_LINE = ("Safety questions skipped: standard input is not a terminal, so the red-flag "
                "and pain questions cannot be asked.")
BLOCKED_LINE = ("A warning sign was reported and no clinician's check has been confirmed since. "
                "Please get checked first; then run 'coach run' in a terminal to confirm it.")
CLEARANCE_PROMPT = ("Has a doctor or physiotherapist checked you since then and said you can "
                    "exercise? Type yes to confirm: ")


class _EndOfInput(Exception):
    """stdin closed (Ctrl-D): treated as "stop here"."""


class TerminalPrompts:
    """`SafetyPrompts` on a text stream: one question per line, answers validated."""

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self._in = stdin
        self._out = stdout

    # --- plumbing ---------------------------------------------------------------------------

    def _say(self, text: str = "") -> None:
        self._out.write(text + "\n")
        self._out.flush()

    def _ask(self, prompt: str) -> str:
        self._out.write(prompt)
        self._out.flush()
        line = self._in.readline()
        if not line:
            self._say()
            raise _EndOfInput
        return line.strip()

    def _yes_no(self, prompt: str, *, skippable: bool) -> bool | None:
        hint = "[y/n, Enter to skip]" if skippable else "[y/n]"
        while True:
            answer = self._ask(f"{prompt} {hint} ").lower()
            if answer in ("y", "yes"):
                return True
            if answer in ("n", "no"):
                return False
            if not answer and skippable:
                return None
            self._say("Please answer y or n.")

    def _score(self, prompt: str) -> int | None:
        while True:
            answer = self._ask(f"{prompt} ({PAIN_MIN}-{PAIN_MAX}, Enter to skip): ")
            if not answer:
                return None
            if answer.isdigit() and PAIN_MIN <= int(answer) <= PAIN_MAX:
                return int(answer)
            self._say(f"Please type a whole number from {PAIN_MIN} to {PAIN_MAX}, "
                      "or press Enter to skip.")

    # --- SafetyPrompts ----------------------------------------------------------------------

    def red_flags(self, parent: Any, need: ScreeningNeed | None, *,
                  hold: Hold | None = None) -> RedFlagResult | None:
        answers: dict[str, bool] = {}
        try:
            if hold is not None:
                day = hold.since
                self._say(f"On {day:%A} {day.day} {day:%B} you told the coach about a warning "
                          "sign. Please answer again for how you are now.")
            else:
                self._say("Safety check: please answer each question for how you are now.")
            for n, flag in enumerate(RED_FLAGS, start=1):
                answers[flag.id] = bool(self._yes_no(f"{n}. {flag.question}",
                                                     skippable=False))
            advice = red_flag_advice(k for k, v in answers.items() if v) or (
                hold.advice() if hold is not None else None)
            if advice is None:
                return RedFlagResult(answers)
            self._say()
            self._say(f"!! {advice.title.upper()}")
            self._say(advice.text)
            if clearance_allowed(hold, answers):
                self._say(HOLD_TEXT)
                confirmed = self._ask(CLEARANCE_PROMPT).lower() in ("y", "yes")
                return RedFlagResult(answers, True, cleared=confirmed)
            self._say(f"{HOLD_TEXT} When they have, run 'coach run' again and confirm it.")
            return RedFlagResult(answers, True)
        except _EndOfInput:
            return RedFlagResult(answers) if len(answers) == len(RED_FLAGS) else None

    def _leg_pain(self, prompt: str) -> LegPain | None:
        choices = {"d": LegPain.FURTHER_DOWN, "b": LegPain.TOWARDS_BACK, "n": LegPain.NO_CHANGE}
        while True:
            answer = self._ask(f"{prompt} d further down my leg, b up towards my back, "
                               "n no change (Enter to skip): ").lower()
            if not answer:
                return None
            if answer in choices:
                return choices[answer]
            self._say("Please type d, b or n, or press Enter to skip.")

    def pain_before(self, parent: Any, session_name: str) -> PainBefore | None:
        self._say(f"Before {session_name}: 0 is no pain, 10 the worst you can imagine.")
        try:
            back = self._score("Back pain now")
            leg = self._score("Leg pain now")
            moved = self._leg_pain("Has your leg pain moved since your last session?")
            nerves = self._yes_no(NERVE_SIGNS_QUESTION, skippable=True)
        except _EndOfInput:
            return None
        return PainBefore(PainScore(back, leg), moved, nerves)

    def pain_after(self, parent: Any, session_name: str, *,
                   compare: bool) -> PainAfter | None:
        self._say(f"After {session_name}: how is your pain now?")
        try:
            back = self._score("Back pain now")
            leg = self._score("Leg pain now")
            moved = self._leg_pain("Has your leg pain moved during this session?")
            nerves = self._yes_no(NERVE_SIGNS_QUESTION, skippable=True)
            felt = None
            while compare:
                answer = self._ask("Compared with last time it felt: e easier, s the same, "
                                   "h harder (Enter to skip): ").lower()
                if answer in ("", "e", "s", "h"):
                    felt = {"e": Felt.EASIER, "s": Felt.SAME, "h": Felt.HARDER}.get(answer)
                    break
                self._say("Please type e, s or h, or press Enter to skip.")
            note = self._ask("A note for your history (Enter for none): ") or None
        except _EndOfInput:
            return None
        return PainAfter(PainScore(back, leg), felt, note, moved, nerves)

    def session_brief(self, parent: Any, decision: GateDecision, *, session_name: str,
                      suggested_name: str | None) -> BriefResult:
        self._say()
        for advice in decision.advice:
            self._say(("!! " if advice.stop else "* ") + advice.message)
        if decision.stop:  # one message, one action
            return BriefResult(BriefChoice.NOT_TODAY)
        for note in decision.announcements:
            self._say("* " + note.text)
        options = {"s": BriefChoice.START, "n": BriefChoice.NOT_TODAY}
        words = ["s start" + (" anyway" if decision.warning else ""), "n not today"]
        if decision.suggest_routine and suggested_name:
            options["f"] = BriefChoice.SUGGESTED
            words.insert(0, f"f the {suggested_name} routine instead")
        default = ("n" if decision.stop else "f" if "f" in options else "s")
        try:
            while True:
                answer = self._ask(f"Choose: {', '.join(words)} [{default}]: ").lower()
                answer = answer or default
                if answer in options:
                    return BriefResult(options[answer])
                self._say(f"Please type one of: {', '.join(options)}.")
        except _EndOfInput:
            return BriefResult(BriefChoice.NOT_TODAY)

    def disclaimer(self, parent: Any) -> None:
        self._say(DISCLAIMER)

    def choose_minutes(self, parent: Any, title: str, text: str, choices: list[int],
                       default: int) -> int | None:
        return default

    def inform(self, parent: Any, title: str, text: str) -> None:
        self._say(f"!! {title}: {text}")


@dataclass
class TerminalSafety:
    """What `coach run` calls before and after the session; see the module docstring."""

    catalogue: Catalogue
    store: HistoryStore | None
    stdin: TextIO
    stdout: TextIO
    interactive: bool
    stop_rules: StopRules = StopRules()
    locked: tuple[str, ...] = ()
    now: Callable[[], datetime] = lambda: datetime.now().astimezone()

    def __post_init__(self) -> None:
        self.flow = SafetyFlow(
            self.catalogue, prompts=TerminalPrompts(self.stdin, self.stdout),
            store=lambda: self.store, now=self.now, stop_rules=lambda: self.stop_rules,
            locked=lambda: self.locked)

    def before(self, routine: Routine) -> Prepared | None:
        """The routine to run (today's doses merged in) and the answers; None: do not start."""
        if self.interactive:
            prepared = self.flow.before_session(None, routine, name=routine.name)
            if prepared is None:
                self.stdout.write("No session started.\n")
                self.stdout.flush()
            return prepared
        out = self.stdout
        out.write(SKIPPED_LINE + "\n")
        status = self.flow.gate().screening(self.flow.screenings(), self.now())
        if status.blocked:
            out.write(BLOCKED_LINE + "\n")
            out.flush()
            return None
        pain = PainBefore()
        decision = self.flow.decide(routine, pain)
        for note in decision.announcements:
            out.write(note.text + "\n")
        out.flush()
        return Prepared(decision.apply(routine), pain, decision)

    def hurt(self, recorder: Any, moved: LegPain | None) -> bool:
        """After "this hurts" (h): where the leg pain has gone, as answered with one key; True
        when the session should end (further down; what to do has been printed)."""
        return self.flow.leg_pain_moved(None, recorder, moved)

    def after(self, recorder: Any, name: str) -> None:
        """The pain check after the session (only when someone can answer)."""
        if self.interactive:
            self.flow.after_session(None, recorder, name=name)
