"""Rendering phrases to WAV files with pyttsx3, in the one thread that owns the engine.

Measured here (pyttsx3 2.99, espeak-ng 1.51): `save_to_file` + `runAndWait` takes ~10 ms a
phrase (most of it the driver loop's 10 ms sleep) and the file is exactly as long as espeak-ng's
own `-w` output. The traps this module designs around:

- The espeak driver runs espeak-ng in its asynchronous mode: `setProperty` only queues a command
  for espeak's own thread, and every `runAndWait` begins by calling `stop()`, which cancels that
  queue when espeak is still busy. Unless we wait for espeak to go idle, a rate, voice or volume
  change is lost at random and the next file comes out empty or at the old rate, and the first
  `runAndWait` after creating the engine can return at once. `_wait_idle` polls
  `espeak_IsPlaying` (about a millisecond) before and after each step.
- After one `save_to_file`, every later `say()` goes to that file; two `save_to_file` before one
  `runAndWait` keep only the last; a `runAndWait` with nothing new repeats the last. So: exactly
  one `save_to_file` per `runAndWait`, and no `say()` in this process.
- The driver prints "Audio saved to ..." on stdout for every file: routed to the debug log.
- The engine is created here and used only here; nothing here calls `stop()` (it can hang).
- A phrase is written to a temporary name, checked (readable, not empty), trimmed of espeak's
  ~330 ms of trailing silence, then renamed into the cache, so a crash never leaves half a file
  under a good name.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from coach.speech import beeps
from coach.speech.beeps import Tone
from coach.speech.clips import Clip, ensure_room, load_clip, trim_silence
from coach.speech.speaker import NoticeReason, SpeechNotice
from coach.speech.voices import VoiceInfo, voices_of

log = logging.getLogger(__name__)

#: A render that takes longer than this means the engine hung.
STUCK_AFTER = 5.0
_IDLE_TIMEOUT = 2.0
#: Part of every cache key: bump it when what is stored for a phrase changes (e.g. trimming).
_CACHE_FORMAT = 1


@dataclass(frozen=True)
class RenderRequest:
    """One phrase in one voice, rate and volume; with `tone`, the tone laid over its start."""

    text: str
    voice_id: str | None
    rate: int
    volume: float
    tone: Tone | None = None

    @property
    def speech_only(self) -> RenderRequest:
        return replace(self, tone=None) if self.tone else self

    def file_name(self, engine_tag: str) -> str:
        key = [_CACHE_FORMAT, engine_tag, self.voice_id or "", self.rate,
               round(self.volume, 2), self.text, self.tone.name if self.tone else ""]
        digest = hashlib.sha256(json.dumps(key).encode()).hexdigest()[:32]
        return f"{digest}.wav"


class RenderFailed:
    """`lookup` result for a phrase that rendered to nothing; it is shown as a caption only."""


RENDER_FAILED = RenderFailed()


def default_engine() -> Any:
    """pyttsx3's engine for this platform (call in the engine thread)."""
    import pyttsx3

    return pyttsx3.init()


def engine_tag(engine: Any) -> str:
    try:
        from importlib.metadata import version

        ver = version("pyttsx3")
    except Exception:
        ver = "?"
    return f"pyttsx3-{ver}-{getattr(engine, 'driver_name', type(engine).__name__)}"


class EngineRenderer:
    """save_to_file with the espeak driver's traps avoided. Use only in the engine's thread."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self._espeak: Any = None
        if getattr(engine, "driver_name", None) == "espeak":
            from pyttsx3.drivers import _espeak
            from pyttsx3.drivers import espeak as espeak_driver

            espeak_driver.print = _driver_print  # type: ignore[attr-defined]
            self._espeak = _espeak
        self._wait_idle()
        self.default_voice = self._current_voice()
        self._profile: tuple[str | None, int, float] | None = None

    def _current_voice(self) -> str | None:
        try:
            voice = self._engine.getProperty("voice")
        except Exception:
            log.debug("the engine cannot say which voice it uses", exc_info=True)
            return None
        return str(voice) if voice else None

    def set_profile(self, voice_id: str | None, rate: int, volume: float) -> None:
        profile = (voice_id or self.default_voice, rate, volume)
        if profile == self._profile:
            return
        # Voice first: loading a voice may reset rate and volume to its own defaults.
        if profile[0]:
            self._engine.setProperty("voice", profile[0])
        self._engine.setProperty("rate", rate)
        self._engine.setProperty("volume", volume)
        self._wait_idle()
        self._profile = profile

    def render(self, text: str, path: Path) -> None:
        self._wait_idle()
        self._engine.save_to_file(text, str(path))
        self._engine.runAndWait()
        self._wait_idle()

    def _wait_idle(self) -> None:
        if self._espeak is None:
            return
        deadline = time.monotonic() + _IDLE_TIMEOUT
        while self._espeak.IsPlaying():
            if time.monotonic() > deadline:
                raise RuntimeError("espeak-ng stayed busy for 2 s")
            time.sleep(0.001)


def _driver_print(*args: Any, **kwargs: Any) -> None:
    log.debug("pyttsx3: %s", " ".join(map(str, args)))


class EngineWorker:
    """The thread that owns the pyttsx3 engine: renders requested phrases into the cache.

    `request` and `lookup` are safe from any thread and never wait on the engine. `on_ready()` is
    called (from this thread, no lock held) each time a clip becomes ready, `on_failure(notice)`
    once if the engine cannot be created or fails; after a failure the worker stops rendering and
    `lookup` answers RENDER_FAILED.
    """

    def __init__(
        self,
        cache_dir: Path,
        *,
        on_ready: Callable[[], None],
        on_failure: Callable[[SpeechNotice], None],
        engine_factory: Callable[[], Any] = default_engine,
        name: str = "speech-engine",
    ) -> None:
        self._cache_dir = cache_dir
        self._on_ready = on_ready
        self._on_failure = on_failure
        self._factory = engine_factory
        self._cond = threading.Condition()
        self._queue: list[tuple[float, int, RenderRequest]] = []
        self._queued: set[RenderRequest] = set()
        self._ready: dict[RenderRequest, Clip | RenderFailed] = {}
        self._voice_jobs: list[Future[list[VoiceInfo]]] = []
        self._voices: list[VoiceInfo] | None = None
        self._warned_voices: set[str] = set()
        self._seq = itertools.count()
        self._stopping = False
        self._dead = False
        self._busy_since: float | None = None
        #: (monotonic time done, seconds taken) of each phrase rendered by the engine (not cached)
        self.render_log: list[tuple[float, float]] = []
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def dead(self) -> bool:
        return self._dead

    def request(self, req: RenderRequest, priority: float = float("inf")) -> None:
        """Render `req` soon; lower `priority` (an earlier due time) first."""
        with self._cond:
            if self._dead or self._stopping or req in self._ready:
                return
            self._queued.add(req)
            heapq.heappush(self._queue, (priority, next(self._seq), req))
            self._cond.notify()

    def lookup(self, req: RenderRequest) -> Clip | RenderFailed | None:
        """The clip if rendered, RENDER_FAILED if it cannot be, None if not yet."""
        with self._cond:
            if self._dead:
                return RENDER_FAILED
            return self._ready.get(req)

    def voices(self) -> Future[list[VoiceInfo]]:
        """The engine's voices, listed in the engine thread ([] if there is no engine)."""
        fut: Future[list[VoiceInfo]] = Future()
        with self._cond:
            if self._voices is not None or self._dead or self._stopping:
                fut.set_result(list(self._voices or []))
            else:
                self._voice_jobs.append(fut)
                self._cond.notify()
        return fut

    def stuck_for(self) -> float:
        """Seconds the current render has taken (0 when idle)."""
        since = self._busy_since
        return time.monotonic() - since if since is not None else 0.0

    def stop(self, timeout: float = 2.0) -> None:
        with self._cond:
            self._stopping = True
            self._queue.clear()
            self._queued.clear()
            self._cond.notify_all()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("the speech engine thread did not stop within %.1f s", timeout)
        self._answer_voices([])

    # -- the engine thread ---------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._busy_since = time.monotonic()
            try:
                engine = self._factory()
                renderer = EngineRenderer(engine)
            except Exception as e:
                log.warning("no speech engine: %s", e, exc_info=True)
                self._fail(SpeechNotice(NoticeReason.NO_ENGINE, f"{type(e).__name__}: {e}"))
                return
            finally:
                self._busy_since = None
            tag = engine_tag(engine)
            voices = voices_of(engine)
            with self._cond:
                self._voices = voices
            self._answer_voices(voices)
            log.info("speech engine ready: %s, default voice %s, %d voices",
                     tag, renderer.default_voice, len(voices))
            self._loop(renderer, tag)
        except OSError as e:
            log.exception("the speech cache cannot be written")
            self._fail(SpeechNotice(NoticeReason.NO_CACHE, f"{self._cache_dir}: {e}"))
        except Exception as e:  # a bug or an engine failure: voice off, session goes on
            log.exception("the speech engine failed")
            self._fail(SpeechNotice(NoticeReason.ENGINE_FAILED, f"{type(e).__name__}: {e}"))

    def _loop(self, renderer: EngineRenderer, tag: str) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                if not self._queue:
                    continue
                _, _, req = heapq.heappop(self._queue)
                if req in self._ready or req not in self._queued:
                    continue
                self._queued.discard(req)
            self._busy_since = time.monotonic()
            try:
                result = self._produce(renderer, tag, req)
            finally:
                self._busy_since = None
            with self._cond:
                self._ready[req] = result
            self._on_ready()

    def _produce(self, renderer: EngineRenderer, tag: str, req: RenderRequest
                 ) -> Clip | RenderFailed:
        final = self._cache_dir / req.file_name(tag)
        clip = load_clip(final, req.text)
        if clip is not None:
            return clip
        self._cache_dir.mkdir(parents=True, exist_ok=True)
        if req.tone is not None:
            base = self._produce(renderer, tag, req.speech_only)
            with self._cond:
                self._ready[req.speech_only] = base
            if isinstance(base, RenderFailed):
                return base
            beeps.mix(base.path, req.tone, req.volume, final)
            return load_clip(final, req.text) or RENDER_FAILED
        voice = self._checked_voice(req.voice_id)
        renderer.set_profile(voice, req.rate, req.volume)
        ensure_room(self._cache_dir)
        tmp = final.with_name(f".{final.stem}.{os.getpid()}.render.wav")
        try:
            for attempt in (1, 2):
                t0 = time.monotonic()
                renderer.render(req.text, tmp)
                t1 = time.monotonic()
                self.render_log.append((t1, t1 - t0))
                clip = load_clip(tmp, req.text)
                if clip is not None:
                    trim_silence(tmp)
                    clip = load_clip(tmp, req.text) or clip
                    os.replace(tmp, final)
                    log.debug("rendered %r (%.2f s)", req.text, clip.duration)
                    return Clip(final, clip.duration, req.text)
                log.warning("rendering %r gave no audio (attempt %d)", req.text, attempt)
        finally:
            tmp.unlink(missing_ok=True)
        return RENDER_FAILED

    def _checked_voice(self, voice_id: str | None) -> str | None:
        if voice_id is None or self._voices is None or not self._voices:
            return voice_id
        if any(v.id == voice_id for v in self._voices):
            return voice_id
        if voice_id not in self._warned_voices:
            self._warned_voices.add(voice_id)
            log.warning("voice %r is not installed; using the default voice", voice_id)
            self._on_failure(SpeechNotice(NoticeReason.VOICE_MISSING, f"voice {voice_id!r}"))
        return None

    def _fail(self, notice: SpeechNotice) -> None:
        with self._cond:
            self._dead = True
            self._queue.clear()
            self._queued.clear()
        self._answer_voices([])
        self._on_failure(notice)
        self._on_ready()

    def _answer_voices(self, voices: list[VoiceInfo]) -> None:
        with self._cond:
            jobs, self._voice_jobs = self._voice_jobs, []
        for fut in jobs:
            if not fut.done():
                fut.set_result(list(voices))
