"""When not to coach: the red-flag screen, the pain checks and the stop rules.

Pure rules over plain records (no Qt, no SQL), so the window, the terminal mode and the tests
share them. The wording is the project's own; the facts come from the reference sheet. The stop
rules' thresholds, `StopRules`, live in `coach.core.stop_rules` (the settings read them at
start-up) and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from types import MappingProxyType

from coach.core.records import PainScore, Screening, SessionRecord
from coach.core.stop_rules import StopRules


class Urgency(IntEnum):
    """How soon a warning sign needs a clinician; a higher value is more urgent."""

    DAY_OR_TWO = 1   # see a doctor within a day or two
    SAME_DAY = 2     # medical help today
    EMERGENCY = 3    # emergency care now


@dataclass(frozen=True)
class RedFlag:
    """A warning sign: `question` is asked on screen; `sign` is printed on paper, where nobody
    is asked anything, so it names what to look out for (after "If you notice"); `urgency`
    says how soon it needs a clinician."""

    id: str
    question: str
    sign: str
    urgency: Urgency


#: The six warning signs that need a clinician, each as a plain yes/no question.
RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("saddle-numbness",
            "Have you noticed new numbness or tingling around your bottom, your genitals or "
            "the inside of your thighs (where you would sit on a saddle)?",
            "new numbness or tingling around your bottom, genitals or inner thighs",
            Urgency.EMERGENCY),
    RedFlag("bladder-bowel",
            "Have you had new trouble with your bladder or bowels, such as leaking, finding "
            "it hard to start passing urine, or not feeling when you need to go?",
            "new trouble with your bladder or bowels (leaking, finding it hard to start "
            "passing urine, or not feeling when you need to go)",
            Urgency.EMERGENCY),
    RedFlag("walking",
            "Has the way you walk changed lately: a foot that catches or slaps on the "
            "ground, or feeling unsteady on your feet?",
            "a foot that starts to catch or slap on the ground, or new unsteadiness when "
            "you walk",
            Urgency.SAME_DAY),
    RedFlag("both-legs",
            "Have you started to feel tingling or numbness in both legs, not only one?",
            "new tingling or numbness in both legs",
            Urgency.EMERGENCY),
    RedFlag("leg-weakness",
            "Is either leg very weak, or getting weaker (for example, you can no longer "
            "stand up on your heels or on your toes)?",
            "weakness in either leg that is severe or getting worse",
            Urgency.SAME_DAY),
    RedFlag("weight-fever",
            "Have you lost weight without trying, or had a fever or chills?",
            "weight loss without trying, a fever or chills",
            Urgency.DAY_OR_TWO),
)

FLAGS_BY_ID: Mapping[str, RedFlag] = MappingProxyType({f.id: f for f in RED_FLAGS})

#: The three signs asked again, in one line, at every pain check (they need emergency care).
NERVE_SIGNS_QUESTION = ("New numbness around your bottom or genitals, bladder or bowel "
                        "trouble, or tingling in both legs?")


@dataclass(frozen=True)
class UrgencyAdvice:
    title: str
    action: str
    reason: str
    #: The action as the end of "If you notice ..., " on paper.
    short: str


#: What to do, and why, for each level of urgency. The articles say "immediate" for the
#: bladder and bowel sign and "urgent" for all six; the three levels are the cautious reading.
URGENCY_ADVICE: Mapping[Urgency, UrgencyAdvice] = MappingProxyType({
    Urgency.EMERGENCY: UrgencyAdvice(
        "Get emergency help now",
        "Call your emergency number or go to an emergency department now.",
        "This can mean the nerves at the bottom of your spine are being squeezed, which "
        "needs treating straight away.",
        "get emergency help now (call your emergency number or go to an emergency "
        "department)"),
    Urgency.SAME_DAY: UrgencyAdvice(
        "Get medical help today",
        "Contact your doctor today. If you cannot reach them, use an urgent care service.",
        "Weakness or a change in how you walk can mean a nerve is badly pressed and needs "
        "checking soon.",
        "get medical help the same day (your doctor, or an urgent care service if you cannot "
        "reach them)"),
    Urgency.DAY_OR_TWO: UrgencyAdvice(
        "See a doctor in the next day or two",
        "Book to see your doctor within a day or two, or sooner if you feel very unwell.",
        "Weight loss without trying, a fever or chills can come from an infection or another "
        "illness that a doctor should check.",
        "see your doctor within a day or two, or sooner if you feel very unwell"),
})

HOLD_TEXT = ("No exercise session will start until a doctor or physiotherapist has checked you "
             "and said you can exercise.")
CLEARANCE_TEXT = "A doctor or physiotherapist has checked me and said I can exercise"


@dataclass(frozen=True)
class RedFlagAdvice:
    """What to do about the signs answered yes: the most urgent level's title and action,
    then the reason for each level present."""

    urgency: Urgency
    title: str
    text: str


def red_flag_advice(signs: Iterable[str]) -> RedFlagAdvice | None:
    """The advice for these sign ids (None when there are none)."""
    levels = sorted({FLAGS_BY_ID[s].urgency for s in signs if s in FLAGS_BY_ID}, reverse=True)
    if not levels:
        return None
    top = URGENCY_ADVICE[levels[0]]
    reasons = " ".join(URGENCY_ADVICE[level].reason for level in levels)
    return RedFlagAdvice(levels[0], top.title, f"{top.action} {reasons}")


def warning_sign_advice() -> list[str]:
    """The warning signs as advice, one sentence per level of urgency, most urgent first:
    "If you notice ..., get emergency help now (...)". For paper and screen alike."""
    lines = []
    for level in sorted(Urgency, reverse=True):
        signs = [f.sign for f in RED_FLAGS if f.urgency is level]
        listed = "; ".join(signs[:-1]) + ("; or " if len(signs) > 1 else "") + signs[-1]
        lines.append(f"If you notice {listed}, {URGENCY_ADVICE[level].short}.")
    return lines


def stop_if_text(stop_if: Sequence[str]) -> str:
    """An exercise's stop signs as one sentence shown while doing it: "Stop if your symptoms
    spread further down the leg; or you feel sharp pain in your back." ("" when none)."""
    if not stop_if:
        return ""
    return "Stop if " + "; or ".join(s.rstrip(".") for s in stop_if) + "."


DISCLAIMER = (
    "Physio Coach helps you follow a home exercise routine. It does not replace your "
    "physiotherapist or doctor, and it cannot examine you. Follow the advice of the clinician "
    "who knows your back, and ask them before starting a new routine."
)

#: How long a screening stays current before a short weekly re-check.
RECHECK_AFTER = timedelta(days=7)


class ScreeningNeed(StrEnum):
    FIRST = "first"    # never screened: the full screen
    WEEKLY = "weekly"  # the last answers are a week old: a short re-check
    HOLD = "hold"      # a yes is waiting for a clinician's check: asked at every start


@dataclass(frozen=True)
class Hold:
    """Sessions are held: a warning sign was reported and no clinician's check confirmed."""

    since: datetime                 # when the first sign still held was reported
    signs: frozenset[str]           # every sign answered yes since the last clearance

    def advice(self) -> RedFlagAdvice:
        found = red_flag_advice(self.signs)
        assert found is not None  # a hold always has a sign
        return found


def red_flag_hold(screenings: Sequence[Screening]) -> Hold | None:
    """The hold that screenings answered yes put on sessions (oldest first), or None.

    Any yes holds every session until the person confirms that a clinician has checked them
    and said they can exercise (`Screening.cleared_at`); answering no later does not lift it.
    """
    held = [s for s in screenings if s.any_positive and s.cleared_at is None]
    if not held:
        return None
    signs = frozenset(sid for s in held for sid, yes in s.answers.items() if yes)
    return Hold(since=held[0].answered_at, signs=signs)


def clearance_allowed(hold: Hold | None, answers: Mapping[str, bool]) -> bool:
    """Whether the person may confirm a clinician's check now: only for a hold from an
    earlier start (never in the screen where the sign was first given), and only when every
    sign answered yes now is one that hold already holds (a new sign has not been checked)."""
    if hold is None:
        return False
    return {sid for sid, yes in answers.items() if yes} <= hold.signs


def screening_needed(last: Screening | None, now: datetime,
                     hold: Hold | None = None) -> ScreeningNeed | None:
    """Whether to ask the red-flag questions before today's session."""
    if hold is not None:
        return ScreeningNeed.HOLD
    if last is None:
        return ScreeningNeed.FIRST
    if now - last.answered_at >= RECHECK_AFTER:
        return ScreeningNeed.WEEKLY
    return None


class AdviceKind(StrEnum):
    HIGH_PAIN = "high-pain"
    SPREADING = "spreading"
    RISING = "rising"
    FLARE = "flare"              # pain today well above the last session's pain after
    CENTRALISING = "centralising"  # leg pain moving towards the back: a good sign


@dataclass(frozen=True)
class Advice:
    kind: AdviceKind
    message: str
    #: A routine to suggest instead (the flare-up routine), when there is one.
    suggest_routine: str | None = None
    #: True when the advice is to not exercise today.
    stop: bool = False

    @property
    def warning(self) -> bool:
        """False for good news (centralising), which needs no "Start anyway"."""
        return self.kind is not AdviceKind.CENTRALISING


FLARE_UP_ROUTINE = "flare-up"

SPREADING_MESSAGE = (
    "Your leg pain has spread further down your leg. That can mean the nerve is more "
    "irritated. Please do not exercise today, and contact your physiotherapist.")
SPREADING_AFTER_MESSAGE = (
    "Your leg pain has spread further down your leg. That can mean the nerve is more "
    "irritated. Please do not exercise again today, and contact your physiotherapist before "
    "your next session.")
CENTRALISING_MESSAGE = (
    "Good sign: leg pain moving up out of the leg towards your back usually means the nerve "
    "is settling. Carry on as planned.")


def _worst(pain: PainScore) -> int | None:
    return max((p for p in (pain.back, pain.leg) if p is not None), default=None)


def flare_rise(pain: PainScore, last: SessionRecord | None) -> int | None:
    """How far pain before today is above the last session's pain after (the larger of back
    and leg), when both are known."""
    if last is None:
        return None
    rises = [now - then for now, then in ((pain.back, last.pain_after.back),
                                          (pain.leg, last.pain_after.leg))
             if now is not None and then is not None]
    return max(rises) if rises else None


def before_session(pain: PainScore, leg_spreading: bool | None, rules: StopRules,
                   *, routine_id: str, flare_up_available: bool,
                   last: SessionRecord | None = None,
                   centralising: bool = False) -> list[Advice]:
    """Advice from the pain check before a session (empty when all is well).

    Never two pieces of advice that disagree: leg pain spreading further down is one message
    with one action (not today); nothing else is said beside it. `last`: the last session
    with its pain after (for the next-day flare-up)."""
    if rules.spreading_stops and leg_spreading:
        return [Advice(AdviceKind.SPREADING, SPREADING_MESSAGE, stop=True)]
    advice: list[Advice] = []
    suggest = (FLARE_UP_ROUTINE if flare_up_available and routine_id != FLARE_UP_ROUTINE
               else None)
    worst = _worst(pain)
    rise = flare_rise(pain, last)
    if worst is not None and worst >= rules.high_pain:
        if suggest:
            message = (f"Your pain is {worst} out of 10 today. The gentler flare-up routine is "
                       "a better choice today, or rest and try again tomorrow.")
        else:
            message = (f"Your pain is {worst} out of 10 today. Go very gently, stop anything "
                       "that makes it worse, or rest today and try again tomorrow.")
        advice.append(Advice(AdviceKind.HIGH_PAIN, message, suggest_routine=suggest))
    elif rise is not None and rise >= rules.flare_by:
        gentler = ("Do the gentler flare-up routine today, or rest." if suggest else
                   "Go gently today, or rest.")
        advice.append(Advice(
            AdviceKind.FLARE,
            f"Your pain is {rise} points higher than after your last session. {gentler} "
            "No exercise will be made harder today.",
            suggest_routine=suggest))
    if centralising:
        advice.append(Advice(AdviceKind.CENTRALISING, CENTRALISING_MESSAGE))
    return advice


def pain_rose_by(session: SessionRecord) -> int | None:
    """How much worse pain was after than before (the larger of back and leg), if both known."""
    rises = [after - before for before, after in (
        (session.pain_before.back, session.pain_after.back),
        (session.pain_before.leg, session.pain_after.leg),
    ) if before is not None and after is not None]
    return max(rises) if rises else None


def pain_rising(sessions: Sequence[SessionRecord], rules: StopRules) -> bool:
    """True when the last `rules.rising_sessions` sessions with both pain checks each ended
    with pain at least `rules.rising_by` higher than it started, or the last one ended at
    least `rules.single_rise_by` higher. `sessions`: oldest first."""
    rises = [r for r in (pain_rose_by(s) for s in sessions) if r is not None]
    if rises and rises[-1] >= rules.single_rise_by:
        return True
    recent = rises[-rules.rising_sessions:]
    return len(recent) == rules.rising_sessions and all(r >= rules.rising_by for r in recent)


def after_sessions(sessions: Sequence[SessionRecord], rules: StopRules) -> list[Advice]:
    """Advice from the history of pain checks (shown after a session and before the next)."""
    if not pain_rising(sessions, rules):
        return []
    rises = [r for r in (pain_rose_by(s) for s in sessions) if r is not None]
    if rises[-1] >= rules.single_rise_by:
        what = f"Your pain went up by {rises[-1]} points during your last session."
    else:
        what = (f"Your pain has been {rules.rising_by} or more points higher after exercising "
                f"in your last {rules.rising_sessions} sessions.")
    return [Advice(
        AdviceKind.RISING,
        f"{what} Please contact your physiotherapist before carrying on. No exercise will be "
        "made harder until then.",
    )]
