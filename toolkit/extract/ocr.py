"""Local OCR: text and line boxes from an image, with models that ship in installed packages.

Two engines sit behind one interface: RapidOCR 3.x (PP-OCRv6 detection and multilingual
recognition models bundled in its wheel, run by onnxruntime) and Debian's Tesseract 5 (the
`tesseract` program with its eng/spa/deu/fra/por language packs). `bench/ocr.py` measures both
on our flyers; RapidOCR is the default because it read them markedly better (see README, "Media
processing with Postgres"). Nothing downloads at run time: both engines read local files only.

An engine is loaded once per process, lazily, on the first `get_engine()`: loading RapidOCR
costs about a second, so the toolkit stays quick for commands that never OCR.

onnxruntime's PyPI wheels (1.29 and later) carry Microsoft's 1DS telemetry on Linux too: a few
seconds into a session it looks up `mobile.events.data.microsoft.com` and keeps an offline
event cache under ~/.cache/Microsoft. `ORT_DISABLE_TELEMETRY=1`, set before onnxruntime
initialises, is its documented full opt-out (no uploader, no device id, no cache), so this
module sets it on import, before anything can load onnxruntime through it.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Protocol

from PIL import Image

from toolkit.errors import ChatbookError

# Not setdefault: nothing leaves this machine, whatever the environment says (see above).
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

DEFAULT_ENGINE = "rapidocr"
TESSERACT_LANGS = ("eng", "spa", "deu", "fra", "por")
TESSERACT_TIMEOUT_S = 120
# RapidOCR keeps recognitions at or above this score; below it they are mostly noise.
MIN_SCORE = 0.5
# RapidOCR's defaults scale the short side *up* to 736 px for detection, so a 3x2000 strip
# becomes a 736x490,000 tensor and the process is killed for memory. We bound the long side
# instead (same accuracy on our flyers, see bench/ocr.py) and shape the image ourselves first.
DET_MAX_SIDE = 1600
MAX_SIDE = 2000
MIN_SIDE = 64


class OcrError(ChatbookError):
    """The OCR engine is missing or failed on an image."""


@dataclass(frozen=True)
class OcrLine:
    """One line of text with its quadrilateral box (4 [x, y] points, clockwise from top-left)."""

    text: str
    box: list[list[float]]
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "box": self.box, "score": round(self.score, 4)}


@dataclass(frozen=True)
class OcrResult:
    """What an engine read: lines in reading order, and the text they make."""

    lines: list[OcrLine]
    engine: str
    engine_version: str

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def confidence(self) -> float | None:
        """Mean line score weighted by text length (long lines say more about the read)."""
        weights = [len(line.text) for line in self.lines]
        if not sum(weights):
            return None
        return sum(line.score * w for line, w in zip(self.lines, weights, strict=True)) / sum(weights)

    def boxes(self) -> list[dict[str, Any]]:
        return [line.as_dict() for line in self.lines]


class Engine(Protocol):
    name: str
    version: str

    def read(self, image: Image.Image) -> OcrResult: ...


def reading_order(lines: list[OcrLine]) -> list[OcrLine]:
    """Top to bottom; boxes on the same row (vertical overlap) joined left to right.

    Detectors return fragments ("10am" and "- 3pm" as two boxes); joining a row keeps a date and
    its time together, which the text extractor needs.
    """
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda item: centre_y(item.box)):
        if rows and same_row(rows[-1][-1].box, line.box):
            rows[-1].append(line)
        else:
            rows.append([line])
    merged = []
    for row in rows:
        row.sort(key=lambda item: min(p[0] for p in item.box))
        xs = [p[0] for item in row for p in item.box]
        ys = [p[1] for item in row for p in item.box]
        merged.append(OcrLine(
            text=" ".join(item.text for item in row),
            box=[[min(xs), min(ys)], [max(xs), min(ys)], [max(xs), max(ys)], [min(xs), max(ys)]],
            score=min(item.score for item in row),
        ))
    return merged


def centre_y(box: list[list[float]]) -> float:
    return sum(p[1] for p in box) / len(box)


def same_row(a: list[list[float]], b: list[list[float]]) -> bool:
    top_a, bottom_a = min(p[1] for p in a), max(p[1] for p in a)
    top_b, bottom_b = min(p[1] for p in b), max(p[1] for p in b)
    overlap = min(bottom_a, bottom_b) - max(top_a, top_b)
    return overlap > 0.5 * min(bottom_a - top_a, bottom_b - top_b)


def rgb(image: Image.Image) -> Image.Image:
    return image if image.mode == "RGB" else image.convert("RGB")


def bounded(image: Image.Image) -> tuple[Image.Image, float]:
    """At most MAX_SIDE on the long side (downscaled), at least MIN_SIDE on the short side
    (white padding at the right or bottom); and the factor that maps boxes back."""
    width, height = image.size
    factor = 1.0
    if max(width, height) > MAX_SIDE:
        factor = max(width, height) / MAX_SIDE
        width, height = max(1, round(width / factor)), max(1, round(height / factor))
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    if min(width, height) >= MIN_SIDE:
        return image, factor
    padded = Image.new("RGB", (max(width, MIN_SIDE), max(height, MIN_SIDE)), (255, 255, 255))
    padded.paste(image, (0, 0))
    return padded, factor


class RapidOcrEngine:
    """RapidOCR with the PP-OCRv6 models from its wheel (multilingual Latin + CJK)."""

    name = "rapidocr"

    def __init__(self) -> None:
        try:
            import onnxruntime
            from rapidocr import RapidOCR
        except ImportError as error:
            raise OcrError("rapidocr is not installed (pip install 'chatbook[media]')") from error
        # The runtime switch as well, in case onnxruntime was loaded before this module set
        # the variable (it then covers every event after this point).
        onnxruntime.disable_telemetry_events()
        params: dict[str, Any] = {
            "Global.log_level": "error",
            "Global.text_score": MIN_SCORE,
            "Det.limit_type": "max",
            "Det.limit_side_len": DET_MAX_SIDE,
        }
        threads = os.environ.get("OMP_NUM_THREADS", "")
        if threads.isdigit():  # share the cores politely when the caller asked for it
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = int(threads)
        self._ocr = RapidOCR(params=params)
        self.version = rapidocr_version()
        self._lock = threading.Lock()

    def read(self, image: Image.Image) -> OcrResult:
        import numpy as np

        prepared, scale = bounded(rgb(image))
        try:
            with self._lock:  # one onnxruntime session; calls from threads take turns
                output: Any = self._ocr(np.asarray(prepared))
        except Exception as error:  # the engine's own errors on odd shapes: a failed read
            raise OcrError(f"rapidocr failed: {type(error).__name__}: {error}") from None
        boxes = output.boxes if output.boxes is not None else []
        lines = [
            OcrLine(text=str(text).strip(),
                    box=[[round(float(x) * scale, 1), round(float(y) * scale, 1)] for x, y in box],
                    score=float(score))
            for box, text, score in zip(boxes, output.txts or (), output.scores or (), strict=False)
            if str(text).strip()
        ]
        return OcrResult(reading_order(lines), self.name, self.version)


class TesseractEngine:
    """Debian's `tesseract` program, all installed packs of our five languages at once."""

    name = "tesseract"

    def __init__(self) -> None:
        binary = shutil.which("tesseract")
        if binary is None:
            raise OcrError("tesseract is not installed (Debian: apt-get install tesseract-ocr)")
        self._binary = binary
        listed = self._run(["--list-langs"]).splitlines()[1:]
        langs = [lang for lang in TESSERACT_LANGS if lang in listed]
        if not langs:
            raise OcrError("tesseract has none of the language packs eng/spa/deu/fra/por")
        self._langs = "+".join(langs)
        self.version = f"{self._run(['--version']).split()[1]} {self._langs}"

    def _run(self, args: list[str], data: bytes | None = None) -> str:
        # One thread: Tesseract's OpenMP would otherwise grab every core of a shared machine.
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        done = subprocess.run([self._binary, *args], input=data, capture_output=True,
                              timeout=TESSERACT_TIMEOUT_S, env=env, check=False)
        if done.returncode != 0:
            raise OcrError(f"tesseract failed: {done.stderr.decode(errors='replace').strip()}")
        return done.stdout.decode("utf-8", errors="replace")

    def read(self, image: Image.Image) -> OcrResult:
        buffer = io.BytesIO()
        rgb(image).save(buffer, "PNG")
        tsv = self._run(["stdin", "stdout", "-l", self._langs, "--psm", "3", "tsv"],
                        buffer.getvalue())
        return OcrResult(reading_order(tesseract_lines(tsv)), self.name, self.version)


def tesseract_lines(tsv: str) -> list[OcrLine]:
    """Group Tesseract's word rows (level 5) into lines with a box and a 0-1 score."""
    words: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") == "5" and (row.get("text") or "").strip():
            words.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(row)
    lines = []
    for group in words.values():
        left = min(int(w["left"]) for w in group)
        top = min(int(w["top"]) for w in group)
        right = max(int(w["left"]) + int(w["width"]) for w in group)
        bottom = max(int(w["top"]) + int(w["height"]) for w in group)
        score = sum(max(float(w["conf"]), 0.0) for w in group) / len(group) / 100
        lines.append(OcrLine(
            text=" ".join(w["text"].strip() for w in group),
            box=[[left, top], [right, top], [right, bottom], [left, bottom]],
            score=score,
        ))
    return lines


def rapidocr_version() -> str:
    return f"{metadata.version('rapidocr')} PP-OCRv6"


def engine_version(name: str) -> str:
    """The engine's version without loading its models (RapidOCR's load costs a second)."""
    if name == "rapidocr":
        try:
            return rapidocr_version()
        except metadata.PackageNotFoundError:
            raise OcrError("rapidocr is not installed (pip install 'chatbook[media]')") from None
    return get_engine(name).version


ENGINES: dict[str, type[RapidOcrEngine] | type[TesseractEngine]] = {
    "rapidocr": RapidOcrEngine,
    "tesseract": TesseractEngine,
}
_loaded: dict[str, Engine] = {}
_load_lock = threading.Lock()


def get_engine(name: str | None = None) -> Engine:
    """The engine called `name` (default: the measured best), loaded on first use only."""
    name = (name or DEFAULT_ENGINE).strip().lower()
    if name not in ENGINES:
        raise OcrError(f"unknown OCR engine {name!r}; choose one of {', '.join(ENGINES)}")
    with _load_lock:
        if name not in _loaded:
            _loaded[name] = ENGINES[name]()
        return _loaded[name]


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def character_accuracy(read: str, truth: str) -> float:
    """1 - edit distance / truth length on whitespace-normalised text (1.0 = perfect read)."""
    read, truth = " ".join(read.split()), " ".join(truth.split())
    return max(0.0, 1 - levenshtein(read, truth) / max(len(truth), 1))


def read_text(image: Image.Image, engine: str | None = None) -> OcrResult:
    """OCR one (already safely opened) image."""
    return get_engine(engine).read(image)
