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
import random
import sys
import tempfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from coach.core.catalogue import load_catalogue  # noqa: E402
from coach.core.clock import FakeClock  # noqa: E402
from coach.core.engine import SessionEngine  # noqa: E402
from coach.core.models import Catalogue, Routine, RoutineItem  # noqa: E402
from coach.core.plan import Phase, PhaseKind, PlanSettings, plan_routine  # noqa: E402
from coach.core.records import Outcome, PainScore, SetRecord  # noqa: E402
from coach.paths import ASSETS_DIR, DEFAULT_CATALOGUE  # noqa: E402
from coach.settings import Theme  # noqa: E402
from coach.speech.fake import FakeSpeaker  # noqa: E402
from coach.speech.settings import SpeechSettings  # noqa: E402
from coach.storage.history import HistoryStore  # noqa: E402
from coach.ui.main_window import MainWindow  # noqa: E402
from coach.ui.presenter import PresenterWindow  # noqa: E402
from coach.ui.progress_view import ProgressView  # noqa: E402
from coach.ui.qt_compat import protect_singletons  # noqa: E402
from coach.ui.session_controller import SessionController  # noqa: E402
from coach.ui.session_window import SessionWindow  # noqa: E402
from coach.ui.theme import apply_theme, new_application  # noqa: E402


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

    app = QApplication.instance() or new_application(sys.argv)
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

    progress = ProgressView({e.id: e.name for e in catalogue.exercises.values()})
    with tempfile.TemporaryDirectory() as tmp:
        store, today = demo_history(Path(tmp) / "history.db")
        progress.set_report(store.progress(today))
        store.close()
    progress.resize(1100, 1300)
    progress.show()
    settle(app, progress)
    save(progress, args.out / "progress.png")
    progress.close()
    return 0


def demo_history(path: Path) -> tuple[HistoryStore, date]:
    """Ten weeks of core-and-glutes, four or five sessions a week, pain easing, plank growing."""
    rng = random.Random(7)
    tz = ZoneInfo("Europe/London")
    first = datetime(2026, 9, 14, 8, 30, tzinfo=tz)  # a Monday
    today = (first + timedelta(weeks=9, days=3)).date()
    store = HistoryStore.open(path, now=lambda: datetime.combine(today, time(20), tz),
                              backup=False)
    for week in range(10):
        days = sorted(rng.sample(range(7), 5 if week % 3 else 4))
        for day in days:
            start = first + timedelta(weeks=week, days=day)
            if start.date() > today:
                continue
            leg = max(1, 6 - week // 2 + rng.choice((-1, 0, 0, 1)))
            back = max(1, 5 - week // 3 + rng.choice((-1, 0, 1)))
            sid = store.start_session("core-and-glutes", "Core and glutes", start, weekly_goal=4,
                                      pain_before=PainScore(back, leg))
            hold = (30, 30, 30, 45, 45, 45, 45, 60, 60, 60)[week]
            at = start
            for exercise_id, reps, hold_s in (("pelvic-tilt", 10, 5), ("bridge", 10, 7),
                                              ("plank", 1, hold)):
                for n in (1, 2):
                    at += timedelta(minutes=2)
                    store.record_set(sid, SetRecord(
                        exercise_id=exercise_id, set_number=n, completed_at=at,
                        reps_done=reps, reps_planned=reps, hold_seconds=hold_s,
                        hold_seconds_planned=hold_s, work_seconds=reps * hold_s))
            store.finish_session(sid, at + timedelta(minutes=1), Outcome.COMPLETED,
                                 pain_after=PainScore(back, max(0, leg - 1)))
    return store, today


if __name__ == "__main__":
    raise SystemExit(main())
