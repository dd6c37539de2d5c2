"""`coach history` prints the weekly table; `coach export --csv` writes every session and set."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coach.core.errors import KnownError
from coach.core.models import Side
from coach.core.records import ExerciseEvent, ExerciseEventKind, Felt, PainScore, SetRecord
from coach.history_cli import CSV_COLUMNS, export_command, history_command
from coach.storage.errors import StorageError
from coach.storage.history import HistoryStore

LONDON = ZoneInfo("Europe/London")
TODAY = date(2024, 6, 5)  # a Wednesday


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


@pytest.fixture
def store(tmp_path: Path):
    s = HistoryStore.open(tmp_path / "history.db", now=lambda: at(TODAY), backup=False)
    yield s
    s.close()


def add_session(store, day: date, *, leg: int | None = None, back: int | None = None,
                sets: int = 2, goal: int = 3, note: str | None = None, outcome="completed"):
    start = at(day)
    sid = store.start_session("gentle", "Gentle routine", start, weekly_goal=goal,
                              pain_before=PainScore(back=back, leg=leg))
    for n in range(1, sets + 1):
        store.record_set(sid, SetRecord("bridge", n, start + timedelta(minutes=n),
                                        side=Side.LEFT, reps_done=10, reps_planned=10,
                                        hold_seconds=5.0, hold_seconds_planned=5.0,
                                        work_seconds=150.0, sets_planned=sets))
    store.finish_session(sid, start + timedelta(minutes=20), outcome, felt=Felt.SAME,
                         note=note)
    return sid


@pytest.fixture
def history(store):
    for day, leg, back in [(date(2024, 5, 20), 6, 3), (date(2024, 5, 22), 6, 4),
                           (date(2024, 5, 24), 6, None), (date(2024, 6, 3), 4, 2)]:
        add_session(store, day, leg=leg, back=back)
    return store


def test_history_prints_the_weekly_table_and_the_summaries(history):
    out = io.StringIO()
    assert history_command(history, 3, False, out, today=TODAY) == 0
    assert out.getvalue().splitlines() == [
        "Week of     Sessions  Goal  Adherence  Back pain  Leg pain  Active min",
        "2024-05-20         3     3       100%        3.5       6.0          15",
        "2024-05-27         0     3         0%          -         -           0",
        "2024-06-03         1     3        33%        2.0       4.0           5",
        "",
        "1 of 3 sessions this week; leg pain down from 6 to 4 over 3 weeks",
        "50% of planned sessions done; goal met in 1 of 2 weeks",
        "0 days in a row (best 1); 0 weeks in a row on goal (best 1)",
        "5 active minutes this week; 8 a week on average over the previous 2 weeks",
    ]


def test_history_as_json_has_one_object_per_week(history):
    out = io.StringIO()
    assert history_command(history, 2, True, out, today=TODAY) == 0
    data = json.loads(out.getvalue())
    assert data["today"] == "2024-06-05"
    assert data["weeks"] == [
        {"week_start": "2024-05-27", "week_end": "2024-06-02", "sessions": 0, "goal": 3,
         "adherence": 0.0, "completed": 0, "nothing_done": 0, "stopped_for_pain": 0,
         "pain_back_mean": None,
         "pain_leg_mean": None, "active_minutes": 0.0},
        {"week_start": "2024-06-03", "week_end": "2024-06-09", "sessions": 1, "goal": 3,
         "adherence": 0.333, "completed": 1, "nothing_done": 0, "stopped_for_pain": 0,
         "pain_back_mean": 2.0,
         "pain_leg_mean": 4.0, "active_minutes": 5.0},
    ]
    assert data["streaks"] == {"current_days": 0, "best_days": 1, "current_weeks": 0,
                               "best_weeks": 1}
    assert data["summaries"]["headline"] == "1 of 3 sessions this week"


def test_an_empty_history_prints_weeks_of_zero(store):
    out = io.StringIO()
    assert history_command(store, 2, False, out, today=TODAY) == 0
    assert out.getvalue().splitlines()[-4] == "0 of 3 sessions this week"


def test_fewer_than_one_week_is_a_usage_error(store):
    err = io.StringIO()
    assert history_command(store, 0, False, io.StringIO(), today=TODAY, stderr=err) == 2
    assert "--weeks must be 1 or more" in err.getvalue()


def test_weeks_reaching_back_before_the_year_1_are_a_usage_error_not_a_crash(store):
    err = io.StringIO()
    assert history_command(store, 10**6, False, io.StringIO(), today=TODAY, stderr=err) == 2
    most = (TODAY - date.min).days // 7 + 1  # date.min, 1 January of the year 1, is a Monday
    assert err.getvalue() == f"coach: --weeks must be at most {most}\n"
    # At the limit the oldest week shown is the very first one.
    early = date(1, 2, 20)  # a Tuesday in the 8th week of the year 1
    assert history_command(store, 9, True, io.StringIO(), today=early,
                           stderr=io.StringIO()) == 2
    out = io.StringIO()
    assert history_command(store, 8, True, out, today=early) == 0
    assert json.loads(out.getvalue())["weeks"][0]["week_start"] == "0001-01-01"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_export_writes_every_session_set_and_exercise_event(store, tmp_path):
    first = add_session(store, date(2024, 6, 3), leg=5, back=2, sets=2, note="Stiff, ok")
    empty = store.start_session("gentle", "Gentle routine", at(date(2024, 6, 4)))
    store.record_exercise_event(first, ExerciseEvent(ExerciseEventKind.SKIPPED, "plank",
                                                     at(date(2024, 6, 3)) + timedelta(
                                                         minutes=1, seconds=30)))
    target = tmp_path / "out" / "history.csv"
    target.parent.mkdir()
    out = io.StringIO()
    assert export_command(store, target, stdout=out) == 0
    assert out.getvalue() == f"Wrote 2 sessions and 2 sets to {target}\n"

    rows = read_csv(target)
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [(r["session_id"], r["record"], r["exercise_id"], r["set_number"]) for r in rows] == [
        (str(first), "set", "bridge", "1"),
        (str(first), "skipped", "plank", ""),
        (str(first), "set", "bridge", "2"),
        (str(empty), "", "", ""),
    ]
    one = rows[0]
    assert one["outcome"] == "completed"
    assert one["local_date"] == "2024-06-03"
    assert one["started_at"] == "2024-06-03T09:00:00+01:00"
    assert one["pain_before_leg"] == "5"
    assert one["pain_after_leg"] == ""
    assert one["side"] == "left"
    assert one["hold_seconds"] == "5.0"
    assert one["complete"] == "1"
    assert one["note"] == "Stiff, ok"
    assert rows[3]["outcome"] == "ended-early"
    assert rows[3]["closed"] == "0"


def test_an_exercise_event_at_the_moment_of_a_set_is_exported_after_it(store, tmp_path):
    sid = add_session(store, date(2024, 6, 3), sets=2)
    same_moment = at(date(2024, 6, 3)) + timedelta(minutes=1)  # set 1's time
    store.record_exercise_event(sid, ExerciseEvent(ExerciseEventKind.STOPPED_FOR_PAIN,
                                                   "bridge", same_moment))
    store.record_exercise_event(sid, ExerciseEvent(ExerciseEventKind.SKIPPED, "plank",
                                                   same_moment))
    target = tmp_path / "h.csv"
    export_command(store, target, stdout=io.StringIO())
    assert [(r["record"], r["set_number"], r["exercise_id"]) for r in read_csv(target)] == [
        ("set", "1", "bridge"), ("stopped-for-pain", "", "bridge"), ("skipped", "", "plank"),
        ("set", "2", "bridge")]


def test_export_quotes_notes_a_spreadsheet_would_run_as_formulas(store, tmp_path):
    add_session(store, date(2024, 6, 3), note="=HYPERLINK(\"http://x\")")
    target = tmp_path / "h.csv"
    export_command(store, target, stdout=io.StringIO())
    assert read_csv(target)[0]["note"] == "'=HYPERLINK(\"http://x\")"


def test_export_replaces_an_existing_file_only_with_a_complete_one(store, tmp_path, monkeypatch):
    add_session(store, date(2024, 6, 3))
    target = tmp_path / "h.csv"
    target.write_text("old export")

    def unreadable(**kwargs):
        raise StorageError("Your exercise history cannot be read right now: the disk is busy.")

    with monkeypatch.context() as m:  # the history fails half-way through the export
        m.setattr(store, "sessions", unreadable)
        with pytest.raises(StorageError):
            export_command(store, target, stdout=io.StringIO())
    assert target.read_text() == "old export"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []

    export_command(store, target, stdout=io.StringIO())
    assert target.read_text().startswith("session_id,")
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_export_to_a_folder_that_does_not_exist_is_a_plain_error(store, tmp_path):
    with pytest.raises(KnownError, match="could not be written"):
        export_command(store, tmp_path / "missing" / "h.csv", stdout=io.StringIO())


def test_export_to_dash_writes_to_standard_output(store):
    add_session(store, date(2024, 6, 3), sets=1)
    out = io.StringIO()
    assert export_command(store, "-", stdout=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("session_id,routine_id,")
    assert len(lines) == 2


def test_the_coach_command_runs_history_and_export_in_the_data_dir(tmp_path, capsys):
    from coach.cli import main

    data = tmp_path / "data"
    out = io.StringIO()
    assert main(["history", "--weeks", "1", "--json", "--data-dir", str(data)], stdout=out) == 0
    assert len(json.loads(out.getvalue())["weeks"]) == 1
    target = tmp_path / "all.csv"
    assert main(["export", "--csv", str(target), "--data-dir", str(data)],
                stdout=io.StringIO()) == 0
    assert target.read_text().startswith("session_id,")
    assert (data / "history.db").exists()


def test_a_history_from_a_newer_app_is_one_plain_sentence_on_the_command_line(tmp_path, capsys):
    import sqlite3

    from coach.cli import main

    data = tmp_path / "data"
    data.mkdir()
    with sqlite3.connect(data / "history.db") as conn:
        conn.execute("PRAGMA user_version = 999")
    assert main(["history", "--data-dir", str(data)], stdout=io.StringIO()) == 1
    err = capsys.readouterr().err
    assert err.startswith("coach: Your exercise history was saved by a newer version")
    assert "Traceback" not in err


def test_coach_history_counts_this_week_against_todays_routine_like_home(tmp_path):
    """A Desk break recorded by an older app with its own goal (10) does not change this week's
    goal: `coach history` uses today's routine from the settings, as Home and Progress do."""
    import subprocess
    import sys

    from coach import settings as settings_file
    from coach.paths import resolve
    from coach.settings import Settings

    data = tmp_path / "data"
    paths = resolve(data)
    paths.ensure()
    settings_file.save(paths.settings_file, Settings(routine_id="gentle-daily-stretch"))
    now = datetime.now().astimezone()
    with HistoryStore.open(paths.history_db, backup=False) as store:
        sid = store.start_session("desk-break", "Desk break", now, weekly_goal=10)
        store.record_set(sid, SetRecord("walking", 1, now, reps_done=1, reps_planned=1,
                                        work_seconds=150.0, work_seconds_planned=150.0))
        store.finish_session(sid, now, "completed")
    shown = subprocess.run([sys.executable, "-m", "coach", "--data-dir", str(data), "history",
                            "--weeks", "1"], capture_output=True, text=True, timeout=60,
                           check=True)
    assert "1 of 7 sessions this week" in shown.stdout  # gentle-daily-stretch: 7 a week
