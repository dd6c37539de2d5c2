"""The routine handout: what to do at home, on paper, for the patient to keep.

Page one opens with the routine (name, goal, length, the physiotherapist and how to reach
them); then each exercise, its illustration on the left and everything else in one column
beside it: name, dose, sides, the note (labelled "From your physiotherapist" only for a
prescription, a routine with a prescriber), steps, cautions and stop signs. The warning-signs
box (the six red flags as advice by urgency, `warning_sign_advice` of
`coach.core.safety`, with the physiotherapist's contact) follows the last exercise when it fits
on that page, and otherwise goes under the heading on page one (`place_warning`): never alone
on a page. A routine of five fits on two pages of A4 or Letter.
"""

from __future__ import annotations

from pathlib import Path

from coach.core.models import Catalogue, Exercise, Routine, RoutineItem, Sides, format_duration
from coach.core.plan import PlanSettings, about, limb_of, routine_seconds
from coach.core.safety import DISCLAIMER, warning_sign_advice
from coach.pdf.layout import (
    BODY_PT,
    Block,
    Boxed,
    PageSetup,
    Paper,
    Picture,
    Text,
    bulleted,
    ensure_gui,
    esc,
    font_css,
    numbered,
    paginate,
    write_pdf,
)

PLACEHOLDER_NAME = "placeholder.svg"


def routine_facts(catalogue: Catalogue, routine: Routine,
                  settings: PlanSettings | None = None) -> list[str]:
    """The routine's facts; its length is the time it takes at `settings` (as on screen)."""
    facts = [f"{routine.sessions_per_week} session"
             + ("s" if routine.sessions_per_week != 1 else "") + " a week"]
    if routine.weeks:
        facts.append(f"for {routine.weeks} week" + ("s" if routine.weeks != 1 else ""))
    seconds = routine_seconds(catalogue, routine, settings) if routine.usable else None
    if seconds is not None:
        facts.append(about(seconds))
    rest = routine.rest_between_seconds
    if rest:
        facts.append(f"{format_duration(rest)} rest between exercises")
    return facts


def contact_html(routine: Routine) -> str:
    who = routine.prescriber
    if who is None:
        return ""
    text = f"<b>{esc(who.name)}</b>"
    if who.contact:
        text += f", {esc(who.contact)}"
    return text


def dose_details(catalogue: Catalogue, item: RoutineItem, ex: Exercise) -> list[str]:
    """Facts under the dose line: the side to start with, rest between sets, equipment."""
    dose = catalogue.dose_for(item)
    details = []
    if dose.sides is Sides.EACH:
        limb = limb_of(ex)
        details.append(f"All sets on one {limb}, then the other; start with your "
                       f"{dose.first_side.value} {limb}.")
    if dose.sets > 1 and dose.rest_seconds:
        details.append(f"Rest {format_duration(dose.rest_seconds)} between sets.")
    if ex.equipment:
        details.append("You need: " + ", ".join(ex.equipment) + ".")
    return details


def exercise_html(catalogue: Catalogue, number: int, item: RoutineItem, ex: Exercise, *,
                  prescribed: bool = False) -> str:
    """One exercise's text; `prescribed`: the routine is a physiotherapist's prescription, so
    its notes are theirs."""
    dose = catalogue.dose_for(item)
    parts = [f'<p style="{font_css(BODY_PT + 2)}"><b>{number}. {esc(ex.name)}</b></p>',
             f'<p style="margin-top: 2px"><b>{esc(dose.describe())}</b></p>']
    details = dose_details(catalogue, item, ex)
    if details:
        parts.append(f'<p class="muted">{esc(" ".join(details))}</p>')
    if item.note:
        label = "From your physiotherapist: " if prescribed else ""
        parts.append(f'<p style="margin-top: 2px"><i>{label}{esc(item.note)}</i></p>')
    parts.append('<p style="margin-top: 2px"></p>')
    parts.append(numbered([esc(step) for step in ex.steps]))
    if ex.cautions:
        parts.append(f'<p style="margin-top: 2px"><b>Take care:</b> '
                     f'{esc(" ".join(ex.cautions))}</p>')
    if ex.stop_if:
        parts.append(f'<p class="warn"><b>Stop this exercise if</b> '
                     f'{esc("; or ".join(ex.stop_if))}.</p>')
    return "".join(parts)


def red_flags_html(routine: Routine) -> str:
    flags = bulleted([esc(line) for line in warning_sign_advice()])
    contact = contact_html(routine)
    parts = [
        f'<p class="warn" style="{font_css(BODY_PT + 2)}"><b>Warning signs: stop and get '
        'medical help</b></p>',
        '<p style="margin-top: 3px">Rare, but important. Stop the exercises at once:</p>',
        flags,
        "<p><b>Do not start them again until a doctor or physiotherapist has checked you and "
        "said you can.</b></p>",
    ]
    if contact:
        parts.append(f'<p style="margin-top: 4px">For anything else about your exercises, '
                     f'contact your physiotherapist: {contact}.</p>')
    return "".join(parts)


def handout_blocks(catalogue: Catalogue, routine: Routine, setup: PageSetup,
                   assets_dir: Path, settings: PlanSettings | None = None) -> list[Block]:
    width = setup.content_width
    placeholder = assets_dir / PLACEHOLDER_NAME
    facts = " · ".join(routine_facts(catalogue, routine, settings))
    head = ['<p class="muted">Your home exercise routine</p>',
            f'<p style="{font_css(BODY_PT + 9)}"><b>{esc(routine.name)}</b></p>',
            f'<p style="margin-top: 3px"><b>{esc(facts)}</b></p>']
    if routine.description:
        head.append(f'<p style="margin-top: 3px">{esc(routine.description)}</p>')
    contact = contact_html(routine)
    if contact:
        head.append(f'<p style="margin-top: 3px">Prescribed by {contact}</p>')
    head.append('<p style="margin-top: 3px">Move gently and breathe normally. A stretch should '
                'feel like a stretch, never pain.</p>')
    head.append(f'<p class="muted" style="margin-top: 3px; {font_css(BODY_PT - 1)}">'
                f'{esc(DISCLAIMER)}</p>')
    blocks: list[Block] = [Text("".join(head), width)]
    prescribed = routine.prescriber is not None
    for number, item in enumerate(routine.items, start=1):
        ex = catalogue.exercises.get(item.exercise_id)
        if ex is None:
            blocks.append(Text(f"<p><b>{number}. {esc(item.exercise_id)}</b> (this exercise "
                               "is not in the catalogue)</p>", width, space_before=10))
            continue
        blocks.append(Picture(ex.image, placeholder,
                              exercise_html(catalogue, number, item, ex, prescribed=prescribed),
                              width, space_before=10))
    return place_warning(blocks, Boxed(red_flags_html(routine), width, space_before=14),
                         setup.content_height)


def place_warning(blocks: list[Block], box: Block, page_height: float) -> list[Block]:
    """The warning box after the last exercise when it fits on that page; otherwise under the
    routine's heading on page one (where it always fits), rather than alone on a page of its
    own with a gap left on the page before."""
    at_end = [*blocks, box]
    last_page = paginate(at_end, page_height)[-1]
    if last_page.placed[0][0] is not box:
        return at_end
    box.space_before = 10
    return [blocks[0], box, *blocks[1:]]


def write_handout(path: Path, catalogue: Catalogue, routine: Routine, *, assets_dir: Path,
                  paper: Paper = Paper.A4, settings: PlanSettings | None = None) -> int:
    """Write the handout PDF; returns its page count. Raises `KnownError` if it cannot.

    `settings`: the person's, for the routine's length (as the screen shows it)."""
    ensure_gui()
    setup = PageSetup(paper=paper)
    blocks = handout_blocks(catalogue, routine, setup, assets_dir, settings)
    name = routine.name
    contact = routine.prescriber.name if routine.prescriber else ""

    def footer(page: int, pages: int) -> str:
        who = f" · from {esc(contact)}" if contact else ""
        return f"{esc(name)}{who} · Physio Coach · page {page} of {pages}"

    return write_pdf(path, blocks, setup, title=f"{name}: home exercises", footer=footer)
