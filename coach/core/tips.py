"""Short posture, lifting and everyday tips, shown as cards on the Tips page.

Written in the project's own words from the facts sheet (shared/reference/exercise-facts.md):
sitting, breaks from sitting, standing, lifting, sleeping, what early soreness means and what
tends to make symptoms worse. Plain text only; each card is a title and a few short lines a
person can take in from a sofa or a mat.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TipTopic(StrEnum):
    SITTING = "sitting"
    STANDING = "standing"
    LIFTING = "lifting"
    SLEEP = "sleep"
    SYMPTOMS = "symptoms"


@dataclass(frozen=True)
class Tip:
    id: str
    topic: TipTopic
    title: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


TIPS: tuple[Tip, ...] = (
    Tip("sit-supported", TipTopic.SITTING, "Sit with your lower back supported", (
        "Sit right back in the chair so it holds up the curve of your lower back.",
        "If there is a gap, fill it with a small cushion or a rolled-up towel.",
        "Keep both feet flat on the floor.",
    )),
    Tip("sitting-breaks", TipTopic.SITTING, "Get up from your chair regularly", (
        "Long spells of sitting often make sciatica worse.",
        "Every half hour or so, stand up, walk a few steps and stretch.",
        "The coach can remind you: see File > Safety and reminders.",
    )),
    Tip("stand-evenly", TipTopic.STANDING, "Stand tall, weight on both feet", (
        "Share your weight evenly between both feet.",
        "Try not to slump, or to lean your weight onto one hip.",
        "If you stand for a long time, shift position now and then.",
    )),
    Tip("lift-with-legs", TipTopic.LIFTING, "Lift with your legs, not your back", (
        "Bend at your knees and hips to get down to the load, keeping your back straight.",
        "Push up through your legs to stand.",
        "Move smoothly: no jerking.",
    )),
    Tip("load-close", TipTopic.LIFTING, "Keep the load close", (
        "Hold whatever you carry close to your tummy.",
        "The further it is from your body, the more it strains your back.",
    )),
    Tip("no-twist", TipTopic.LIFTING, "Turn with your feet, not your waist", (
        "Do not twist while you lift or carry something.",
        "To change direction, move your feet round and let your body follow.",
    )),
    Tip("sleep-support", TipTopic.SLEEP, "Sleep in a position that supports your spine", (
        "On your side, a pillow between the knees keeps your hips and back level.",
        "On your back, a pillow under the knees can ease the lower back.",
        "A mattress that lets you sag makes it harder for your back to rest.",
    )),
    Tip("early-soreness", TipTopic.SYMPTOMS, "Some soreness at first is common", (
        "When you start exercising, some stiffness, tired muscles or a short rise in pain "
        "can happen.",
        "Tell your physiotherapist about it: they can adjust your routine.",
        "Pain that spreads further down the leg is different: stop and contact them.",
    )),
    Tip("worse-with", TipTopic.SYMPTOMS, "What can stir symptoms up", (
        "Sitting for a long time, coughing and sneezing often make sciatica feel worse "
        "for a while.",
        "That is common and usually settles. Change position and move gently.",
    )),
)

TOPIC_TITLES: dict[TipTopic, str] = {
    TipTopic.SITTING: "Sitting",
    TipTopic.STANDING: "Standing",
    TipTopic.LIFTING: "Lifting and carrying",
    TipTopic.SLEEP: "Sleeping",
    TipTopic.SYMPTOMS: "Good to know",
}


def tips_by_topic(tips: tuple[Tip, ...] = TIPS) -> list[tuple[TipTopic, list[Tip]]]:
    """The tips grouped in the order of `TipTopic`, each topic once."""
    return [(topic, [t for t in tips if t.topic is topic]) for topic in TipTopic
            if any(t.topic is topic for t in tips)]


#: The "time to get up" nudge (the sitting reminder).
SITTING_NUDGE_TITLE = "Time to get up"
SITTING_NUDGE_TEXT = ("You have been sitting for a while. Stand up, walk a few steps and "
                      "stretch gently before you sit back down.")
