"""Render the app's main screens to PNG for the README (`make screenshots`).

    .venv/bin/python tools/screenshots.py docs/screenshots [--theme light]

Headless (QT_QPA_PLATFORM=offscreen unless a platform is set; set QT_SCALE_FACTOR=2 to check
200% scaling). The session is driven by a fake clock with a recording speaker, so every run
draws the same moment:

- home.png            the Home page with today's routine
- exercises.png       the Exercises browser with the bridge selected
- session.png         the session window in the middle of a hold
- presenter.png       presenter mode (1280x720), knee to chest in the middle of a hold
- session-800x600.png and session-800x600-largest-text.png: the smallest window, at the normal
                      and the largest text size (nothing may be cut off)
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from coach.core.catalogue import load_catalogue  # noqa: E402
from coach.core.clock import FakeClock  # noqa: E402
from coach.core.engine import SessionEngine  # noqa: E402
from coach.core.models import Catalogue, Routine, RoutineItem  # noqa: E402
from coach.core.plan import Phase, PhaseKind, PlanSettings, plan_routine  # noqa: E402
from coach.paths import ASSETS_DIR, DEFAULT_CATALOGUE  # noqa: E402
from coach.settings import Theme  # noqa: E402
from coach.speech.fake import FakeSpeaker  # noqa: E402
from coach.speech.settings import SpeechSettings  # noqa: E402
from coach.ui.main_window import MainWindow  # noqa: E402
from coach.ui.presenter import PresenterWindow  # noqa: E402
from coach.ui.qt_compat import protect_singletons  # noqa: E402
from coach.ui.session_controller import SessionController  # noqa: E402
from coach.ui.session_window import SessionWindow  # noqa: E402
from coach.ui.theme import apply_theme  # noqa: E402


def settle(app: QApplication, widget: QWidget) -> None:
    """Let pending layout and paint events run so the grab shows the final layout."""
    for _ in range(5):
        app.processEvents()


def save(widget: QWidget, path: Path) -> None:
    if not widget.grab().save(str(path)):
        raise SystemExit(f"screenshots: could not write {path}")
    print(f"wrote {path}")


def session(catalogue: Catalogue, routine: Routine | str, *, presenter: bool = False,
            stop: Callable[[Phase], bool]) -> SessionController:
    """A session driven on a fake clock until `stop(phase)` holds 40% into that phase."""
    plan = plan_routine(catalogue, routine, PlanSettings(prepare_seconds=5))
    clock = FakeClock(0.0)
    controller = SessionController(
        plan, clock=clock, speech=SpeechSettings(), speaker_factory=lambda *a, **k: FakeSpeaker(),
        ticker_factory=None, presenter=presenter)
    controller.start()
    engine: SessionEngine = controller.engine
    for _ in range(100_000):
        phase = engine.phase
        if stop(phase):
            target = clock.now() + (phase.duration or 10) * 0.4
            while clock.now() < target:  # second by second, as the timer would
                clock.set(min(target, clock.now() + 1.0))
                engine.tick(clock.now())
            return controller
        wake = engine.next_wakeup(clock.now())
        if wake is None:
            break
        clock.set(max(wake, clock.now()))
        engine.tick(clock.now())
    raise SystemExit("screenshots: the session never reached the phase wanted")


def second_hold_of(exercise_id: str) -> Callable[[Phase], bool]:
    return lambda p: (p.kind is PhaseKind.HOLD and p.exercise_id == exercise_id
                      and p.rep_number == 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--theme", choices=[t.value for t in Theme], default="light")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    protect_singletons()
    theme = Theme(args.theme)
    apply_theme(app, theme, 1.0)
    catalogue = load_catalogue([DEFAULT_CATALOGUE], assets_dir=ASSETS_DIR)

    window = MainWindow(catalogue, routine_id="core-and-glutes")
    window.resize(1100, 760)
    window.show()
    settle(app, window)
    save(window, args.out / "home.png")
    window.tabs.setCurrentIndex(2)
    window.exercises.select("bridge")
    settle(app, window)
    save(window, args.out / "exercises.png")
    window.close()

    controller = session(catalogue, "gentle-daily-stretch", stop=second_hold_of("knee-to-chest"))
    win = SessionWindow(controller)
    win.resize(1100, 760)
    win.show()
    settle(app, win)
    save(win, args.out / "session.png")
    for scale, name in ((1.0, "session-800x600.png"), (2.0, "session-800x600-largest-text.png")):
        apply_theme(app, theme, scale)
        win.resize(800, 600)
        settle(app, win)
        save(win, args.out / name)
    apply_theme(app, theme, 1.0)
    win.close()

    demo = Routine(id="presentation", name="Knee to chest stretch", description="",
                   items=(RoutineItem("knee-to-chest"), RoutineItem("hamstring-stretch")))
    controller = session(catalogue, demo, presenter=True, stop=second_hold_of("knee-to-chest"))
    presenter = PresenterWindow(controller)
    presenter.resize(1280, 720)
    presenter.show()
    settle(app, presenter)
    save(presenter, args.out / "presenter.png")
    presenter.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
