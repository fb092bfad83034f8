"""The review UI: one proposal at a time, in ipywidgets, for JupyterLab and Voila alike.

`ReviewApp(settings).show()` in any notebook (or `chatbook review` for a standalone page)
shows the queue of proposals with their source messages and conversation, the image and its
OCR text for image-derived ones, editable fields, and the decisions Accept, Edit & accept,
Reject, Skip, Undo, Previous and Next. The decisions themselves belong to `toolkit.review.proposals`
(version-checked, audited, written at once); this module only calls them and shows the result.

Keyboard shortcuts: ipywidgets has no key events, so a tiny anywidget (`KeyboardShortcuts`)
listens to `keydown` on the page, ignores keys typed into a field, and sends the key to the
kernel, where `ReviewApp.press` clicks the button bound to it. Tests send the same message.

Where a reviewer is in a queue (and what Undo would revert) is kept in `review_state`
(migration 0004), so a kernel restart resumes on the same proposal.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
import webbrowser
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import anywidget
import ipywidgets as widgets
import traitlets

from toolkit.config import Settings, load_settings
from toolkit.errors import ChatbookError, ConflictError, StoreUnavailable
from toolkit.fsutil import is_within
from toolkit.resources import notebook
from toolkit.review import proposals
from toolkit.store import db
from toolkit.store.attachments import load_extraction
from toolkit.store.messages import chat_names
from toolkit.store.review_state import load_state, save_state

NOTEBOOK = notebook("05_review.ipynb")
STATUSES = ("pending", "accepted", "edited", "rejected", "cancelled")
STATUS_CHOICES = (
    ("Pending", "pending"),
    ("Accepted or edited", "accepted,edited"),
    ("Accepted", "accepted"),
    ("Edited", "edited"),
    ("Rejected", "rejected"),
    ("Cancelled", "cancelled"),
    ("All", "all"),
)
ORDERS = ("date", "confidence")
REJECT_REASONS = ("not an event", "duplicate", "wrong date or time", "already in my calendar",
                  "not relevant to me", "cancelled")
CONTEXT_MESSAGES = 3
THUMB_PX = 260
FULL_PX = 1400
STARTUP_TIMEOUT_S = 60

# key (as the browser's KeyboardEvent.key names it) -> action; the label shows the first key.
SHORTCUTS: dict[str, str] = {
    "a": "accept", "e": "edit_accept", "r": "reject", "s": "skip", "u": "undo",
    "p": "previous", "ArrowLeft": "previous", "n": "next", "ArrowRight": "next",
}
ACTION_LABELS: dict[str, tuple[str, str, str]] = {  # action -> (label, icon, button style)
    "accept": ("Accept", "check", "success"),
    "edit_accept": ("Edit & accept", "pencil", "info"),
    "reject": ("Reject", "times", "danger"),
    "skip": ("Skip", "forward", ""),
    "undo": ("Undo", "undo", ""),
    "previous": ("Previous", "arrow-left", ""),
    "next": ("Next", "arrow-right", ""),
}


# ------------------------------------------------------------------------ queue filters


@dataclass(frozen=True)
class Filters:
    """Which proposals a queue holds and in what order."""

    status: str = "pending"          # a status, a comma-separated list, or "all"
    chat: str | None = None
    min_confidence: float | None = None
    since: date | None = None        # first day of the event start, inclusive
    until: date | None = None        # last day of the event start, inclusive
    order: str = "date"

    def __post_init__(self) -> None:
        if self.order not in ORDERS:
            raise ChatbookError(f"order: expected one of {', '.join(ORDERS)}, got {self.order!r}")
        for status in self.statuses() or []:
            if status not in STATUSES:
                raise ChatbookError(
                    f"status: expected one of {', '.join(STATUSES)} or all, got {status!r}")
        if self.min_confidence is not None and not 0 <= self.min_confidence <= 1:
            raise ChatbookError(f"min_confidence: expected 0 to 1, got {self.min_confidence}")

    def statuses(self) -> list[str] | None:
        words = [w.strip() for w in (self.status or "all").split(",") if w.strip()]
        return None if not words or "all" in words else words

    def key(self) -> str:
        """Canonical JSON: the identity of a queue in `review_state`."""
        data = asdict(self)
        data["since"] = self.since.isoformat() if self.since else None
        data["until"] = self.until.isoformat() if self.until else None
        return json.dumps(data, sort_keys=True)

    def query(self) -> dict[str, Any]:
        """Keyword arguments for `proposals.list_proposals`."""
        statuses = self.statuses()
        return {
            "status": statuses[0] if statuses and len(statuses) == 1 else statuses,
            "chat": self.chat or None,
            "min_confidence": self.min_confidence or None,
            "since": self.since.isoformat() if self.since else None,
            # `until` compares with ISO starts: the day after, so the last day is included.
            "until": (self.until + timedelta(days=1)).isoformat() if self.until else None,
            "order": self.order,
        }


def parse_day(name: str, value: str | date | None) -> date | None:
    """A notebook parameter like "2026-12-01" (or "" for none) as a date."""
    if value is None or isinstance(value, date):
        return value
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ChatbookError(f"{name}: expected a date like 2026-12-01, got {value!r}") from None


# ------------------------------------------------------------------------ review_state


def resume_index(ids: Sequence[int], state: dict[str, Any] | None) -> int:
    """Where a re-opened queue starts: the saved proposal, else the next saved one still there."""
    if not ids or not state:
        return 0
    if state["current_id"] in ids:
        return ids.index(state["current_id"])
    saved: list[int] = state["queue"]
    if state["current_id"] in saved:
        for later in saved[saved.index(state["current_id"]) + 1:]:
            if later in ids:
                return ids.index(later)
    return 0


# ------------------------------------------------------------------------ dates in the form


def split_when(value: str | None) -> tuple[date | None, clock_time | None]:
    """A stored start/end as (day, wall-clock time as written); a date alone is all-day."""
    if not value:
        return None, None
    if len(value) == 10:
        return date.fromisoformat(value), None
    moment = datetime.fromisoformat(value)
    return moment.date(), moment.time().replace(microsecond=0)


def join_when(day: date | None, clock: clock_time | None, *, all_day: bool, zone: str | None,
              reference: str | None) -> str | None:
    """Form values back to the stored form: a date, or ISO with the offset of the event's zone.

    The zone is the proposal's IANA zone; without one, the offset the value was written with.
    """
    if day is None:
        return None
    if all_day:
        return day.isoformat()
    if clock is None:
        raise ValueError("a time is needed unless the event is all-day")
    naive = datetime.combine(day, clock.replace(tzinfo=None, microsecond=0))
    tzinfo: Any = None
    if zone:
        try:
            tzinfo = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            tzinfo = None
    if tzinfo is None and reference and len(reference) > 10:
        tzinfo = datetime.fromisoformat(reference).tzinfo
    if tzinfo is None:
        tzinfo = ZoneInfo("UTC")
    return naive.replace(tzinfo=tzinfo).isoformat(timespec="seconds")


def describe_when(start: str | None, end: str | None, all_day: bool) -> str:
    """Short human text for a start/end pair, e.g. 'Sat 5 Dec 2026, 10:00-12:00'."""
    day, clock = split_when(start)
    if day is None:
        return "no date"
    text = f"{day:%a} {day.day} {day:%b %Y}"
    if all_day or clock is None:
        return text + " (all day)"
    text += f", {clock:%H:%M}"
    end_day, end_clock = split_when(end)
    if end_clock is not None:
        text += f"–{end_clock:%H:%M}" if end_day == day else f" – {end_day:%a %d %b} {end_clock:%H:%M}"
    return text


# ------------------------------------------------------------------------ HTML pieces


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def status_badge(status: str) -> str:
    return f'<span class="cb-badge cb-{esc(status)}">{esc(status)}</span>'


def confidence_meter(confidence: float) -> str:
    pct = max(0, min(100, round(float(confidence or 0) * 100)))
    level = "high" if pct >= 80 else "mid" if pct >= 50 else "low"
    return (f'<div class="cb-conf" title="extractor confidence">'
            f'<div class="cb-conf-bar cb-conf-{level}" style="width:{pct}%"></div>'
            f'<span>{pct}% confidence</span></div>')


def counts_html(counts: dict[str, int]) -> str:
    chips = [f'<span class="cb-chip cb-{esc(status)}">{esc(status)} '
             f'<b>{int(counts.get(status, 0))}</b></span>' for status in STATUSES
             if counts.get(status) or status == "pending"]
    label = '<span class="cb-sub" title="every proposal, whatever the filters">all:</span>'
    return '<div class="cb-counts">' + label + "".join(chips) + "</div>"


def short_time(sent_at: str | None) -> str:
    if not sent_at:
        return ""
    try:
        moment = datetime.fromisoformat(sent_at)
    except ValueError:
        return sent_at
    return f"{moment:%a %d %b %Y, %H:%M}"


def message_id_of(row: dict[str, Any]) -> int | None:
    value = row.get("message_id", row.get("id"))
    return int(value) if value is not None else None


def conversation_html(source: dict[str, Any], context: list[dict[str, Any]]) -> str:
    """The source message among its neighbours, the source highlighted."""
    source_id = message_id_of(source)
    rows = context or [source]
    if source_id is not None and all(message_id_of(r) != source_id for r in rows):
        rows = [*rows, source]
    items = []
    for row in rows:
        is_source = message_id_of(row) == source_id
        items.append(
            f'<div class="cb-msg{" cb-source" if is_source else ""}">'
            f'<div class="cb-meta"><span class="cb-author">{esc(row.get("author") or "system")}'
            f'</span><span class="cb-time">{esc(short_time(row.get("sent_at")))}</span></div>'
            f'<div class="cb-text">{esc(row.get("text"))}</div></div>'
        )
    chat = source.get("chat")
    header = f'<div class="cb-chatname">{esc(chat)}</div>' if chat else ""
    return f'<div class="cb-convo">{header}{"".join(items)}</div>'


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


# ------------------------------------------------------------------------ image-derived proposals


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


# ------------------------------------------------------------------------ keyboard shortcuts

SHORTCUTS_ESM = """
const EDITABLE = new Set(["INPUT", "TEXTAREA", "SELECT"]);

function typingIn(target) {
  return target instanceof Element && (EDITABLE.has(target.tagName) || target.isContentEditable);
}

export default {
  // One document listener per model (not per view), so a widget shown twice acts once.
  initialize({ model }) {
    const rootOf = () => document.querySelector("." + model.get("scope"));
    // The last click on the page was inside this app: in JupyterLab a click on a plain part of
    // the output leaves the focus on the notebook, yet the reviewer means this app.
    let active = false;
    const onPointer = (event) => {
      const root = rootOf();
      active = Boolean(root) && event.target instanceof Node && root.contains(event.target);
    };
    const onKey = (event) => {
      if (event.defaultPrevented || event.repeat || event.ctrlKey || event.metaKey || event.altKey) {
        return;
      }
      if (typingIn(event.target) || !model.get("shortcut_keys").includes(event.key)) return;
      const root = rootOf();
      if (!root || !root.isConnected) return;
      const inside = event.target instanceof Node && root.contains(event.target);
      const onPage = event.target === document.body || event.target === document.documentElement;
      const first = document.querySelector(".chatbook-review") === root;
      if (!inside && !active && !(onPage && first)) return;
      // Ours: keep JupyterLab's command-mode shortcuts (a, b, d, ...) from acting too.
      event.preventDefault();
      event.stopPropagation();
      model.send({ type: "key", key: event.key });
    };
    document.addEventListener("pointerdown", onPointer, true);
    document.addEventListener("keydown", onKey, true);
    return () => {
      document.removeEventListener("pointerdown", onPointer, true);
      document.removeEventListener("keydown", onKey, true);
    };
  },
  render({ el }) {
    el.classList.add("cb-shortcuts");
  },
};
"""

REVIEW_CSS = """
.chatbook-review { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
  color: #1f2933; max-width: 1180px; padding: 14px 18px; border-radius: 12px;
  background: #f7f8fa; border: 1px solid #e1e5ea; }
.chatbook-review .cb-header { display: flex; align-items: baseline; gap: 16px; flex-wrap: wrap; }
.chatbook-review .cb-h1 { font-size: 20px; font-weight: 650; margin: 0; }
.chatbook-review .cb-progress { font-size: 14px; color: #52606d; }
.chatbook-review .cb-counts { display: flex; gap: 6px; flex-wrap: wrap; }
.chatbook-review .cb-chip, .chatbook-review .cb-badge { border-radius: 999px; padding: 2px 10px;
  font-size: 12px; font-weight: 600; text-transform: capitalize; border: 1px solid transparent; }
.chatbook-review .cb-pending { background: #fff4d6; color: #8a5a00; border-color: #f5d37a; }
.chatbook-review .cb-accepted { background: #dcf5e3; color: #1e6b38; border-color: #9fd9b1; }
.chatbook-review .cb-edited { background: #dbeefe; color: #1a5689; border-color: #9cc9f0; }
.chatbook-review .cb-rejected { background: #fde2e1; color: #9b1c1c; border-color: #f3a9a6; }
.chatbook-review .cb-cancelled { background: #eceff1; color: #52606d; border-color: #cfd6dc; }
.chatbook-review .cb-card { background: #fff; border: 1px solid #e1e5ea; border-radius: 10px;
  padding: 12px 14px; box-shadow: 0 1px 2px rgba(16, 24, 40, .05); }
.chatbook-review .cb-section { font-size: 12px; font-weight: 650; color: #7b8794;
  text-transform: uppercase; letter-spacing: .04em; margin: 0 0 6px; }
.chatbook-review .cb-title-line { font-size: 17px; font-weight: 650; margin: 2px 0 4px; }
.chatbook-review .cb-sub { color: #52606d; font-size: 13px; }
.chatbook-review .cb-flag { margin-top: 6px; padding: 4px 8px; border-radius: 6px;
  background: #fff4d6; color: #8a5a00; font-size: 12px; }
.chatbook-review .cb-convo { display: flex; flex-direction: column; gap: 6px; }
.chatbook-review .cb-chatname { font-weight: 650; color: #3e4c59; font-size: 13px; }
.chatbook-review .cb-msg { padding: 6px 10px; border-radius: 8px; background: #f1f3f5;
  max-width: 95%; }
.chatbook-review .cb-msg.cb-source { background: #e6f4ea; border-left: 4px solid #2f9e57; }
.chatbook-review .cb-meta { display: flex; gap: 8px; font-size: 11px; color: #7b8794; }
.chatbook-review .cb-author { font-weight: 650; color: #3e4c59; }
.chatbook-review .cb-text { white-space: pre-wrap; font-size: 13.5px; line-height: 1.35; }
.chatbook-review .cb-conf { position: relative; height: 18px; width: 220px; background: #eceff1;
  border-radius: 9px; overflow: hidden; font-size: 11px; }
.chatbook-review .cb-conf span { position: absolute; left: 8px; top: 1px; color: #1f2933; }
.chatbook-review .cb-conf-bar { height: 100%; }
.chatbook-review .cb-conf-high { background: #8fd6a4; }
.chatbook-review .cb-conf-mid { background: #f5d37a; }
.chatbook-review .cb-conf-low { background: #f3a9a6; }
.chatbook-review .cb-banner { padding: 8px 12px; border-radius: 8px; font-size: 13.5px; }
.chatbook-review .cb-banner-info { background: #e8f1fb; color: #1a5689; }
.chatbook-review .cb-banner-ok { background: #dcf5e3; color: #1e6b38; }
.chatbook-review .cb-banner-warn { background: #fff4d6; color: #8a5a00; }
.chatbook-review .cb-banner-error { background: #fde2e1; color: #9b1c1c; font-weight: 600; }
.chatbook-review .cb-note { font-size: 12.5px; color: #52606d; padding: 6px 0; }
.chatbook-review .cb-warn { color: #8a5a00; }
.chatbook-review .cb-image summary { list-style: none; cursor: zoom-in; }
.chatbook-review .cb-image summary::-webkit-details-marker { display: none; }
.chatbook-review .cb-image[open] summary { cursor: zoom-out; }
.chatbook-review .cb-image .cb-thumb { border-radius: 6px; border: 1px solid #cfd6dc; }
.chatbook-review .cb-image .cb-full { display: none; max-width: 100%; border-radius: 6px; }
.chatbook-review .cb-image[open] .cb-thumb { display: none; }
.chatbook-review .cb-image[open] .cb-full { display: block; }
.chatbook-review .cb-ocr-label { font-size: 11px; color: #7b8794; margin-top: 6px; }
.chatbook-review .cb-ocr { white-space: pre-wrap; font-size: 12px; background: #f7f8fa;
  padding: 6px 8px; border-radius: 6px; max-height: 180px; overflow: auto; margin: 2px 0 0; }
.chatbook-review mark { background: #ffe08a; padding: 0 1px; border-radius: 2px; }
.chatbook-review .cb-actions .widget-button { border-radius: 7px; font-weight: 600; }
.chatbook-review .cb-bulk table { border-collapse: collapse; font-size: 12.5px; width: 100%; }
.chatbook-review .cb-bulk td, .chatbook-review .cb-bulk th { padding: 3px 8px;
  border-bottom: 1px solid #e1e5ea; text-align: left; }
.chatbook-review .cb-empty { padding: 30px; text-align: center; color: #52606d; font-size: 15px; }
.chatbook-review .widget-label { color: #52606d; }
"""


class KeyboardShortcuts(anywidget.AnyWidget):  # type: ignore[misc]
    """Page-wide keys for one ReviewApp; sends {"type": "key", "key": ...} to the kernel."""

    _esm = SHORTCUTS_ESM
    _css = REVIEW_CSS
    shortcut_keys = traitlets.List(traitlets.Unicode()).tag(sync=True)
    scope = traitlets.Unicode("").tag(sync=True)


# ------------------------------------------------------------------------ the app


class ReviewApp:
    """The review queue as a widget. Decisions go through `toolkit.review.proposals` at once."""

    def __init__(self, settings: Settings | None = None, *, status: str = "pending",
                 chat: str | None = None, min_confidence: float | None = None,
                 since: str | date | None = None, until: str | date | None = None,
                 order: str = "date", reviewer: str | None = None,
                 conn: db.Connection | None = None) -> None:
        from toolkit.store.connect import open_db

        self.settings = settings or load_settings()
        self._own_conn = conn is None
        self.conn = conn if conn is not None else open_db(self.settings)
        self.reviewer = (reviewer or self.settings.reviewer).strip() or "reviewer"
        self.filters = Filters(status=status or "all", chat=chat or None,
                               min_confidence=min_confidence or None,
                               since=parse_day("since", since), until=parse_day("until", until),
                               order=order)
        self.queue: list[dict[str, Any]] = []
        self.index = 0
        self.current: dict[str, Any] | None = None
        self.undo_stack: list[int] = []
        self.bulk_rows: list[dict[str, Any]] = []
        self._quiet = False  # True while the code (not the user) sets filter widgets
        self._state_key: str | None = None  # the queue whose undo history is in memory
        self._build()
        self.reload_queue()

    # -------------------------------------------------------------- building the widgets

    def _build(self) -> None:
        self.scope = f"chatbook-review-{uuid.uuid4().hex[:10]}"
        self.title_html = widgets.HTML()
        self.progress_html = widgets.HTML()
        self.counts_html = widgets.HTML()
        self.banner = widgets.HTML()
        self.summary_html = widgets.HTML()
        self.messages_html = widgets.HTML()
        self.media_html = widgets.HTML()
        self._build_filters()
        self._build_form()
        self._build_actions()
        self._build_bulk()
        self.shortcuts = KeyboardShortcuts(shortcut_keys=list(SHORTCUTS), scope=self.scope)
        self.shortcuts.on_msg(self._on_frontend_message)

        header = widgets.HBox([self.title_html, self.progress_html, self.counts_html],
                              layout=widgets.Layout(align_items="center", grid_gap="18px",
                                                    flex_flow="row wrap"))
        header.add_class("cb-header")
        left = widgets.VBox([self.summary_html, self.messages_html, self.media_html],
                            layout=widgets.Layout(width="54%", grid_gap="10px"))
        right = widgets.VBox([self.form], layout=widgets.Layout(width="46%"))
        left.add_class("cb-card")
        right.add_class("cb-card")
        self.main = widgets.HBox([left, right], layout=widgets.Layout(grid_gap="14px",
                                                                      align_items="flex-start"))
        self.empty_html = widgets.HTML(layout=widgets.Layout(display="none"))
        self.widget = widgets.VBox(
            [header, self.filter_bar, self.actions, self.banner, self.main, self.empty_html,
             self.bulk_box, self.shortcuts],
            layout=widgets.Layout(grid_gap="12px"),
        )
        self.widget.add_class("chatbook-review")
        self.widget.add_class(self.scope)
        self.title_html.value = '<div class="cb-h1">Review proposals</div>'

    def _build_filters(self) -> None:
        f = self.filters
        status_values = [value for _, value in STATUS_CHOICES]
        choices = list(STATUS_CHOICES)
        if f.status not in status_values:
            choices.append((f.status, f.status))
        self.status_filter = widgets.Dropdown(options=choices, value=f.status,
                                              description="Status", layout=_w("210px"))
        chats = [("All chats", "")] + [(name, name) for name in chat_names(self.conn)]
        if f.chat and f.chat not in [v for _, v in chats]:
            chats.append((f.chat, f.chat))
        self.chat_filter = widgets.Dropdown(options=chats, value=f.chat or "",
                                            description="Chat", layout=_w("250px"))
        self.confidence_filter = widgets.FloatSlider(
            value=f.min_confidence or 0.0, min=0, max=1, step=0.05, description="Min conf.",
            readout_format=".2f", continuous_update=False, layout=_w("260px"))
        self.since_filter = widgets.DatePicker(value=f.since, description="From",
                                               layout=_w("210px"))
        self.until_filter = widgets.DatePicker(value=f.until, description="To",
                                               layout=_w("210px"))
        self.order_filter = widgets.ToggleButtons(
            options=[("By date", "date"), ("By confidence", "confidence")], value=f.order,
            style={"button_width": "124px"})
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh",
                                             tooltip="Reload the queue and counts",
                                             layout=_w("100px"))
        for control in (self.status_filter, self.chat_filter, self.confidence_filter,
                        self.since_filter, self.until_filter, self.order_filter):
            control.add_class("cb-filter")
            control.observe(self._on_filter_change, names="value")
        self.refresh_button.on_click(lambda _: self.reload_queue())
        self.filter_bar = widgets.VBox([
            widgets.HBox([self.status_filter, self.chat_filter, self.confidence_filter],
                         layout=widgets.Layout(flex_flow="row wrap", grid_gap="6px")),
            widgets.HBox([self.since_filter, self.until_filter, self.order_filter,
                          self.refresh_button],
                         layout=widgets.Layout(flex_flow="row wrap", grid_gap="6px",
                                               align_items="center")),
        ])
        self.filter_bar.add_class("cb-filters")

    def _build_form(self) -> None:
        wide = _w("96%")
        self.title_field = widgets.Text(description="Title", layout=wide)
        self.all_day_field = widgets.Checkbox(description="All day", indent=True)
        self.start_day = widgets.DatePicker(description="Start", layout=_w("220px"))
        self.start_clock = widgets.TimePicker(layout=_w("120px"))
        self.end_day = widgets.DatePicker(description="End", layout=_w("220px"))
        self.end_clock = widgets.TimePicker(layout=_w("120px"))
        self.location_field = widgets.Text(description="Location", layout=wide)
        self.reason_field = widgets.Combobox(
            description="because", options=list(REJECT_REASONS), value=REJECT_REASONS[0],
            placeholder="why reject?", ensure_option=False,
            style={"description_width": "56px"}, layout=_w("250px"))
        self.reset_button = widgets.Button(description="Reset fields", icon="eraser",
                                           tooltip="Back to the values as extracted",
                                           layout=_w("130px"))
        self.meta_html = widgets.HTML()
        for name, control in (("title", self.title_field), ("allday", self.all_day_field),
                              ("start-day", self.start_day), ("start-time", self.start_clock),
                              ("end-day", self.end_day), ("end-time", self.end_clock),
                              ("location", self.location_field), ("reason", self.reason_field)):
            control.add_class(f"cb-{name}")
        for control in (self.title_field, self.all_day_field, self.start_day, self.start_clock,
                        self.end_day, self.end_clock, self.location_field):
            control.observe(self._on_field_change, names="value")
        self.reset_button.on_click(lambda _: self._fill_form())
        self.form = widgets.VBox([
            self.meta_html,
            self.title_field,
            widgets.HBox([self.start_day, self.start_clock]),
            widgets.HBox([self.end_day, self.end_clock]),
            self.all_day_field,
            self.location_field,
            self.reset_button,
        ], layout=widgets.Layout(grid_gap="6px"))

    def _build_actions(self) -> None:
        self.buttons: dict[str, widgets.Button] = {}
        handlers: dict[str, Callable[[], None]] = {
            "accept": self.accept, "edit_accept": self.edit_accept, "reject": self.reject,
            "skip": self.skip, "undo": self.undo, "previous": self.previous, "next": self.next,
        }
        for action, (label, icon, style) in ACTION_LABELS.items():
            keys = [key for key, bound in SHORTCUTS.items() if bound == action]
            shown = " / ".join(_key_label(k) for k in keys)
            button = widgets.Button(description=f"{label}  [{shown}]", icon=icon,
                                    button_style=style, tooltip=f"{label} (key: {shown})",
                                    layout=widgets.Layout(width="auto", min_width="118px"))
            button.add_class(f"cb-btn-{action.replace('_', '-')}")
            handler = handlers[action]
            button.on_click(lambda _b, handler=handler: handler())
            self.buttons[action] = button
        decide = [self.buttons[a] for a in ("accept", "edit_accept", "reject")]
        move = [self.buttons[a] for a in ("skip", "undo", "previous", "next")]
        self.actions = widgets.HBox(
            [widgets.HBox([*decide, self.reason_field],
                          layout=widgets.Layout(grid_gap="8px", align_items="center")),
             widgets.HBox(move, layout=widgets.Layout(grid_gap="8px"))],
            layout=widgets.Layout(flex_flow="row wrap", grid_gap="8px 28px",
                                  align_items="center"))
        self.actions.add_class("cb-actions")

    def _build_bulk(self) -> None:
        self.bulk_threshold = widgets.FloatSlider(
            value=0.9, min=0.5, max=1.0, step=0.01, description="Bulk accept ≥",
            readout_format=".2f", continuous_update=False, style={"description_width": "auto"},
            layout=_w("330px"))
        self.bulk_preview_button = widgets.Button(description="Preview bulk accept", icon="list",
                                                  layout=_w("190px"))
        self.bulk_confirm_button = widgets.Button(description="Accept all shown",
                                                  button_style="success", icon="check-square",
                                                  layout=widgets.Layout(display="none",
                                                                        width="auto"))
        self.bulk_cancel_button = widgets.Button(description="Cancel",
                                                 layout=widgets.Layout(display="none"))
        self.bulk_table = widgets.HTML()
        self.bulk_preview_button.add_class("cb-bulk-preview")
        self.bulk_confirm_button.add_class("cb-bulk-confirm")
        self.bulk_preview_button.on_click(lambda _: self.preview_bulk())
        self.bulk_confirm_button.on_click(lambda _: self.confirm_bulk())
        self.bulk_cancel_button.on_click(lambda _: self.cancel_bulk())
        self.bulk_box = widgets.VBox([
            widgets.HBox([self.bulk_threshold, self.bulk_preview_button,
                          self.bulk_confirm_button, self.bulk_cancel_button],
                         layout=widgets.Layout(grid_gap="8px", align_items="center",
                                               flex_flow="row wrap")),
            self.bulk_table,
        ])
        self.bulk_box.add_class("cb-bulk")
        self.bulk_box.add_class("cb-card")

    # -------------------------------------------------------------- display

    def show(self) -> widgets.VBox:
        """Display the app (in a notebook or Voila) and return its root widget."""
        from IPython.display import display

        display(self.widget)
        return self.widget

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Close the widgets and the database connection this app opened."""
        close_tree(self.widget)
        if self._own_conn:
            self.conn.close()

    # -------------------------------------------------------------- the queue

    def reload_queue(self, *, keep: int | None = None) -> None:
        """Query the queue for the current filters; resume on `keep` or the saved position."""
        self.queue = proposals.list_proposals(self.conn, **self.filters.query())
        ids = [int(row["id"]) for row in self.queue]
        state = load_state(self.conn, self.reviewer, self.filters.key())
        if self.filters.key() != self._state_key:  # another queue: its own undo history
            self.undo_stack = list(state["undo"]) if state else []
            self._state_key = self.filters.key()
        self._refresh_chat_options()
        if keep is not None and keep in ids:
            self.index = ids.index(keep)
        else:
            self.index = resume_index(ids, state)
        self.cancel_bulk()
        self._load_current()

    @property
    def ids(self) -> list[int]:
        return [int(row["id"]) for row in self.queue]

    def _load_current(self) -> None:
        """Show the proposal at `index` (fresh from the database), or the empty state."""
        if not self.queue:
            self.current = None
            self._show_empty()
        else:
            self.index = max(0, min(self.index, len(self.queue) - 1))
            try:
                self.current = proposals.get_proposal(self.conn, self.ids[self.index])
            except ChatbookError:  # gone since the queue was read (e.g. a restored backup)
                del self.queue[self.index]
                self._load_current()
                return
            self.queue[self.index] = {**self.queue[self.index], **self.current}
            self._show_current()
        self._save_state()
        self._refresh_header()

    def _refresh_chat_options(self) -> None:
        """New chats appear in the filter after an ingest, on the next refresh."""
        wanted = [("All chats", "")] + [(name, name) for name in chat_names(self.conn)]
        if self.filters.chat and self.filters.chat not in [v for _, v in wanted]:
            wanted.append((self.filters.chat, self.filters.chat))
        if list(self.chat_filter.options) != wanted:
            self._quiet = True
            try:
                self.chat_filter.options = wanted
                self.chat_filter.value = self.filters.chat or ""
            finally:
                self._quiet = False

    def _save_state(self) -> None:
        save_state(self.conn, self.reviewer, self.filters.key(),
                   current_id=self.current["id"] if self.current else None,
                   queue=self.ids, undo=self.undo_stack)

    def _refresh_header(self) -> None:
        n = len(self.queue)
        decided = sum(1 for row in self.queue if row.get("status") != "pending")
        where = f"<b>{self.index + 1}</b> of <b>{n}</b>" if n else "<b>0</b> of <b>0</b>"
        self.progress_html.value = (f'<div class="cb-progress">Proposal {where} in this queue · '
                                    f"{decided} decided</div>")
        self.counts_html.value = counts_html(proposals.counts_by_status(self.conn))
        self._enable_buttons()

    def _enable_buttons(self) -> None:
        # A decided proposal can still be corrected (Edit & accept) or rejected; accepting it
        # again unchanged would only add noise to the audit trail.
        status = self.current.get("status") if self.current else None
        self.buttons["accept"].disabled = status not in ("pending", "rejected", "cancelled")
        self.buttons["edit_accept"].disabled = status is None
        self.buttons["reject"].disabled = status in (None, "rejected")
        self.buttons["skip"].disabled = not self.queue
        self.buttons["previous"].disabled = not self.queue or self.index == 0
        self.buttons["next"].disabled = not self.queue or self.index >= len(self.queue) - 1
        decided_here = self.current is not None and self.current.get("status") != "pending"
        self.buttons["undo"].disabled = not (self.undo_stack or decided_here)

    def _show_empty(self) -> None:
        self.main.layout.display = "none"
        self.empty_html.layout.display = None
        self.empty_html.value = ('<div class="cb-empty cb-card">Nothing to review with these '
                                 "filters. 🎉<br><small>Change the filters above, or run "
                                 "<code>chatbook extract</code> to find new events.</small></div>")

    def _show_current(self) -> None:
        p = self.current
        assert p is not None
        self.main.layout.display = None
        self.empty_html.layout.display = "none"
        self.empty_html.value = ""
        reviewed = ""
        if p.get("reviewed_by"):
            reviewed = (f' · by {esc(p["reviewed_by"])} {esc(short_time(p.get("reviewed_at")))}')
        reason = (f'<div class="cb-sub">Reason: {esc(p["reject_reason"])}</div>'
                  if p.get("reject_reason") else "")
        flag = f'<div class="cb-flag">⚑ {esc(p["flagged"])}</div>' if p.get("flagged") else ""
        self.summary_html.value = (
            f'<div class="cb-section">Proposal #{int(p["id"])}</div>'
            f'<div class="cb-title-line">{esc(p["title"])}</div>'
            f'<div class="cb-sub">{esc(describe_when(p["start"], p.get("end"), bool(p["all_day"])))}'
            f'{" · " + esc(p["location"]) if p.get("location") else ""}</div>'
            f'<div style="display:flex;gap:10px;align-items:center;margin-top:8px">'
            f'{status_badge(p["status"])}{confidence_meter(p.get("confidence") or 0)}'
            f'<span class="cb-sub">{reviewed}</span></div>{reason}{flag}'
        )
        self.messages_html.value = self._messages_for(p)
        self.media_html.value = media_html(self.settings, p)
        self._fill_form()

    def _messages_for(self, p: dict[str, Any]) -> str:
        sources = proposals.proposal_sources(self.conn, int(p["id"]))
        if not sources and p.get("source_message_id"):
            sources = [{"message_id": p["source_message_id"], "chat": p.get("chat")}]
        blocks = []
        for source in sources[:3]:
            message_id = message_id_of(source)
            context = (proposals.message_context(self.conn, message_id, n=CONTEXT_MESSAGES)
                       if message_id is not None else [])
            source = {**source, "chat": source.get("chat") or p.get("chat")}
            blocks.append(conversation_html(source, context))
        more = (f'<div class="cb-note">and {len(sources) - 3} more messages</div>'
                if len(sources) > 3 else "")
        if not blocks:
            return '<div class="cb-note">No source message recorded.</div>'
        label = "Source messages" if len(sources) > 1 else "Source message"
        return f'<div class="cb-section">{label} and conversation</div>' + "".join(blocks) + more

    def _fill_form(self) -> None:
        p = self.current
        if p is None:
            return
        start_day, start_clock = split_when(p["start"])
        end_day, end_clock = split_when(p.get("end"))
        self._quiet = True
        try:
            self.title_field.value = p["title"] or ""
            self.all_day_field.value = bool(p["all_day"])
            self.start_day.value = start_day
            self.start_clock.value = start_clock
            self.end_day.value = end_day
            self.end_clock.value = end_clock
            self.location_field.value = p.get("location") or ""
            self.reason_field.value = REJECT_REASONS[0]
        finally:
            self._quiet = False
        self._on_field_change(None)

    # -------------------------------------------------------------- form values

    def _form_values(self) -> dict[str, Any]:
        """The form as stored values; ValueError with a message a person can act on."""
        p = self.current
        assert p is not None
        title = self.title_field.value.strip()
        if not title:
            raise ValueError("The title must not be empty.")
        all_day = bool(self.all_day_field.value)
        if self.start_day.value is None:
            raise ValueError("The start needs a day.")
        if not all_day and self.start_clock.value is None:
            raise ValueError("The start needs a time (or tick All day).")
        start = join_when(self.start_day.value, self.start_clock.value, all_day=all_day,
                          zone=p.get("tz"), reference=p["start"])
        end = None
        if self.end_day.value is not None:
            end_clock = self.end_clock.value
            if not all_day and end_clock is None:
                raise ValueError("The end needs a time, or clear its day.")
            end = join_when(self.end_day.value, end_clock, all_day=all_day, zone=p.get("tz"),
                            reference=p.get("end") or p["start"])
        if end is not None and start is not None and _instant(end) < _instant(start):
            raise ValueError("The end is before the start.")
        return {"title": title, "start": start, "end": end, "all_day": all_day,
                "location": self.location_field.value.strip() or None}

    def _original_values(self) -> dict[str, Any]:
        """The proposal as the form would write it unchanged (so formatting is not a change)."""
        p = self.current
        assert p is not None
        all_day = bool(p["all_day"])
        start_day, start_clock = split_when(p["start"])
        end_day, end_clock = split_when(p.get("end"))
        return {
            "title": (p["title"] or "").strip(),
            "start": join_when(start_day, start_clock, all_day=all_day, zone=p.get("tz"),
                               reference=p["start"]) if start_clock or all_day else p["start"],
            "end": join_when(end_day, end_clock, all_day=all_day, zone=p.get("tz"),
                             reference=p.get("end")) if p.get("end") and (end_clock or all_day)
            else p.get("end"),
            "all_day": all_day,
            "location": (p.get("location") or "").strip() or None,
        }

    def changes(self) -> dict[str, Any]:
        """Fields the reviewer changed in the form (ValueError when the form is invalid)."""
        if self.current is None:
            return {}
        values, original = self._form_values(), self._original_values()
        return {name: value for name, value in values.items() if value != original[name]}

    def _on_field_change(self, _change: Any) -> None:
        if self._quiet:
            return
        all_day = bool(self.all_day_field.value)
        for clock in (self.start_clock, self.end_clock):
            clock.layout.visibility = "hidden" if all_day else "visible"
        try:
            changed = bool(self.changes())
        except ValueError:
            changed = True
        # An edited form makes Edit & accept the obvious next step.
        self.buttons["edit_accept"].button_style = "primary" if changed else "info"
        self.buttons["accept"].button_style = "" if changed else "success"

    # -------------------------------------------------------------- decisions

    def accept(self) -> None:
        """Accept as extracted; refuses when fields were edited, so edits are never dropped."""
        p = self.current
        if p is None:
            return
        try:
            edited = self.changes()
        except ValueError:
            edited = {"form": True}
        if edited:
            self._say("warn", "You changed fields: press Edit & accept [e] to save them, "
                              "or Reset fields first.")
            return
        self._decide("accepted", lambda: proposals.accept(
            self.conn, int(p["id"]), reviewer=self.reviewer,
            expected_version=int(p["version"])))

    def edit_accept(self) -> None:
        """Accept with the form's values (plain accept when nothing was changed)."""
        p = self.current
        if p is None:
            return
        try:
            edited = self.changes()
        except ValueError as error:
            self._say("error", str(error))
            return
        if not edited and p["status"] in ("accepted", "edited"):
            self._say("info", "Nothing changed: it is already in your calendar.")
            return
        self._decide("edited" if edited else "accepted", lambda: proposals.accept(
            self.conn, int(p["id"]), reviewer=self.reviewer,
            expected_version=int(p["version"]), changes=edited or None))

    def reject(self) -> None:
        p = self.current
        if p is None:
            return
        reason = (self.reason_field.value or "").strip()
        if not reason:
            self._say("error", "Give a reason to reject (pick one or type your own).")
            return
        self._decide("rejected", lambda: proposals.reject(
            self.conn, int(p["id"]), reviewer=self.reviewer,
            expected_version=int(p["version"]), reason=reason))

    def _decide(self, verb: str, action: Callable[[], Any]) -> None:
        """Run one decision; a conflict or refusal is shown and nothing else happens."""
        p = self.current
        assert p is not None
        try:
            result = action()
        except ConflictError as error:
            self._load_current()
            self._say("error", f"Not saved: {error} The proposal below is the current version; "
                               "nothing was overwritten.")
            return
        except ChatbookError as error:
            self._say("error", f"Not saved: {error}")
            return
        pid = int(p["id"])
        if pid in self.undo_stack:
            self.undo_stack.remove(pid)
        self.undo_stack.append(pid)
        event = f" (event #{result})" if verb != "rejected" and isinstance(result, int) else ""
        title = p["title"]
        # The decision module knows best whether an accept counted as an edit.
        verb = str(proposals.get_proposal(self.conn, pid)["status"])
        self.queue[self.index] = {**self.queue[self.index], "status": verb}
        self._advance_to_pending()
        self._say("info" if verb == "rejected" else "ok",
                  f"{verb.capitalize()}: “{title}”{event}. Undo [u] reverts it.")

    def _advance_to_pending(self) -> None:
        """The next pending proposal after this one, wrapping round to skipped ones."""
        n = len(self.queue)
        for step in range(1, n + 1):
            candidate = (self.index + step) % n
            if self.queue[candidate].get("status") == "pending":
                self.index = candidate
                break
        self._load_current()
        if all(row.get("status") != "pending" for row in self.queue):
            self._say("ok", "Every proposal in this queue is decided. 🎉")

    def undo(self) -> None:
        """Revert the decision on the proposal shown, else your latest decision in this queue."""
        if self.current is not None and self.current.get("status") != "pending":
            target = int(self.current["id"])
        elif self.undo_stack:
            target = self.undo_stack[-1]
        else:
            self._say("info", "Nothing to undo.")
            return
        try:
            proposals.undo(self.conn, target, reviewer=self.reviewer)
        except ChatbookError as error:
            self._say("error", f"Could not undo: {error}")
            return
        if target in self.undo_stack:
            self.undo_stack.remove(target)
        if target in self.ids:
            self.index = self.ids.index(target)
            self._load_current()
        else:
            self.reload_queue(keep=target)
        title = self.current["title"] if self.current else f"#{target}"
        self._say("info", f"Undone: “{title}” is {self._status_of(target)} again.")

    def _status_of(self, proposal_id: int) -> str:
        return str(proposals.get_proposal(self.conn, proposal_id)["status"])

    # -------------------------------------------------------------- navigation

    def skip(self) -> None:
        """Leave this one undecided and go to the next pending proposal."""
        if not self.queue:
            return
        self._advance_to_pending()
        self._say("info", "Skipped; it stays pending.")

    def next(self) -> None:
        if self.queue and self.index < len(self.queue) - 1:
            self.index += 1
            self._load_current()
            self._say("", "")

    def previous(self) -> None:
        if self.queue and self.index > 0:
            self.index -= 1
            self._load_current()
            self._say("", "")

    def go_to(self, proposal_id: int) -> None:
        """Show the proposal with this id (it must be in the queue)."""
        self.index = self.ids.index(proposal_id)
        self._load_current()

    # -------------------------------------------------------------- keys

    def press(self, key: str) -> bool:
        """A shortcut key: click its button if there is one and it is enabled."""
        action = SHORTCUTS.get(key)
        if action is None or self.buttons[action].disabled:
            return False
        self.buttons[action].click()
        return True

    def _on_frontend_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "key":
            self.press(str(content.get("key", "")))

    # -------------------------------------------------------------- filters

    def _on_filter_change(self, _change: Any) -> None:
        if self._quiet:
            return
        try:
            self.filters = Filters(
                status=self.status_filter.value, chat=self.chat_filter.value or None,
                min_confidence=self.confidence_filter.value or None,
                since=self.since_filter.value, until=self.until_filter.value,
                order=self.order_filter.value)
        except ChatbookError as error:
            self._say("error", str(error))
            return
        keep = int(self.current["id"]) if self.current else None
        self.reload_queue(keep=keep)
        self._say("", "")

    def set_filters(self, **changes: Any) -> None:
        """Change filters from code, as the filter bar does (status, chat, min_confidence, ...)."""
        controls = {"status": self.status_filter, "chat": self.chat_filter,
                    "min_confidence": self.confidence_filter, "since": self.since_filter,
                    "until": self.until_filter, "order": self.order_filter}
        self._quiet = True
        try:
            for name, value in changes.items():
                if name == "chat" and value and value not in [v for _, v in
                                                              self.chat_filter.options]:
                    self.chat_filter.options = [*self.chat_filter.options, (value, value)]
                controls[name].value = ("" if name == "chat" and value is None else
                                        0.0 if name == "min_confidence" and value is None
                                        else value)
        finally:
            self._quiet = False
        self._on_filter_change(None)

    # -------------------------------------------------------------- bulk accept

    def preview_bulk(self) -> list[dict[str, Any]]:
        """Pending proposals of this queue at or above the threshold, shown for confirmation."""
        query = {**self.filters.query(), "status": "pending",
                 "min_confidence": max(self.bulk_threshold.value,
                                       self.filters.min_confidence or 0.0)}
        self.bulk_rows = proposals.list_proposals(self.conn, **query)
        if not self.bulk_rows:
            self.bulk_table.value = ('<div class="cb-note">No pending proposal has confidence '
                                     f"≥ {self.bulk_threshold.value:.2f} in this queue.</div>")
            self._show_bulk_confirm(False)
            return []
        rows = "".join(
            f"<tr><td>{esc(r['title'])}</td>"
            f"<td>{esc(describe_when(r['start'], r.get('end'), bool(r['all_day'])))}</td>"
            f"<td>{esc(r.get('chat') or '')}</td><td>{float(r['confidence']):.2f}</td></tr>"
            for r in self.bulk_rows)
        self.bulk_table.value = (
            f'<div class="cb-note">These {len(self.bulk_rows)} proposals will be accepted as '
            "extracted:</div><table><tr><th>Title</th><th>When</th><th>Chat</th>"
            f"<th>Confidence</th></tr>{rows}</table>")
        self.bulk_confirm_button.description = f"Accept these {len(self.bulk_rows)}"
        self._show_bulk_confirm(True)
        return self.bulk_rows

    def confirm_bulk(self) -> dict[str, int]:
        """Accept what the preview showed, each at the version the preview saw."""
        accepted = conflicts = 0
        errors: list[str] = []
        for row in self.bulk_rows:
            try:
                proposals.accept(self.conn, int(row["id"]), reviewer=self.reviewer,
                                 expected_version=int(row["version"]))
            except ConflictError:
                conflicts += 1
                continue
            except ChatbookError as error:
                errors.append(f"#{row['id']}: {error}")
                continue
            accepted += 1
            self.undo_stack.append(int(row["id"]))
        keep = int(self.current["id"]) if self.current else None
        self.bulk_rows = []
        self.reload_queue(keep=keep)
        note = f"Bulk accepted {accepted}."
        if conflicts:
            note += f" {conflicts} changed since the preview and were left alone."
        if errors:
            note += " Not accepted: " + "; ".join(errors)
        self._say("warn" if conflicts or errors else "ok", note)
        return {"accepted": accepted, "conflicts": conflicts, "errors": len(errors)}

    def cancel_bulk(self) -> None:
        self.bulk_rows = []
        self.bulk_table.value = ""
        self._show_bulk_confirm(False)

    def _show_bulk_confirm(self, visible: bool) -> None:
        display = None if visible else "none"
        self.bulk_confirm_button.layout.display = display
        self.bulk_cancel_button.layout.display = display

    # -------------------------------------------------------------- messages

    def _say(self, level: str, text: str) -> None:
        """One line above the proposal: info, ok, warn or error ('' clears it)."""
        if not text:
            self.banner.value = ""
            return
        self.banner.value = f'<div class="cb-banner cb-banner-{level}">{esc(text)}</div>'

    @property
    def message(self) -> str:
        """The banner's text (for tests and logs)."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.banner.value))


def close_tree(widget: Any) -> None:
    """Close a widget and every widget inside it (their front-end models go too)."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    widget.close()


def _w(width: str) -> widgets.Layout:
    return widgets.Layout(width=width)


def _key_label(key: str) -> str:
    return {"ArrowLeft": "←", "ArrowRight": "→"}.get(key, key)


def _instant(value: str) -> datetime:
    if len(value) == 10:
        return datetime.fromisoformat(value)
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=None) if moment.tzinfo is None else \
        moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


# ------------------------------------------------------------------------ `chatbook review`


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def voila_command(port: int, notebook: Path = NOTEBOOK) -> list[str]:
    """Voila on one notebook, on localhost only, with token auth and no browser of its own.

    The token itself travels in the child's environment (JUPYTER_TOKEN), never on the command
    line, where any local user could read it with `ps`.
    """
    return [
        sys.executable, "-m", "voila", str(notebook), f"--port={port}", "--no-browser",
        "--Voila.ip=127.0.0.1", "--Voila.auto_token=True", "--Voila.port_retries=0",
        "--VoilaConfiguration.show_tracebacks=False",
    ]


def wait_for_port(port: int, timeout: float, process: subprocess.Popen[Any] | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


def serve(settings: Settings, *, port: int = 8866, open_browser: bool = True,
          echo: Callable[[str], None] | None = None) -> int:
    """Serve notebooks/05_review.ipynb with Voila until interrupted; returns its exit code."""
    if not NOTEBOOK.is_file():
        raise ChatbookError(f"{NOTEBOOK}: the review notebook is missing")
    echo = echo or (lambda line: print(line, flush=True))
    port = port or free_port()
    if not port_is_free(port):
        raise ChatbookError(f"port {port} on 127.0.0.1 is in use; pass another with --port "
                            "(0: any free port)")
    token = secrets.token_urlsafe(24)
    url = f"http://127.0.0.1:{port}/?token={token}"
    env = {**os.environ, **settings.as_env(), "JUPYTER_TOKEN": token}
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (e.g. from a service manager) must stop Voila too, not orphan it.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    process = subprocess.Popen(voila_command(port), env=env, cwd=str(NOTEBOOK.parent))
    try:
        # The URL is printed once it works, so whoever reads it can open it straight away.
        if not wait_for_port(port, STARTUP_TIMEOUT_S, process) or process.poll() is not None:
            process.terminate()
            code = process.wait()
            raise ChatbookError(f"Voila did not start on 127.0.0.1:{port} (exit {code}); "
                                "is the port in use? Try --port 0 for any free port")
        echo(f"chatbook review: serving on {url}")
        echo("(only this machine can reach it; press Ctrl+C to stop)")
        if open_browser:
            webbrowser.open(url)
        return process.wait()
    except (KeyboardInterrupt, SystemExit) as stop:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        return 130 if isinstance(stop, KeyboardInterrupt) else 143
