"""Names in a prescription are text, never HTML: a prescription whose exercise and routine names
are `<img src=...>` tags, opened in the real app (`coach FILE.toml`), shown on every page, in
the dialogs that name them and in both PDFs, never makes Qt open a file.

The tour runs in a child process (`tests.helpers.hostile_tour`) under a memory limit and a
timeout: a name pointing at /dev/zero made Qt read it until memory ran out, so a regression is
a failed test, not a hung run. This process watches a canary file named in the prescription
with inotify (`tests.helpers.file_watch`): the kernel reports any open of it, whichever code
path opens it, where an access time would depend on the mount options.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from coach.catalogue_files import load_app_catalogue
from coach.core.prescription import export_prescription
from coach.core.records import Screening, SetRecord
from coach.core.safety import RED_FLAGS
from coach.paths import assets_dir, resolve
from coach.storage.history import HistoryStore
from tests.cli.test_handout_report import pdf_text
from tests.helpers.file_watch import FileWatch

ROOT = Path(__file__).resolve().parents[2]
#: Address space for the child: several times what the tour needs, far less than reading
#: /dev/zero takes before it gives up.
MEMORY_LIMIT = 3 * 1024**3
TIMEOUT_SECONDS = 120
#: How much the second tour of the same pages may grow the process.
FLAT_KIB = 8 * 1024
#: How much the whole tour may grow it (pages, charts and PDFs built once: about 25 MB).
TOUR_KIB = 80 * 1024


def hostile_prescription(tmp_path: Path, canary: Path) -> Path:
    """The core routine as a prescription, its bridge renamed to HTML that loads the canary
    and /dev/zero, the routine's name and description likewise. Names are at most 80
    characters, so they name the canary relative to the folder the app runs in."""
    catalogue = load_app_catalogue(resolve(tmp_path / "physio"))
    exercise = dataclasses.replace(
        catalogue.exercises["bridge"], id="hostile-bridge",
        name=f'<img src="{canary.name}"><b>Bridge</b> & <img src="/dev/zero">',
        summary=f'<img src="file://{canary}"> Lift your hips.')
    catalogue.exercises[exercise.id] = exercise
    core = catalogue.routine("core-and-glutes")
    routine = dataclasses.replace(
        core, id="hostile", name=f'<i>Core</i> <img src="{canary.name}"><img src="file:///dev/zero">',
        description=f'<img src="file://{canary}">',
        items=tuple(dataclasses.replace(i, exercise_id=exercise.id) if i.exercise_id == "bridge"
                    else i for i in core.items))
    rx = tmp_path / "hostile.toml"
    rx.write_text(export_prescription(catalogue, routine, shipped=set(catalogue.exercises)
                                      - {exercise.id}, assets_dir=assets_dir()), encoding="utf-8")
    return rx


def history_with_the_exercise(data: Path) -> None:
    """Today's red-flag screen answered (no first-run screen), the disclaimer seen, and sets of
    the hostile exercise over the last weeks (so Progress has its chart)."""
    (data / "config").mkdir(parents=True)
    (data / "config" / "settings.toml").write_text("disclaimer_seen = true\n")
    now = datetime.now().astimezone()
    with HistoryStore.open(data / "history.db") as store:
        store.record_screening(Screening(now, {flag.id: False for flag in RED_FLAGS}))
        for weeks_ago in (3, 2, 1, 0):
            start = now - timedelta(weeks=weeks_ago, hours=1)
            sid = store.start_session("hostile", "Core", start, weekly_goal=3)
            store.record_set(sid, SetRecord(
                "hostile-bridge", 1, start + timedelta(minutes=2), reps_done=10 + weeks_ago,
                reps_planned=10, work_seconds=70.0, work_seconds_planned=70.0, sets_planned=1,
                item_index=0))
            store.finish_session(sid, start + timedelta(minutes=5), "completed")


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def test_html_in_prescription_names_never_opens_a_file_or_grows_memory(tmp_path):
    canary = tmp_path / "canary.png"
    canary.write_bytes((assets_dir() / "icon" / "physio-coach-48.png").read_bytes())
    rx = hostile_prescription(tmp_path, canary)
    data = tmp_path / "data"
    history_with_the_exercise(data)
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    with FileWatch(canary) as watch:
        try:
            child = subprocess.run(
                [sys.executable, "-m", "tests.helpers.hostile_tour", str(data), str(rx),
                 str(out)], cwd=tmp_path, env=env, capture_output=True, text=True,
                timeout=TIMEOUT_SECONDS, preexec_fn=limit_memory, check=False)
        except subprocess.TimeoutExpired as e:
            raise AssertionError(f"the tour did not end within {TIMEOUT_SECONDS} s "
                                 f"(reading /dev/zero?); touched: {watch.touched()}") from e
        touched = watch.touched()
    assert child.returncode == 0, (f"the tour failed ({child.returncode}); canary touched: "
                                   f"{touched}\n{child.stderr[-3000:]}")
    assert touched == [], "Qt opened the file named in an <img> tag"
    seen = json.loads((out / "tour.json").read_text())
    assert seen["rss_after_second_kib"] - seen["rss_after_first_kib"] < FLAT_KIB, seen
    assert seen["rss_end_kib"] - seen["rss_start_kib"] < TOUR_KIB, seen
    (added, *_) = seen["dialogs"]
    assert added.startswith("Prescription added")
    assert '<i>Core</i> <img src="canary.png">' in added  # shown as typed
    for name in ("handout", "report"):  # the exercise's name printed as typed
        assert '<img src="canary.png"><b>Bridge</b> &' in pdf_text(Path(seen[name]))
