"""An exercise's illustration, drawn from its SVG at any size; a neutral placeholder otherwise."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QSizePolicy, QWidget

from coach.paths import assets_dir

log = logging.getLogger(__name__)


class IllustrationView(QWidget):
    """Renders an SVG (vector, so sharp at 200% scaling) centred and keeping its proportions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._renderer = QSvgRenderer(self)
        self._is_placeholder = True
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        self.setAccessibleName("Illustration")
        self.set_image(None)

    @property
    def is_placeholder(self) -> bool:
        return self._is_placeholder

    def set_image(self, path: Path | None, description: str = "") -> None:
        """Show `path` (an SVG under assets/) or the placeholder when it is None or unreadable."""
        loaded = path is not None and path.suffix.lower() == ".svg" and self._renderer.load(
            str(path))
        if path is not None and not loaded:
            log.warning("illustration %s could not be loaded; showing the placeholder", path)
        if not loaded:
            self._renderer.load(str(assets_dir() / "placeholder.svg"))
        self._is_placeholder = not loaded
        self.setAccessibleDescription(description if loaded else "No illustration")
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(400, 300)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        if not self._renderer.isValid():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        view = self._renderer.viewBoxF()
        if view.isEmpty():
            view = QRectF(0, 0, 400, 300)
        scale = min(self.width() / view.width(), self.height() / view.height())
        w, h = view.width() * scale, view.height() * scale
        target = QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)
        self._renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        self._renderer.render(painter, target)
        painter.end()
