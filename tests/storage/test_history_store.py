"""Writing and reading sessions: every record reaches the disk the moment it happens."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.core.models import Side
from coach.core.records import (
    ExerciseEvent,
    ExerciseEventKind,
    Felt,
    Outcome,
    PainScore,
    Screening,
    SetRecord,
    StoredSet,
)
from coach.core.stats import exercise_weeks
from coach.core.weeks import week_start
from coach.storage.errors import NoticeKind
from coach.storage.history import SQL_WEEK_START, HistoryStore

from .conftest import LONDON, FakeNow, a_set, raw


def test_a_session_row_is_on_disk_the_moment_start_session_returns(store, db_path, now):
    sid = store.start_session("desk-break", "Desk break", now(), weekly_goal=5,
                              pain_before=PainScore(back=3, leg=6))
    with raw(db_path) as conn:
        row = conn.execute("SELECT routine_id, routine_name, weekly_goal, local_date,"
                           " pain_before_back, pain_before_leg, outcome FROM sessions"
                           " WHERE id = ?", (sid,)).fetchone()
    assert row == ("desk-break", "Desk break", 5, "2024-06-03", 3, 6, None)


def test_a_set_is_on_disk_the_moment_record_set_returns(store, db_path, now):
    sid = store.start_session("r", "R", now())
    for n in range(1, 4):
        assert store.record_set(sid, a_set(now.advance(seconds=40), number=n)) is True
        with raw(db_path) as conn:
            count = conn.execute("SELECT COUNT(*) FROM sets WHERE session_id = ?",
                                 (sid,)).fetchone()[0]
        assert count == n


def test_the_connection_uses_wal_and_full_synchronous(store):
    conn = store._reader()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_finished_session_reads_back_with_every_answer(store, now):
    started = now()
    sid = store.start_session("r", "Routine", started, weekly_goal=3,
                              pain_before=PainScore(back=4, leg=None), leg_pain_spreading=False)
    store.record_set(sid, a_set(now.advance(seconds=30), side=Side.LEFT, work_seconds=30.0))
    store.record_set(sid, a_set(now.advance(seconds=30), number=2, side=Side.RIGHT,
                                work_seconds=45.0))
    ended = now.advance(minutes=10)
    store.finish_session(sid, ended, Outcome.COMPLETED, pain_after=PainScore(2, 3),
                         felt=Felt.EASIER, note="Felt loose")
    s = store.session(sid)
    assert s.outcome is Outcome.COMPLETED
    assert s.closed
    assert not s.recovered
    assert s.started_at == started
    assert s.ended_at == ended
    assert s.local_date == date(2024, 6, 3)
    assert s.pain_before == PainScore(back=4, leg=None)
    assert s.pain_after == PainScore(back=2, leg=3)
    assert s.felt is Felt.EASIER
    assert s.note == "Felt loose"
    assert s.leg_pain_spreading is False
    assert s.set_count == 2
    assert s.active_seconds == 75.0
    sides = [x.record.side for x in store.sets(sid)]
    assert sides == [Side.LEFT, Side.RIGHT]


def test_pain_and_feedback_given_after_the_end_keep_the_earlier_answers(store, now):
    sid = store.start_session("r", "R", now(), pain_before=PainScore(back=5, leg=7))
    store.finish_session(sid, now.advance(minutes=5), "stopped-for-pain",
                         pain_after=PainScore(back=6))
    store.update_pain(sid, after=PainScore(leg=8))
    store.update_feedback(sid, felt="harder")
    store.update_feedback(sid, note="Leg tingled in the last stretch")
    s = store.session(sid)
    assert s.outcome is Outcome.STOPPED_FOR_PAIN
    assert s.pain_before == PainScore(5, 7)
    assert s.pain_after == PainScore(6, 8)
    assert s.felt is Felt.HARDER
    assert s.note == "Leg tingled in the last stretch"


def test_skipped_and_stopped_exercises_are_recorded(store, now):
    sid = store.start_session("r", "R", now())
    store.record_exercise_event(sid, ExerciseEvent(ExerciseEventKind.SKIPPED, "plank",
                                                   now.advance(seconds=5)))
    store.record_exercise_event(sid, ExerciseEvent(ExerciseEventKind.STOPPED_FOR_PAIN,
                                                   "slump-glide", now.advance(seconds=5),
                                                   side=Side.LEFT, detail="after rep 3"))
    events = store.exercise_events(sid)
    assert [(e.kind, e.exercise_id, e.side, e.detail) for _, e in events] == [
        (ExerciseEventKind.SKIPPED, "plank", None, None),
        (ExerciseEventKind.STOPPED_FOR_PAIN, "slump-glide", Side.LEFT, "after rep 3"),
    ]


def test_a_session_never_closed_reads_as_ended_early_with_its_sets(db_path, now):
    crashed = HistoryStore.open(db_path, now=now)
    sid = crashed.start_session("r", "R", now())
    for n in (1, 2, 3):
        crashed.record_set(sid, a_set(now.advance(seconds=30), number=n))
    crashed._disconnect()  # the process dies: no finish_session, no close()

    reader = HistoryStore.open(db_path, now=now, recover=False)
    s = reader.session(sid)
    assert s.outcome is Outcome.ENDED_EARLY
    assert not s.closed
    assert not s.recovered
    assert s.set_count == 3
    reader.close()
    with raw(db_path) as conn:  # a reader never closes someone else's session
        assert conn.execute("SELECT outcome FROM sessions").fetchone()[0] is None

    now.advance(days=1)
    app = HistoryStore.open(db_path, now=now)
    s = app.session(sid)
    assert s.outcome is Outcome.ENDED_EARLY
    assert s.recovered
    assert not s.closed
    assert [n.kind for n in app.take_notices()] == [NoticeKind.SESSION_RECOVERED]
    assert len(app.sets(sid)) == 3
    app.close()


def test_the_recovery_notice_names_the_day_and_the_sets_kept(db_path, now):
    crashed = HistoryStore.open(db_path, now=now)
    sid = crashed.start_session("r", "R", now())
    crashed.record_set(sid, a_set(now.advance(seconds=30)))
    crashed._disconnect()
    app = HistoryStore.open(db_path, now=now)
    (notice,) = app.take_notices()
    assert "Monday 3 June" in notice.message
    assert "the 1 set you completed" in notice.message
    app.close()


def test_finishing_a_session_that_recovery_closed_replaces_ended_early(db_path, now):
    first = HistoryStore.open(db_path, now=now)
    sid = first.start_session("r", "R", now())
    first._disconnect()
    second = HistoryStore.open(db_path, now=now)
    second.finish_session(sid, now.advance(minutes=20), Outcome.COMPLETED)
    s = second.session(sid)
    assert s.outcome is Outcome.COMPLETED
    assert s.closed
    assert not s.recovered
    second.close()


@pytest.mark.parametrize(
    "bad_call",
    [
        lambda s, sid, t: s.start_session("r", "R", t.replace(tzinfo=None)),
        lambda s, sid, t: s.finish_session(sid, t, "gave-up"),
        lambda s, sid, t: s.update_feedback(sid, felt="great"),
        lambda s, sid, t: s.record_set(sid, {"exercise_id": "bridge"}),
        lambda s, sid, t: s.update_pain(sid, before=PainScore(back=11)),
    ],
    ids=["naive-time", "unknown-outcome", "unknown-felt", "not-a-set-record", "pain-over-10"],
)
def test_invalid_records_are_refused_before_anything_is_written(store, db_path, now, bad_call):
    sid = store.start_session("r", "R", now())
    with pytest.raises((ValueError, TypeError)):
        bad_call(store, sid, now())
    assert store.pending_count == 0
    with raw(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 1


def test_a_write_for_an_unknown_session_is_a_bug_that_does_not_block_later_writes(store, now):
    sid = store.start_session("r", "R", now())
    with pytest.raises(sqlite3.IntegrityError):
        store.record_set(9999, a_set(now()))
    with pytest.raises(LookupError):
        store.finish_session(9999, now(), Outcome.COMPLETED)
    assert store.pending_count == 0
    assert store.record_set(sid, a_set(now())) is True


def test_a_session_belongs_to_the_local_date_it_started_on(store):
    late = datetime(2024, 6, 9, 23, 50, tzinfo=LONDON)  # Sunday night, 22:50 UTC
    sid = store.start_session("r", "R", late)
    store.record_set(sid, a_set(late + timedelta(minutes=20)))  # done after midnight
    (s,) = store.sessions()
    assert s.local_date == date(2024, 6, 9)
    assert store.sets(sid)[0].session_date == date(2024, 6, 9)
    assert store.exercise_weeks()[0].week_start == date(2024, 6, 3)


def test_sessions_can_be_read_for_a_range_of_local_dates(store):
    for day in (1, 2, 3, 10):
        store.start_session("r", "R", datetime(2024, 6, day, 8, tzinfo=LONDON))
    days = [s.local_date.day for s in store.sessions(since=date(2024, 6, 2),
                                                      until=date(2024, 6, 3))]
    assert days == [2, 3]


def test_screening_answers_are_kept_with_their_acknowledgement(store, now):
    answered = now()
    store.record_screening(Screening(answered, {"saddle-numbness": False, "bladder": False},
                                     acknowledged_at=answered + timedelta(seconds=20)))
    (s,) = store.screenings()
    assert s.answers == {"bladder": False, "saddle-numbness": False}
    assert s.acknowledged_at == answered + timedelta(seconds=20)
    assert not s.any_positive


def test_a_store_can_be_used_as_a_context_manager_and_closes(db_path, now):
    with HistoryStore.open(db_path, now=now) as s:
        s.start_session("r", "R", now())
    assert s._conn is None
    assert not Path(str(db_path) + "-wal").exists()  # checkpointed on the last close


# --- the SQL week and the Python week agree ----------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_the_sql_monday_agrees_with_the_python_monday(day):
    conn = sqlite3.connect(":memory:")
    (got,) = conn.execute(f"SELECT {SQL_WEEK_START.format(day='?')}", (day.isoformat(),)).fetchone()
    conn.close()
    assert date.fromisoformat(got) == week_start(day)


set_rows = st.lists(
    st.tuples(
        st.integers(0, 60),  # day offset
        st.sampled_from(["bridge", "plank", "slump"]),
        st.one_of(st.none(), st.integers(0, 30)),  # reps
        st.one_of(st.none(), st.floats(0, 120, allow_nan=False).map(lambda f: round(f, 1))),
        st.one_of(st.none(), st.floats(0, 300, allow_nan=False).map(lambda f: round(f, 1))),
    ),
    max_size=40,
)


@settings(max_examples=30, deadline=None)
@given(rows=set_rows)
def test_per_exercise_weeks_in_sql_equal_the_pure_computation(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("agg") / "history.db"
    now = FakeNow(datetime(2024, 1, 1, 8, tzinfo=LONDON))
    store = HistoryStore.open(path, now=now, backup=False)
    stored: list[StoredSet] = []
    for offset, exercise, reps, hold, work in rows:
        start = datetime(2024, 1, 1, 8, tzinfo=LONDON) + timedelta(days=offset)
        sid = store.start_session("r", "R", start)
        record = SetRecord(exercise, 1, start, reps_done=reps, hold_seconds=hold,
                           work_seconds=work)
        store.record_set(sid, record)
        stored.append(StoredSet(sid, start.date(), record))
    got = store.exercise_weeks()
    store.close()
    want = exercise_weeks(stored)
    assert [(w.exercise_id, w.week_start, w.sets, w.longest_hold, w.most_reps, w.total_reps)
            for w in got] == [
        (w.exercise_id, w.week_start, w.sets, w.longest_hold, w.most_reps, w.total_reps)
        for w in want]
    assert [w.work_seconds for w in got] == pytest.approx([w.work_seconds for w in want])


def test_sessions_around_a_daylight_saving_change_keep_their_local_day_and_week(store):
    starts = [
        datetime(2024, 3, 31, 0, 30, tzinfo=LONDON),   # Sunday, GMT
        datetime(2024, 3, 31, 23, 30, tzinfo=LONDON),  # Sunday, BST (22:30 UTC)
        datetime(2024, 4, 1, 0, 30, tzinfo=LONDON),    # Monday, BST (Sunday in UTC)
    ]
    for start in starts:
        sid = store.start_session("r", "R", start)
        store.record_set(sid, a_set(start + timedelta(minutes=5)))
    got = store.sessions()
    assert [s.local_date for s in got] == [date(2024, 3, 31), date(2024, 3, 31),
                                           date(2024, 4, 1)]
    assert [s.started_at for s in got] == starts
    assert [(w.week_start, w.sets) for w in store.exercise_weeks()] == [
        (date(2024, 3, 25), 2), (date(2024, 4, 1), 1)]
    report = store.progress(date(2024, 4, 1), weeks=2)
    assert [w.sessions for w in report.weeks] == [2, 1]


def test_the_latest_screening_can_be_acknowledged_after_it_was_answered(store, now):
    assert store.latest_screening() is None
    store.record_screening(Screening(now(), {"bladder": True}))
    read_at = now.advance(minutes=2)
    store.acknowledge_screening(read_at)
    latest = store.latest_screening()
    assert latest is not None
    assert latest.any_positive
    assert latest.acknowledged_at == read_at


def test_acknowledging_without_a_screening_is_a_bug(store, now):
    with pytest.raises(LookupError):
        store.acknowledge_screening(now())
    assert store.pending_count == 0


def test_a_history_recorded_under_an_old_exercise_id_reads_as_the_renamed_exercise(
        db_path, now, tmp_path):
    """Sets and events written while the exercise was "prone-press-up" count, with the new
    ones, under the id the default catalogue gives it now; the file itself is not changed."""
    from coach.core.catalogue import load_catalogue

    root = Path(__file__).resolve().parents[2]
    catalogue = load_catalogue([root / "exercises.toml"], assets_dir=root / "assets")
    new_id = catalogue.current_id("prone-press-up")
    assert new_id != "prone-press-up"
    with HistoryStore.open(db_path, now=now) as old:
        sid = old.start_session("r", "R", now())
        old.record_set(sid, a_set(now.advance(seconds=30), exercise="prone-press-up"))
        old.record_exercise_event(sid, ExerciseEvent(ExerciseEventKind.SKIPPED,
                                                     "prone-press-up", now.advance(seconds=5)))
        sid = old.start_session("r", "R", now.advance(days=1))
        old.record_set(sid, a_set(now.advance(seconds=30), exercise=new_id))
    with HistoryStore.open(db_path, now=now) as store:
        store.follow_renames(catalogue.renamed)
        assert {s.record.exercise_id for s in store.sets()} == {new_id}
        assert [e.exercise_id for _, e in store.exercise_events()] == [new_id]
        [week] = store.exercise_weeks()
        assert (week.exercise_id, week.sets) == (new_id, 2)
    with raw(db_path) as conn:
        stored = {r[0] for r in conn.execute("SELECT exercise_id FROM sets")}
    assert stored == {"prone-press-up", new_id}


def test_following_renames_refuses_what_is_not_an_exercise_id(store):
    with pytest.raises(ValueError, match="not an exercise id"):
        store.follow_renames({"x' OR '1'='1": "bridge"})
