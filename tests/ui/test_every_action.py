"""Every action a person can reach in the window works, through the real widgets and dialogs.

The real app is built on a temporary data folder (real settings, real SQLite history, real
catalogue files, the real `Prompts`); nothing here replaces a dialog. Every question is answered
by `tests.helpers.modal_answerer.ModalAnswerer`, as a person would. The walk finds what to press
by introspection, so a menu entry or button added later is pressed without editing this file:

- every enabled QAction of the main window's menus, sub-menus included (Quit last);
- every visible, enabled button (QAbstractButton) of every tab, the Exercises tab once for an
  exercise of each kind (held, reps, tempo, two-sided, timed activity, open-ended, heat or cold);
- every window such an action opens besides a session (the routine editor): its actions and
  buttons, then it is closed;
- the session window's buttons in every kind of phase of a routine that has them all, and on
  the end page; the same for presenter mode, whose controls are keys.

Sessions run on a fake clock (`app.session_clock`) that moves only when the walk moves it, and
speak through the app's own captions-only speaker. The test fails on an exception in a slot
(the app's crash handler is installed: its crash dialog is recorded by the answerer), a Qt
warning (`qt_log_level_fail`), a dialog stuck or left open, or fewer actions walked than today.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QApplication, QMainWindow, QMenu, QWidget

from coach.app import CoachApp
from coach.core.clock import FakeClock
from coach.core.models import DoseKind, Sides
from coach.core.plan import PhaseKind, plan_routine
from coach.core.thermal import is_thermal
from coach.ui.session_window import SessionWindow
from tests.helpers.modal_answerer import ModalAnswerer
from tests.helpers.real_app import real_app
from tests.ui.test_app_sessions import restore_app_look  # noqa: F401 (autouse fixture)

# The offscreen platform says these when a window is shown or raised; harmless.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints",
                                       "This plugin does not support raise")

#: Actions the walk leaves out, each "Where > what" with why. Empty is the goal: remove an entry
#: the day its defect is mended.
KNOWN_BROKEN: dict[str, str] = {}

#: The walk pressed this many controls the day it was written; fewer means the introspection
#: broke (a walk that finds nothing must not pass).
AT_LEAST = 246

#: A user catalogue file with what the shipped catalogue lacks (an open-ended activity), and a
#: routine with every kind of phase: get ready, hold, relax, switch sides, tempo, rest between
#: sets and between exercises, a timed activity, an open-ended one.
EXTRA_CATALOGUE = """\
schema = 1

[[exercise]]
id = "free-walk"
name = "Free walk"
category = "aerobic"
summary = "Walk for as long as feels good."
position = "standing"
steps = ["Walk at an easy pace.", "Stop when you have had enough."]
open_ended = true

[[routine]]
id = "every-phase"
name = "Every phase"
description = "A routine with every kind of phase, for the walk."
rest_between_seconds = 5

[[routine.item]]
exercise = "knee-to-chest"
reps = 2
hold_seconds = 5

[[routine.item]]
exercise = "bridge"
reps = 2
sets = 2

[[routine.item]]
exercise = "walking"
duration_seconds = 20

[[routine.item]]
exercise = "free-walk"
"""

WALK_ROUTINE = "every-phase"

log = logging.getLogger(__name__)


def flush() -> None:
    """Let what the last action queued run (a deferred crash report, a question asked once a
    session has ended): a few turns of the event loop, never a wait."""
    for _ in range(3):
        QCoreApplication.processEvents()


def visible_buttons(root: QWidget) -> list[QAbstractButton]:
    return [b for b in root.findChildren(QAbstractButton) if b.isVisible() and b.isEnabled()]


def label(widget: QAbstractButton | QAction) -> str:
    text = widget.text().replace("&", "") or getattr(widget, "accessibleName", lambda: "")()
    return text or type(widget).__name__


def menu_actions(menu: QMenu, path: str) -> list[tuple[str, QAction]]:
    """Every action of `menu` and its sub-menus, as ("File > Visit report…", action)."""
    found: list[tuple[str, QAction]] = []
    for action in menu.actions():
        if action.isSeparator():
            continue
        where = f"{path} > {label(action)}"
        if action.menu() is not None:
            found += menu_actions(action.menu(), where)
        else:
            found.append((where, action))
    return found


def exercise_kinds(catalogue) -> dict[str, list[str]]:
    """An exercise of each kind a person can try (the first of each in the catalogue), with
    the kinds it stands for."""
    def kind(ex) -> list[str]:
        dose = ex.dose
        kinds = []
        if is_thermal(ex):
            kinds.append("heat or cold")
        elif dose.open_ended:
            kinds.append("open-ended activity")
        elif dose.kind is DoseKind.DURATION:
            kinds.append("timed activity")
        elif dose.kind is DoseKind.TEMPO:
            kinds.append("tempo")
        elif dose.reps > 1:
            kinds.append("held reps")
        else:
            kinds.append("timed hold")
        if dose.sides is Sides.EACH:
            kinds.append("two-sided")
        return kinds

    chosen: dict[str, str] = {}
    for ex in catalogue.exercises.values():
        for k in kind(ex):
            chosen.setdefault(k, ex.id)
    by_exercise: dict[str, list[str]] = {}
    for k, exercise_id in chosen.items():
        by_exercise.setdefault(exercise_id, []).append(k)
    return by_exercise


class Walk:
    """Presses things and keeps score: `walked` (what was pressed), `problems` (what went
    wrong, each naming the action)."""

    def __init__(self, app: CoachApp, qtbot, answerer: ModalAnswerer, clock: FakeClock):
        self.app = app
        self.qtbot = qtbot
        self.answerer = answerer
        self.clock = clock
        self.walked: list[str] = []
        self.skipped: list[str] = []
        self.problems: list[str] = []
        self.presenting = False

    def report(self, answerer: ModalAnswerer) -> str:
        lines = [f"pressed: {w}" for w in self.walked]
        lines += [f"left out: {w}" for w in self.skipped]
        lines += [f"warning shown: {t}" for t in answerer.warnings]
        lines += [f"answered: {t}" for t in answerer.answered]
        return "\n".join(lines)

    # --- pressing ---------------------------------------------------------------------------

    def press(self, where: str, do: Callable[[], None]) -> bool:
        """Press one thing (`do`), answer what it opens, then check nothing went wrong."""
        if where in KNOWN_BROKEN:
            self.skipped.append(where)
            return False
        with self.watching(where):
            do()
            self.settle()
        self.walked.append(where)
        return True

    @contextmanager
    def watching(self, where: str) -> Iterator[None]:
        """A crash, or a dialog that would not close, while doing something, as a problem."""
        crashes, stuck = len(self.answerer.crashes), len(self.answerer.stuck)
        yield
        for text in self.answerer.crashes[crashes:]:
            self.problems.append(f"{where}: crash\n{text.strip().splitlines()[-1]}\n{text}")
        for text in self.answerer.stuck[stuck:]:
            self.problems.append(f"{where}: {text}")

    def settle(self) -> None:
        """Every dialog answered, and whatever the answers queued done too."""
        for _ in range(20):
            flush()
            if self.answerer.quiet():
                return
            self.qtbot.waitUntil(self.answerer.quiet, timeout=20_000)
        raise AssertionError("dialogs kept opening")

    # --- windows an action opened --------------------------------------------------------------

    def windows(self) -> set[QWidget]:
        return {w for w in QApplication.topLevelWidgets()
                if isinstance(w, QMainWindow) and w.isVisible()}

    def close_session(self) -> None:
        window = self.app.session_window
        if window is not None:
            window.close()
            self.settle()
        assert self.app.session_window is None

    def tidy(self, before: set[QWidget], where: str, *, walk_new: bool) -> None:
        """Close a session an action started; walk, then close, any other window it opened."""
        self.close_session()
        for window in self.windows() - before:
            if walk_new and not isinstance(window, SessionWindow):
                self.walk_window(window, f"{where} > {window.windowTitle()}")
            with self.answerer.choosing("Close the routine editor?", "Close without saving"):
                window.close()
                self.settle()
            self.close_session()  # the window may have started one (an editor's Demo)
            if shiboken6.isValid(window) and window.isVisible():
                self.problems.append(f"{where}: the window '{window.windowTitle()}' would "
                                     "not close")

    def walk_window(self, window: QMainWindow, where: str) -> None:
        """A window an action opened: its actions (menus, toolbars, shortcuts), its buttons."""
        actions = [a for a in window.actions() if not a.isSeparator()]
        for _path, a in menu_actions(window.menuBar(), where) if window.menuBar() else []:
            if a not in actions:
                actions.append(a)
        for action in actions:
            if not (window.isVisible() and action.isEnabled()):
                self.skipped.append(f"{where} > {label(action)} (disabled)")
                continue
            before = self.windows()
            self.press(f"{where} > {label(action)}", action.trigger)
            self.tidy(before, where, walk_new=False)
        self.walk_buttons(window, where, walk_new=False)

    # --- pages ----------------------------------------------------------------------------------

    def walk_buttons(self, root: QWidget, where: str, *, walk_new: bool,
                     again: Callable[[], QWidget] | None = None) -> None:
        """Press each visible, enabled button of `root` once. `again` brings the page back
        (and returns it) before each press: a press may rebuild it or switch tabs."""
        labels = [label(b) for b in visible_buttons(root)]
        for n, text in enumerate(labels):
            page = again() if again is not None else root
            if not page.isVisible():
                return
            buttons = visible_buttons(page)
            button = (buttons[n] if len(buttons) == len(labels)
                      else next((b for b in buttons if label(b) == text), None))
            if button is None:
                self.skipped.append(f"{where} > {text} (gone after an earlier press)")
                continue
            before = self.windows()
            self.press(f"{where} > {label(button)}", button.click)
            self.tidy(before, f"{where} > {text}", walk_new=walk_new)

    def walk_tabs(self) -> None:
        window = self.app.window
        tabs = window.tabs
        for index in range(tabs.count()):
            title = tabs.tabText(index).replace("&", "")

            def show(index: int = index) -> QWidget:
                tabs.setCurrentIndex(index)
                page = tabs.widget(index)
                page = window.page_of(page) if type(page).__name__ == "_LazyPage" else page
                flush()  # a page built just now is shown on the next turn of the event loop
                return page

            page = show()
            if page is window.exercises:
                for exercise_id, kinds in exercise_kinds(self.app.catalogue).items():
                    def with_exercise(show=show, exercise_id=exercise_id) -> QWidget:
                        page = show()
                        window.exercises.select(exercise_id)
                        return page

                    with_exercise()
                    self.walk_buttons(page, f"{title} ({', '.join(kinds)}: {exercise_id})",
                                      walk_new=True, again=with_exercise)
            else:
                self.walk_buttons(page, title, walk_new=True, again=show)

    def walk_menus(self) -> None:
        """Every menu action in menu order; one that closes the window (Quit) has the window
        shown again, and is pressed once more at the very end."""
        window = self.app.window
        closers: list[tuple[str, QAction]] = []
        for where, action in menu_actions(window.menuBar(), "Menu"):
            if not action.isEnabled():
                self.skipped.append(f"{where} (disabled)")
                continue
            before = self.windows()
            self.press(where, action.trigger)
            if not window.isVisible():
                closers.append((where, action))
                window.show()
                self.qtbot.waitExposed(window)
            self.tidy(before, where, walk_new=True)
        for where, action in closers:
            self.press(f"{where} (again, last)", action.trigger)

    # --- the session window ---------------------------------------------------------------------

    def start_session(self) -> SessionWindow:
        """The walk's routine as a patient's session (Start, with the safety questions), or,
        with `self.presenting`, as a demonstration in presenter mode."""
        if self.presenting:
            plan = plan_routine(self.app.catalogue, WALK_ROUTINE, self.app.plan_settings())
            self.app.open_session(plan, presenter=True)
        else:
            self.app.start_routine(WALK_ROUTINE)
        self.settle()
        window = self.app.session_window
        assert window is not None, (f"the walk's routine did not start:\n"
                                    f"{self.report(self.answerer)}")
        return window

    def advance(self) -> None:
        """On to the next phase: to its deadline on the clock, or "Done" when open-ended."""
        session = self.app.session
        engine = session.engine
        if engine.phase.duration is None:
            session.skip()
            return
        start = engine.phase
        while not engine.finished and engine.phase is start:
            wake = engine.next_wakeup(self.clock.now())
            if wake is None:
                return
            self.clock.set(max(wake, self.clock.now()))
            engine.tick(self.clock.now())

    def reach(self, kind: PhaseKind | None) -> SessionWindow:
        """A session window in a phase of `kind` (None: on the end page), starting a new
        session when the running one has gone past it."""
        for _attempt in range(2):
            if self.app.session_window is None:
                self.start_session()
            window = self.app.session_window
            session = self.app.session
            for _ in range(500):
                engine = session.engine
                if engine.finished:
                    if kind is None:
                        return window
                    break
                if kind is not None and engine.phase.kind is kind and not engine.paused:
                    return window
                with self.watching(f"running the session on to a {kind} phase"):
                    if engine.paused:
                        session.resume()
                    self.advance()
                    if engine.finished:  # the questions after a session
                        self.settle()
                    else:
                        flush()
                if self.app.session_window is not window:
                    break
            self.close_session()
        raise AssertionError(f"no {kind} phase in the walk's routine")

    def walk_session(self, *, presenting: bool = False) -> None:
        """Each control of the session window (patient's, or presenter mode's) in each kind of
        phase of the walk's routine, and on the end page."""
        self.presenting = presenting
        title = "Presenting" if presenting else "Session"
        self.start_session()
        kinds = list(dict.fromkeys(p.kind for p in self.app.session.plan.phases
                                   if p.kind is not PhaseKind.FINISHED))
        self.close_session()
        for kind in [*kinds, None]:
            name = f"{title} ({'end page' if kind is None else kind.value})"
            labels = [text for text, _ in controls(self.reach(kind))]
            for n, text in enumerate(labels):
                window = self.reach(kind)
                found = controls(window)
                press = (found[n] if len(found) == len(labels)
                         else next((c for c in found if c[0] == text), None))
                if press is None:
                    self.skipped.append(f"{name} > {text} (not shown now)")
                    continue
                before = self.windows() - {window}
                self.press(f"{name} > {press[0]}", press[1])
                if self.app.session_window is not window:  # e.g. "Try … instead"
                    self.tidy(before, f"{name} > {text}", walk_new=False)
        self.close_session()


def controls(window: QWidget) -> list[tuple[str, Callable[[], None]]]:
    """What a person can press in `window`: its visible buttons, then its keyboard actions
    that no visible button stands for (all of them in presenter mode, worked from the
    keyboard or a clicker; Back on its end page)."""
    buttons = visible_buttons(window)
    shown = {b.accessibleName() for b in buttons} | {label(b) for b in buttons}
    found = [(label(b), b.click) for b in buttons]
    found += [(f"{label(a)} ({a.shortcut().toString()})", a.trigger) for a in window.actions()
              if a.isEnabled() and not a.isSeparator() and label(a) not in shown]
    return found


@pytest.fixture
def walk_app(qtbot, tmp_path, monkeypatch):
    extra = tmp_path / "walk-catalogue.toml"
    extra.write_text(EXTRA_CATALOGUE, encoding="utf-8")
    with real_app(qtbot, tmp_path, monkeypatch, catalogue=[extra]) as real:
        yield real.app, real.clock, real.opener


def test_every_menu_item_tab_button_and_session_control_works_with_the_real_dialogs(
        walk_app, qtbot, tmp_path, record_property):
    app, clock, opener = walk_app
    earlier = {w for w in QApplication.topLevelWidgets() if w.isVisible()}  # other tests'
    with ModalAnswerer(tmp_path / "files") as answerer:
        walk = Walk(app, qtbot, answerer, clock)
        app.start()
        qtbot.waitUntil(lambda: app.settings.disclaimer_seen, timeout=20_000)
        walk.settle()
        walk.walk_tabs()
        walk.walk_session()
        walk.walk_session(presenting=True)
        walk.walk_menus()  # Quit is last: it closes the window
        walk.settle()
        left = [f"{type(w).__name__} '{w.windowTitle()}'" for w in QApplication.topLevelWidgets()
                if w.isVisible() and w not in earlier]
    record_property("actions_walked", len(walk.walked))
    log.info("%d actions walked, %d left out (see with -o log_cli=true --log-cli-level=INFO)\n"
             "%s", len(walk.walked), len(walk.skipped), walk.report(answerer))
    assert not walk.problems, "\n\n".join(walk.problems)
    assert not left, f"windows or dialogs left open: {left}"
    assert not app.window.isVisible(), "Quit did not close the window"
    assert len(walk.walked) >= AT_LEAST, f"only {len(walk.walked)} actions walked"
    assert all(p.exists() for p in opener.opened), opener.opened
