"""The safety questions of `coach run`, asked in the terminal with plain prompts.

When stdin is a terminal, `TerminalSafety` runs the same `SafetyFlow` as the window, through
`TerminalPrompts`: the red-flag questions when due (y/n each; the urgent advice to confirm by
typing "yes"), the pain check before (back and leg 0-10, "spreading?" y/n; Enter skips a
question), the advice and today's dose steps with the choice of the flare-up routine, start or
not today, and the pain check after (back, leg, how it felt, a note).

When stdin is not a terminal, nothing can be asked: one line says the questions were skipped
and why, today's dose steps still apply (and are printed), and a red flag answered yes today
and not yet confirmed still stops the session (it can only be confirmed where someone can
answer). No Qt; the streams are parameters, so tests feed answers through a pseudo-terminal
or plain strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from coach.core.models import Catalogue, Routine
from coach.core.records import PAIN_MAX, PAIN_MIN, Felt, PainScore
from coach.core.safety import DISCLAIMER, RED_FLAGS, URGENT_ADVICE, ScreeningNeed, StopRules
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
BLOCKED_LINE = ("A warning sign was reported today and the advice has not been confirmed. "
                "Please get medical help; run 'coach run' in a terminal to confirm you have read "
                "the advice.")


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
                  acknowledge_only: bool = False) -> RedFlagResult | None:
        try:
            answers: dict[str, bool] = {}
            if not acknowledge_only:
                self._say("Safety check: please answer each question for how you are now.")
                for n, flag in enumerate(RED_FLAGS, start=1):
                    answers[flag.id] = bool(self._yes_no(f"{n}. {flag.question}",
                                                         skippable=False))
                if not any(answers.values()):
                    return RedFlagResult(answers, False)
            self._say()
            self._say("!! " + URGENT_ADVICE)
            self._say("No exercise session will start today until you confirm you have read "
                      "this.")
            confirmed = self._ask("Type yes to confirm you have read this advice: ")
            return RedFlagResult(answers, confirmed.lower() in ("y", "yes"))
        except _EndOfInput:
            return RedFlagResult(answers, False) if len(answers) == len(RED_FLAGS) else None

    def pain_before(self, parent: Any, session_name: str) -> PainBefore | None:
        self._say(f"Before {session_name}: 0 is no pain, 10 the worst you can imagine.")
        try:
            back = self._score("Back pain now")
            leg = self._score("Leg pain now")
            spreading = self._yes_no(
                "Is the leg pain reaching further down your leg than usual?", skippable=True)
        except _EndOfInput:
            return None
        return PainBefore(PainScore(back, leg), spreading)

    def pain_after(self, parent: Any, session_name: str, *,
                   compare: bool) -> PainAfter | None:
        self._say(f"After {session_name}: how is your pain now?")
        try:
            back = self._score("Back pain now")
            leg = self._score("Leg pain now")
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
        return PainAfter(PainScore(back, leg), felt, note)

    def session_brief(self, parent: Any, decision: GateDecision, *, session_name: str,
                      suggested_name: str | None) -> BriefResult:
        self._say()
        for advice in decision.advice:
            self._say(("!! " if advice.stop else "* ") + advice.message)
        for note in decision.announcements:
            self._say("* " + note.text)
        options = {"s": BriefChoice.START, "n": BriefChoice.NOT_TODAY}
        words = ["s start" + (" anyway" if decision.advice else ""), "n not today"]
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
        status = self.flow.gate().screening(self.flow.latest_screening(), self.now())
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

    def after(self, recorder: Any, name: str) -> None:
        """The pain check after the session (only when someone can answer)."""
        if self.interactive:
            self.flow.after_session(None, recorder, name=name)
