"""The review UI: one proposal at a time, in ipywidgets, for JupyterLab and Voila alike.

`ReviewApp(settings).show()` in any notebook (or `chatbook review` for a standalone page)
shows the queue of proposals with their source messages and conversation, the image and its
OCR text for image-derived ones, editable fields, and the decisions Accept, Edit & accept,
Reject, Skip, Undo, Previous and Next. The decisions themselves belong to `toolkit.review.proposals`
(version-checked, audited, written at once); this module builds the widgets, wires them to those
calls and shows the result. What it shows is built by `render` and `images`, the queue logic
is in `queue`, the form's values in `fields`, the keyboard in `keys`.

Where a reviewer is in a queue (and what Undo would revert) is kept in `review_state`
(migration 0004), so a kernel restart resumes on the same proposal.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import ipywidgets as widgets

from toolkit.config import Settings, load_settings
from toolkit.errors import ChatbookError, ConflictError
from toolkit.review import proposals
from toolkit.store import db
from toolkit.store.messages import chat_names
from toolkit.store.review_state import load_state, save_state
from toolkit.ui.review.fields import changed_fields, form_values, original_values, split_when
from toolkit.ui.review.images import media_html
from toolkit.ui.review.keys import SHORTCUTS, KeyboardShortcuts, key_hint
from toolkit.ui.review.queue import (
    Filters,
    chat_choices,
    disabled_actions,
    next_pending,
    parse_day,
    resume_index,
    status_choices,
)
from toolkit.ui.review.render import (
    EMPTY_HTML,
    SHOWN_SOURCES,
    banner_html,
    banner_text,
    bulk_note,
    bulk_table_html,
    counts_html,
    message_id_of,
    no_bulk_html,
    progress_html,
    sources_html,
    summary_html,
)

REJECT_REASONS = ("not an event", "duplicate", "wrong date or time", "already in my calendar",
                  "not relevant to me", "cancelled")
CONTEXT_MESSAGES = 3
ACTION_LABELS: dict[str, tuple[str, str, str]] = {  # action -> (label, icon, button style)
    "accept": ("Accept", "check", "success"),
    "edit_accept": ("Edit & accept", "pencil", "info"),
    "reject": ("Reject", "times", "danger"),
    "skip": ("Skip", "forward", ""),
    "undo": ("Undo", "undo", ""),
    "previous": ("Previous", "arrow-left", ""),
    "next": ("Next", "arrow-right", ""),
}


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
        self.status_filter = widgets.Dropdown(options=status_choices(f.status), value=f.status,
                                              description="Status", layout=_w("210px"))
        self.chat_filter = widgets.Dropdown(options=chat_choices(chat_names(self.conn), f.chat),
                                            value=f.chat or "",
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
            shown = key_hint(action)
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
        wanted = chat_choices(chat_names(self.conn), self.filters.chat)
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
        self.progress_html.value = progress_html(self.queue, self.index)
        self.counts_html.value = counts_html(proposals.counts_by_status(self.conn))
        self._enable_buttons()

    def _enable_buttons(self) -> None:
        off = disabled_actions(self.current, len(self.queue), self.index,
                               undo_history=bool(self.undo_stack))
        for action, disabled in off.items():
            self.buttons[action].disabled = disabled

    def _show_empty(self) -> None:
        self.main.layout.display = "none"
        self.empty_html.layout.display = None
        self.empty_html.value = EMPTY_HTML

    def _show_current(self) -> None:
        p = self.current
        assert p is not None
        self.main.layout.display = None
        self.empty_html.layout.display = "none"
        self.empty_html.value = ""
        self.summary_html.value = summary_html(p)
        self.messages_html.value = self._messages_for(p)
        self.media_html.value = media_html(self.settings, p)
        self._fill_form()

    def _messages_for(self, p: dict[str, Any]) -> str:
        """The proposal's source messages, each among its neighbours in the chat."""
        sources = proposals.proposal_sources(self.conn, int(p["id"]))
        if not sources and p.get("source_message_id"):
            sources = [{"message_id": p["source_message_id"], "chat": p.get("chat")}]
        conversations = []
        for source in sources[:SHOWN_SOURCES]:
            message_id = message_id_of(source)
            context = (proposals.message_context(self.conn, message_id, n=CONTEXT_MESSAGES)
                       if message_id is not None else [])
            conversations.append(({**source, "chat": source.get("chat") or p.get("chat")}, context))
        return sources_html(conversations, len(sources))

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

    def changes(self) -> dict[str, Any]:
        """Fields the reviewer changed in the form (ValueError when the form is invalid)."""
        if self.current is None:
            return {}
        values = form_values(
            self.current, title=self.title_field.value, all_day=self.all_day_field.value,
            start_day=self.start_day.value, start_clock=self.start_clock.value,
            end_day=self.end_day.value, end_clock=self.end_clock.value,
            location=self.location_field.value)
        return changed_fields(values, original_values(self.current))

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
        self.index = next_pending(self.queue, self.index)
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
            self.bulk_table.value = no_bulk_html(self.bulk_threshold.value)
            self._show_bulk_confirm(False)
            return []
        self.bulk_table.value = bulk_table_html(self.bulk_rows)
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
        self._say("warn" if conflicts or errors else "ok", bulk_note(accepted, conflicts, errors))
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
        self.banner.value = banner_html(level, text)

    @property
    def message(self) -> str:
        """The banner's text (for tests and logs)."""
        return banner_text(self.banner.value)


def close_tree(widget: Any) -> None:
    """Close a widget and every widget inside it (their front-end models go too)."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    widget.close()


def _w(width: str) -> widgets.Layout:
    return widgets.Layout(width=width)
