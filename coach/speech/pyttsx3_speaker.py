"""The real voice: phrases rendered by pyttsx3 ahead of need, played on time by a killable player.

Two threads:
- the engine thread (`EngineWorker`) creates the pyttsx3 engine, lists its voices and renders
  each distinct phrase once to a WAV file in the cache (keyed by text, voice, rate and volume),
  soonest-due first;
- the speaker thread (`ScheduledSpeaker`) checks the sound device once, then at each cue's due
  time captions it and starts the clip with `aplay` (killed on cancel or pre-emption).

If the engine, the player or the sound device is missing, or fails mid-session, one notice says
why voice is off and the session goes on: captions always, beeps while a player works.
"""

from __future__ import annotations

import logging
import subprocess
import threading
from array import array
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from coach.core.cues import SPOKEN_KINDS, Cue, CueKind
from coach.speech import beeps
from coach.speech.beeps import Tone, tone_for
from coach.speech.clips import Clip, write_wav
from coach.speech.player import (
    NullPlayer,
    PlayerUnavailable,
    audio_device,
    find_player,
    make_player,
    probe,
)
from coach.speech.renderer import (
    STUCK_AFTER,
    EngineWorker,
    RenderFailed,
    RenderRequest,
    default_engine,
)
from coach.speech.scheduled import ClockSource, ScheduledSpeaker, default_cache_dir
from coach.speech.scheduler import Pending, Player, Resolution
from coach.speech.settings import SpeechSettings
from coach.speech.speaker import NoticeReason, SpeechNotice
from coach.speech.voices import VoiceInfo

log = logging.getLogger(__name__)

#: Cues said where one phase ends and the next begins: they get the end tone (the first of those
#: due at one instant does). Counts get a tick each.
_PHASE_EDGE_KINDS = frozenset(
    {CueKind.START, CueKind.REP, CueKind.RELAX, CueKind.SWITCH, CueKind.REST, CueKind.WELL_DONE}
)

#: After this many clips fail to play in one session, sound stays off without checking again.
_MAX_PLAY_FAILURES = 3

PlayerFactory = Callable[[Sequence[str], Callable[[str], None]], Player]


class Pyttsx3Speaker(ScheduledSpeaker):
    """Speaks cues through pyttsx3 (espeak-ng on Linux); see the module docstring.

    `player_argv` replaces the player command found from the settings (the benchmark and tests
    use it); `engine_factory` and `player_factory` let tests put fakes in.
    """

    def __init__(
        self,
        clock: ClockSource,
        *,
        cache_dir: Path | None = None,
        engine_factory: Callable[[], Any] = default_engine,
        player_argv: Sequence[str] | None = None,
        player_factory: PlayerFactory = make_player,
        **kwargs: Any,
    ) -> None:
        self._cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
        self._player_argv = list(player_argv) if player_argv is not None else None
        self._player_factory = player_factory
        self._sound_on = False
        self._voice_on = True
        self._probe_needed = True
        self._probing = False
        self._probe_thread: threading.Thread | None = None
        self._probe_process: subprocess.Popen[bytes] | None = None  # while it runs
        self._play_failures = 0
        self._prepared: dict[str, None] = {}
        self._tones: dict[tuple[Tone, float], Clip] = {}
        self._cue_tones: dict[Cue, Tone | None] = {}
        self._toned_instants: set[tuple[int, float]] = set()
        self._worker = EngineWorker(
            self._cache_dir, on_ready=self._clip_ready, on_failure=self._engine_failed,
            engine_factory=engine_factory,
        )
        kwargs.setdefault("name", "speaker")
        super().__init__(clock, **kwargs)

    # -- public extras -------------------------------------------------------------------------

    def prepare(self, texts: Iterable[str]) -> None:
        with self._cond:
            texts = list(texts)
            for text in texts:
                self._prepared[text] = None
            self._request_prepared(texts)

    def _request_prepared(self, texts: Iterable[str]) -> None:
        # The words first, then (after all of them) the same words with the tone laid over, so
        # a beeping cue has its clip ready too: a tick for numbers, the end tone for the rest.
        texts = list(texts)
        for text in texts:
            self._worker.request(self._request(text))
        if self._settings.beeps:
            for text in texts:
                if text.isdigit():  # a count ticks; a rep number starts a hold
                    self._worker.request(self._request(text, Tone.TICK))
                self._worker.request(self._request(text, Tone.END))

    def voices(self) -> Future[list[VoiceInfo]]:
        """The engine's voices, listed in the engine thread once it has started."""
        return self._worker.voices()

    # -- scheduling hooks (lock held) ----------------------------------------------------------

    def _speaks(self, cue: Cue) -> bool:
        s = self._settings
        return self._voice_on and not s.mute and cue.kind in SPOKEN_KINDS[s.verbosity]

    def _request(self, text: str, tone: Tone | None = None) -> RenderRequest:
        s = self._settings
        return RenderRequest(text, s.voice_id, s.rate, s.volume, tone)

    def _decide_tone(self, cue: Cue) -> Tone | None:
        """A tick with each count; the end tone where a phase ends (once per instant)."""
        if not self._settings.beeps:
            return None
        if cue.beep or cue.kind is CueKind.COUNTDOWN:
            return tone_for(cue)
        if cue.kind in _PHASE_EDGE_KINDS:
            instant = (cue.phase_id, round(cue.due, 3))
            if instant not in self._toned_instants:
                self._toned_instants.add(instant)
                return Tone.END
        return None

    def _tone_wanted(self, cue: Cue) -> Tone | None:
        if cue not in self._cue_tones:
            self._cue_tones[cue] = self._decide_tone(cue)
        return self._cue_tones[cue]

    def _on_say(self, cue: Cue) -> None:
        if len(self._cue_tones) > 500:
            self._forget_tones(keep=self._scheduler.pending)
        tone = self._tone_wanted(cue)
        if self._speaks(cue):
            self._worker.request(self._request(cue.text, tone), cue.due)

    def _on_cancel(self) -> None:
        self._forget_tones(keep=[])

    def _forget_tones(self, keep: list[Cue]) -> None:
        self._cue_tones = {c: self._cue_tones[c] for c in keep if c in self._cue_tones}
        self._toned_instants = {(c.phase_id, round(c.due, 3)) for c, t in self._cue_tones.items()
                                if t is Tone.END}

    def _on_apply(self, old: SpeechSettings, new: SpeechSettings) -> None:
        if audio_device(old.audio_device) != audio_device(new.audio_device):
            self._probe_needed = True
        if old.beeps != new.beeps:
            self._forget_tones(keep=[])
        if (old.voice_id, old.rate, old.volume, old.beeps) != (
            new.voice_id, new.rate, new.volume, new.beeps
        ):
            for cue in self._scheduler.pending:
                self._on_say(cue)
            self._request_prepared(self._prepared)

    def _resolve(self, cue: Cue) -> Resolution:
        if not self._sound_on:
            # While the device is being checked the cue waits (within the late limit).
            return Pending() if self._probing or self._probe_needed else None
        tone = self._tone_wanted(cue)
        beep = self._tone(tone) if tone else None
        if tone is not None and beep is None:
            tone = None  # the tone cannot be written: the words alone
        if self._speaks(cue):
            got = self._worker.lookup(self._request(cue.text, tone))
            if isinstance(got, Clip):
                return got
            if tone is not None and got is None:
                # Not mixed with its tone yet: the words on time matter more than the tone.
                plain = self._worker.lookup(self._request(cue.text))
                if isinstance(plain, Clip):
                    return plain
            if got is None:
                return Pending(beep)
            assert isinstance(got, RenderFailed)
        return beep

    def _tone(self, tone: Tone) -> Clip | None:
        key = (tone, self._settings.volume)
        clip = self._tones.get(key)
        if clip is None:
            try:
                clip = self._tones[key] = beeps.tone_clip(self._cache_dir, tone, key[1])
            except OSError as e:
                log.warning("cannot write the %s tone: %s", tone.name, e)
                return None
        return clip

    def _check(self) -> None:
        stuck = self._worker.stuck_for()
        if self._voice_on and stuck > STUCK_AFTER:
            self._voice_on = False
            self._report(SpeechNotice(
                NoticeReason.ENGINE_FAILED, f"a render has not finished after {stuck:.0f} s"
            ))
        if self._probe_needed and not self._probing and not self._closed:
            # Checking the device runs a player process (up to seconds on a sick device): in
            # its own thread, so captions stay on time meanwhile. Sound is off until it is done.
            self._probe_needed = False
            self._probing = True
            self._sound_on = False
            self._drop_player()
            device = audio_device(self._settings.audio_device)
            self._probe_thread = threading.Thread(
                target=self._probe, args=(device,), name="speaker-probe", daemon=True
            )
            self._probe_thread.start()

    # -- the speaker thread, lock not held -----------------------------------------------------

    def _setup(self) -> None:
        self._worker.start()

    # -- the probe thread ------------------------------------------------------------------------

    def _probe(self, device: str | None) -> None:
        player: Player | None = None
        notice: SpeechNotice | None = None
        try:
            silence = self._silence()
            argv = self._player_argv if self._player_argv is not None else find_player(device)
            probe(argv, silence, started=self._probe_started)
            player = self._player_factory(argv, self._player_failed)
            log.info("sound on: %s", " ".join(argv))
        except PlayerUnavailable as e:
            reason = e.reason
            if self._play_failures and reason is NoticeReason.NO_DEVICE:
                reason = NoticeReason.DEVICE_FAILED  # it worked before
            notice = SpeechNotice(reason, e.detail)
        except OSError as e:
            notice = SpeechNotice(NoticeReason.NO_CACHE, f"{self._cache_dir}: {e}")
        except Exception as e:
            log.exception("checking the sound device failed")
            notice = SpeechNotice(NoticeReason.NO_DEVICE, f"{type(e).__name__}: {e}")
        with self._cond:
            self._probing = False
            self._probe_process = None
            if self._closed:
                return  # the player killed by shutdown is not news
            if notice is not None:
                self._report(notice)
            elif player is not None:
                self._player = player
                self._sound_on = True
            self._wake()

    def _drop_player(self) -> None:
        """Silence the player and let it go (a Qt Multimedia player ends its thread)."""
        player, self._player = self._player, NullPlayer()
        player.stop()
        close = getattr(player, "close", None)
        if close is not None:
            close()

    def _probe_started(self, process: subprocess.Popen[bytes]) -> None:
        with self._cond:
            self._probe_process = process
            closed = self._closed
        if closed:
            process.kill()

    def _silence(self) -> Path:
        path = self._cache_dir / "probe-silence.wav"
        if not path.exists():
            self._cache_dir.mkdir(parents=True, exist_ok=True)
            write_wav(path, array("h", bytes(2 * 441)), beeps.SAMPLE_RATE)
        return path

    def _teardown(self) -> None:
        self._worker.stop()
        # Called where the session closes (the GUI thread): a player process still checking a
        # sick device is killed, not waited for (up to 5 s), and the probe thread then ends.
        with self._cond:
            probe_process = self._probe_process
        if probe_process is not None:
            probe_process.kill()
        probe_thread = self._probe_thread
        if probe_thread is not None:
            probe_thread.join(2.0)
        with self._cond:
            self._drop_player()

    # -- reports from the engine thread and the player ------------------------------------------

    def _clip_ready(self) -> None:
        with self._cond:
            self._wake()

    def _engine_failed(self, notice: SpeechNotice) -> None:
        with self._cond:
            if notice.voice_off:
                self._voice_on = False
            self._report(notice)

    def _player_failed(self, message: str) -> None:
        # Called from the speaker thread inside a scheduling step (lock held). Check the device
        # again before the next cue: it says whether the sound is gone or that was a hiccup.
        self._play_failures += 1
        if self._play_failures >= _MAX_PLAY_FAILURES:
            self._sound_on = False
            self._drop_player()
            self._report(SpeechNotice(NoticeReason.DEVICE_FAILED, message))
        else:
            self._sound_on = False
            self._probe_needed = True
            self._wake()
