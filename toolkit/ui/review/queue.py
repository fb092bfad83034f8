"""A review queue: which proposals it holds, where it resumes, where a decision moves on to.

`Filters` is the queue's identity (its `key()` names it in `review_state`, migration 0004), so a
kernel restart resumes on the same proposal. Everything here is plain data: no widgets, no SQL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from toolkit.errors import ChatbookError

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

    @classmethod
    def from_key(cls, key: str) -> Filters | None:
        """The filters a saved `key()` names; None when it cannot be read back (an old key)."""
        try:
            data = json.loads(key)
            return cls(status=str(data.get("status") or "pending"), chat=data.get("chat") or None,
                       min_confidence=data.get("min_confidence") or None,
                       since=parse_day("since", data.get("since")),
                       until=parse_day("until", data.get("until")),
                       order=str(data.get("order") or "date"))
        except (ValueError, TypeError, AttributeError, ChatbookError):
            return None

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


def status_choices(status: str) -> list[tuple[str, str]]:
    """The status filter's options; a combination not among them (from code) is added."""
    choices = list(STATUS_CHOICES)
    if status not in [value for _, value in STATUS_CHOICES]:
        choices.append((status, status))
    return choices


def chat_choices(names: Sequence[str], chat: str | None) -> list[tuple[str, str]]:
    """The chat filter's options: all chats, each chat, and a chosen one not (yet) among them."""
    choices = [("All chats", "")] + [(name, name) for name in names]
    if chat and chat not in [value for _, value in choices]:
        choices.append((chat, chat))
    return choices


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


def next_pending(rows: Sequence[dict[str, Any]], index: int) -> int:
    """The next pending row after `index`, wrapping round to skipped ones; else `index`."""
    n = len(rows)
    for step in range(1, n + 1):
        candidate = (index + step) % n
        if rows[candidate].get("status") == "pending":
            return candidate
    return index


def all_decided(rows: Sequence[dict[str, Any]]) -> bool:
    return bool(rows) and all(row.get("status") != "pending" for row in rows)


def undo_groups(saved: Sequence[Any]) -> list[list[int]]:
    """A saved undo history as groups of ids, newest last (a bulk accept is one group).

    Histories saved before groups existed hold plain ids: each is a group of its own.
    """
    groups = []
    for entry in saved:
        ids = [int(i) for i in entry] if isinstance(entry, list | tuple) else [int(entry)]
        if ids:
            groups.append(ids)
    return groups


def disabled_actions(current: dict[str, Any] | None, size: int, index: int, *,
                     undo_history: bool, finished: bool = False) -> dict[str, bool]:
    """Which actions are off, for the proposal shown (None: none) at `index` of `size`.

    `finished`: the queue's end is shown (every proposal decided); only Undo and Previous
    lead anywhere from there.
    """
    if finished:
        return {"accept": True, "edit_accept": True, "reject": True, "skip": True,
                "previous": not size, "next": True, "undo": not undo_history}
    # A decided proposal can still be corrected (Edit & accept) or rejected; accepting it
    # again unchanged would only add noise to the audit trail.
    status = current.get("status") if current else None
    decided_here = current is not None and current.get("status") != "pending"
    return {
        "accept": status not in ("pending", "rejected", "cancelled"),
        "edit_accept": status is None,
        "reject": status in (None, "rejected"),
        "skip": not size,
        "previous": not size or index == 0,
        "next": not size or index >= size - 1,
        "undo": not (undo_history or decided_here),
    }
