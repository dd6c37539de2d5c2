"""Every text size works on every page: the real main window (Home, Routines, Exercises,
Progress, Tips), the settings dialogs and the routine editor, at the smallest window (800x600)
and a large screen (1920x1080), after the text size is changed in Settings as a person does.

Headings stay larger than body text, nothing scrolls sideways, no label's text is cut off,
and check boxes, radio buttons and chart labels grow with the text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCharts import QChartView
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QCheckBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QStyle,
    QWidget,
)

from coach.ui.settings_dialog import TEXT_SIZES
from tests.helpers.visit_history import build_history
from tests.ui.test_app_sessions import make_app, restore_app_look  # noqa: F401 (fixture)

WINDOW_SIZES = [(800, 600), (1920, 1080)]

# The offscreen platform says these when a window with a toolbar is shown or raised; harmless.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints",
                                       "This plugin does not support raise")


def settle() -> None:
    for _ in range(4):
        QApplication.processEvents()


def shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0 and widget.height() > 0


def cut_off_by(widget: QWidget, root: QWidget) -> str:
    """What hides part of `widget` sideways: the viewport of a scroll area it is in, or the
    edge of the window; "" when it is whole in width."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent.parentWidget(), QAbstractScrollArea) or parent is root:
            left = widget.mapTo(parent, widget.rect().topLeft()).x()
            right = widget.mapTo(parent, widget.rect().topRight()).x()
            if left < 0 or right > parent.width():
                return f"{type(parent.parentWidget() or parent).__name__} ({left}..{right} " \
                       f"of {parent.width()} px)"
        if parent is root:
            break
        parent = parent.parentWidget()
    return ""


def problems_in(where: str, root: QWidget) -> list[str]:
    """What is wrong with the text on `root` as shown now."""
    body = QApplication.font().pointSizeF()
    found = []
    for area in root.findChildren(QAbstractScrollArea):
        if shown(area) and area.horizontalScrollBar().isVisible():
            found.append(f"{where}: {type(area).__name__} {area.accessibleName()!r} scrolls "
                         "sideways")
    for label in root.findChildren(QLabel):
        text = label.text()
        if not shown(label) or not text or label.pixmap() is not None and text == "":
            continue
        if label.wordWrap():
            need_w, need_h = 0, label.heightForWidth(label.width())
        else:
            hint = label.sizeHint()
            need_w, need_h = hint.width(), hint.height()
        if need_w > label.width() + 1 or need_h > label.height() + 1:
            found.append(f"{where}: label {text[:40]!r} needs {need_w}x{need_h}, has "
                         f"{label.width()}x{label.height()}")
        cut = cut_off_by(label, root)
        if cut:
            found.append(f"{where}: label {text[:40]!r} is cut off by {cut}")
    for widget in root.findChildren(QWidget):
        least = widget.minimumSizeHint().width()
        if shown(widget) and widget.width() + 1 < least and not isinstance(widget, QLabel):
            found.append(f"{where}: {type(widget).__name__} {widget.accessibleName()!r} is "
                         f"squeezed to {widget.width()} of {least} px")
    headings = [w for w in root.findChildren(QLabel) if w.font().bold()]
    starts = [b for b in root.findChildren(QPushButton) if b.objectName() == "primary"]
    for widget in [*headings, *starts]:
        if shown(widget) and widget.text() and not widget.font().pointSizeF() > body:
            found.append(f"{where}: {widget.text()[:30]!r} is meant larger than body text "
                         f"({widget.font().pointSizeF():g} pt, body {body:g} pt)")
    for kind, metric in ((QCheckBox, QStyle.PixelMetric.PM_IndicatorWidth),
                         (QRadioButton, QStyle.PixelMetric.PM_ExclusiveIndicatorWidth)):
        for box in root.findChildren(kind):
            size = box.style().pixelMetric(metric, None, box)
            if shown(box) and size < 0.7 * box.fontMetrics().height():
                found.append(f"{where}: {box.text()[:30]!r} has a {size} px indicator for "
                             f"{box.fontMetrics().height()} px text")
    for view in root.findChildren(QChartView):
        if not shown(view):
            continue
        chart = view.chart()
        fonts = [("title", chart.titleFont()), ("legend", chart.legend().font())]
        fonts += [("axis", axis.labelsFont()) for axis in chart.axes()]
        plot, line = chart.plotArea().height(), view.fontMetrics().height()
        if plot < 5 * line:
            found.append(f"{where}: chart {chart.title()!r} has {plot:.0f} px to draw in, "
                         f"less than five lines of text ({line} px each)")
        for part, font in fonts:
            if font.pointSizeF() < 0.85 * body:
                found.append(f"{where}: chart {chart.title()!r} {part} is "
                             f"{font.pointSizeF():g} pt, body {body:g} pt")
    return found


@pytest.mark.parametrize(("scale", "name"), TEXT_SIZES)
def test_every_page_reads_whole_at_every_text_size_and_window_size(
        qtbot, tmp_path, scale, name):
    app, _ = make_app(tmp_path)
    qtbot.addWidget(app.window)
    window = app.window
    found: list[str] = []
    try:
        build_history(app.paths.history_db, app.wall_now().date() - timedelta(days=1))
        window.show()
        qtbot.waitExposed(window)
        for index in range(window.tabs.count()):  # every page built at the normal size first
            window.tabs.setCurrentIndex(index)
            settle()
        # As a person does: File > Settings, a new text size, OK.
        app.apply_settings(app.settings.replace(text_scale=scale))
        for width, height in WINDOW_SIZES:
            window.resize(width, height)
            for index in range(window.tabs.count()):
                window.tabs.setCurrentIndex(index)
                settle()
                page = window.tabs.widget(index)
                found += problems_in(f"{width}x{height} {window.tabs.tabText(index)}", page)
            editor = app.routine_actions.new_routine()
            editor.resize(width, height)
            settle()
            found += problems_in(f"{width}x{height} editor", editor)
            editor.close()
            found += dialog_problems(app, window, width, height)
    finally:
        app.shutdown()
    assert found == [], "\n".join(found)


def dialog_problems(app, window: QWidget, width: int, height: int) -> list[str]:
    """The Settings and the Safety and reminders dialogs, as opened from the File menu."""
    from coach.ui.care_settings_dialog import CareSettingsDialog
    from coach.ui.settings_dialog import SettingsDialog

    found = []
    for dialog in (SettingsDialog(app.settings, (), window),
                   CareSettingsDialog(app.settings, app.catalogue, window)):
        dialog.show()
        settle()
        where = f"{width}x{height} {type(dialog).__name__}"
        if dialog.width() > width or dialog.height() > height:
            found.append(f"{where} is {dialog.width()}x{dialog.height()}")
        found += problems_in(where, dialog)
        dialog.reject()
        dialog.deleteLater()
    return found
