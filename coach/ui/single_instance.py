"""One window per data folder: a second start brings the first window to the front.

`SingleInstance(data_dir).claim()` holds a `QLockFile` for the data folder for the life of the
process (a lock left by a process that is gone is taken over: Qt checks its process id) and
listens on a `QLocalServer` named after the folder. A second start finds the lock held, sends
"raise" to that server, and ends; the first emits `activated`. `coach run` in a terminal
takes no part: it may run beside a window (the history keeps both sessions apart).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QDir, QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

#: How long a second start waits for the first window to answer, in milliseconds.
ANSWER_MS = 3000


def instance_key(data_dir: Path) -> str:
    """A name for the lock and the server, the same for every spelling of one folder."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return f"physio-coach-{digest}"


class SingleInstance(QObject):
    """See the module docstring."""

    activated = Signal()
    """Another start on the same data folder asked this window to come to the front."""

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = instance_key(data_dir)
        self._lock = QLockFile(str(Path(QDir.tempPath()) / f"{self.key}.lock"))
        self._lock.setStaleLockTime(0)  # held for the whole run: stale only if its owner died
        self._server: QLocalServer | None = None
        self._sockets: list[QLocalSocket] = []  # closed with the server

    def claim(self) -> bool:
        """True when this is the first window on the folder (now listening); False when
        another one is open and was asked to come to the front (or did not answer in time:
        then it is said in the log)."""
        if self._lock.tryLock(0):
            server = QLocalServer(self)
            QLocalServer.removeServer(self.key)  # a socket left by a window that crashed
            if not server.listen(self.key):
                log.warning("cannot listen for other windows: %s", server.errorString())
            server.newConnection.connect(self._answer)
            self._server = server
            return True
        socket = QLocalSocket(self)
        socket.connectToServer(self.key)
        if socket.waitForConnected(ANSWER_MS):
            socket.write(b"raise\n")
            socket.waitForBytesWritten(ANSWER_MS)
            socket.disconnectFromServer()
        else:
            log.warning("another window holds %s but does not answer: %s",
                        self._lock.fileName(), socket.errorString())
        return False

    def _answer(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(self._read)
            self._sockets.append(socket)
            if socket.bytesAvailable():
                self._read_from(socket)

    def _read(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read_from(socket)

    def _read_from(self, socket: QLocalSocket) -> None:
        if b"raise" in bytes(socket.readAll().data()):
            log.info("another start on this data folder: window brought to the front")
            self.activated.emit()

    def release(self) -> None:
        """Stop listening and let the next start be the first."""
        for socket in self._sockets:
            socket.abort()
        self._sockets.clear()
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()
