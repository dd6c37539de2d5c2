"""Render the app's main screens to PNG for the README (`make screenshots`).

    .venv/bin/python tools/screenshots.py docs/screenshots [--theme light]

Headless (QT_QPA_PLATFORM=offscreen unless a platform is set; set QT_SCALE_FACTOR=2 to check
200% scaling). The session is driven by a fake clock with a recording speaker, so every run
draws the same moment. Each screen is drawn twice, at the smallest text size (NAME.png) and at
the largest (NAME-largest-text.png), each time as the app starts at that size, at the default
window size (1100x760):

- home                  the Home page with today's routine and the demo history's week
- session-get-ready     "Get into position" before the first exercise
- session-hold          knee to chest in the middle of a hold (second rep)
- session-tempo         the bridge in the middle of a tempo part ("lift", "hold", "lower")
- session-rest          the rest between two exercises
- session-end           the end page of a routine done in full
- editor                the routine editor on a built-in routine, its first exercise chosen
- progress              the Progress tab over ten weeks of a demo history (1100x1300)

and once, at the smallest text size:

- exercises.png         the Exercises browser with the bridge selected
- presenter.png         presenter mode (1280x720), knee to chest in the middle of a hold
- session-800x600.png and session-800x600-largest-text.png: the smallest window, at the
                        smallest and the largest text size (nothing may be cut off)
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
from coach.core.routine_draft import RoutineDraft  # noqa: E402
from coach.core.stats import home_summary  # noqa: E402
from coach.paths import assets_dir, default_catalogue  # noqa: E402
from coach.settings import Theme  # noqa: E402
from coach.speech.fake import FakeSpeaker  # noqa: E402
from coach.speech.settings import SpeechSettings  # noqa: E402
from coach.storage.history import HistoryStore  # noqa: E402
from coach.ui.main_window import MainWindow  # noqa: E402
from coach.ui.presenter import PresenterWindow  # noqa: E402
from coach.ui.progress_view import ProgressView  # noqa: E402
from coach.ui.prompts import Prompts  # noqa: E402
from coach.ui.qt_compat import protect_singletons  # noqa: E402
from coach.ui.routine_editor import RoutineEditor  # noqa: E402
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
            stop: Callable[[Phase], bool] | None) -> SessionController:
    """A session driven on a fake clock until `stop(phase)` holds 40% into that phase, or
    (`stop` None) to its end, every open-ended phase ended after 10 s."""
    plan = plan_routine(catalogue, routine, PlanSettings(prepare_seconds=5))
    clock = FakeClock(0.0)
    controller = SessionController(
        plan, clock=clock, speech=SpeechSettings(), speaker_factory=lambda *a, **k: FakeSpeaker(),
        ticker_factory=None, presenter=presenter)
    controller.start()
    engine: SessionEngine = controller.engine
    for _ in range(100_000):
        phase = engine.phase
        if stop is None and engine.finished:
            return controller
        if stop is not None and stop(phase):
            target = clock.now() + (phase.duration or 10) * 0.4
            while clock.now() < target:  # second by second, as the timer would
                clock.set(min(target, clock.now() + 1.0))
                engine.tick(clock.now())
            return controller
        if phase.duration is None and stop is None:
            clock.set(clock.now() + 10)
            engine.skip(clock.now())
            continue
        wake = engine.next_wakeup(clock.now())
        if wake is None:
            break
        clock.set(max(wake, clock.now()))
        engine.tick(clock.now())
    raise SystemExit("screenshots: the session never reached the phase wanted")


def second_hold_of(exercise_id: str) -> Callable[[Phase], bool]:
    return lambda p: (p.kind is PhaseKind.HOLD and p.exercise_id == exercise_id
                      and p.rep_number == 2)


def kind_in(exercise_id: str | None, kind: PhaseKind, rep: int = 1) -> Callable[[Phase], bool]:
    return lambda p: (p.kind is kind and (exercise_id is None or p.exercise_id == exercise_id)
                      and (p.rep_number or 1) >= rep)


#: Each session picture: (file name, routine, where to stop; None: at the end).
SESSION_SHOTS: tuple[tuple[str, str, Callable[[Phase], bool] | None], ...] = (
    ("session-get-ready", "core-and-glutes", kind_in(None, PhaseKind.PREPARE)),
    ("session-hold", "gentle-daily-stretch", second_hold_of("knee-to-chest")),
    ("session-tempo", "core-and-glutes", kind_in("bridge", PhaseKind.TEMPO, rep=2)),
    ("session-rest", "core-and-glutes", kind_in(None, PhaseKind.REST_BETWEEN)),
    ("session-end", "desk-break", None),
)

#: The smallest and the largest text size of the settings, and the file names' suffix.
TEXT_SIZES = ((1.0, ""), (2.0, "-largest-text"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--theme", choices=[t.value for t in Theme], default="light")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    app = QApplication.instance() or new_application(sys.argv)
    protect_singletons()
    theme = Theme(args.theme)
    catalogue = load_catalogue([default_catalogue()], assets_dir=assets_dir())
    for scale, suffix in TEXT_SIZES:  # as the app starts at that text size
        apply_theme(app, theme, scale)
        every_text_size(app, catalogue, args.out, suffix)
    apply_theme(app, theme, 1.0)
    once(app, catalogue, args.out, theme)
    return 0


def every_text_size(app: QApplication, catalogue: Catalogue, out: Path, suffix: str) -> None:
    window = MainWindow(catalogue, routine_id="core-and-glutes")
    with tempfile.TemporaryDirectory() as tmp:
        store, today = demo_history(Path(tmp) / "history.db")
        window.home.set_progress(*home_summary(
            store.sessions(), today=today,
            goal=catalogue.routine("core-and-glutes").sessions_per_week))
        store.close()
    window.resize(1100, 760)
    window.show()
    settle(app, window)
    save(window, out / f"home{suffix}.png")
    window.close()

    for name, routine, stop in SESSION_SHOTS:
        win = SessionWindow(session(catalogue, routine, stop=stop))
        win.resize(1100, 760)
        win.show()
        settle(app, win)
        save(win, out / f"{name}{suffix}.png")
        win.close()

    draft = RoutineDraft.from_routine(catalogue.routine("core-and-glutes"), catalogue,
                                      assets_dir=assets_dir(), in_place=False)
    editor = RoutineEditor(draft, prompts=Prompts())
    editor.resize(1180, 760)
    editor.show()
    settle(app, editor)
    save(editor, out / f"editor{suffix}.png")
    editor.draft.mark_saved()
    editor.close()

    progress = ProgressView({e.id: e.name for e in catalogue.exercises.values()})
    with tempfile.TemporaryDirectory() as tmp:
        store, today = demo_history(Path(tmp) / "history.db")
        progress.set_report(store.progress(today))
        store.close()
    progress.resize(1100, 1300)
    progress.show()
    settle(app, progress)
    save(progress, out / f"progress{suffix}.png")
    progress.close()


def once(app: QApplication, catalogue: Catalogue, out: Path, theme: Theme) -> None:
    window = MainWindow(catalogue, routine_id="core-and-glutes")
    window.resize(1100, 760)
    window.show()
    window.tabs.setCurrentIndex(2)
    window.exercises.select("bridge")
    settle(app, window)
    save(window, out / "exercises.png")
    window.close()

    for scale, suffix in TEXT_SIZES:
        apply_theme(app, theme, scale)
        controller = session(catalogue, "gentle-daily-stretch",
                             stop=second_hold_of("knee-to-chest"))
        win = SessionWindow(controller)
        win.resize(800, 600)
        win.show()
        settle(app, win)
        save(win, out / f"session-800x600{suffix}.png")
        win.close()
    apply_theme(app, theme, 1.0)

    demo = Routine(id="presentation", name="Knee to chest stretch", description="",
                   items=(RoutineItem("knee-to-chest"), RoutineItem("hamstring-stretch")))
    controller = session(catalogue, demo, presenter=True, stop=second_hold_of("knee-to-chest"))
    presenter = PresenterWindow(controller)
    presenter.resize(1280, 720)
    presenter.show()
    settle(app, presenter)
    save(presenter, out / "presenter.png")
    presenter.close()


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
