"""Measure the OCR engines side by side on our flyers: character accuracy and seconds.

    OMP_NUM_THREADS=1 .venv/bin/python bench/ocr.py [--flyers data/sample/flyers] [--json]

Each flyer (from `scripts/make_flyers.py`, ground truth in `flyers.json`) is read twice per
engine: as drawn, and as WhatsApp delivers a forward (scaled to half, JPEG quality 40).
Character accuracy is 1 - (Levenshtein distance / truth length) on whitespace-normalised,
case-kept text, so "10am" read as "l0am" costs one character. The engine with the higher mean
accuracy is the one `toolkit.extract.ocr.DEFAULT_ENGINE` should name; ties go to the faster.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path
from typing import Any

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.extract import ocr  # noqa: E402


def degraded(image: Image.Image) -> Image.Image:
    """A forwarded copy: half size, heavy JPEG compression."""
    small = image.convert("RGB").resize((image.width // 2, image.height // 2),
                                        Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=40)
    return Image.open(io.BytesIO(buffer.getvalue()))


def cases(folder: Path) -> list[tuple[str, Image.Image, str]]:
    manifest = json.loads((folder / "flyers.json").read_text(encoding="utf-8"))
    found = []
    for entry in manifest:
        image = Image.open(folder / entry["file"])
        image.load()
        found.append((entry["file"], image, entry["text"]))
        found.append((f"{entry['file']} (forward)", degraded(image), entry["text"]))
    return found


def measure(engine_name: str, inputs: list[tuple[str, Image.Image, str]]) -> dict[str, Any]:
    started = time.perf_counter()
    engine = ocr.get_engine(engine_name)
    load_s = time.perf_counter() - started
    rows = []
    for name, image, truth in inputs:
        started = time.perf_counter()
        result = engine.read(image)
        seconds = time.perf_counter() - started
        rows.append({"image": name, "accuracy": ocr.character_accuracy(result.text, truth),
                     "seconds": seconds, "text": result.text})
    return {
        "engine": engine_name,
        "version": engine.version,
        "load_s": load_s,
        "mean_accuracy": sum(r["accuracy"] for r in rows) / len(rows),
        "mean_seconds": sum(r["seconds"] for r in rows) / len(rows),
        "rows": rows,
    }


def report(results: list[dict[str, Any]]) -> str:
    names = [r["engine"] for r in results]
    lines = [f"{'image':34}" + "".join(f"{n:>22}" for n in names)]
    for i, row in enumerate(results[0]["rows"]):
        cells = "".join(f"{r['rows'][i]['accuracy']:>13.3f} {r['rows'][i]['seconds']:>6.2f}s "
                        for r in results)
        lines.append(f"{row['image']:34}{cells}")
    lines.append("")
    for r in results:
        lines.append(f"{r['engine']:10} {r['version']:28} load {r['load_s']:.2f}s  "
                     f"accuracy {r['mean_accuracy']:.3f}  {r['mean_seconds']:.2f} s/image")
    if len(results) == 2:
        a, b = results
        lines.append(f"ratio {a['engine']}/{b['engine']}: accuracy "
                     f"{a['mean_accuracy'] / max(b['mean_accuracy'], 1e-9):.2f}x, time "
                     f"{a['mean_seconds'] / max(b['mean_seconds'], 1e-9):.2f}x")
    best = max(results, key=lambda r: (round(r["mean_accuracy"], 2), -r["mean_seconds"]))
    lines.append(f"best: {best['engine']} (toolkit.extract.ocr.DEFAULT_ENGINE = {ocr.DEFAULT_ENGINE!r})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flyers", type=Path, default=ROOT / "data" / "sample" / "flyers")
    parser.add_argument("--engines", default="rapidocr,tesseract")
    parser.add_argument("--json", action="store_true", help="print every read as JSON")
    args = parser.parse_args()
    inputs = cases(args.flyers)
    results = [measure(name, inputs) for name in args.engines.split(",")]
    print(json.dumps(results, indent=2, ensure_ascii=False) if args.json else report(results))


if __name__ == "__main__":
    main()
