"""The exercise illustrations, the placeholder, the app icon and the desktop entry."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QRectF  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ASSETS = Path(__file__).resolve().parents[2] / "assets"
ILLUSTRATIONS = ASSETS / "illustrations"
PLACEHOLDER = ASSETS / "placeholder.svg"
ICON_DIR = ASSETS / "icon"

EXERCISE_IDS = [
    "knee-to-chest",
    "sciatic-nerve-glide",
    "pigeon-pose",
    "seated-spinal-twist",
    "back-extension-on-elbows",
    "pelvic-tilt",
    "hamstring-stretch",
    "piriformis-stretch",
    "cat-camel",
    "bridge",
    "squat",
    "plank",
    "walking",
    "heat-therapy",
    "cold-therapy",
    "sitting-posture-break",
    "knee-plank",
    "lying-knee-rolls",
    "side-lying-rest",
    "band-clam",
    "supported-squat",
    "other-gentle-activity",
]

# The house style (see the illustration notes in the hand-over report).
CANVAS = "0 0 400 300"
BODY = QColor("#2b3a42")
ACCENT = QColor("#e0662b")
COLD = QColor("#3a86c8")  # cold therapy's pack and snowflake take the cold blue, not the accent
MAX_BYTES = 8 * 1024

SVG_NS = "{http://www.w3.org/2000/svg}"
FORBIDDEN_TAGS = {"script", "image", "foreignObject", "iframe", "video", "audio", "text", "tspan",
                  "textPath", "font", "font-face"}

# every drawing in the folder is held to the house rules, not only the ones listed above
ALL_SVGS = sorted(ILLUSTRATIONS.glob("*.svg")) + [PLACEHOLDER]
CATALOGUE = Path(__file__).resolve().parents[2] / "exercises.toml"


def _svg_params(paths: list[Path]) -> list:
    return [pytest.param(p, id=p.stem) for p in paths]


def _local(tag: str) -> str:
    return tag.split("}", 1)[1] if tag.startswith("{") else tag


def _render(svg: Path, width: int = 400, height: int = 300) -> QImage:
    renderer = QSvgRenderer(str(svg))
    assert renderer.isValid(), f"{svg.name} does not parse as SVG"
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, width, height))
    painter.end()
    return image


def _count_near(image: QImage, colour: QColor, tolerance: int = 40) -> int:
    """Pixels within `tolerance` (per channel) of `colour`, sampled every other pixel."""
    target = (colour.red(), colour.green(), colour.blue())
    hits = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if all(abs(a - b) <= tolerance for a, b in zip((c.red(), c.green(), c.blue()), target,
                                                            strict=True)):
                hits += 1
    return hits


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_every_exercise_has_an_illustration(exercise_id: str) -> None:
    assert (ILLUSTRATIONS / f"{exercise_id}.svg").is_file()


def _catalogue_images() -> list:
    with CATALOGUE.open("rb") as fh:
        exercises = tomllib.load(fh).get("exercise", [])
    return [pytest.param(ex.get("image"), id=ex["id"]) for ex in exercises]


@pytest.mark.parametrize("image", _catalogue_images())
def test_every_exercise_in_the_default_catalogue_shows_a_drawing_that_renders(qapp, image) -> None:
    assert image, "the exercise names no image"
    svg = ASSETS / image
    assert svg.is_file(), f"{image} does not exist"
    assert _count_near(_render(svg), BODY) > 400, f"{image} renders (nearly) blank"


@pytest.mark.parametrize("svg", _svg_params(ALL_SVGS))
def test_every_illustration_is_a_valid_svg_that_renders_non_blank(qapp, svg: Path) -> None:
    image = _render(svg)
    # sampled on a 2 px grid: 400 hits is roughly 1,600 px of figure ink on a 400x300 canvas
    ink = _count_near(image, BODY) if svg != PLACEHOLDER else _count_near(image, QColor("#cfd6da"))
    assert ink > 400, f"{svg.name}: only {ink} sampled pixels of figure ink"


@pytest.mark.parametrize("svg", _svg_params(ALL_SVGS[:-1]))
def test_every_illustration_emphasises_what_moves_in_the_accent_colour(qapp, svg: Path) -> None:
    emphasis = COLD if svg.stem == "cold-therapy" else ACCENT
    hits = _count_near(_render(svg), emphasis, tolerance=30)
    assert hits > 40, f"{svg.name}: the emphasis colour is barely used ({hits} samples)"


@pytest.mark.parametrize("svg", _svg_params(ALL_SVGS))
def test_every_illustration_uses_the_house_canvas_and_has_a_title(svg: Path) -> None:
    root = ET.parse(svg).getroot()
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox") == CANVAS
    title = root.find(f"{SVG_NS}title")
    assert title is not None, f"{svg.name} has no <title>"
    assert (title.text or "").strip()
    assert list(root).index(title) == 0, "the <title> should be the first child of <svg>"


@pytest.mark.parametrize("svg", _svg_params(ALL_SVGS))
def test_illustrations_contain_no_scripts_external_references_or_raster_images(svg: Path) -> None:
    for element in ET.parse(svg).getroot().iter():
        tag = _local(element.tag)
        assert tag not in FORBIDDEN_TAGS, f"{svg.name}: <{tag}> is not allowed"
        for name, value in element.attrib.items():
            attr = _local(name)
            assert not attr.lower().startswith("on"), f"{svg.name}: event handler {attr}"
            if attr == "href":
                assert value.startswith("#"), f"{svg.name}: external reference {value!r}"
            assert "url(" not in value or value.strip().startswith("url(#"), (
                f"{svg.name}: external url() in {attr}"
            )
            assert "data:" not in value, f"{svg.name}: embedded data in {attr}"
        if tag == "style":
            assert "@import" not in (element.text or "")


@pytest.mark.parametrize("svg", _svg_params(ALL_SVGS))
def test_illustrations_are_small_hand_written_files(svg: Path) -> None:
    size = svg.stat().st_size
    assert size < MAX_BYTES, f"{svg.name} is {size} bytes"
    svg.read_text(encoding="utf-8")


def test_the_placeholder_renders_at_any_size(qapp) -> None:
    for width, height in ((400, 300), (160, 120)):
        image = _render(PLACEHOLDER, width, height)
        assert not image.isNull()
        assert _count_near(image, QColor("#cfd6da")) > 20


def test_the_icon_svg_is_square_and_valid(qapp) -> None:
    svg = ICON_DIR / "physio-coach.svg"
    renderer = QSvgRenderer(str(svg))
    assert renderer.isValid()
    box = renderer.viewBoxF()
    assert box.width() == box.height() > 0


@pytest.mark.parametrize("size", [48, 128, 256])
def test_the_icon_pngs_exist_at_their_sizes(qapp, size: int) -> None:
    png = ICON_DIR / f"physio-coach-{size}.png"
    image = QImage(str(png))
    assert not image.isNull(), f"{png.name} missing or unreadable"
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    centre = image.pixelColor(size // 2, size // 2)
    corner = image.pixelColor(0, 0)
    assert centre.alpha() == 255, "the icon should be opaque in the middle"
    assert corner.alpha() == 0, "the rounded corners should be transparent"


def _desktop_entry() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(ASSETS / "physio-coach.desktop", encoding="utf-8")
    return parser


def test_the_desktop_entry_launches_coach_with_the_opened_file() -> None:
    entry = _desktop_entry()["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Physio Coach"
    assert entry["Exec"] == "coach %f"
    assert entry["Icon"] == "physio-coach"
    assert entry["Terminal"] == "false"
    assert entry["MimeType"].split(";") == ["application/x-physio-coach-prescription", ""]
    assert entry["Categories"].endswith(";")
    assert entry["Keywords"].endswith(";")


def test_the_desktop_entry_names_an_icon_that_ships() -> None:
    icon = _desktop_entry()["Desktop Entry"]["Icon"]
    assert (ICON_DIR / f"{icon}.svg").is_file()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate (desktop-file-utils) is not installed")
def test_the_desktop_entry_passes_desktop_file_validate() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(ASSETS / "physio-coach.desktop")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
