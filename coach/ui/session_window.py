"""The session window: what a person on a mat, three metres away, needs to see and press.

It renders the controller's `DisplayState` and forwards key presses and buttons to it; it holds
no timer and computes nothing from time. Layout, top to bottom: the exercise name with "Exercise
2 of 3", "Set 2 of 3 · Rep 4 of 10 · Left side" and the physio's note; the illustration and the
steps (the current one highlighted) beside the big countdown ring; the last cue said, "Next up";
then the controls. When the session ends it shows a summary with a Close button.

Keys work wherever the focus is (window shortcuts), and each has a button with an accessible
name: Space pause/resume, Right or PageDown skip, Left or PageUp back (clicker friendly), A +10 s,
M mute, H "this hurts", F11 full screen, Esc stop (asks first). While getting into position (or
switching sides) an "I'm ready" button, in the place of "Next up", starts the exercise at once:
Enter (the button has the focus then, unless the person moved it) or F5 / Shift+F5 (what a
clicker's "start slideshow" button sends; Page Up/Down, B and "." are back, skip and pause).
Window shortcuts are matched before a focused button sees the key, so Space always pauses and
never also presses a button; Return presses the focused button instead.

Type grows with the window: the set/rep/side line, the steps and the captions are at least a
share of the window's height (`WINDOW_SHARES`), so in full screen they read from the mat; the
caption keeps room for two lines, so a caption that wraps does not move the layout.

Every label showing catalogue text is plain text, so a name like "<b>Bridge</b>" shows as typed.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QFont,
    QFontInfo,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from coach.core.engine import LEAD_IN_KINDS
from coach.core.events import DisplayState, ExerciseStoppedForPain, PauseReason
from coach.core.models import Exercise
from coach.core.plan import HURTS_ADVICE, PhaseKind
from coach.core.result import ExerciseStatus, SessionResult
from coach.core.safety import stop_if_text
from coach.ui.countdown import CountdownView
from coach.ui.illustration import IllustrationView
from coach.ui.prompts import Prompts
from coach.ui.session_controller import SessionController
from coach.ui.theme import ACCENT, BASE_POINT_SIZE, WARNING
from coach.ui.widgets import button, heading, plain_label, primary_button

log = logging.getLogger(__name__)

APP_TITLE = "Physio Coach"

CLOCK_JUMP_TEXT = "Paused while the computer was asleep. Press Space to carry on."

#: Phases shown in the work colour (the rest are lead-ins and rests).
_WORK = frozenset({PhaseKind.HOLD, PhaseKind.TEMPO, PhaseKind.DURATION, PhaseKind.OPEN})

_STATUS_WORDS = {
    ExerciseStatus.COMPLETED: "done",
    ExerciseStatus.SKIPPED: "skipped",
    ExerciseStatus.STOPPED_FOR_PAIN: "stopped because it hurt",
    ExerciseStatus.ENDED_EARLY: "stopped when the session ended",
    ExerciseStatus.IN_PROGRESS: "started",
    ExerciseStatus.NOT_STARTED: "not reached",
}


@dataclass(frozen=True)
class Control:
    """One control: its action name, button text, accessible name and keys."""

    name: str
    text: str
    accessible: str
    keys: tuple[str, ...]


#: The session's controls, in button order (two rows of four).
CONTROLS: tuple[Control, ...] = (
    Control("back", "◀ Back", "Back: restart this exercise, or go to the previous one",
            ("Left", "PgUp")),
    Control("pause", "Pause", "Pause or resume", ("Space",)),
    Control("skip", "Skip ▶", "Skip to the next exercise", ("Right", "PgDown")),
    Control("add_time", "+10 s", "Add ten seconds", ("A",)),
    Control("mute", "Mute", "Turn the voice off or on", ("M",)),
    Control("hurts", "This hurts", "This hurts: stop this exercise", ("H",)),
    Control("fullscreen", "Full screen", "Full screen on or off", ("F11",)),
    Control("stop", "Stop", "Stop the session", ("Esc",)),
)

#: "I'm ready" while getting into position (in the place of "Next up"), shown only then. Enter
#: presses it (it has the focus then); F5 / Shift+F5 are a clicker's "start slideshow" button.
READY = Control("ready", "I'm ready ▶", "I'm ready: start the exercise now",
                ("F5", "Shift+F5"))

FULL_SCREEN_TEXT = "Full screen"
LEAVE_FULL_SCREEN_TEXT = "Leave full screen"

#: Large type is also at least this share of the window's height, in pixels, so it grows with
#: the window and reads from a mat across the room in full screen.
#: Type in a colour of its own: the stop signs are a warning.
TYPE_COLOURS: dict[str, str] = {"stop_if": WARNING}
WINDOW_SHARES: dict[str, float] = {
    "title": 0.05,
    "counter": 0.055,
    "caption_label": 0.032,
    "next_up": 0.028,
    "current_step": 0.042,
    "stop_if": 0.026,
    "ready_button": 0.032,
    "finished_view.title": 0.07,
    "finished_view.summary": 0.04,
    "finished_view.details": 0.03,
    "finished_view.close_button": 0.032,
}
#: The steps: the one to do now, and the others.
STEP_SHARES = (0.04, 0.024)


#: The session's buttons look like buttons in every theme; "This hurts" stands out.
CONTROLS_STYLE = (
    "QPushButton { background: palette(button); border: 2px solid palette(mid);"
    " padding: 6px 8px; }"
    f"QPushButton#primary {{ background: {ACCENT}; color: #ffffff; font-weight: bold; }}"
    f"QPushButton#hurts {{ border-color: {WARNING}; font-weight: bold; }}"
    # The focused button: an outline in the text colour, visible on every button (the same
    # width as the usual border, so focus never changes a button's size).
    "QPushButton:focus { border: 2px solid palette(window-text); }"
)


def key_hint(keys: tuple[str, ...]) -> str:
    names = {"PgUp": "Page Up", "PgDown": "Page Down", "Esc": "Escape"}
    return " or ".join(names.get(k, k) for k in keys)


def bring_to_front(window: QWidget) -> None:
    """Show, raise and activate `window` (raising is skipped where the platform cannot)."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    if QGuiApplication.platformName() != "offscreen":
        window.raise_()
    window.activateWindow()


def window_title(state: DisplayState | None, plan_name: str) -> str:
    if state is not None and state.finished:
        return f"Finished — {APP_TITLE}"
    if state is not None and state.paused:
        return f"Paused — {plan_name} — {APP_TITLE}"
    return f"{plan_name} — {APP_TITLE}"


class StepList(QListWidget):
    """The exercise's steps, numbered, the current one bold and highlighted. Display only: it
    takes no focus, so the arrow keys stay with the session."""

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("Steps")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._steps: tuple[str, ...] = ()
        self._current: int | None = None
        self._pixels: tuple[int, int] | None = None

    def set_pixel_sizes(self, current: int, others: int) -> None:
        """Type sizes in pixels for the step to do now and the others (they grow with the
        window); at least the list's own font."""
        base = self.fontInfo().pixelSize()
        sizes = (max(current, base), max(others, base))
        if sizes != self._pixels:
            self._pixels = sizes
            self.set_current(self._current, force=True)

    def pixel_size(self, row: int) -> int:
        """The pixel size step `row` is shown at."""
        return QFontInfo(self.item(row).font()).pixelSize()

    def set_steps(self, steps: tuple[str, ...]) -> None:
        if steps == self._steps:
            return
        self._steps = steps
        self._current = None
        self.clear()
        for n, step in enumerate(steps, start=1):
            self.addItem(QListWidgetItem(f"{n}. {step}"))
        self.set_current(None, force=True)
        self.scrollToTop()

    def set_current(self, index: int | None, *, force: bool = False) -> None:
        if index == self._current and not force:
            return
        self._current = index
        pal = self.palette()
        for row in range(self.count()):
            item = self.item(row)
            font = QFont(self.font())
            current = row == index
            if self._pixels is not None:
                font.setPixelSize(self._pixels[0] if current else self._pixels[1])
            font.setBold(current)
            item.setFont(font)
            item.setBackground(pal.highlight() if current else pal.base())
            item.setForeground(pal.highlightedText() if current else pal.text())
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole,
                         "current step" if current else "")
        self._show_current()

    def _show_current(self) -> None:
        """Scroll the current step into view, and keep the list at least as tall as that step:
        with large text in a small window it takes room from the illustration rather than
        showing half of the step to do."""
        if self._current is None or not 0 <= self._current < self.count():
            self.setMinimumHeight(0)
            return
        item = self.item(self._current)
        self.doItemsLayout()  # item heights for the current width and font
        self.setMinimumHeight(self.visualItemRect(item).height() + 2 * self.frameWidth())
        self.scrollToItem(item, QAbstractItemView.ScrollHint.EnsureVisible)

    def current_step(self) -> int | None:
        return self._current

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self.set_current(self._current, force=True)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():  # steps wrap to new heights
            self._show_current()
        elif self._current is not None and 0 <= self._current < self.count():
            self.scrollToItem(self.item(self._current),
                              QAbstractItemView.ScrollHint.EnsureVisible)


class ControlsBar(QWidget):
    """The buttons: one row of eight when they fit across, else two rows of four. It decides
    again when it is resized and when a button's size changes (a new text size)."""

    def __init__(self, buttons: list[QPushButton]) -> None:
        super().__init__()
        self._buttons = buttons
        self.grid = QGridLayout(self)
        self.grid.setSpacing(8)
        self.grid.setContentsMargins(0, 4, 0, 0)
        self.columns = 0
        self._arrange(4)

    def _arrange(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for n, b in enumerate(self._buttons):
            self.grid.removeWidget(b)
            self.grid.addWidget(b, n // columns, n % columns)

    def fit(self) -> None:
        needed = sum(b.minimumSizeHint().width() for b in self._buttons)
        needed += self.grid.spacing() * (len(self._buttons) - 1)
        self._arrange(len(self._buttons) if needed <= self.width() else 4)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.fit()
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        self.fit()
        super().resizeEvent(event)


class FinishedView(QWidget):
    """The end of the session: well done, what was done, and Close."""

    def __init__(self) -> None:
        super().__init__()
        self.title = heading("Well done")
        self.summary = plain_label()
        self.details = plain_label()
        self.hint = plain_label()
        self.close_button = primary_button("&Close", "Close the session window")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addSpacing(12)
        layout.addWidget(self.details)
        layout.addWidget(self.hint)
        #: "Try <easier> instead" buttons after "this hurts" (see SessionWindow.offer_easier).
        self.offers = QVBoxLayout()
        layout.addLayout(self.offers)
        layout.addSpacing(24)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(2)

    def show_result(self, result: SessionResult, *, presenter: bool = False) -> None:
        self.title.setText("End of the demonstration" if presenter else result.headline())
        self.summary.setText(result.summary())
        lines = [f"{e.name}: {_STATUS_WORDS.get(e.status, e.status.value)}"
                 for e in result.exercises]
        self.details.setText("\n".join(lines))
        self.hint.setText("Back (Page Up) runs it again; Escape closes." if presenter else "")
        self.hint.setVisible(presenter)


class SessionWindow(QMainWindow):
    """Shows one session. `presenter=True` is the clinic style (see coach.ui.presenter).

    `closed` is emitted once the window has closed (the session has been stopped by then).
    """

    closed = Signal()
    #: "Try <easier> instead" was pressed on the finished page (the exercise id).
    easier_requested = Signal(str)

    #: Type sizes relative to the app's font (which follows the text size setting): the
    #: widget's attribute path, the scale and bold. Applied again when the app's font changes.
    TYPE_SIZES: dict[str, tuple[float, bool]] = {
        "title": (1.7, True),
        "counter": (1.3, True),
        "caption_label": (1.4, True),
        "next_up": (1.25, False),
        "current_step": (1.0, False),
        "stop_if": (1.0, True),
        "buttons.pause": (1.3, True),
        "ready_button": (1.3, True),
        "finished_view.title": (2.4, True),
        "finished_view.summary": (1.4, False),
        "finished_view.details": (1.0, False),
        "finished_view.hint": (1.0, False),
        "finished_view.close_button": (1.3, True),
    }

    def __init__(self, controller: SessionController, *, prompts: Prompts | None = None,
                 presenter: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.prompts = prompts or Prompts()
        self.easier_buttons: dict[str, QPushButton] = {}
        self.presenter = presenter
        self._state: DisplayState | None = None
        self._shown_exercise: str | None = None
        self._closing = False
        #: The exercise a "this hurts" notice is about (cleared when another one starts).
        self._pain_notice_item: int | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.setMinimumSize(800, 600)
        self.resize(1100, 760)
        self.setWindowTitle(window_title(None, controller.plan.name))
        self._build()
        self._build_actions()
        self.apply_fonts()
        controller.display.connect(self.render)
        controller.caption.connect(self.show_caption)
        controller.notice.connect(self.show_notice)
        controller.finished.connect(self.show_finished)
        controller.muted_changed.connect(self._muted)
        controller.stopped_for_pain.connect(self.show_stopped_for_pain)
        self._muted(controller.muted)
        if controller.engine.started:  # a session already under way: show where it is
            self.render(controller.state)
            if controller.engine.finished:
                self.show_finished(controller.result())

    # --- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = heading(self.controller.plan.name)
        self.title.setAccessibleName("Exercise")
        self.position = plain_label(wrap=False, selectable=False)
        self.position.setAccessibleName("Exercise number")
        self.position.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.counter = heading()
        self.counter.setAccessibleName("Set, rep and side")
        self.note = plain_label()
        self.note.setAccessibleName("Note from your physiotherapist")
        self.illustration = IllustrationView()
        self.illustration.setMinimumSize(100, 60)
        self.steps = StepList()
        self.current_step = plain_label()
        self.current_step.setAccessibleName("Current step")
        #: The exercise's stop signs, under its steps (in presenter mode too).
        self.stop_if = plain_label()
        self.stop_if.setAccessibleName("Stop this exercise if")
        self.countdown = CountdownView()
        self.ready_button = primary_button(READY.text, READY.accessible)
        self.ready_button.setObjectName("primary")
        self.ready_button.setAccessibleDescription("Key: Enter or F5")
        self.ready_button.setToolTip(f"{READY.accessible} (Enter or F5)")
        self.ready_button.setMinimumHeight(44)
        self.caption_label = heading()
        self.caption_label.setAccessibleName("Last thing said")
        self.caption_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.next_up = plain_label(selectable=False)
        self.next_up.setAccessibleName("Next up")
        self.next_up.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.notice_label = plain_label()
        self.notice_label.setAccessibleName("Notice")
        self.notice_label.setStyleSheet("font-weight: bold;")
        self.notice_label.hide()

        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.position)

        left = QVBoxLayout()
        left.addWidget(self.illustration, 3)
        left.addWidget(self.steps, 2)
        left.addWidget(self.current_step)
        left.addWidget(self.stop_if)
        middle = QHBoxLayout()
        middle.addLayout(left, 5)
        middle.addWidget(self.countdown, 6)

        self.buttons: dict[str, QPushButton] = {}
        for control in CONTROLS:
            hint = key_hint(control.keys)
            make = primary_button if control.name == "pause" else button
            b = make(control.text, control.accessible)
            b.setMinimumHeight(44)
            b.setAccessibleDescription(f"Key: {hint}")
            b.setToolTip(f"{control.accessible} ({hint})")
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            if control.name == "hurts":
                b.setObjectName("hurts")
            self.buttons[control.name] = b
        self.controls_box = ControlsBar([self.buttons[c.name] for c in CONTROLS])
        self.controls_box.setStyleSheet(CONTROLS_STYLE)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(header)
        layout.addWidget(self.counter)
        layout.addWidget(self.note)
        layout.addLayout(middle, 1)
        said = QHBoxLayout()
        said.addWidget(self.caption_label, 3)
        # No layout alignment here: it would give the wrapping label its one-line height.
        # "I'm ready" takes the place of "Next up" while getting into position (the next
        # exercise matters little then), so showing it moves nothing.
        ready_box = QWidget()
        ready_row = QHBoxLayout(ready_box)
        ready_row.setContentsMargins(0, 0, 0, 0)
        ready_row.addStretch(1)
        ready_row.addWidget(self.ready_button)
        self.next_slot = QStackedWidget()
        self.next_slot.addWidget(self.next_up)
        self.next_slot.addWidget(ready_box)
        said.addWidget(self.next_slot, 2)
        layout.addLayout(said)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.controls_box)
        self.session_page = page

        self.finished_view = FinishedView()
        self.finished_view.close_button.clicked.connect(self.close)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.session_page)
        self.stack.addWidget(self.finished_view)
        self.setCentralWidget(self.stack)

        # The steps list is shown in the normal window, the current step alone in presenter.
        self.current_step.setVisible(self.presenter)
        for widget in (self.steps, self.caption_label, self.next_up, self.note, self.position,
                       self.controls_box):
            widget.setVisible(not self.presenter)
        self.next_slot.setVisible(not self.presenter)

    def _build_actions(self) -> None:
        handlers = {
            "back": self.controller.back,
            "pause": self.controller.toggle_pause,
            "skip": self.controller.skip,
            "add_time": self.controller.add_time,
            "mute": self.controller.toggle_mute,
            "hurts": self.controller.hurts,
            "fullscreen": self.toggle_fullscreen,
            "stop": self.ask_stop,
            "ready": self.controller.ready,
        }
        self.actions_by_name: dict[str, QAction] = {}
        self.buttons_by_action = {**self.buttons, "ready": self.ready_button}
        for control in (*CONTROLS, READY):
            action = QAction(control.accessible, self)
            action.setShortcuts([QKeySequence(k) for k in self._keys_for(control)])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(self._handler(control.name, handlers[control.name]))
            self.addAction(action)
            self.actions_by_name[control.name] = action
            self.buttons_by_action[control.name].clicked.connect(action.trigger)

    def _keys_for(self, control: Control) -> tuple[str, ...]:
        return control.keys

    def _handler(self, name: str, call):  # -> Callable[[], None]
        def run(_checked: bool = False) -> None:
            if name in ("back", "skip", "pause") and self._is_finished():
                self._after_end(name)
                return
            call()
        return run

    def _after_end(self, name: str) -> None:
        """A control pressed on the finished page (presenter: Back runs it again)."""
        if self.presenter and name == "back":
            self.controller.restart()

    def _is_finished(self) -> bool:
        return self.stack.currentWidget() is self.finished_view

    def _sized_widget(self, path: str) -> QWidget:
        """The widget a `TYPE_SIZES` or `WINDOW_SHARES` path names."""
        owner, _, name = path.rpartition(".")
        if owner == "buttons":
            return self.buttons[name]
        return getattr(getattr(self, owner) if owner else self, name)

    def apply_fonts(self) -> None:
        """Size the large type from the app's font (again after a text size change).

        Sizes go in each widget's own style sheet: with the app's style sheet in force, a
        font set with setFont is put back to an earlier one when the style sheet changes.
        """
        base = QApplication.font().pointSizeF()
        text_scale = max(1.0, base / BASE_POINT_SIZE)
        px_per_pt = self.logicalDpiY() / 72.0
        height = self.height()
        for path, (scale, bold) in self.TYPE_SIZES.items():
            # Large type is large already: it grows with the square root of the text size
            # setting, staying a little above the body text, so it still fits at 800x600.
            size = base * scale
            if scale > 1 and text_scale > 1:
                size = max(base * 1.1, BASE_POINT_SIZE * scale * math.sqrt(text_scale))
            # ... and with the window, so full screen reads from across the room.
            pixels = max(size * px_per_pt, WINDOW_SHARES.get(path, 0.0) * height)
            sheet = f"font-size: {round(pixels)}px; font-weight: {'bold' if bold else 'normal'};"
            if path in TYPE_COLOURS:
                sheet += f" color: {TYPE_COLOURS[path]};"
            widget = self._sized_widget(path)
            if widget.styleSheet() != sheet:
                widget.setStyleSheet(sheet)
        current, others = STEP_SHARES
        self.steps.set_pixel_sizes(round(current * height), round(others * height))
        self._reserve_caption_room()

    def _reserve_caption_room(self) -> None:
        """Two lines for the caption whatever it says, so one that wraps moves nothing."""
        self.caption_label.ensurePolished()
        lines = 2 * self.caption_label.fontMetrics().lineSpacing()
        self.caption_label.setMinimumHeight(lines + 2 * self.caption_label.margin())

    # --- rendering --------------------------------------------------------------------------

    def render(self, state: DisplayState) -> None:
        """Show `state`: everything on screen comes from it (and the plan, for names)."""
        self._state = state
        if state.finished:
            return  # show_finished follows with the result
        if self._is_finished():
            self.stack.setCurrentWidget(self.session_page)  # presenter ran it again
        self.setWindowTitle(window_title(state, self.controller.plan.name))
        exercise = state.exercise or self._upcoming(state)
        between = state.exercise is None
        self.title.setText("Rest" if between else (exercise.name if exercise else ""))
        if state.item_index is not None and state.item_count > 1:
            self.position.setText(f"Exercise {state.item_index + 1} of {state.item_count}")
        else:
            self.position.setText("")
        self.counter.setText(state.counter_text)
        self.note.setText(f"Note: {state.note}" if state.note else "")
        self.note.setVisible(bool(state.note) and not self.presenter)
        self._show_exercise(exercise)
        step = None if between else state.step_index
        self.steps.set_current(step)
        self.current_step.setText(state.step_text or "")
        kind = state.phase_kind
        label = "Paused" if state.paused else state.phase_text
        self.countdown.set_state(state.countdown_text, state.progress, label,
                                 emphasis=kind in _WORK, dimmed=state.paused)
        self.next_up.setText(f"Next up: {state.next_up}" if state.next_up
                             else "Last exercise" if state.item_count > 1 else "")
        if state.pause_reason is PauseReason.CLOCK_JUMP:
            self.caption_label.setText(CLOCK_JUMP_TEXT)
        else:
            self.show_caption(state.last_cue or "")
        self.buttons["pause"].setText("Resume" if state.paused else "Pause")
        self.buttons["skip"].setText("Done ▶" if kind is PhaseKind.OPEN else "Skip ▶")
        self._show_ready(kind in LEAD_IN_KINDS and not self.presenter)
        if (self._pain_notice_item is not None and state.item_index is not None
                and state.item_index != self._pain_notice_item):
            self._pain_notice_item = None  # the next exercise has begun
            self.notice_label.hide()

    def _show_ready(self, shown: bool) -> None:
        """"I'm ready" during a lead-in; it takes the focus from Pause (so Enter presses it),
        and gives it back after."""
        page = self.ready_button.parentWidget() if shown else self.next_up
        if self.next_slot.currentWidget() is page:
            return
        focus = self.focusWidget()
        self.next_slot.setCurrentWidget(page)
        if shown and focus in (None, self.buttons["pause"]):
            self.ready_button.setFocus(Qt.FocusReason.OtherFocusReason)
        elif not shown and focus in (None, self.ready_button):
            self.buttons["pause"].setFocus(Qt.FocusReason.OtherFocusReason)

    def _upcoming(self, state: DisplayState) -> Exercise | None:
        """Between exercises, the next one's picture and steps are shown."""
        index = state.phase.next_item_index if state.phase is not None else None
        items = self.controller.plan.items
        return items[index].exercise if index is not None and index < len(items) else None

    def _show_exercise(self, exercise: Exercise | None) -> None:
        exercise_id = exercise.id if exercise else None
        if exercise_id == self._shown_exercise:
            return
        self._shown_exercise = exercise_id
        self.illustration.set_image(exercise.image if exercise else None,
                                    exercise.name if exercise else "")
        self.steps.set_steps(exercise.steps if exercise else ())
        self.stop_if.setText(stop_if_text(exercise.stop_if) if exercise else "")
        self.stop_if.setVisible(bool(exercise and exercise.stop_if))

    def show_caption(self, text: str) -> None:
        """The cue the speaker has just reached (between the once-a-second display updates).

        "Next up: ..." and the step being read are on screen already: not repeated here."""
        step = self._state.step_text if self._state is not None else None
        if self._is_finished() or (text and text in (self.next_up.text(), step)):
            return
        self.caption_label.setText(text)

    def show_notice(self, text: str) -> None:
        self.notice_label.setText(text)
        self.notice_label.show()

    def show_stopped_for_pain(self, event: ExerciseStoppedForPain) -> None:
        """"This hurts" stopped an exercise: say so until the next one begins (app.py may put
        the offer of an easier version in its place)."""
        name = self.controller.plan.items[event.item_index].exercise.name
        self._pain_notice_item = event.item_index
        self.show_notice(f"{name} stopped. {HURTS_ADVICE}")

    def offer_easier(self, exercise_id: str, text: str, button_text: str) -> None:
        """After "this hurts": show which gentler exercise is offered (app.py decides which,
        from the catalogue) and put a button for it on the finished page. It runs after this
        session, on its own; the routine carries on meanwhile."""
        self.show_notice(text)
        if exercise_id in self.easier_buttons:
            return
        offer = button(button_text, button_text)
        offer.setMinimumHeight(44)
        offer.clicked.connect(lambda _=False: self.easier_requested.emit(exercise_id))
        self.finished_view.offers.addWidget(offer, 0, Qt.AlignmentFlag.AlignLeft)
        self.easier_buttons[exercise_id] = offer

    def show_finished(self, result: SessionResult) -> None:
        self.setWindowTitle(window_title(self.controller.state, self.controller.plan.name))
        self.finished_view.show_result(result, presenter=self.presenter)
        self.stack.setCurrentWidget(self.finished_view)
        self.finished_view.close_button.setFocus()

    def _muted(self, muted: bool) -> None:
        self.buttons["mute"].setText("Unmute" if muted else "Mute")
        self.buttons["mute"].setAccessibleName(
            "Voice is off: turn it on" if muted else "Voice is on: turn it off")

    # --- actions ----------------------------------------------------------------------------

    def ask_stop(self) -> None:
        """Esc: ask before stopping (paused while asking); on the finished page, close."""
        if self._is_finished() or self.controller.engine.finished:
            self.close()
            return
        was_running = self.controller.engine.running
        if was_running:
            self.controller.pause()
        stop = self.prompts.confirm(
            self, "Stop the session?",
            "Stop this session now? What you have done so far is kept.",
            yes="Stop the session", no="Carry on")
        if stop:
            self.controller.stop()
        elif was_running:
            self.controller.resume()

    def toggle_fullscreen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def _fullscreen_changed(self) -> None:
        full = self.isFullScreen()
        b = self.buttons["fullscreen"]
        b.setText(LEAVE_FULL_SCREEN_TEXT if full else FULL_SCREEN_TEXT)
        b.setAccessibleName("Leave full screen" if full else "Full screen")

    # --- Qt events --------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        # Return/Enter presses the focused button (Space is kept for pause).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            if isinstance(focused, QPushButton) and focused.isEnabled():
                focused.click()
                return
        super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if self.focusWidget() is None or not self.focusWidget().isVisible():
            self.buttons["pause"].setFocus(Qt.FocusReason.OtherFocusReason)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self.apply_fonts()  # the text size setting changed the app's font
        elif event.type() == QEvent.Type.WindowStateChange:
            self._fullscreen_changed()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if event.size().height() != event.oldSize().height():
            self.apply_fonts()  # type grows with the window

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if not self._closing:
            self._closing = True
            self.controller.close()
            self.closed.emit()
        super().closeEvent(event)

    # --- for tests and tools ----------------------------------------------------------------

    @property
    def state(self) -> DisplayState | None:
        return self._state
