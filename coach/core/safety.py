"""When not to coach: the red-flag screen, the pain checks and the stop rules.

Pure rules over plain records (no Qt, no SQL), so the window, the terminal mode and the tests
share them. The wording is the project's own; the facts come from the reference sheet. The stop
rules' thresholds, `StopRules`, live in `coach.core.stop_rules` (the settings read them at
start-up) and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from coach.core.records import PainScore, Screening, SessionRecord
from coach.core.stop_rules import StopRules


@dataclass(frozen=True)
class RedFlag:
    """A warning sign: `question` is asked on screen; `sign` is printed on paper, where nobody
    is asked anything, so it names what to look out for."""

    id: str
    question: str
    sign: str


#: The six warning signs that need urgent medical help, each as a plain yes/no question.
RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("saddle-numbness",
            "Do you have numbness or tingling between your legs, around your bottom or on the "
            "inside of your thighs (where you would sit on a saddle)?",
            "Numbness or tingling between your legs, around your bottom or on the inside of "
            "your thighs (where you would sit on a saddle)."),
    RedFlag("bladder-bowel",
            "Have you recently started to lose control of your bladder or your bowels?",
            "You start to lose control of your bladder or your bowels."),
    RedFlag("walking",
            "Has walking recently become difficult, or has the way you walk changed?",
            "Walking becomes difficult, or the way you walk changes."),
    RedFlag("both-legs",
            "Do you have pins and needles or numbness in both legs?",
            "Pins and needles or numbness in both legs."),
    RedFlag("leg-weakness",
            "Are your legs very weak, or getting weaker?",
            "Your legs are very weak, or getting weaker."),
    RedFlag("weight-fever",
            "Have you lost weight without trying, or had a fever or chills?",
            "You lose weight without trying, or have a fever or chills."),
)

URGENT_ADVICE = (
    "Please stop here and get medical help today. The sign you described can mean a nerve is "
    "badly pressed and needs to be seen urgently. Call your doctor now, or your emergency "
    "number if you cannot reach them, or go to an emergency department. Do not start the "
    "exercises until a clinician has checked you."
)

#: The same advice on paper (the handout), where nobody has described anything yet.
PRINTED_ADVICE = (
    "If you notice any of these signs, stop the exercises and get medical help today. Call "
    "your doctor now, or your emergency number if you cannot reach them, or go to an emergency "
    "department: these signs can mean a nerve is badly pressed and needs to be seen urgently. "
    "Do not start the exercises again until a clinician has checked you."
)

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


def screening_needed(last: Screening | None, now: datetime) -> ScreeningNeed | None:
    """Whether to ask the red-flag questions before today's session."""
    if last is None:
        return ScreeningNeed.FIRST
    if now - last.answered_at >= RECHECK_AFTER:
        return ScreeningNeed.WEEKLY
    return None


def sessions_blocked(last: Screening | None, today: date) -> bool:
    """True when a red flag was answered yes today and not yet acknowledged today.

    Any yes blocks starting a session that day until the person confirms they have read the
    advice (the acknowledgement is recorded with the screening).
    """
    if last is None or not last.any_positive:
        return False
    if last.answered_at.date() != today:
        return False
    return last.acknowledged_at is None or last.acknowledged_at.date() != today


class AdviceKind(StrEnum):
    HIGH_PAIN = "high-pain"
    SPREADING = "spreading"
    RISING = "rising"


@dataclass(frozen=True)
class Advice:
    kind: AdviceKind
    message: str
    #: A routine to suggest instead (the flare-up routine), when there is one.
    suggest_routine: str | None = None
    #: True when the advice is to not exercise today.
    stop: bool = False


FLARE_UP_ROUTINE = "flare-up"


def before_session(pain: PainScore, leg_spreading: bool | None, rules: StopRules,
                   *, routine_id: str, flare_up_available: bool) -> list[Advice]:
    """Advice from the pain check before a session (empty when all is well)."""
    advice: list[Advice] = []
    if rules.spreading_stops and leg_spreading:
        advice.append(Advice(
            AdviceKind.SPREADING,
            "Your leg pain is reaching further down than usual. That can mean the nerve is more "
            "irritated, so please do not exercise today and contact your physiotherapist.",
            stop=True,
        ))
    worst = max((p for p in (pain.back, pain.leg) if p is not None), default=None)
    if worst is not None and worst >= rules.high_pain:
        if flare_up_available and routine_id != FLARE_UP_ROUTINE:
            advice.append(Advice(
                AdviceKind.HIGH_PAIN,
                f"Your pain is {worst} out of 10 today. The gentler flare-up routine is a better "
                "choice today, or rest and try again tomorrow.",
                suggest_routine=FLARE_UP_ROUTINE,
            ))
        else:
            advice.append(Advice(
                AdviceKind.HIGH_PAIN,
                f"Your pain is {worst} out of 10 today. Go very gently, stop anything that makes "
                "it worse, or rest today and try again tomorrow.",
            ))
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
    with pain at least `rules.rising_by` higher than it started. `sessions`: oldest first."""
    rises = [r for r in (pain_rose_by(s) for s in sessions) if r is not None]
    recent = rises[-rules.rising_sessions:]
    return len(recent) == rules.rising_sessions and all(r >= rules.rising_by for r in recent)


def after_sessions(sessions: Sequence[SessionRecord], rules: StopRules) -> list[Advice]:
    """Advice from the history of pain checks (shown after a session and before the next)."""
    if pain_rising(sessions, rules):
        return [Advice(
            AdviceKind.RISING,
            f"Your pain has been {rules.rising_by} or more points higher after exercising in "
            f"your last {rules.rising_sessions} sessions. Please contact your physiotherapist "
            "before carrying on; the coach will not increase any exercise until then.",
        )]
    return []
