"""Driving a session: a fake clock ticking the engine the way a real driver would (never
sleeping), and, for the end-to-end tests, the real window under Xvfb (`Desktop`)."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import select
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from coach.core.clock import FakeClock
from coach.core.engine import SessionEngine

T = TypeVar("T")


def run_to(engine: SessionEngine, clock: FakeClock, when: float) -> None:
    """Tick at every wake-up the engine asks for up to `when`, then at `when` itself."""
    while True:
        wake = engine.next_wakeup(clock.now())
        if wake is None or wake > when:
            break
        clock.set(max(wake, clock.now()))
        engine.tick(clock.now())
    clock.set(max(when, clock.now()))
    engine.tick(clock.now())


def run_for(engine: SessionEngine, clock: FakeClock, seconds: float) -> None:
    run_to(engine, clock, clock.now() + seconds)


def run_to_end(engine: SessionEngine, clock: FakeClock, *, open_ended_after: float = 5.0,
               limit: int = 1_000_000) -> None:
    """Run until the session finishes; open-ended phases are declared done after a while."""
    for _ in range(limit):
        if engine.finished:
            return
        if engine.paused:
            engine.resume(clock.now())
            continue
        if engine.phase.duration is None:
            run_for(engine, clock, open_ended_after)
            engine.skip(clock.now())
            continue
        wake = engine.next_wakeup(clock.now())
        assert wake is not None
        clock.set(max(wake, clock.now()))
        engine.tick(clock.now())
    raise AssertionError("the session did not finish")


# --- the real window, under Xvfb ---------------------------------------------------------------
#
# `Desktop` drives a real `coach` process on a private X display the way a person does: key
# presses and mouse clicks (xdotool) on the window that has the focus, and it reads the screen
# back the way a person does too: screenshots (ImageMagick) read with OCR (tesseract). Waits
# block on X events (`xev` on the root window for windows coming and going, `xprop -spy` on a
# window's title) up to a deadline; nothing sleeps for a fixed time.

TOOLS = ("Xvfb", "xdotool", "xev", "xprop", "import", "identify", "convert", "tesseract")


@dataclass(frozen=True)
class Word:
    """A word read off the screen, its box in window pixels."""

    text: str
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int]

    @property
    def centre(self) -> tuple[int, int]:
        return self.left + self.width // 2, self.top + self.height // 2


class Desktop:
    """xdotool, ImageMagick and tesseract on one display, and X event monitors to wait on."""

    #: Screenshots are enlarged this much before OCR (small text reads much better).
    OCR_ZOOM = 2

    def __init__(self, env: dict[str, str], scratch: Path) -> None:
        self.env = env
        self.scratch = scratch
        self._shots = 0
        self._monitors: list[subprocess.Popen[bytes]] = []
        self.monitor("xev", "-root", "-event", "substructure")  # windows shown and hidden

    # --- waiting ----------------------------------------------------------------------------

    def monitor(self, *argv: str) -> None:
        """Run an X event monitor; `wait_for` wakes up on each line it prints."""
        self._monitors.append(subprocess.Popen(argv, env=self.env, stdout=subprocess.PIPE,
                                               stderr=subprocess.DEVNULL))

    def monitor_title(self, wid: str) -> None:
        self.monitor("xprop", "-spy", "-id", wid, "WM_NAME")

    def wait_for(self, condition: Callable[[], T | None], timeout: float, what: str) -> T:
        """`condition()` once now and again after each X event, until it returns something
        true (returned) or `timeout` seconds have gone (a failure)."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            left = deadline - time.monotonic()
            live = [m for m in self._monitors if m.stdout is not None and not m.stdout.closed]
            if left <= 0 or not live:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")
            ready, _, _ = select.select([m.stdout for m in live], [], [], left)
            for stream in ready:
                if not os.read(stream.fileno(), 65536):
                    stream.close()  # that monitor has ended (its window is gone)

    def close(self) -> None:
        for m in self._monitors:
            m.kill()
            m.wait()
            if m.stdout is not None:
                m.stdout.close()

    # --- windows ----------------------------------------------------------------------------

    def run(self, *args: str, timeout: float = 10) -> str:
        # One thread each: tesseract's OpenMP threads spin, twice as slow on a busy machine.
        env = dict(self.env, OMP_THREAD_LIMIT="1")
        done = subprocess.run(args, env=env, capture_output=True, text=True,
                              timeout=timeout, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    def windows(self) -> dict[str, str]:
        """Visible top-level windows with a title: id -> title."""
        ids = self.run("xdotool", "search", "--onlyvisible", "--name", ".").split()
        return {w: self.run("xdotool", "getwindowname", w) for w in ids}

    def window_titled(self, test: Callable[[str], bool]) -> str | None:
        for wid, title in self.windows().items():
            if test(title):
                return wid
        return None

    def wait_window(self, test: Callable[[str], bool], timeout: float, what: str) -> str:
        """The visible window whose title passes `test`, once there is one."""
        return self.wait_for(lambda: self.window_titled(test), timeout, what)

    def wait_gone(self, wid: str, timeout: float, what: str) -> None:
        self.wait_for(lambda: wid not in self.windows(), timeout, what)

    def title(self, wid: str) -> str:
        return self.run("xdotool", "getwindowname", wid)

    def open_menu(self) -> str | None:
        """The drop-down menu showing, if there is one."""
        for wid in self.run("xdotool", "search", "--onlyvisible", "--class", ".").split():
            if "POPUP_MENU" in self.run("xprop", "-id", wid, "_NET_WM_WINDOW_TYPE"):
                return wid
        return None

    # --- hands ------------------------------------------------------------------------------

    def focus(self, wid: str) -> None:
        """Bring the window to the top and give it the keyboard (there is no window manager:
        every window opens at the top left, over the others)."""
        self.run("xdotool", "windowraise", wid)
        self.run("xdotool", "windowfocus", "--sync", wid)

    def press(self, wid: str, *keys: str) -> None:
        """Type the keys into the window."""
        self.focus(wid)
        self.run("xdotool", "key", "--clearmodifiers", *keys)

    def type(self, wid: str, text: str) -> None:
        self.focus(wid)
        self.run("xdotool", "type", "--clearmodifiers", "--delay", "5", text)

    def click(self, wid: str, x: int, y: int, button: int = 1, times: int = 1) -> None:
        """Click (or, with button 4 or 5, turn the wheel) at a point of the window."""
        self.focus(wid)
        self.run("xdotool", "mousemove", "--window", wid, str(x), str(y))
        self.run("xdotool", "click", "--repeat", str(times), str(button))

    def menu(self, wid: str, menu_key: str, item_key: str, *, item: str | None = None) -> None:
        """Open a menu by its Alt+letter, wait until it shows, then choose an item by its
        letter. With `item`, first wait until the menu reads that (entries added after the
        window opened)."""
        self.press(wid, menu_key)
        popup = self.wait_for(self.open_menu, 5, f"the menu {menu_key}")
        if item is not None:
            self.read_until(popup, loose(item), 10, f"{item!r} in the menu")
        self.run("xdotool", "key", "--clearmodifiers", item_key)

    # --- eyes -------------------------------------------------------------------------------

    def screenshot(self, path: Path, wid: str = "root") -> None:
        self.run("import", "-window", wid, str(path), timeout=20)

    def colours(self, path: Path) -> int:
        out = self.run("identify", "-format", "%k", str(path))
        return int(out) if out.isdigit() else 0

    def words(self, wid: str) -> list[Word]:
        """The words on the window now, read with OCR from a screenshot."""
        self._shots += 1
        shot = self.scratch / f"screen-{self._shots:02d}.png"
        big = self.scratch / f"screen-{self._shots:02d}-ocr.png"
        self.screenshot(shot, wid)
        self.run("convert", str(shot), "-resize", f"{self.OCR_ZOOM * 100}%", "-colorspace",
                 "Gray", str(big), timeout=20)
        tsv = self.run("tesseract", str(big), "-", "tsv", timeout=30)
        words = []
        for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
            text = (row.get("text") or "").strip()
            if row.get("level") != "5" or not text:
                continue
            z = self.OCR_ZOOM
            words.append(Word(text, int(row["left"]) // z, int(row["top"]) // z,
                              int(row["width"]) // z, int(row["height"]) // z,
                              (int(row["block_num"]), int(row["par_num"]),
                               int(row["line_num"]))))
        return words

    def read(self, wid: str) -> str:
        """The window's text as OCR reads it: one line of text per line on screen."""
        return lines_of(self.words(wid))

    def read_until(self, wid: str, pattern: str, timeout: float, what: str) -> re.Match[str]:
        """Read the window again and again until `pattern` (a regex, whitespace-tolerant) is
        on it; each reading takes a screenshot and an OCR pass, about a second."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.read(wid)
            found = re.search(pattern, text)
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: {pattern!r} not on the screen after {timeout} s;"
                                     f" it reads:\n{text}")

    def find(self, wid: str, phrase: str) -> Word | None:
        """Where `phrase` (words on one line) is on the window, as one box."""
        words = self.words(wid)
        wanted = phrase.split()
        for i in range(len(words) - len(wanted) + 1):
            run = words[i:i + len(wanted)]
            if [w.text for w in run] == wanted and len({w.line for w in run}) == 1:
                left, top = min(w.left for w in run), min(w.top for w in run)
                right = max(w.left + w.width for w in run)
                bottom = max(w.top + w.height for w in run)
                return Word(phrase, left, top, right - left, bottom - top, run[0].line)
        return None

    def click_on(self, wid: str, phrase: str, timeout: float = 10) -> None:
        """Click on the words `phrase` as they show on the window (a label, a button, the
        placeholder of an empty field)."""
        deadline = time.monotonic() + timeout
        while (box := self.find(wid, phrase)) is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"{phrase!r} is not on the screen; it reads:\n"
                                     f"{self.read(wid)}")
        self.click(wid, *box.centre)


def loose(text: str) -> str:
    """A regex for `text` as OCR reads it: any run of spaces may be any whitespace."""
    return r"\s+".join(re.escape(part) for part in text.split())


def lines_of(words: list[Word]) -> str:
    lines: dict[tuple[int, int, int], list[str]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w.text)
    return "\n".join(" ".join(parts) for parts in lines.values())


@contextlib.contextmanager
def desktop_on_xvfb(scratch: Path, size: str = "1280x1024x24") -> Iterator[Desktop]:
    """A `Desktop` on a private Xvfb display (skips the test when a tool is missing)."""
    import pytest

    from benchmarks.xvfb import env_with_display, xvfb

    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (make test installs them)")
    scratch.mkdir(parents=True, exist_ok=True)
    with xvfb(size) as display:
        desktop = Desktop(env_with_display(display), scratch)
        try:
            yield desktop
        finally:
            desktop.close()
