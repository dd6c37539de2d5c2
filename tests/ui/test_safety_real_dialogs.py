"""The safety rules in the real app through the real dialogs (real `Prompts`, each dialog
answered as it opens): the red-flag hold until a clinician's check, the nerve signs at the pain
check, spreading leg pain as one message, a good sign said and recorded, the flare-up and
single-rise triggers, and no step up after a "Harder" session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton

from coach.core.records import Felt, LegPain, Outcome, PainScore, SetRecord
from coach.core.safety import CLEARANCE_TEXT, HOLD_TEXT, NERVE_SIGNS_QUESTION, RED_FLAGS
from coach.storage.history import HistoryStore
from coach.ui.pain_check_dialog import PainAfterDialog, PainBeforeDialog
from coach.ui.prompts import Prompts
from coach.ui.red_flags_dialog import RedFlagsDialog
from coach.ui.session_brief_dialog import SessionBriefDialog
from tests.ui.real_dialogs import answer_when_open
from tests.ui.test_app_sessions import make_app, restore_app_look  # noqa: F401 (fixture)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints",
                                       "This plugin does not support raise")


@pytest.fixture
def app(tmp_path, qtbot):
    app, _ = make_app(tmp_path)
    qtbot.addWidget(app.window)
    real = Prompts()
    for name in ("red_flags", "pain_before", "pain_after", "session_brief", "inform",
                 "leg_pain_moved"):
        setattr(app.prompts, name, getattr(real, name))
    yield app
    app.shutdown()


def click(widget) -> None:
    widget.click()


#: What the red-flag dialog's second page said, each time one was shown.
ADVICE_SHOWN: list[str] = []


def visible_text(dialog) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel)
                     if label.isVisible() and label.text())


def answers(yes: set[str] = frozenset(), *, then=None):
    """Answer the six questions (yes to `yes`), continue, keep what the advice page says in
    `ADVICE_SHOWN`, then `then(dialog)` if any."""

    def answer(dialog: RedFlagsDialog) -> None:
        for flag in RED_FLAGS:
            choice = dialog.questions[flag.id]
            click(choice.yes if flag.id in yes else choice.no)
        click(dialog.continue_button)
        if dialog.isVisible():
            ADVICE_SHOWN.append(visible_text(dialog) + "\n" + (
                dialog.clear_box.text() if dialog.clear_box.isVisible() else ""))
        if then is not None and dialog.isVisible():
            then(dialog)

    return answer


def run_with(dialog_answers, start) -> list:
    """Open each dialog in turn with its answer, call `start()`; what every dialog showed."""
    seen = []
    watchers = [answer_when_open(kind, answer) for kind, answer in dialog_answers]
    try:
        start()
    finally:
        for w in watchers:
            w.stop()
            seen += w.seen
    return seen


def no_pain(dialog: PainBeforeDialog) -> None:
    click(dialog.start_button)


def test_a_red_flag_holds_every_start_until_a_clinicians_check_is_confirmed(app):
    # The first yes: advice by urgency, no way to confirm a check in the same breath.
    ADVICE_SHOWN.clear()
    run_with([(RedFlagsDialog, answers({"bladder-bowel"}, then=lambda d: click(
        d.ok_button)))], lambda: app.start_routine("desk-break"))
    assert app.session is None
    text = ADVICE_SHOWN[0]
    assert "Get emergency help now" in text
    assert "Call your emergency number" in text
    assert HOLD_TEXT in text
    assert CLEARANCE_TEXT not in text
    # The next start asks the six questions again; all no is not enough; "Not yet" holds.
    seen = run_with([(RedFlagsDialog, answers(then=lambda d: click(d.not_yet_button)))],
                    lambda: app.start_routine("desk-break"))
    assert app.session is None
    assert "you told the coach about a warning sign" in seen[0].text
    assert CLEARANCE_TEXT in ADVICE_SHOWN[1]
    # Confirmed: the session starts, and the confirmation is kept with its date.

    def confirm(dialog: RedFlagsDialog) -> None:
        dialog.clear_box.setChecked(True)
        click(dialog.clear_button)

    run_with([(RedFlagsDialog, answers(then=confirm)), (PainBeforeDialog, no_pain)],
             lambda: app.start_routine("desk-break"))
    assert app.session is not None
    app.prompts.pain_after = lambda *args, **kwargs: None  # nobody to answer it here
    app.session.close()
    with HistoryStore.open(app.paths.history_db, recover=False, backup=False) as store:
        first = store.screenings()[0]
    assert first.any_positive
    assert first.cleared_at is not None


def test_a_yes_to_the_nerve_signs_line_at_the_pain_check_asks_the_six_questions(app):
    run_with([(RedFlagsDialog, answers())], lambda: app.safety().screen(None))

    def nerve_yes(dialog: PainBeforeDialog) -> None:
        dialog.nerve_signs.yes.setChecked(True)
        click(dialog.start_button)

    ADVICE_SHOWN.clear()
    seen = run_with([(PainBeforeDialog, nerve_yes),
                     (RedFlagsDialog, answers({"saddle-numbness"},
                                              then=lambda d: click(d.ok_button)))],
                    lambda: app.start_routine("desk-break"))
    assert NERVE_SIGNS_QUESTION in seen[0].labels
    assert "Get emergency help now" in ADVICE_SHOWN[0]
    assert app.session is None


def test_spreading_leg_pain_is_one_message_with_one_action(app):
    run_with([(RedFlagsDialog, answers())], lambda: app.safety().screen(None))

    def spreading_and_high(dialog: PainBeforeDialog) -> None:
        dialog.back.set_value(8)
        dialog.leg_pain.buttons[LegPain.FURTHER_DOWN].setChecked(True)
        click(dialog.start_button)

    buttons: list[list[str]] = []

    def brief(dialog: SessionBriefDialog) -> None:
        buttons.append([b.text() for b in dialog.findChildren(QPushButton) if b.isVisible()])
        click(dialog.not_today)

    seen = run_with([(PainBeforeDialog, spreading_and_high), (SessionBriefDialog, brief)],
                    lambda: app.start_routine("core-and-glutes"))
    assert buttons == [["&OK, not today"]]
    assert "do not exercise today" in seen[1].text
    assert "Flare-up" not in seen[1].text
    assert app.session is None


def ok_box(dialog: QMessageBox) -> None:
    dialog.accept()


def record(store, day_offset: int, before: PainScore, after: PainScore, *,
           felt: Felt | None = None, plank_hold: float = 10.0) -> None:
    from datetime import datetime

    start = datetime.now().astimezone() - timedelta(days=day_offset)
    sid = store.start_session("core-and-glutes", "Core and glutes", start, pain_before=before)
    for number in (1, 2):
        store.record_set(sid, SetRecord(
            exercise_id="knee-plank", set_number=number, completed_at=start, reps_planned=1,
            hold_seconds_planned=plank_hold, sets_planned=2, item_index=3, reps_done=1,
            work_seconds_planned=plank_hold))
    store.finish_session(sid, start, Outcome.COMPLETED)
    store.update_pain(sid, after=after)
    if felt is not None:
        store.update_feedback(sid, felt=felt)


def brief_text(app, pain: tuple[int, int]) -> str:
    def give(dialog: PainBeforeDialog) -> None:
        dialog.back.set_value(pain[0])
        dialog.leg.set_value(pain[1])
        click(dialog.start_button)

    seen = run_with([(PainBeforeDialog, give),
                     (SessionBriefDialog, lambda d: click(d.not_today))],
                    lambda: app.start_routine("core-and-glutes"))
    assert app.session is None
    return seen[1].text


def test_a_next_day_flare_and_a_harder_last_session_hold_the_step_up(app):
    run_with([(RedFlagsDialog, answers())], lambda: app.safety().screen(None))
    store = app.history()
    for n in (3, 2, 1):
        record(store, n, PainScore(3, 3), PainScore(3, 3))
    text = brief_text(app, (3, 3))
    assert "Plank on your knees today: 15 s, up from 10 s" in text  # three good sessions
    text = brief_text(app, (3, 5))  # 2 above the last session's pain after
    assert "2 points higher than after your last session" in text
    assert "Do the Flare-up relief routine" in text or "flare-up" in text
    assert "stays at 10 s today: your pain is higher than after your last session" in text
    store.update_feedback(store.sessions()[-1].id, felt=Felt.HARDER)
    text = brief_text(app, (3, 3))
    assert "stays at 10 s today: you found your last session harder" in text


def test_a_rise_of_three_in_one_session_is_advised_at_once_and_centralising_is_praised(app,
                                                                                     qtbot):
    run_with([(RedFlagsDialog, answers())], lambda: app.safety().screen(None))

    def before(dialog: PainBeforeDialog) -> None:
        dialog.back.set_value(2)
        dialog.leg.set_value(2)
        click(dialog.start_button)

    def after(dialog: PainAfterDialog) -> None:
        dialog.back.set_value(5)
        dialog.leg.set_value(2)
        dialog.leg_pain.buttons[LegPain.TOWARDS_BACK].setChecked(True)
        click(dialog.save_button)

    infos = answer_when_open(QMessageBox, ok_box, times=2)
    after_watch = answer_when_open(PainAfterDialog, after)
    try:
        run_with([(PainBeforeDialog, before)], lambda: app.start_routine("desk-break"))
        qtbot.waitUntil(lambda: len(infos.seen) == 2, timeout=20_000)
    finally:
        infos.stop()
        after_watch.stop()
    assert "Good sign" in infos.seen[0].text
    assert "went up by 3 points during your last session" in infos.seen[1].text
    session = app.history().sessions()[-1]
    assert session.leg_pain_after is LegPain.TOWARDS_BACK


def test_this_hurts_asks_where_the_leg_pain_went_and_further_down_ends_the_session(
        tmp_path, qtbot):
    app, _ = make_app(tmp_path, time_scale=None)  # real time: nothing moves on by itself
    qtbot.addWidget(app.window)
    real = Prompts()
    for name in ("red_flags", "pain_before", "pain_after", "inform", "leg_pain_moved"):
        setattr(app.prompts, name, getattr(real, name))

    def box(dialog: QMessageBox) -> None:
        further = [b for b in dialog.buttons() if b.text() == "Further down my leg"]
        click(further[0]) if further else dialog.accept()

    try:
        run_with([(RedFlagsDialog, answers())], lambda: app.safety().screen(None))
        run_with([(PainBeforeDialog, no_pain)], lambda: app.start_routine("desk-break"))
        boxes = answer_when_open(QMessageBox, box, times=2)
        skip_after = answer_when_open(PainAfterDialog, lambda d: click(d.skip_button))
        try:
            session_id = app.recorder.session_id
            assert app.session.hurts()
            qtbot.waitUntil(lambda: len(boxes.seen) == 2 and bool(skip_after.seen),
                            timeout=10_000)
        finally:
            boxes.stop()
            skip_after.stop()
        assert "Has your leg pain moved?" in boxes.seen[0].text
        assert app.session.engine.finished  # further down: the session ended
        assert "do not exercise again today" in boxes.seen[1].text
        stored = app.history().session(session_id)
        assert stored.leg_pain_after is LegPain.FURTHER_DOWN
        assert stored.outcome is Outcome.STOPPED_FOR_PAIN
    finally:
        app.shutdown()
