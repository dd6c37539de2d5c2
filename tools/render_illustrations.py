"""Render every exercise illustration to PNG and build one contact sheet.

    .venv/bin/python tools/render_illustrations.py OUTDIR [--scale 1.0] [--columns 4]

Writes OUTDIR/<id>.png for each assets/illustrations/<id>.svg (plus placeholder.png) and
OUTDIR/contact-sheet.png, a labelled grid of all of them, for eyeballing the set side by side.
Runs headless (QT_QPA_PLATFORM=offscreen).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def render(svg: Path, width: int, height: int) -> QImage:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_illustrations: {svg} is not a valid SVG")
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, width, height))
    painter.end()
    return image


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 renders at 400x300")
    parser.add_argument("--columns", type=int, default=4)
    args = parser.parse_args(argv)

    _app = QGuiApplication.instance() or QGuiApplication([])
    args.outdir.mkdir(parents=True, exist_ok=True)
    svgs = sorted((ASSETS / "illustrations").glob("*.svg")) + [ASSETS / "placeholder.svg"]
    svgs = [s for s in svgs if s.exists()]
    if not svgs:
        print("render_illustrations: no SVGs found", file=sys.stderr)
        return 1

    width, height = round(400 * args.scale), round(300 * args.scale)
    label_h, gap = 26, 12
    cols = max(1, args.columns)
    rows = (len(svgs) + cols - 1) // cols
    sheet = QImage(
        gap + cols * (width + gap), gap + rows * (height + label_h + gap),
        QImage.Format.Format_ARGB32,
    )
    sheet.fill(QColor("#d0d4d6"))
    painter = QPainter(sheet)
    font = QFont()
    font.setPixelSize(15)
    painter.setFont(font)
    for i, svg in enumerate(svgs):
        image = render(svg, width, height)
        image.save(str(args.outdir / f"{svg.stem}.png"))
        x = gap + (i % cols) * (width + gap)
        y = gap + (i // cols) * (height + label_h + gap)
        painter.drawImage(x, y, image)
        painter.setPen(QColor("#1d2a30"))
        painter.drawText(
            QRectF(x, y + height, width, label_h), Qt.AlignmentFlag.AlignCenter, svg.stem
        )
    painter.end()
    out = args.outdir / "contact-sheet.png"
    sheet.save(str(out))
    print(f"rendered {len(svgs)} illustrations; contact sheet: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
