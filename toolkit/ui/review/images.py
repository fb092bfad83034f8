"""The image panel of an image-derived proposal: the picture and the text read from it.

OCR boxes holding a word of the proposal (title, place, day, time) are outlined on the picture,
and the same words are marked in the OCR text, so a reviewer sees at a glance where the
proposal came from. The extraction is read from Postgres through `toolkit.store.attachments`.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import Any

from toolkit.config import Settings
from toolkit.errors import StoreUnavailable
from toolkit.fsutil import is_within
from toolkit.store.attachments import load_extraction
from toolkit.ui.review.fields import split_when
from toolkit.ui.review.render import esc

THUMB_PX = 260
FULL_PX = 1400
WORD = re.compile(r"\w+", re.UNICODE)


def match_words(proposal: dict[str, Any]) -> set[str]:
    """Words of the proposal (title, location, day and time) worth highlighting in OCR text."""
    words = {w.lower() for w in WORD.findall(f"{proposal.get('title') or ''} "
                                             f"{proposal.get('location') or ''}")}
    day, clock = split_when(proposal.get("start"))
    if day is not None:
        words |= {str(day.day), f"{day.day:02d}", f"{day:%B}".lower(), f"{day:%b}".lower(),
                  f"{day:%A}".lower(), f"{day:%a}".lower()}
    if clock is not None:
        twelve = str(clock.hour % 12 or 12)
        words |= {f"{clock:%H}", f"{clock:%M}", twelve, f"{clock:%H:%M}", f"{clock:%H}h",
                  twelve + ("pm" if clock.hour >= 12 else "am")}
    return {w for w in words if len(w) >= 2 or w.isdigit()}


def highlight(text: str, words: set[str]) -> str:
    """OCR text escaped, with the words the proposal was built from in <mark>."""
    out, last = [], 0
    for found in WORD.finditer(text):
        out.append(esc(text[last:found.start()]))
        token = found.group(0)
        out.append(f"<mark>{esc(token)}</mark>" if token.lower() in words else esc(token))
        last = found.end()
    out.append(esc(text[last:]))
    return "".join(out)


def attachment_file(settings: Settings, path: str) -> Path | None:
    """The attachment on disk, only if it lies inside ATTACHMENTS_DIR."""
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = settings.attachments_dir / candidate
    if not is_within(candidate, settings.attachments_dir) or not candidate.is_file():
        return None
    return candidate


def box_points(box: Any) -> tuple[list[tuple[float, float]], str] | None:
    """One OCR box as (polygon, text) from the shapes OCR engines use: dicts or [points, text]."""
    if isinstance(box, dict):
        points = box.get("box") or box.get("points") or box.get("bbox")
        text = box.get("text") or ""
    elif isinstance(box, list | tuple) and len(box) >= 2:
        points, text = box[0], box[1]
    else:
        return None
    if not isinstance(points, list | tuple):
        return None
    if len(points) == 4 and all(
            isinstance(v, int | float) for v in points):
        x0, y0, x1, y1 = (float(v) for v in points)
        points = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    try:
        polygon = [(float(p[0]), float(p[1])) for p in points]
    except (TypeError, ValueError, IndexError):
        return None
    return polygon, str(text)


def image_data_urls(file: Path, boxes: Any, words: set[str]) -> tuple[str, str]:
    """A thumbnail and a large view as data URLs, matched OCR boxes outlined on both."""
    from PIL import Image, ImageDraw

    with Image.open(file) as opened:
        image = opened.convert("RGB")
    draw = ImageDraw.Draw(image)
    for box in boxes if isinstance(boxes, list) else []:
        parsed = box_points(box)
        if parsed and {w.lower() for w in WORD.findall(parsed[1])} & words:
            draw.polygon(parsed[0], outline=(255, 170, 0), width=max(2, image.width // 300))

    def data_url(limit: int) -> str:
        copy = image.copy()
        copy.thumbnail((limit, limit))
        buffer = io.BytesIO()
        copy.save(buffer, format="JPEG", quality=85)
        return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")

    return data_url(THUMB_PX), data_url(FULL_PX)


def media_html(settings: Settings, proposal: dict[str, Any]) -> str:
    """The image panel of an image-derived proposal; a note instead when it cannot be shown."""
    extraction_id = proposal.get("extraction_id")
    if extraction_id is None:
        return ""
    if not settings.image_processing_enabled:
        return ('<div class="cb-note">From an image (extraction '
                f'{int(extraction_id)}); media processing is off, so it cannot be shown.</div>')
    try:
        found = load_extraction(settings, int(extraction_id))
    except StoreUnavailable as error:
        return f'<div class="cb-note cb-warn">Image details unavailable: {esc(error)}</div>'
    if found is None:
        return f'<div class="cb-note cb-warn">Extraction {int(extraction_id)} is missing.</div>'
    words = match_words(proposal)
    parts = ['<div class="cb-media"><div class="cb-section">From the image</div>']
    file = attachment_file(settings, found["path"])
    if file is None:
        parts.append(f'<div class="cb-note cb-warn">Image file {esc(found["file_name"])} '
                     "is not in the attachments folder.</div>")
    else:
        try:
            thumb, full = image_data_urls(file, found["boxes"], words)
        except OSError as error:
            parts.append(f'<div class="cb-note cb-warn">Cannot open {esc(file.name)}: '
                         f"{esc(error)}</div>")
        else:
            parts.append(
                '<details class="cb-image"><summary title="Click to enlarge or shrink">'
                f'<img class="cb-thumb" src="{thumb}" alt="{esc(found["file_name"])}">'
                f'<img class="cb-full" src="{full}" alt="{esc(found["file_name"])}">'
                '</summary></details>')
    parts.append('<div class="cb-ocr-label">Text read from the image</div>'
                 f'<pre class="cb-ocr">{highlight(found["ocr_text"], words)}</pre></div>')
    return "".join(parts)
