"""A small flow layout for printed pages: blocks stacked down the page, paginated, then drawn.

Coordinates are PostScript points (1/72 inch) whatever the writer's resolution: the painter is
scaled once, and text is laid out against a 72 dpi device, so font sizes are points too.
Text is laid out by `QTextDocument` from HTML we build ourselves; every catalogue or user
string goes through `esc` (html.escape) on the way in, so a name like "<b>" prints as typed.
Illustrations are SVG drawn by `QSvgRenderer`, so they stay vector in the PDF.

Only QtGui and QtSvg are used (no widgets), so printing works headless: `ensure_gui()` makes the
`QGuiApplication` when there is none, on the offscreen platform.
"""

from __future__ import annotations

import html
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
    QTextOption,
)
from PySide6.QtSvg import QSvgRenderer

from coach.core.errors import KnownError

#: Writer units per point: the painter is scaled by this so the code works in points.
UNITS_PER_POINT = 10
TEXT = QColor("#1d2a30")
MUTED = QColor("#5d6b72")
RULE = QColor("#c9d3d8")
WARNING = QColor("#b3261e")
WARNING_FILL = QColor("#fdf1ef")
BODY_PT = 8.6


class Paper(StrEnum):
    A4 = "a4"
    LETTER = "letter"


PAGE_SIZES = {Paper.A4: QPageSize.PageSizeId.A4, Paper.LETTER: QPageSize.PageSizeId.Letter}


def font_css(size: float) -> str:
    """A CSS font size in points."""
    return f"font-size: {size:g}pt"


def esc(text: object) -> str:
    """Catalogue or user text made safe for the HTML we build (quotes included)."""
    return html.escape(str(text), quote=True)


def ensure_gui() -> QGuiApplication:
    """The running Qt application, or a new `QGuiApplication` on the offscreen platform: a
    PDF needs fonts, not a screen, so the command works over ssh, in cron, and with a DISPLAY
    that has no X server behind it (QT_QPA_PLATFORM, when set, is respected)."""
    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("QT_QPA_PLATFORM"):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QGuiApplication(sys.argv[:1])
    assert isinstance(app, QGuiApplication)
    return app


_POINTS: QImage | None = None


def _points_device() -> QImage:
    """A paint device at 72 dots per inch: text laid out against it measures in points, so
    font sizes are given in points (fractions allowed) and match the painter's units."""
    global _POINTS
    if _POINTS is None:
        _POINTS = QImage(1, 1, QImage.Format.Format_RGB32)
        _POINTS.setDotsPerMeterX(2835)  # 72.009 dpi
        _POINTS.setDotsPerMeterY(2835)
    return _POINTS


def text_document(body: str, width: float, *, size: float = BODY_PT) -> QTextDocument:
    """`body` (our HTML, user text already escaped) laid out `width` points wide."""
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(_points_device())
    doc.setDocumentMargin(0)
    doc.setUseDesignMetrics(True)
    font = QFont(QGuiApplication.font())
    font.setPointSizeF(size)
    # No ligatures: "fi" stays two letters when the text is copied or searched.
    for tag in ("liga", "clig"):
        font.setFeature(QFont.Tag(tag), 0)
    doc.setDefaultFont(font)
    doc.setIndentWidth(size * 1.6)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    doc.setDefaultTextOption(option)
    # No font-size on body: Qt would then give it to <b> and <i> inside a larger paragraph.
    doc.setDefaultStyleSheet(
        f"body {{ color: {TEXT.name()}; }}"
        "p { margin: 0; } h1 { margin: 0; } h2 { margin: 0; } h3 { margin: 0; }"
        f".muted {{ color: {MUTED.name()}; }}"
        f".warn {{ color: {WARNING.name()}; }}"
    )
    doc.setHtml(f"<body>{body}</body>")
    doc.setTextWidth(width)
    return doc


class Block:
    """Something stacked down the page: `height` points tall, drawn at (x, y)."""

    height: float = 0.0
    #: Space above the block (dropped at the top of a page).
    space_before: float = 0.0
    #: Do not end a page after this block (a heading stays with what follows).
    keep_with_next: bool = False
    #: Drawn again at the top of a page this block starts (a table's header row).
    header: Block | None = None

    def draw(self, painter: QPainter, x: float, y: float) -> None:
        raise NotImplementedError


class Text(Block):
    def __init__(self, body: str, width: float, *, size: float = BODY_PT,
                 space_before: float = 0.0, keep_with_next: bool = False) -> None:
        self.doc = text_document(body, width, size=size)
        self.height = self.doc.size().height()
        self.space_before = space_before
        self.keep_with_next = keep_with_next

    def draw(self, painter: QPainter, x: float, y: float) -> None:
        painter.save()
        painter.translate(x, y)
        self.doc.drawContents(painter)
        painter.restore()


class Columns(Block):
    """Cells side by side, each `widths[i]` points wide, the row as tall as the tallest."""

    def __init__(self, cells: Sequence[str], widths: Sequence[float], *, size: float = BODY_PT,
                 bold: bool = False, rule: bool = True, fill: QColor | None = None,
                 pad: float = 2.5, space_before: float = 0.0) -> None:
        self.widths = list(widths)
        self.pad = pad
        wrap = "<b>{}</b>" if bold else "{}"
        self.docs = [text_document(wrap.format(c), w - 2 * pad, size=size)
                     for c, w in zip(cells, widths, strict=True)]
        self.height = max(d.size().height() for d in self.docs) + 2 * pad
        self.rule = rule
        self.fill = fill
        self.space_before = space_before

    def draw(self, painter: QPainter, x: float, y: float) -> None:
        total = sum(self.widths)
        if self.fill is not None:
            painter.fillRect(QRectF(x, y, total, self.height), self.fill)
        left = x
        for doc, w in zip(self.docs, self.widths, strict=True):
            painter.save()
            painter.translate(left + self.pad, y + self.pad)
            doc.drawContents(painter)
            painter.restore()
            left += w
        if self.rule:
            painter.setPen(QPen(RULE, 0.5))
            painter.drawLine(QRectF(x, y, total, self.height).bottomLeft(),
                             QRectF(x, y, total, self.height).bottomRight())


def numbered(items: Sequence[str], *, hang: float = 11.0, marker: str = "{n}.") -> str:
    """Paragraphs with a hanging number ("1. ...") as HTML; `items` are our HTML. Used instead of
    <ol>, whose markers Qt draws off the text's baseline at point sizes like 8.6. (Qt's CSS
    takes margins in px only; on our 72 dpi layout device a px is a point.)"""
    return "".join(
        f'<p style="margin-left: {hang:g}px; text-indent: -{hang:g}px">'
        f'{marker.format(n=n)}&nbsp;{item}</p>'
        for n, item in enumerate(items, start=1))


def bulleted(items: Sequence[str], *, hang: float = 9.0) -> str:
    return numbered(items, hang=hang, marker="\u2022")


class Stack(Block):
    """Blocks drawn one under the other as one (a table's caption over its header row)."""

    def __init__(self, blocks: Sequence[Block]) -> None:
        self.blocks = list(blocks)
        self.height = sum(b.height for b in self.blocks)

    def draw(self, painter: QPainter, x: float, y: float) -> None:
        for b in self.blocks:
            b.draw(painter, x, y)
            y += b.height


#: A table of at most this many rows is kept on one page (with its caption and header).
KEEP_TOGETHER_ROWS = 8


def table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], *,
          size: float = BODY_PT - 0.5, space_before: float = 4.0,
          caption: str | None = None) -> list[Block]:
    """A table as one block per row (so it can run over pages); the header repeats on each
    page it continues on, under "<caption> (continued)" when the table has a caption (our HTML,
    shown above the table), so no row is ever left without the name it belongs to. A table of
    up to `KEEP_TOGETHER_ROWS` rows is not split at all. Cells are our HTML (user text already
    escaped)."""
    def header_row() -> Columns:
        return Columns(header, widths, size=size, bold=True, fill=QColor("#eef2f4"))

    total = sum(widths)
    blocks: list[Block] = []
    repeat: Block = header_row()
    if caption is not None:
        blocks.append(Text(f"<p>{caption}</p>", total, space_before=space_before * 2,
                           keep_with_next=True))
        repeat = Stack([Text(f"<p>{caption} (continued)</p>", total), header_row()])
    head = header_row()
    head.space_before = space_before if caption is None else 2.0
    head.keep_with_next = True
    blocks.append(head)
    together = len(rows) <= KEEP_TOGETHER_ROWS
    for n, row in enumerate(rows):
        block = Columns(row, widths, size=size)
        block.header = repeat
        block.keep_with_next = together and n < len(rows) - 1
        blocks.append(block)
    return blocks


class Picture(Block):
    """An SVG illustration on the left with the text in one column beside it, all the way down
    (numbered steps never jump back to the margin half-way through)."""

    def __init__(self, svg: Path | None, placeholder: Path, body: str, width: float, *,
                 image_width: float = 86.0, gap: float = 10.0, size: float = BODY_PT,
                 space_before: float = 0.0) -> None:
        self.renderer = QSvgRenderer()
        loaded = svg is not None and svg.suffix.lower() == ".svg" and self.renderer.load(
            str(svg))
        if not loaded:
            self.renderer.load(str(placeholder))
        view = self.renderer.viewBoxF()
        ratio = view.height() / view.width() if view.width() > 0 else 0.75
        self.image = QSizeF(image_width, image_width * ratio)
        self.text_left = image_width + gap
        self.text = text_document(body, width - self.text_left, size=size)
        self.height = max(self.image.height(), self.text.size().height())
        self.space_before = space_before

    def draw(self, painter: QPainter, x: float, y: float) -> None:
        if self.renderer.isValid():
            self.renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
            self.renderer.render(painter, QRectF(x, y, self.image.width(), self.image.height()))
        painter.save()
        painter.translate(x + self.text_left, y)
        self.text.drawContents(painter)
        painter.restore()


class Boxed(Block):
    """Text in a coloured box with a border (the red-flags box)."""

    def __init__(self, body: str, width: float, *, border: QColor = WARNING,
                 fill: QColor = WARNING_FILL, pad: float = 8.0, size: float = BODY_PT,
                 space_before: float = 0.0) -> None:
        self.pad = pad
        self.width = width
        self.border, self.fill = border, fill
        self.doc = text_document(body, width - 2 * pad, size=size)
        self.height = self.doc.size().height() + 2 * pad
        self.space_before = space_before

    def draw(self, painter: QPainter, x: float, y: float) -> None:
        rect = QRectF(x, y, self.width, self.height)
        painter.setPen(QPen(self.border, 1.5))
        painter.setBrush(self.fill)
        painter.drawRoundedRect(rect, 4, 4)
        painter.save()
        painter.translate(x + self.pad, y + self.pad)
        self.doc.drawContents(painter)
        painter.restore()


class Drawing(Block):
    """Painted by a function (a chart), `height` points tall and `width` wide."""

    def __init__(self, width: float, height: float,
                 paint: Callable[[QPainter, QRectF], None], *, space_before: float = 0.0) -> None:
        self.width, self.height = width, height
        self.paint = paint
        self.space_before = space_before

    def draw(self, painter: QPainter, x: float, y: float) -> None:
        painter.save()
        self.paint(painter, QRectF(x, y, self.width, self.height))
        painter.restore()


@dataclass
class Page:
    placed: list[tuple[Block, float]] = field(default_factory=list)


@dataclass
class PageSetup:
    paper: Paper = Paper.A4
    margin: float = 36.0
    footer_height: float = 16.0

    @property
    def size(self) -> QSizeF:
        return QPageSize(PAGE_SIZES[self.paper]).size(QPageSize.Unit.Point)

    @property
    def content_width(self) -> float:
        return self.size.width() - 2 * self.margin

    @property
    def content_height(self) -> float:
        return self.size.height() - 2 * self.margin - self.footer_height


def paginate(blocks: Sequence[Block], height: float) -> list[Page]:
    """Place blocks down pages `height` points tall. A block that does not fit starts a new
    page (with its header, if any), and takes the blocks kept with it along; of a run kept
    together that is taller than a whole page, as much as fits on one page stays together."""
    pages = [Page()]
    y = 0.0
    i = 0
    while i < len(blocks):
        # A run of blocks that must stay together: headings with what follows.
        j = i
        while j < len(blocks) - 1 and blocks[j].keep_with_next:
            j += 1
        run = blocks[i:j + 1]
        need = sum(b.height + (b.space_before if k else 0) for k, b in enumerate(run))
        while j > i and need > height:  # too tall for any page: keep what fits together
            j -= 1
            run = blocks[i:j + 1]
            need = sum(b.height + (b.space_before if k else 0) for k, b in enumerate(run))
        first_gap = run[0].space_before if y > 0 else 0.0
        if y > 0 and y + first_gap + need > height:
            pages.append(Page())
            y = 0.0
            first_gap = 0.0
            header = run[0].header
            if header is not None:
                pages[-1].placed.append((header, 0.0))
                y = header.height
        y += first_gap
        for k, b in enumerate(run):
            if k:
                y += b.space_before
            pages[-1].placed.append((b, y))
            y += b.height
        i = j + 1
    return pages


def write_pdf(path: Path, blocks: Sequence[Block], setup: PageSetup, *, title: str,
              footer: Callable[[int, int], str]) -> int:
    """Paginate and write the PDF; returns the number of pages.

    Raises `KnownError` when the file cannot be written.
    """
    pages = paginate(blocks, setup.content_height)
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "ab"):
            pass
    except OSError as e:
        raise KnownError(f"The PDF could not be written to {path}: {e.strerror or e}.") from e
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("Physio Coach")
    writer.setResolution(72 * UNITS_PER_POINT)
    writer.setPageLayout(QPageLayout(QPageSize(PAGE_SIZES[setup.paper]),
                                     QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    painter = QPainter()
    if not painter.begin(writer):
        raise KnownError(f"The PDF could not be written to {path}.")
    try:
        painter.scale(UNITS_PER_POINT, UNITS_PER_POINT)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        size = setup.size
        for n, page in enumerate(pages, start=1):
            if n > 1:
                writer.newPage()
            for block, y in page.placed:
                block.draw(painter, setup.margin, setup.margin + y)
            foot = text_document(f'<p class="muted">{footer(n, len(pages))}</p>',
                                 setup.content_width, size=BODY_PT - 1.4)
            painter.save()
            painter.translate(setup.margin, size.height() - setup.margin - foot.size().height())
            foot.drawContents(painter)
            painter.restore()
    finally:
        painter.end()
    return len(pages)
