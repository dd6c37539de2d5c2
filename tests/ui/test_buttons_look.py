"""Every push button in the real app looks like a button: a frame and a fill that stand out
from the page, in every theme; "Present" and "Demo" say what each does and look different."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QPushButton, QWidget

from coach.settings import Theme
from tests.ui.test_app_sessions import make_app, restore_app_look  # noqa: F401 (fixture)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def share_of_page_colour(window: QWidget, b: QPushButton) -> float:
    """How much of the button's outline (1 px in from its edge, the rounded corners left
    out), as drawn in its window, is the bare page colour: a button without a frame shows
    the page there."""
    page = QColor(window.palette().color(QPalette.ColorRole.Window)).rgb()
    image = window.grab().toImage()
    corner = b.mapTo(window, b.rect().topLeft())
    w, h, skip = b.width(), b.height(), 6
    outline = ([(x, y) for x in range(skip, w - skip) for y in (1, h - 2)]
               + [(x, y) for y in range(skip, h - skip) for x in (1, w - 2)])
    pixels = [image.pixel(corner.x() + x, corner.y() + y) for x, y in outline]
    return sum(p == page for p in pixels) / len(pixels)


def shown_buttons(page: QWidget) -> list[QPushButton]:
    return [b for b in page.findChildren(QPushButton) if b.isVisible()]


@pytest.fixture
def coach_app(qtbot, tmp_path):
    app, _ = make_app(tmp_path)
    qtbot.addWidget(app.window)
    app.window.resize(1100, 760)
    app.window.show()
    app._after_first_paint()
    yield app
    app.shutdown()


@pytest.mark.parametrize("theme", list(Theme))
def test_every_button_on_every_tab_has_a_frame_that_stands_out_from_the_page(
        coach_app, qtbot, theme):
    app = coach_app
    app.apply_settings(app.settings.replace(theme=theme))
    window, tabs = app.window, app.window.tabs
    checked = []
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        qtbot.waitUntil(lambda: bool(shown_buttons(tabs.currentWidget())), timeout=5_000)
        for b in shown_buttons(tabs.currentWidget()):
            share = share_of_page_colour(window, b)
            assert share < 0.1, (f"{b.text()!r} on {tabs.tabText(index)!r} is {share:.0%} page "
                                 "colour: it reads as plain text")
            checked.append(b.text().replace("&", ""))
    for text in ("Start", "Start heat therapy (15-20 min)", "Visit report (PDF)…"):
        assert text in checked


def test_present_and_demo_say_what_each_does_and_look_different(coach_app, qtbot):
    app = coach_app
    app.window.tabs.setCurrentWidget(app.window._exercises)
    detail = app.window.exercises.detail
    present, demo = detail.present_button, detail.demo_button
    qtbot.waitUntil(present.isVisible, timeout=5_000)
    assert present.text().replace("&", "") == "Present from here"
    assert demo.text().replace("&", "") == "Demo this one slowly"
    assert "each one after it in the list" in present.toolTip()
    assert "only this exercise" in demo.toolTip()
    assert "read aloud slowly" in demo.toolTip()
    assert not present.icon().isNull()
    assert not demo.icon().isNull()
    assert present.icon().cacheKey() != demo.icon().cacheKey()
    assert present.icon().pixmap(24).toImage() != demo.icon().pixmap(24).toImage()


def test_the_offer_of_an_easier_exercise_looks_like_a_button(coach_app, qtbot):
    app = coach_app
    app.try_exercise("cat-camel")
    window = app.session_window
    qtbot.mouseClick(window.buttons["hurts"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "pelvic-tilt" in window.easier_buttons, timeout=10_000)
    offer = window.easier_buttons["pelvic-tilt"]
    qtbot.waitUntil(offer.isVisible, timeout=10_000)  # on the finished page
    assert offer.text() == "Try Pelvic tilt instead"
    assert share_of_page_colour(window, offer) < 0.1
    window.close()
