"""Render assets/icon/physio-coach.svg to PNGs at the sizes desktops ask for.

    .venv/bin/python tools/render_icon.py

Writes assets/icon/physio-coach-<size>.png for 48, 128 and 256 px, headless
(QT_QPA_PLATFORM=offscreen), with a transparent background.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICON_DIR = Path(__file__).resolve().parent.parent / "assets" / "icon"
SIZES = (48, 128, 256)


def render_icon(svg: Path, size: int) -> QImage:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icon: {svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication([])
    svg = ICON_DIR / "physio-coach.svg"
    for size in SIZES:
        out = ICON_DIR / f"physio-coach-{size}.png"
        if not render_icon(svg, size).save(str(out)):
            raise SystemExit(f"render_icon: could not write {out}")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
