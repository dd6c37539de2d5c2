"""A private Xvfb display for benchmarks and end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator

#: How long Xvfb may take to start (seconds).
START_TIMEOUT = 15.0


@contextlib.contextmanager
def xvfb(size: str = "1280x1024x24") -> Iterator[str]:
    """Start Xvfb on a display it picks itself; yield its DISPLAY value; stop it afterwards.

    `-displayfd` makes the server take the first display number that is free and write it to
    a pipe once it accepts connections, so runs in parallel (other test runs, other people's
    X servers) never race for the same number, and nothing polls for its socket."""
    if shutil.which("Xvfb") is None:
        raise RuntimeError("Xvfb is not installed (make test installs it)")
    read_end, write_end = os.pipe()
    try:
        proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_end), "-screen", "0", size, "-nolisten", "tcp"],
            pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        os.close(write_end)
    try:
        number = _read_display(read_end, proc)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        os.close(read_end)
    try:
        yield f":{number}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _read_display(fd: int, proc: subprocess.Popen[bytes]) -> int:
    """The display number Xvfb writes (then a newline) once it is ready."""
    deadline = time.monotonic() + START_TIMEOUT
    text = b""
    while not text.endswith(b"\n"):
        left = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(left, 0))
        chunk = os.read(fd, 64) if ready else b""
        if not chunk:
            state = "stopped" if proc.poll() is not None else "did not answer in time"
            raise RuntimeError(f"Xvfb did not start ({state})")
        text += chunk
    return int(text.strip())


def env_with_display(display: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["DISPLAY"] = display
    return env
