"""OCR on the sample flyers with the real engines (models from installed packages, loaded once)."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from toolkit.extract import ocr

FLYERS = Path(__file__).resolve().parent.parent / "data" / "sample" / "flyers"
MANIFEST = {entry["file"]: entry for entry in json.loads((FLYERS / "flyers.json").read_text("utf-8"))}


@pytest.fixture(scope="session")
def rapid() -> ocr.Engine:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    return ocr.get_engine("rapidocr")


def flyer(name: str) -> Image.Image:
    image = Image.open(FLYERS / name)
    image.load()
    return image


_reads: dict[str, ocr.OcrResult] = {}


def read_flyer(engine: ocr.Engine, name: str) -> ocr.OcrResult:
    """Each flyer is OCR'd once per session, however many tests look at the text."""
    if name not in _reads:
        _reads[name] = engine.read(flyer(name))
    return _reads[name]


EVENT_FLYERS = sorted(name for name, entry in MANIFEST.items() if entry["event"])


@pytest.mark.parametrize("name", EVENT_FLYERS)
def test_rapidocr_reads_flyers(rapid: ocr.Engine, name: str) -> None:
    entry = MANIFEST[name]
    result = read_flyer(rapid, name)
    for word in entry["event"]["keywords"]:
        assert word in result.text, (word, result.text)
    assert ocr.character_accuracy(result.text, entry["text"]) >= 0.95, result.text
    assert result.engine == "rapidocr" and "PP-OCRv6" in result.engine_version
    assert result.confidence is not None and 0.8 <= result.confidence <= 1.0
    # One line per flyer line, top to bottom: the date's line comes before the place's.
    texts = [line.text for line in result.lines]
    assert len(texts) == len(entry["text"].splitlines())
    assert all(len(line.box) == 4 for line in result.lines)


@pytest.mark.parametrize("name", EVENT_FLYERS)
def test_events_found_on_flyer_text(rapid: ocr.Engine, name: str) -> None:
    """OCR text through the real text extractor, relative to a message sent in mid-March."""
    from toolkit.extract.text import extract_events

    expected = MANIFEST[name]["event"]
    ref = datetime(2025, 3, 15, 9, 12, tzinfo=ZoneInfo("Europe/London"))
    events = extract_events(read_flyer(rapid, name).text, ref, tz="Europe/London", locale=None)
    assert len(events) == 1, events
    [event] = events
    assert event.start.startswith(f"{expected['date']}T{expected['start']}"), event
    if expected["end"]:
        assert (event.end or "").startswith(f"{expected['date']}T{expected['end']}"), event


def test_no_event_on_the_team_photo(rapid: ocr.Engine) -> None:
    from toolkit.extract.text import extract_events

    text = read_flyer(rapid, "en_team_photo.jpg").text
    assert text == "Well done, team!"
    ref = datetime(2025, 3, 18, 7, 41, tzinfo=ZoneInfo("Europe/London"))
    assert extract_events(text, ref, tz="Europe/London", locale=None) == []


def test_rapidocr_keeps_date_and_time_digits(rapid: ocr.Engine) -> None:
    text = read_flyer(rapid, "en_tournament.jpg").text
    assert "Saturday 12 April 2025" in text
    assert "10am - 3pm" in text or "10am-3pm" in text


def test_tesseract_reads_a_clean_flyer() -> None:
    """Tesseract (Debian package) is the measured runner-up; it must still work when chosen."""
    engine = ocr.get_engine("tesseract")
    result = engine.read(flyer("en_tournament.jpg"))
    assert "Tournament" in result.text and "12 April 2025" in result.text
    assert engine.version.startswith("5.") and "eng" in engine.version


def test_engine_is_loaded_once(rapid: ocr.Engine) -> None:
    assert ocr.get_engine("rapidocr") is rapid
    assert ocr.get_engine(" RapidOCR ") is rapid


def test_engine_version_does_not_load_models() -> None:
    assert ocr.engine_version("rapidocr").endswith("PP-OCRv6")


def test_no_engine_name_means_the_default(rapid: ocr.Engine) -> None:
    assert ocr.DEFAULT_ENGINE == "rapidocr"
    assert ocr.get_engine(None) is ocr.get_engine("") is rapid


@pytest.mark.parametrize("name", ["easyocr", "tesseract5", "rapid"])
def test_unknown_engine_is_a_clear_error(name: str) -> None:
    with pytest.raises(ocr.OcrError, match="unknown OCR engine"):
        ocr.get_engine(name)


def test_blank_image_reads_nothing(rapid: ocr.Engine) -> None:
    result = rapid.read(Image.new("RGB", (400, 300), "white"))
    assert result.text == "" and result.lines == [] and result.confidence is None


def box(x: float, y: float, w: float = 100, h: float = 40) -> list[list[float]]:
    return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]


@pytest.mark.parametrize(("pieces", "expected"), [
    # fragments of one row are joined left to right
    ([("3pm", box(300, 102)), ("10am -", box(100, 100))], ["10am - 3pm"]),
    # rows come out top to bottom, whatever order the detector used
    ([("Riverside", box(50, 300)), ("Saturday", box(50, 100))], ["Saturday", "Riverside"]),
    # a box overlapping less than half the smaller height is a new row
    ([("a", box(0, 0)), ("b", box(200, 25))], ["a", "b"]),
    ([("a", box(0, 0)), ("b", box(200, 15))], ["a b"]),
    ([], []),
])
def test_reading_order(pieces: list[tuple[str, list[list[float]]]], expected: list[str]) -> None:
    lines = [ocr.OcrLine(text, quad, 0.9) for text, quad in pieces]
    assert [line.text for line in ocr.reading_order(lines)] == expected


def test_tesseract_tsv_becomes_lines() -> None:
    tsv = "\n".join([
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
        "1\t1\t0\t0\t0\t0\t0\t0\t800\t600\t-1\t",
        "5\t1\t1\t1\t1\t1\t10\t20\t50\t30\t96.0\tSummer",
        "5\t1\t1\t1\t1\t2\t70\t22\t90\t30\t90.0\tTournament",
        "5\t1\t2\t1\t1\t1\t10\t100\t40\t30\t80.0\t10am",
        "5\t1\t2\t1\t1\t2\t60\t100\t40\t30\t-1\t ",
    ])
    lines = ocr.tesseract_lines(tsv)
    assert [line.text for line in lines] == ["Summer Tournament", "10am"]
    assert lines[0].box == [[10, 20], [160, 20], [160, 52], [10, 52]]
    assert lines[0].score == pytest.approx(0.93)


@pytest.mark.parametrize(("read", "truth", "expected"), [
    ("Saturday 12 April", "Saturday 12 April", 1.0),
    ("Saturday  12\nApril", "Saturday 12 April", 1.0),
    ("Saturday l2 April", "Saturday 12 April", 1 - 1 / 17),
    ("", "abc", 0.0),
    ("completely different and much longer", "abc", 0.0),
])
def test_character_accuracy(read: str, truth: str, expected: float) -> None:
    assert ocr.character_accuracy(read, truth) == pytest.approx(expected)


@pytest.mark.parametrize(("size", "expected", "factor"), [
    ((800, 1000), (800, 1000), 1.0),
    ((3, 2000), (64, 2000), 1.0),
    ((2000, 3), (2000, 64), 1.0),
    ((1, 1), (64, 64), 1.0),
    ((8000, 4000), (2000, 1000), 4.0),
    ((5000, 40), (2000, 64), 2.5),
])
def test_bounded_shapes_the_image(size: tuple[int, int], expected: tuple[int, int],
                                  factor: float) -> None:
    prepared, scale = ocr.bounded(Image.new("RGB", size, "white"))
    assert prepared.size == expected and scale == pytest.approx(factor)


@pytest.mark.parametrize("size", [(1, 1), (3, 2000), (2000, 3), (5000, 40), (40, 5000)])
def test_strips_and_specks_read_nothing_without_exhausting_memory(rapid: ocr.Engine,
                                                                  size: tuple[int, int]) -> None:
    """With RapidOCR's default detector scaling a 3x2000 strip needs tens of GB and the
    process is killed; bounded input keeps it cheap."""
    assert rapid.read(Image.new("RGB", size, "white")).text == ""


def test_boxes_are_in_the_original_image_coordinates(rapid: ocr.Engine) -> None:
    """A 4000 px wide line is read at 2000 px; its box is mapped back."""
    from PIL import ImageDraw, ImageFont

    image = Image.new("RGB", (4000, 200), "white")
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 120)
    ImageDraw.Draw(image).text((100, 30), "Quiz night Friday 8pm", font=font, fill="black")
    [line] = rapid.read(image).lines
    assert line.text == "Quiz night Friday 8pm"
    xs = [point[0] for point in line.box]
    assert 60 <= min(xs) <= 140 and max(xs) > 1400
