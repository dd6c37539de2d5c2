"""The Settings dialog opens at once and fills in the voices when the speech engine has listed
them, off the GUI thread; the saved voice is never lost meanwhile."""

from __future__ import annotations

import threading
from concurrent.futures import Future

import pytest
import shiboken6

from coach.settings import Settings, Theme
from coach.speech import voices as voices_module
from coach.speech.fake import FakeSpeaker
from coach.speech.settings import SpeechSettings
from coach.speech.voices import VoiceInfo
from coach.ui.settings_dialog import SettingsDialog, VoicesLater
from tests.ui.test_app_sessions import make_app

RP = VoiceInfo("gmw/en-gb-x-rp", "English (Received Pronunciation)", ("en-gb",))
US = VoiceInfo("gmw/en-us", "English (America)", ("en-us",))
SAVED = Settings(speech=SpeechSettings(voice_id=RP.id), theme=Theme.DARK)


@pytest.fixture
def coach(qtbot, tmp_path):
    app, _ = make_app(tmp_path)
    qtbot.addWidget(app.window)
    yield app
    app.shutdown()


def voice_items(dialog: SettingsDialog) -> list[str | None]:
    return [dialog.voice.itemData(i) for i in range(dialog.voice.count())]


def test_before_the_voices_arrive_the_saved_voice_is_kept(qtbot):
    dialog = SettingsDialog(SAVED)
    qtbot.addWidget(dialog)
    assert voice_items(dialog) == [None, RP.id]
    assert dialog.value() == SAVED


def test_voices_listed_in_another_thread_fill_the_list_and_keep_the_choice(qtbot):
    dialog = SettingsDialog(SAVED)
    qtbot.addWidget(dialog)
    later = VoicesLater()
    later.listed.connect(dialog.set_voices)
    listing: Future[list[VoiceInfo]] = Future()
    listing.add_done_callback(later.deliver)
    delivered_in: list[threading.Thread] = []
    later.listed.connect(lambda _voices: delivered_in.append(threading.current_thread()))
    worker = threading.Thread(target=listing.set_result, args=([US, RP],))
    with qtbot.waitSignal(later.listed, timeout=5000):
        worker.start()
    worker.join()
    assert delivered_in == [threading.main_thread()]
    assert voice_items(dialog) == [None, US.id, RP.id]
    assert dialog.voice.currentData() == RP.id
    assert dialog.voice.itemText(1) == US.label
    assert dialog.value() == SAVED


def test_a_choice_made_before_the_list_arrives_is_kept(qtbot):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.set_voices([US])
    dialog.voice.setCurrentIndex(1)
    dialog.set_voices([RP, US])
    assert dialog.value().speech.voice_id == US.id


def test_without_a_session_the_voices_are_listed_off_the_gui_thread(coach, monkeypatch):
    app = coach
    threads: list[threading.Thread] = []

    def listed() -> list[VoiceInfo]:
        threads.append(threading.current_thread())
        return [RP]

    monkeypatch.setattr(voices_module, "list_voices", listed)
    assert app.list_voices().result(timeout=5) == [RP]
    assert threads
    assert threads[0] is not threading.main_thread()
    assert app._voices == [RP], "kept for the next time the settings open"


class ListingSpeaker(FakeSpeaker):
    def voices(self) -> Future[list[VoiceInfo]]:
        done: Future[list[VoiceInfo]] = Future()
        done.set_result([US])
        return done


def test_a_running_session_is_asked_for_the_voices_its_engine_knows(coach, monkeypatch):
    app = coach
    app.make_speaker = lambda clock, settings, **kw: ListingSpeaker()

    def must_not_run() -> list[VoiceInfo]:
        raise AssertionError("a second engine was started while the session's one runs")

    monkeypatch.setattr(voices_module, "list_voices", must_not_run)
    app.start_routine("desk-break")
    assert app.session is not None
    assert app.list_voices().result(timeout=5) == [US]


def test_voices_listed_after_the_dialog_has_gone_are_not_delivered(qtbot):
    later = VoicesLater()
    dialog = SettingsDialog(SAVED)
    later.listed.connect(dialog.set_voices)
    dialog.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=5000)
    done: Future[list[VoiceInfo]] = Future()
    done.set_result([US])
    with qtbot.waitSignal(later.listed, timeout=5000):
        later.deliver(done)  # no error: nobody is connected any more
