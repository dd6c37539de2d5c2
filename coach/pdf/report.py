"""The progress report for a visit: a `VisitReport` on paper, for the physiotherapist.

Sections: the period and headline lines; adherence per week (a table); the pain trend (a chart
drawn with QPainter straight into the PDF); the dose history of each exercise; the sessions
with a pain stop (the weekly table's column of the same name counts these rows); the patient's
notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPainterPath, QPen

from coach.core.stats import WeekStats
from coach.core.visit import StoppedForPain, VisitReport
from coach.pdf.layout import (
    BODY_PT,
    MUTED,
    RULE,
    TEXT,
    Block,
    Drawing,
    PageSetup,
    Paper,
    Text,
    ensure_gui,
    esc,
    font_css,
    table,
    write_pdf,
)

BACK = QColor("#2b6f8f")
LEG = QColor("#e0662b")
PAIN_TOP = 10


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def week_cells(w: WeekStats) -> list[str]:
    adherence = "-" if w.adherence is None else f"{round(w.adherence * 100)}%"
    return [esc(short_date(w.week_start)), str(w.sessions), "-" if w.goal is None else
            str(w.goal), adherence, str(w.stopped_for_pain), _num(w.pain_back), _num(w.pain_leg),
            f"{w.active_minutes:.0f}"]


#: The name of the weekly table's column and of the section listing the same sessions.
PAIN_STOPS = "Sessions with a pain stop"

WEEK_HEADER = ["Week of", "Sessions done", "Goal", "Adherence", PAIN_STOPS, "Back pain",
               "Leg pain", "Active min"]


def stop_cells(stop: StoppedForPain, names: Mapping[str, str]) -> list[str]:
    """Date, routine, what was stopped and whether the session went on, pain, note."""
    what = []
    for ex in stop.exercises:
        text = names.get(ex.exercise_id, ex.exercise_id)
        if ex.side:
            text += f" ({ex.side} side)"
        if ex.detail:
            text += f": {ex.detail}"
        what.append(text)
    if stop.session_ended:
        what.append("The session was stopped here." if what else "The session was stopped.")
    else:
        what.append("The session went on.")
    return [esc(short_date(stop.day)), esc(stop.routine_name), "<br>".join(map(esc, what)),
            esc(stop.pain_before or "-"), esc(stop.pain_after or "-"), esc(stop.note or "")]


def _heading(title: str, width: float) -> Text:
    return Text(f'<p style="{font_css(BODY_PT + 3)}"><b>{esc(title)}</b></p>', width,
                space_before=14, keep_with_next=True)


def report_blocks(report: VisitReport, names: Mapping[str, str],
                  setup: PageSetup) -> list[Block]:
    width = setup.content_width
    head = [
        '<p class="muted">Physio Coach · progress report for the physiotherapist</p>',
        f'<p style="{font_css(BODY_PT + 8)}"><b>Progress from {esc(long_date(report.since))} '
        f'to {esc(long_date(report.today))}</b></p>',
    ]
    if report.routines:
        head.append(f'<p style="margin-top: 3px">Routines done: '
                    f'{esc(", ".join(report.routines))}</p>')
    head.append(f'<p style="margin-top: 3px"><b>{esc(report.sessions_line())}</b> '
                f'{esc(report.adherence_line)}.</p>')
    head.append(f"<p>{esc(report.pain_lines[0])}. {esc(report.pain_lines[1])}.</p>")
    blocks: list[Block] = [Text("".join(head), width)]

    blocks.append(_heading("Adherence per week", width))
    columns = [0.13, 0.1, 0.06, 0.12, 0.23, 0.11, 0.11, 0.14]
    blocks += table(WEEK_HEADER, [week_cells(w) for w in report.weeks],
                    [width * c for c in columns])

    blocks.append(_heading("Pain before sessions (weekly average, 0 to 10)", width))
    blocks.append(Drawing(width, 170, lambda p, r: paint_pain_chart(p, r, report.weeks)))

    blocks.append(_heading("Dose history per exercise", width))
    if not report.doses:
        blocks.append(Text("<p>No sets recorded in this period.</p>", width))
    for exercise_id, steps in report.doses.items():
        name = names.get(exercise_id, exercise_id)
        rows = [[esc(short_date(s.first)), esc(short_date(s.last)), str(s.sessions),
                 f"<b>{esc(s.dose.describe())}</b>", esc(s.achieved())] for s in steps]
        blocks += table(["From", "To", "Sessions", "Dose asked for", "Done"], rows,
                        [width * c for c in (0.14, 0.14, 0.1, 0.3, 0.32)],
                        caption=f"<b>{esc(name)}</b>")

    blocks.append(_heading(PAIN_STOPS, width))
    if not report.stopped:
        blocks.append(Text("<p>No session or exercise was stopped for pain in this period."
                           "</p>", width))
    else:
        blocks.append(Text("<p>Sessions stopped because something hurt, and sessions that went "
                           "on after an exercise was stopped because it hurt.</p>", width))
        blocks += table(["Date", "Routine", "Stopped", "Pain before", "Pain after", "Note"],
                        [stop_cells(s, names) for s in report.stopped],
                        [width * c for c in (0.12, 0.15, 0.25, 0.13, 0.13, 0.22)])

    blocks.append(_heading("Notes", width))
    if not report.notes:
        blocks.append(Text("<p>No notes in this period.</p>", width))
    else:
        rows = [[esc(short_date(n.day)), esc(n.routine_name), esc(n.felt or "-"), esc(n.text)]
                for n in report.notes]
        blocks += table(["Date", "Routine", "Felt", "Note"], rows,
                        [width * c for c in (0.13, 0.2, 0.1, 0.57)])
    return blocks


def paint_pain_chart(painter: QPainter, rect: QRectF, weeks: tuple[WeekStats, ...]) -> None:
    """Weekly mean pain (back and leg) over the weeks, 0 to 10, with a legend."""
    left, bottom, top_pad, legend = 22.0, 30.0, 6.0, 14.0
    plot = QRectF(rect.left() + left, rect.top() + top_pad,
                  rect.width() - left - 6, rect.height() - top_pad - bottom - legend)
    small = QFont(QGuiApplication.font())
    small.setPixelSize(7)  # the painter draws in points: 7 units are 7 pt on paper
    painter.setFont(small)
    for value in range(0, PAIN_TOP + 1, 2):
        y = plot.bottom() - plot.height() * value / PAIN_TOP
        painter.setPen(QPen(RULE, 0.5))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(MUTED)
        painter.drawText(QRectF(rect.left(), y - 6, left - 4, 12),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(value))
    n = max(1, len(weeks))
    step = plot.width() / n

    def x_of(i: int) -> float:
        return plot.left() + step * (i + 0.5)

    every = max(1, (n + 11) // 12)
    painter.setPen(MUTED)
    for i, w in enumerate(weeks):
        if i % every == 0:
            painter.drawText(QRectF(x_of(i) - step * every / 2, plot.bottom() + 3,
                                    step * every, 12), Qt.AlignmentFlag.AlignHCenter,
                             f"{w.week_start.day} {w.week_start:%b}")
    painter.setPen(QPen(TEXT, 0.8))
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())
    for colour, values in ((BACK, [w.pain_back for w in weeks]),
                           (LEG, [w.pain_leg for w in weeks])):
        points = [QPointF(x_of(i), plot.bottom() - plot.height() * v / PAIN_TOP)
                  for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = QPainterPath(points[0])
            for p in points[1:]:
                path.lineTo(p)
            painter.setPen(QPen(colour, 1.6))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        for p in points:
            painter.drawEllipse(p, 2.2, 2.2)
    if not any(w.pain_back is not None or w.pain_leg is not None for w in weeks):
        painter.setPen(MUTED)
        painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No pain scores in this period")
    y = rect.bottom() - legend + 4
    x = plot.left()
    for colour, label in ((BACK, "Back pain"), (LEG, "Leg pain")):
        painter.setPen(QPen(colour, 2))
        painter.drawLine(QPointF(x, y + 4), QPointF(x + 16, y + 4))
        painter.setPen(TEXT)
        painter.drawText(QRectF(x + 20, y - 2, 80, 12), Qt.AlignmentFlag.AlignVCenter, label)
        x += 90


def write_report(path: Path, report: VisitReport, names: Mapping[str, str], *,
                 paper: Paper = Paper.A4) -> int:
    """Write the report PDF; returns its page count. Raises `KnownError` if it cannot."""
    ensure_gui()
    setup = PageSetup(paper=paper)
    blocks = report_blocks(report, names, setup)
    period = f"{short_date(report.since)} to {short_date(report.today)}"

    def footer(page: int, pages: int) -> str:
        return f"Progress report, {esc(period)} · Physio Coach · page {page} of {pages}"

    return write_pdf(path, blocks, setup, title=f"Physio Coach progress report, {period}",
                     footer=footer)
