"""The Progress tab: weeks as the unit, each chart with its one-line summary.

It renders a `ProgressReport` computed in `coach.core.stats` (via the history store); nothing
here counts, averages or decides. Charts use QtCharts; the calendar is painted directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QComboBox,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from coach.core.stats import (
    CalendarWeek,
    Measure,
    ProgressReport,
    measure_of,
    measure_value,
)
from coach.ui.theme import ACCENT
from coach.ui.widgets import button, heading, plain_label, rich_text_literal

DONE = QColor("#2e8b57")
PAIN = QColor("#b3261e")
GOAL = QColor("#5d6b72")
EMPTY = QColor("#d5dde1")
BACK = QColor("#2b6f8f")
LEG = QColor(ACCENT)
PAIN_TOP = 10
MEASURE_NAMES = {Measure.HOLD: "Longest hold (s)", Measure.REPS: "Most reps in a set",
                 Measure.TIME: "Longest time in one go (min)"}


#: A chart's title as plain text; the chart shows it escaped, on more lines when it is wide.
PLAIN_TITLE = "coachPlainTitle"


def wrapped_title(text: str, metrics: QFontMetrics, width: int) -> str:
    """`text` as a chart title (rich text, escaped) broken into lines at most `width` px
    wide: a chart elides a title that is too wide for it."""
    lines: list[str] = []
    for word in text.split():
        if lines and metrics.horizontalAdvance(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "<br>".join(rich_text_literal(line) for line in lines)


def fit_title(view: QChartView) -> None:
    """Show the chart's title in lines that fit the view's width."""
    chart = view.chart()
    text = str(chart.property(PLAIN_TITLE) or "")
    chart.setTitle(wrapped_title(text, QFontMetrics(chart.titleFont()),
                                 max(100, view.width() - 100)))


class _ChartView(QChartView):
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        fit_title(self)
        super().resizeEvent(event)


def short_date(day: date) -> str:
    """'2 Mar' (not strftime's %-d, which Windows refuses)."""
    return f"{day.day} {day:%b}"


def week_label(report: ProgressReport, index: int) -> str:
    """The week's Monday, "2 Mar"."""
    return short_date(report.weeks[index].week_start)


def _chart(title: str) -> tuple[QChart, QChartView]:
    chart = QChart()
    chart.setProperty(PLAIN_TITLE, title)
    chart.setTitle(rich_text_literal(title))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(4)
    if QApplication.palette().window().color().lightness() < 128:
        chart.setTheme(QChart.ChartTheme.ChartThemeDark)
    view = _ChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(300)
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    view.setAccessibleName(title)
    return chart, view


class CalendarView(QWidget):
    """The last weeks as a grid: a column per week, a row per weekday (Monday on top)."""

    GAP = 4

    @property
    def CELL(self) -> int:  # noqa: N802 (the name it always had)
        """A day's square: at least 18 px, and as tall as a line of text."""
        return max(18, self.fontMetrics().height())

    def __init__(self) -> None:
        super().__init__()
        self.weeks: tuple[CalendarWeek, ...] = ()
        self.setAccessibleName("Calendar of sessions")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_weeks(self, weeks: tuple[CalendarWeek, ...]) -> None:
        self.weeks = weeks
        self.updateGeometry()
        self.update()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self.sizeHint()  # every week shown, never squeezed

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        step = self.CELL + self.GAP
        label = self.fontMetrics().height() + 4
        return QSize(self._left() + step * max(1, len(self.weeks)), label + step * 7)

    def _left(self) -> int:
        return self.fontMetrics().horizontalAdvance("W") + 12

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        cell = self.CELL
        step = cell + self.GAP
        top = self.fontMetrics().height() + 4
        left = self._left()
        text = self.palette().windowText().color()
        painter.setPen(text)
        for row, name in enumerate("MTWTFSS"):
            painter.drawText(QRectF(0, top + row * step, left - 6, cell),
                             Qt.AlignmentFlag.AlignCenter, name)
        for col, week in enumerate(self.weeks):
            x = left + col * step
            if col % 4 == 0:
                painter.setPen(text)
                label = short_date(week.week_start)
                painter.drawText(QRectF(x, 0, self.fontMetrics().horizontalAdvance(label) + 4,
                                        top), Qt.AlignmentFlag.AlignLeft, label)
            for row, day in enumerate(week.days):
                rect = QRectF(x, top + row * step, cell, cell)
                if day.future:
                    painter.setPen(QPen(EMPTY, 1, Qt.PenStyle.DotLine))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                elif day.sessions:
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(DONE)
                else:
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(EMPTY)
                painter.drawRoundedRect(rect, 3, 3)
                if day.stopped_for_pain:
                    painter.setPen(QPen(PAIN, 3))
                    painter.drawLine(rect.topRight() + QPointF(-4, 4),
                                     rect.bottomLeft() + QPointF(4, -4))
        painter.end()


class ProgressView(QWidget):
    """Renders a ProgressReport. `set_report` replaces what is shown; called on the GUI thread.
    `report_requested` asks for the visit report (PDF) for the physiotherapist."""

    report_requested = Signal()

    def __init__(self, exercise_names: Mapping[str, str]) -> None:
        super().__init__()
        self.exercise_names = exercise_names
        self.report: ProgressReport | None = None
        self.report_button = button("&Visit report (PDF)…",
                                    "Save a progress report for your physiotherapist")
        self.report_button.clicked.connect(self.report_requested)
        self.headline = heading(scale=1.4)
        self.adherence = plain_label()
        self.streaks = plain_label()

        self.sessions_chart, self.sessions_view = _chart("Sessions per week")
        self.sessions_summary = plain_label()
        self.calendar = CalendarView()
        self.calendar_summary = plain_label()
        self.pain_chart, self.pain_view = _chart("Pain before sessions (weekly average, 0-10)")
        self.back_summary = plain_label()
        self.leg_summary = plain_label()
        self.active_chart, self.active_view = _chart("Active minutes per week")
        self.active_summary = plain_label()
        self.exercise = QComboBox()
        self.exercise.setAccessibleName("Exercise to show")
        self.exercise_chart, self.exercise_view = _chart("Exercise progress")
        self.exercise_summary = plain_label()
        self.empty = plain_label("No sessions yet. Your progress shows here, week by week, "
                                 "once you have done a routine.")
        self.exercise.currentIndexChanged.connect(self._show_exercise)
        self._chart_fonts()

        body = QWidget()
        column = QVBoxLayout(body)
        # The summary beside the calendar, or above it when the window is narrow for both.
        self.top = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        summary = self._block(self.headline, self.adherence, self.streaks, self.empty,
                              self.report_button)
        summary.layout().setAlignment(self.report_button, Qt.AlignmentFlag.AlignLeft)
        self.calendar_block = self._block(heading("Calendar", scale=1.1), self.calendar,
                                          self.calendar_summary)
        self.top.addWidget(summary, 1, Qt.AlignmentFlag.AlignTop)
        self.top.addWidget(self.calendar_block, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(self.top)
        column.addWidget(self._block(self.sessions_view, self.sessions_summary))
        column.addWidget(self._block(self.pain_view, self.back_summary, self.leg_summary))
        column.addWidget(self._block(self.active_view, self.active_summary))
        column.addWidget(self._block(self.exercise, self.exercise_view, self.exercise_summary))
        column.addStretch()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    @staticmethod
    def _block(*widgets: QWidget) -> QWidget:
        block = QWidget()
        layout = QVBoxLayout(block)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in widgets:
            layout.addWidget(w)
        return block

    def set_report(self, report: ProgressReport) -> None:
        self.report = report
        s = report.summaries
        has_history = any(w.sessions for w in report.weeks) or bool(report.exercises)
        self.empty.setVisible(not has_history)
        self.headline.setText(s.headline)
        self.adherence.setText(s.adherence)
        self.streaks.setText(s.streaks)
        self.sessions_summary.setText(s.sessions)
        self.calendar.set_weeks(report.calendar)
        self.calendar_summary.setText(s.calendar)
        self.back_summary.setText(s.back_pain)
        self.leg_summary.setText(s.leg_pain)
        self.active_summary.setText(s.active)
        labels = [week_label(report, i) for i in range(len(report.weeks))]
        self._sessions(report, labels)
        self._pain(report, labels)
        self._active(report, labels)
        current = self.exercise.currentData()
        self.exercise.blockSignals(True)
        self.exercise.clear()
        for exercise_id in report.exercises:
            self.exercise.addItem(self.exercise_names.get(exercise_id, exercise_id), exercise_id)
        index = self.exercise.findData(current)
        self.exercise.setCurrentIndex(index if index >= 0 else 0)
        self.exercise.blockSignals(False)
        self._show_exercise()

    def _axes(self, chart: QChart, labels: list[str], top: float,
              series: list) -> None:  # series: list[QAbstractSeries]
        for axis in chart.axes():
            chart.removeAxis(axis)
        x = QBarCategoryAxis()
        x.append(labels)
        x.setLabelsAngle(-90)
        y = QValueAxis()
        y.setRange(0, top)
        if top == PAIN_TOP:
            y.setTickCount(6)
        else:
            y.applyNiceNumbers()
        y.setLabelFormat("%.0f")
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for one in series:
            one.attachAxis(x)
            one.attachAxis(y)
        self._chart_fonts()

    def _chart_fonts(self) -> None:
        """Chart titles, legends and axis labels at the text size of the rest of the page."""
        body = QFont(self.font())
        title = QFont(body)
        title.setBold(True)
        # Room for the title, the legend, the week labels on end and a plot area of its own.
        height = max(300, self.fontMetrics().lineSpacing() * 14 + 60)
        for view in (self.sessions_view, self.pain_view, self.active_view, self.exercise_view):
            chart = view.chart()
            view.setMinimumHeight(height)
            chart.setTitleFont(title)
            self._fit_title(view)
            chart.legend().setFont(body)
            for axis in chart.axes():
                axis.setLabelsFont(body)

    @staticmethod
    def _fit_title(view: QChartView) -> None:
        fit_title(view)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # a new text size
            self._chart_fonts()
            self.calendar.updateGeometry()
            self._arrange()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        """The calendar beside the summary when both fit (the summary at least ~30
        characters wide), else under it."""
        wanted = (self.calendar_block.sizeHint().width()
                  + self.fontMetrics().horizontalAdvance("x" * 30) + 60)
        direction = (QBoxLayout.Direction.LeftToRight if wanted <= self.width()
                     else QBoxLayout.Direction.TopToBottom)
        if self.top.direction() != direction:
            self.top.setDirection(direction)

    def _sessions(self, report: ProgressReport, labels: list[str]) -> None:
        chart = self.sessions_chart
        chart.removeAllSeries()
        done = QBarSet("Sessions")
        done.setColor(DONE)
        done.append([w.sessions for w in report.weeks])
        bars = QBarSeries()
        bars.append(done)
        goal = QLineSeries()
        goal.setName("Weekly goal")
        goal.setPen(QPen(GOAL, 2, Qt.PenStyle.DashLine))
        for i, w in enumerate(report.weeks):
            if w.goal is not None:  # no goal before the week of the first session
                goal.append(i, w.goal)
        chart.addSeries(bars)
        chart.addSeries(goal)
        top = max([w.sessions for w in report.weeks]
                  + [w.goal for w in report.weeks if w.goal is not None] + [1])
        self._axes(chart, labels, top + 1, [bars, goal])

    def _pain(self, report: ProgressReport, labels: list[str]) -> None:
        chart = self.pain_chart
        chart.removeAllSeries()
        series = []
        for name, colour, values in (
                ("Back", BACK, [w.pain_back for w in report.weeks]),
                ("Leg", LEG, [w.pain_leg for w in report.weeks])):
            line = QLineSeries()
            line.setName(name)
            line.setPen(QPen(colour, 3))
            line.setPointsVisible(True)
            for i, value in enumerate(values):
                if value is not None:
                    line.append(i, value)
            chart.addSeries(line)
            series.append(line)
        self._axes(chart, labels, PAIN_TOP, series)

    def _active(self, report: ProgressReport, labels: list[str]) -> None:
        chart = self.active_chart
        chart.removeAllSeries()
        minutes = QBarSet("Active minutes")
        minutes.setColor(QColor(ACCENT))
        values = [round(w.active_minutes, 1) for w in report.weeks]
        minutes.append(values)
        bars = QBarSeries()
        bars.append(minutes)
        chart.addSeries(bars)
        self._axes(chart, labels, max(values + [10]) * 1.15, [bars])

    def _show_exercise(self) -> None:
        chart = self.exercise_chart
        chart.removeAllSeries()
        report = self.report
        exercise_id = self.exercise.currentData()
        progress = report.exercises.get(exercise_id) if report and exercise_id else None
        self.exercise_view.setVisible(progress is not None)
        self.exercise.setVisible(bool(report and report.exercises))
        if report is None or progress is None:
            self.exercise_summary.setText("")
            return
        self.exercise_summary.setText(report.summaries.exercises.get(exercise_id, ""))
        by_week = {w.week_start: w for w in progress.weeks}
        measure = measure_of(progress) or Measure.REPS
        values = [measure_value(by_week[w.week_start], measure) if w.week_start in by_week
                  else None for w in report.weeks]
        if measure is Measure.TIME:  # minutes read better than seconds for a walk
            values = [None if v is None else round(v / 60, 1) for v in values]
        line = QLineSeries()
        line.setName(MEASURE_NAMES[measure])
        line.setPen(QPen(QColor(ACCENT), 3))
        line.setPointsVisible(True)
        for i, value in enumerate(values):
            if value is not None:
                line.append(i, value)
        chart.addSeries(line)
        chart.setProperty(PLAIN_TITLE, self.exercise_names.get(exercise_id, exercise_id))
        self._fit_title(self.exercise_view)
        labels = [week_label(report, i) for i in range(len(report.weeks))]
        top = max([v for v in values if v is not None] + [1]) * 1.2
        self._axes(chart, labels, top, [line])
