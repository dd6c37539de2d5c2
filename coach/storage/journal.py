"""Records the history could not write before its process ended, kept in a small file.

A journal is one JSON file: `{"history": PATH, "pid": N, "records": [{"op", "what", "data"},
...]}`, the records in the order they happened. It is written beside the history
(`history.db.unsaved-<stamp>-<pid>.json`), or, when that folder has no room or cannot be
written, in the next of the fallback folders (named `physio-coach-unsaved-<stamp>-<pid>.json`,
the history it belongs to inside). The next `HistoryStore.open` of that history claims each
journal (renamed `….claimed-<pid>`, so two processes never take the same one), writes its
records, and only then deletes it. A claimed journal whose process is gone is taken again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from coach.storage.liveness import process_alive

log = logging.getLogger(__name__)

FALLBACK_PREFIX = "physio-coach-unsaved-"
_CLAIMED = ".claimed-"


def _names(history: Path, folder: Path, stamp: str) -> Path:
    if folder == history.parent:
        return folder / f"{history.name}.unsaved-{stamp}-{os.getpid()}.json"
    return folder / f"{FALLBACK_PREFIX}{stamp}-{os.getpid()}.json"


def write(history: Path, records: Sequence[dict[str, Any]], folders: Sequence[Path],
          now: datetime) -> Path | None:
    """Write `records` for `history` into the first of its own folder and `folders` that takes
    them whole (written under a temporary name, synced, then renamed); the file, or None when
    none could."""
    text = json.dumps({"history": str(history.absolute()), "pid": os.getpid(),
                       "written": now.isoformat(), "records": list(records)}, default=str)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    for folder in dict.fromkeys([history.parent, *folders]):
        target = _names(history, folder, stamp)
        partial = target.with_name(target.name + ".partial")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with partial.open("w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(partial, target)
        except OSError as e:
            log.warning("unsaved records could not be kept in %s: %s", folder, e)
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            continue
        log.warning("%d unsaved history record(s) kept in %s", len(records), target)
        return target
    return None


def _claimable(path: Path) -> bool:
    name = path.name
    if name.endswith(".partial"):
        return False
    if _CLAIMED in name:
        pid = name.rsplit(_CLAIMED, 1)[1]
        return pid.isdigit() and not process_alive(int(pid))
    return name.endswith(".json")


def _belongs(path: Path, history: Path) -> bool:
    if path.name.startswith(f"{history.name}.unsaved-") and path.parent == history.parent:
        return True
    try:
        found = json.loads(path.read_text(encoding="utf-8")).get("history")
    except (OSError, ValueError, AttributeError):
        return False
    return found == str(history.absolute())


def find(history: Path, folders: Sequence[Path]) -> list[Path]:
    """The journals of `history` waiting to be written (none claimed by a live process),
    oldest first."""
    found: list[Path] = []
    for folder in dict.fromkeys([history.parent, *folders]):
        pattern = (f"{history.name}.unsaved-*" if folder == history.parent
                   else f"{FALLBACK_PREFIX}*")
        try:
            candidates = sorted(folder.glob(pattern))
        except OSError:
            continue
        found.extend(p for p in candidates if _claimable(p) and _belongs(p, history))
    return sorted(found, key=lambda p: p.name.split("unsaved-", 1)[1])


def claim(path: Path) -> Path | None:
    """Take `path` for this process (renamed, so no other process takes it too); the new name,
    or None when another process was first or it cannot be renamed."""
    base = path.name.split(_CLAIMED, 1)[0]
    mine = path.with_name(f"{base}{_CLAIMED}{os.getpid()}")
    try:
        os.replace(path, mine)
    except OSError:
        return None
    return mine


def unclaim(path: Path) -> None:
    """Give a claimed journal back (its records could be kept nowhere else)."""
    with contextlib.suppress(OSError):
        os.replace(path, path.with_name(path.name.split(_CLAIMED, 1)[0]))


def records(path: Path) -> list[dict[str, Any]]:
    """The records of a journal; [] (logged) when it cannot be read."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))["records"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        log.error("journal %s cannot be read: %s", path, e)
        return []
    return [r for r in found if isinstance(r, dict) and isinstance(r.get("data"), dict)]
