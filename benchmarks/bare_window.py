"""The floor for start-up: a bare PySide6 window with one label that quits after its first paint."""

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel


class _FirstPaint(QObject):
    def eventFilter(self, watched, event):  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, QApplication.quit)
        return False


def main() -> int:
    app = QApplication(sys.argv[:1])
    label = QLabel("Physio Coach")
    label.resize(1100, 760)
    watcher = _FirstPaint()
    label.installEventFilter(watcher)
    label.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
