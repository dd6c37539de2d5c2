"""A private PulseAudio server with one null sink (played at real-time pace, heard by nobody),
for the Qt Multimedia player's tests and benchmark on a machine with no sound card."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator


@contextlib.contextmanager
def null_sink() -> Iterator[dict[str, str]]:
    """Start the server (`-D` returns once it accepts clients); point PULSE_SERVER at it in
    this process while it runs; yield the environment for tools (pactl); stop it afterwards."""
    with tempfile.TemporaryDirectory(prefix="coach-pulse-") as runtime:
        os.chmod(runtime, 0o700)
        env = {**os.environ, "XDG_RUNTIME_DIR": runtime, "HOME": runtime,
               "PULSE_SERVER": f"unix:{runtime}/native"}
        start = ["pulseaudio", "-D", "-n", "--exit-idle-time=-1", "--system=false",
                 "--disable-shm=yes", "-F", "/dev/null",
                 "--load=module-null-sink sink_name=coach_null",
                 f"--load=module-native-protocol-unix socket={runtime}/native "
                 "auth-anonymous=1"]
        subprocess.run(start, env=env, check=True, timeout=30, capture_output=True)
        saved = os.environ.get("PULSE_SERVER")
        os.environ["PULSE_SERVER"] = env["PULSE_SERVER"]
        try:
            yield env
        finally:
            if saved is None:
                os.environ.pop("PULSE_SERVER", None)
            else:
                os.environ["PULSE_SERVER"] = saved
            subprocess.run(["pulseaudio", "--kill"], env=env, check=False, timeout=30,
                           capture_output=True)
