"""Writing a file so that nobody ever sees it half-written.

The text goes to a temporary file beside the final name, is flushed to the disk, and is renamed
over the final name only once complete: a crash, a full disk or an error while writing leaves
the old file as it was (and no temporary file behind). Used for the settings, prescription
files and exports.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def replacing(path: Path, *, newline: str | None = None) -> Iterator[TextIO]:
    """A UTF-8 text file to write in place of `path` (`newline` as for `open`).

    `path` is replaced when the block ends without an exception; otherwise the temporary file
    is removed and `path` is untouched. The folder must exist. `OSError` propagates: the caller
    says in its own words what could not be written.
    """
    import tempfile  # only when writing: not at start-up

    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
