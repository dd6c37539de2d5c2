"""What the history can tell the person: one error type for refusals, notices for the rest.

`StorageError` is a `KnownError`: its message is shown as it is (a newer database, a history
that cannot be read right now). Everything the store recovers from by itself (a damaged file
moved aside, a full disk while a session is running, a failed backup) is a `StorageNotice`
handed to the window or the command line to show once, and the session carries on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from coach.core.errors import KnownError


class StorageError(KnownError):
    """The history cannot be used as asked; `message` says why in plain words."""


class NewerDatabaseError(StorageError):
    """The history was written by a newer Physio Coach; it is left exactly as it is."""

    def __init__(self, path: Path, found: int, supported: int) -> None:
        super().__init__(
            f"Your exercise history was saved by a newer version of Physio Coach "
            f"(history format {found}; this version reads up to format {supported}). "
            f"Please update Physio Coach to see or add to it. The file has not been changed: "
            f"{path}"
        )
        self.path = path
        self.found = found
        self.supported = supported


class NoticeKind(StrEnum):
    CORRUPT_MOVED_ASIDE = "corrupt-moved-aside"
    """The history file was damaged; it was kept under another name and a new one started."""
    WRITES_PENDING = "writes-pending"
    """Records cannot be written now (full disk, read-only folder); they are kept in memory."""
    WRITES_SAVED = "writes-saved"
    """Records kept in memory have now been written."""
    UNSAVED_AT_CLOSE = "unsaved-at-close"
    """The store was closed while records were still kept in memory."""
    BACKUP_FAILED = "backup-failed"
    """Today's backup copy could not be made; the history itself is fine."""
    FILE_RECREATED = "file-recreated"
    """The history file was deleted while open; it was written again from the open copy."""
    JOURNAL_SAVED = "journal-saved"
    """Records an earlier run kept in a journal (the disk was full) are now in the history."""
    SESSION_RECOVERED = "session-recovered"
    """A session that was never closed (crash, power cut) now reads as ended early."""


@dataclass(frozen=True)
class StorageNotice:
    """Something the person should be told once, in `message`; `path` names a file if any."""

    kind: NoticeKind
    message: str
    path: Path | None = None

    def __str__(self) -> str:
        return self.message
