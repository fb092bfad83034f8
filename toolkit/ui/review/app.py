"""The review UI: one proposal at a time, in ipywidgets, for JupyterLab and Voila alike.

`ReviewApp(settings).show()` in any notebook (or `chatbook review` for a standalone page)
shows the queue of proposals with their source messages and conversation, the image and its
OCR text for image-derived ones, editable fields, and the decisions Accept, Edit & accept,
Reject, Skip, Undo, Previous and Next. The decisions themselves belong to `toolkit.review.proposals`
(version-checked, audited, written at once); this module builds the widgets, wires them to those
calls and shows the result. What it shows is built by `render` and `images`, the queue logic
is in `queue`, the form's values in `fields`, the keyboard in `keys`.

Where a reviewer is in a queue, what Undo would revert (a bulk accept as one step) and which
filters they used last are kept in `review_state` (migration 0004), so a kernel restart or a
reload of the page opens the same queue on the same proposal.
"""

from __future__ import annotations

import logging
import os
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
from toolkit.store.review_state import last_queue_key, load_state, save_state
from toolkit.ui.review.fields import (
    changed_fields,
    clock_text,
    day_text,
    form_values,
    original_values,
    parse_clock_text,
    parse_day_text,
    split_when,
)
from toolkit.ui.review.images import media_html
from toolkit.ui.review.keys import (
    DECISIONS,
    SHORTCUTS,
    KeyboardShortcuts,
    first_key,
    help_rows,
    key_hint,
)
from toolkit.ui.review.queue import (
    Filters,
    all_decided,
    chat_choices,
    disabled_actions,
    next_pending,
    parse_day,
    resume_index,
    status_choices,
    undo_groups,
)
from toolkit.ui.review.render import (
    EMPTY_HTML,
    SHOWN_SOURCES,
    banner_html,
    banner_text,
    bulk_note,
    bulk_row_html,
    conflict_text,
    counts_html,
    describe_when,
    done_html,
    header_html,
    message_id_of,
    no_bulk_html,
    progress_html,
    sources_html,
    summary_html,
    zone_line,
)

log = logging.getLogger(__name__)

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
    """The review queue as a widget. Decisions go through `toolkit.review.proposals` at once.

    Filters left as None open the queue this reviewer used last (pending proposals, by date,
    the first time); any filter given opens exactly the queue asked for.
    """

    def __init__(self, settings: Settings | None = None, *, status: str | None = None,
                 chat: str | None = None, min_confidence: float | None = None,
                 since: str | date | None = None, until: str | date | None = None,
                 order: str | None = None, reviewer: str | None = None,
                 conn: db.Connection | None = None) -> None:
        from toolkit.store.connect import open_db

        self.settings = settings or load_settings()
        self._own_conn = conn is None
        self.conn = conn if conn is not None else open_db(self.settings)
        self.reviewer = (reviewer or self.settings.reviewer).strip() or "reviewer"
        given = [status, chat, min_confidence, since, until, order]
        self.remembers_filters = all(value in (None, "") for value in given)
        self.filters = (self._last_filters() if self.remembers_filters else None) or Filters(
            status=status or "pending", chat=chat or None, min_confidence=min_confidence or None,
            since=parse_day("since", since), until=parse_day("until", until),
            order=order or "date")
        self.queue: list[dict[str, Any]] = []
        self.index = 0
        self.current: dict[str, Any] | None = None
        self.finished = False  # the queue's end is shown: every proposal in it decided
        self.undo_stack: list[list[int]] = []  # groups of ids, newest last
        self.bulk_rows: list[dict[str, Any]] = []
        self.bulk_checks: list[widgets.Checkbox] = []
        self.bulk_previewing = False  # a preview is shown: a moved threshold redoes it
        self._last_note = ""  # the newest decision, as the end of the queue repeats it
        self._quiet = False  # True while the code (not the user) sets widgets
        self._state_key: str | None = None  # the queue whose undo history is in memory
        self._seen_page = False
        # A kernel Voila keeps warm (`chatbook review --warm`) builds the app before anyone
        # looks at it: it records no position (nor "last used filters") until a page shows it,
        # or it could overwrite what the reviewer did meanwhile in another tab.
        self._recording = os.environ.get("VOILA_PREHEAT") != "True"
        self._build()
        self.reload_queue()

    def _last_filters(self) -> Filters | None:
        key = last_queue_key(self.conn, self.reviewer)
        return Filters.from_key(key) if key else None

    # -------------------------------------------------------------- building the widgets

    def _build(self) -> None:
        self.scope = f"chatbook-review-{uuid.uuid4().hex[:10]}"
        self.title_html = widgets.HTML(header_html())
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
        self.shortcuts = KeyboardShortcuts(shortcut_keys=list(SHORTCUTS), help_rows=help_rows(),
                                           scope=self.scope)
        self.shortcuts.on_msg(self._on_frontend_message)

        header = widgets.HBox([self.title_html, self.progress_html, self.counts_html],
                              layout=widgets.Layout(align_items="center", grid_gap="16px",
                                                    flex_flow="row wrap"))
        header.add_class("cb-header")
        # The flyer comes before the conversation: it is what the proposal was read from.
        left = widgets.VBox([self.summary_html, self.media_html, self.messages_html],
                            layout=widgets.Layout(width="56%", grid_gap="10px"))
        right = widgets.VBox([self.form], layout=widgets.Layout(width="44%"))
        left.add_class("cb-card")
        left.add_class("cb-left")
        right.add_class("cb-card")
        right.add_class("cb-right")
        self.main = widgets.HBox([left, right], layout=widgets.Layout(grid_gap="14px",
                                                                      align_items="flex-start"))
        self.main.add_class("cb-main")
        self.empty_html = widgets.HTML(layout=widgets.Layout(display="none"))
        self.empty_html.add_class("cb-end")
        self.widget = widgets.VBox(
            [header, self.filter_bar, self.actions, self.banner, self.main, self.empty_html,
             self.bulk_box, self.shortcuts],
            layout=widgets.Layout(grid_gap="10px"),
        )
        self.widget.add_class("chatbook-review")
        self.widget.add_class(self.scope)

    def _build_filters(self) -> None:
        f = self.filters
        auto = {"description_width": "initial"}
        self.status_filter = widgets.Dropdown(options=status_choices(f.status), value=f.status,
                                              description="Show", style=auto,
                                              layout=widgets.Layout(width="auto"))
        self.chat_filter = widgets.Dropdown(options=chat_choices(chat_names(self.conn), f.chat),
                                            value=f.chat or "", description="from", style=auto,
                                            layout=widgets.Layout(width="auto", max_width="320px"))
        self.order_filter = widgets.ToggleButtons(
            options=[("By date", "date"), ("By confidence", "confidence")], value=f.order,
            style={"button_width": "112px"})
        self.more_button = widgets.ToggleButton(description="More filters", icon="sliders",
                                                tooltip="Confidence and dates",
                                                layout=widgets.Layout(width="auto"))
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh",
                                             tooltip="Reload the queue and counts",
                                             layout=widgets.Layout(width="auto"))
        self.confidence_filter = widgets.FloatSlider(
            value=f.min_confidence or 0.0, min=0, max=1, step=0.05, description="Min confidence",
            readout_format=".2f", continuous_update=False, style=auto, layout=_w("300px"))
        self.since_filter = widgets.Text(value=day_text(f.since), description="Events from",
                                         placeholder="any day", continuous_update=False,
                                         style=auto, layout=_w("230px"))
        self.until_filter = widgets.Text(value=day_text(f.until), description="to",
                                         placeholder="any day", continuous_update=False,
                                         style=auto, layout=_w("170px"))
        for control in (self.status_filter, self.chat_filter, self.confidence_filter,
                        self.since_filter, self.until_filter, self.order_filter):
            control.add_class("cb-filter")
            control.observe(self._on_filter_change, names="value")
        self.status_filter.add_class("cb-status-filter")
        self.confidence_filter.add_class("cb-confidence-filter")
        self.refresh_button.on_click(lambda _: self.reload_queue())
        self.more_filters = widgets.HBox(
            [self.confidence_filter, self.since_filter, self.until_filter],
            layout=widgets.Layout(flex_flow="row wrap", grid_gap="6px 14px", align_items="center",
                                  display=None if self._more_filters_set() else "none"))
        self.more_button.value = self._more_filters_set()
        self.more_button.observe(self._on_more_filters, names="value")
        self.filter_bar = widgets.VBox([
            widgets.HBox([self.status_filter, self.chat_filter, self.order_filter,
                          self.more_button, self.refresh_button],
                         layout=widgets.Layout(flex_flow="row wrap", grid_gap="6px 10px",
                                               align_items="center")),
            self.more_filters,
        ], layout=widgets.Layout(grid_gap="4px"))
        self.filter_bar.add_class("cb-filters")

    def _more_filters_set(self) -> bool:
        f = self.filters
        return bool(f.min_confidence or f.since or f.until)

    def _on_more_filters(self, change: Any) -> None:
        self.more_filters.layout.display = None if change["new"] else "none"

    def _build_form(self) -> None:
        wide = _w("96%")
        auto = {"description_width": "70px"}
        self.title_field = widgets.Text(description="Title", style=auto, layout=wide)
        self.all_day_field = widgets.Checkbox(description="All day", indent=False,
                                              layout=widgets.Layout(width="auto",
                                                                    margin="0 0 0 74px"))
        # Read when the reviewer leaves the field (Tab, Esc, a click): half-typed times like
        # "4:" are never shown as errors.
        day = {"placeholder": "e.g. 5 Dec 2026", "style": auto, "layout": _w("230px"),
               "continuous_update": False}
        clock = {"placeholder": "e.g. 14:30", "layout": _w("96px"), "continuous_update": False}
        self.start_day = widgets.Text(description="Starts", **day)
        self.start_clock = widgets.Text(**clock)
        self.end_day = widgets.Text(description="Ends", **day)
        self.end_clock = widgets.Text(**clock)
        self.zone_html = widgets.HTML()
        self.location_field = widgets.Text(description="Location", style=auto, layout=wide)
        self.form_note = widgets.HTML()
        self.reason_field = widgets.Combobox(
            description="because", options=list(REJECT_REASONS), value=REJECT_REASONS[0],
            placeholder="why reject?", ensure_option=False,
            style={"description_width": "56px"}, layout=_w("210px"))
        self.reset_button = widgets.Button(description="Reset fields", icon="eraser",
                                           tooltip="Back to the values as extracted",
                                           layout=widgets.Layout(width="auto"))
        for name, control in (("title", self.title_field), ("allday", self.all_day_field),
                              ("start-day", self.start_day), ("start-time", self.start_clock),
                              ("end-day", self.end_day), ("end-time", self.end_clock),
                              ("location", self.location_field), ("reason", self.reason_field)):
            control.add_class(f"cb-{name}")
        for control in (self.title_field, self.all_day_field, self.start_day, self.start_clock,
                        self.end_day, self.end_clock, self.location_field):
            control.observe(self._on_field_change, names="value")
        self.reset_button.on_click(lambda _: self._fill_form())
        row = {"layout": widgets.Layout(align_items="center", grid_gap="6px")}
        self.form = widgets.VBox([
            self.title_field,
            widgets.HBox([self.start_day, self.start_clock], **row),
            widgets.HBox([self.end_day, self.end_clock], **row),
            self.zone_html,
            self.all_day_field,
            self.location_field,
            self.form_note,
            self.reset_button,
        ], layout=widgets.Layout(grid_gap="6px"))
        self.form.add_class("cb-form")

    def _build_actions(self) -> None:
        self.buttons: dict[str, widgets.Button] = {}
        handlers: dict[str, Callable[[], None]] = {
            "accept": self.accept, "edit_accept": self.edit_accept, "reject": self.reject,
            "skip": self.skip, "undo": self.undo, "previous": self.previous, "next": self.next,
        }
        for action, (label, icon, style) in ACTION_LABELS.items():
            shown = first_key(action)
            button = widgets.Button(description=f"{label} [{shown}]", icon=icon,
                                    button_style=style,
                                    tooltip=f"{label} (key: {key_hint(action)})",
                                    layout=widgets.Layout(width="auto"))
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
            layout=widgets.Layout(flex_flow="row wrap", grid_gap="8px 24px",
                                  align_items="center"))
        self.actions.add_class("cb-actions")

    def _build_bulk(self) -> None:
        # The panel is built on first use: a lighter first paint.
        self.bulk_open_button = widgets.ToggleButton(
            description="Bulk accept…", icon="check-square",
            tooltip="Accept many high-confidence proposals at once, after a preview",
            layout=widgets.Layout(width="auto"))
        self.bulk_open_button.add_class("cb-bulk-open")
        self.bulk_open_button.observe(lambda change: self.open_bulk(change["new"]),
                                      names="value")
        self.bulk_panel: widgets.VBox | None = None
        self.bulk_box = widgets.VBox([self.bulk_open_button],
                                     layout=widgets.Layout(align_items="flex-start",
                                                           grid_gap="6px"))
        self.bulk_box.add_class("cb-bulk")

    def _build_bulk_panel(self) -> widgets.VBox:
        self.bulk_threshold = widgets.FloatSlider(
            value=0.9, min=0.5, max=1.0, step=0.01, description="Confidence at least",
            readout_format=".2f", continuous_update=False, style={"description_width": "auto"},
            layout=_w("340px"))
        self.bulk_preview_button = widgets.Button(description="Preview", icon="list",
                                                  layout=widgets.Layout(width="auto"))
        self.bulk_confirm_button = widgets.Button(description="Accept all shown",
                                                  button_style="success", icon="check-square",
                                                  layout=widgets.Layout(display="none",
                                                                        width="auto"))
        self.bulk_cancel_button = widgets.Button(description="Cancel",
                                                 layout=widgets.Layout(display="none",
                                                                       width="auto"))
        self.bulk_table = widgets.HTML()
        self.bulk_list = widgets.VBox(layout=widgets.Layout(max_height="360px", overflow="auto"))
        self.bulk_preview_button.add_class("cb-bulk-preview")
        self.bulk_confirm_button.add_class("cb-bulk-confirm")
        self.bulk_cancel_button.add_class("cb-bulk-cancel")
        self.bulk_preview_button.on_click(lambda _: self.preview_bulk())
        # The browser may send the slider's last value after a click that follows it (the
        # widget front end holds state updates while one is in flight, a click it does not):
        # a preview on screen follows the threshold, so what it lists is what the slider shows.
        self.bulk_threshold.observe(lambda _c: self._follow_bulk_threshold(), names="value")
        self.bulk_confirm_button.on_click(lambda _: self.confirm_bulk())
        self.bulk_cancel_button.on_click(lambda _: self.cancel_bulk())
        panel = widgets.VBox([
            widgets.HBox([self.bulk_threshold, self.bulk_preview_button,
                          self.bulk_confirm_button, self.bulk_cancel_button],
                         layout=widgets.Layout(grid_gap="8px", align_items="center",
                                               flex_flow="row wrap")),
            self.bulk_table, self.bulk_list,
        ], layout=widgets.Layout(grid_gap="6px", width="100%"))
        panel.add_class("cb-card")
        return panel

    def open_bulk(self, show: bool = True) -> None:
        """Show (or hide) the bulk-accept panel, building it the first time."""
        if show and self.bulk_panel is None:
            self.bulk_panel = self._build_bulk_panel()
            self.bulk_box.children = (self.bulk_open_button, self.bulk_panel)
        if self.bulk_panel is not None:
            self.bulk_panel.layout.display = None if show else "none"
        if self.bulk_open_button.value != show:
            self.bulk_open_button.value = show

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
        if self.bulk_panel is not None:
            close_tree(self.bulk_panel)
        if self._own_conn:
            self.conn.close()

    # -------------------------------------------------------------- the queue

    def reload_queue(self, keep: int | None = None) -> None:
        """Read the queue again (filters, counts, chats); stay on `keep` if it is still in it."""
        self.queue = proposals.list_proposals(self.conn, **self.filters.query())
        ids = [int(row["id"]) for row in self.queue]
        state = load_state(self.conn, self.reviewer, self.filters.key())
        if self.filters.key() != self._state_key:  # another queue: its own undo history
            self.undo_stack = undo_groups(state["undo"]) if state else []
            self._state_key = self.filters.key()
        self._refresh_chat_options()
        if keep is not None and keep in ids:
            self.index = ids.index(keep)
        else:
            self.index = resume_index(ids, state)
        self.finished = False
        self.cancel_bulk()
        self._load_current()

    @property
    def ids(self) -> list[int]:
        return [int(row["id"]) for row in self.queue]

    def _load_current(self) -> None:
        """Show the proposal at `index` (fresh from the database), or the empty state."""
        self.finished = False
        if not self.queue:
            self.current = None
            self._show_end(EMPTY_HTML)
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

    def _show_finished(self, note: str) -> None:
        """The end of the queue: every proposal decided; it stays until the reviewer moves."""
        self.finished = True
        self.current = None
        self._show_end(done_html(self.queue, note))
        self._say("", "")
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
        if not self._recording:
            return
        shown = self.current["id"] if self.current else (
            self.ids[self.index] if self.finished and self.queue else None)
        save_state(self.conn, self.reviewer, self.filters.key(), current_id=shown,
                   queue=self.ids, undo=self.undo_stack)

    def _refresh_header(self) -> None:
        self.progress_html.value = progress_html(self.queue, self.index, finished=self.finished)
        self.counts_html.value = counts_html(proposals.counts_by_status(self.conn))
        self._enable_buttons()

    def _enable_buttons(self) -> None:
        off = disabled_actions(self.current, len(self.queue), self.index,
                               undo_history=bool(self.undo_stack), finished=self.finished)
        for action, disabled in off.items():
            self.buttons[action].disabled = disabled

    def _show_end(self, text: str) -> None:
        self.main.layout.display = "none"
        self.empty_html.layout.display = None
        self.empty_html.value = text

    def _show_current(self) -> None:
        p = self.current
        assert p is not None
        self.main.layout.display = None
        self.empty_html.layout.display = "none"
        self.empty_html.value = ""
        self.summary_html.value = summary_html(p, self._changes_of(p))
        self.messages_html.value = self._messages_for(p)
        self.media_html.value = media_html(self.settings, p)
        self._fill_form()

    def _changes_of(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        """What changed since the proposal was found (moved by a message, edited...)."""
        try:
            return proposals.proposal_changes(self.conn, int(p["id"]))
        except ChatbookError:
            return []

    def _messages_for(self, p: dict[str, Any]) -> str:
        """The proposal's source messages, among their neighbours, each message once."""
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
            self.start_day.value = day_text(start_day)
            self.start_clock.value = clock_text(start_clock)
            self.end_day.value = day_text(end_day)
            self.end_clock.value = clock_text(end_clock)
            self.location_field.value = p.get("location") or ""
            self.reason_field.value = REJECT_REASONS[0]
        finally:
            self._quiet = False
        self.zone_html.value = zone_line(p, self._zone_of(p))
        self._on_field_change(None)

    def _zone_of(self, p: dict[str, Any]) -> dict[str, Any] | None:
        """Where the proposal's zone came from (its chat's, or chosen), from the decisions."""
        try:
            return dict(proposals.proposal_zone(self.conn, int(p["id"])))
        except (ChatbookError, KeyError):
            return None

    # -------------------------------------------------------------- form values

    def changes(self) -> dict[str, Any]:
        """Fields the reviewer changed in the form (ValueError when the form is invalid)."""
        if self.current is None:
            return {}
        near = split_when(self.current["start"])[0]
        values = form_values(
            self.current, title=self.title_field.value, all_day=self.all_day_field.value,
            start_day=_parsed("Start day", parse_day_text, self.start_day.value, near=near),
            start_clock=_parsed("Start time", parse_clock_text, self.start_clock.value),
            end_day=_parsed("End day", parse_day_text, self.end_day.value, near=near),
            end_clock=_parsed("End time", parse_clock_text, self.end_clock.value),
            location=self.location_field.value)
        return changed_fields(values, original_values(self.current))

    def _on_field_change(self, _change: Any) -> None:
        if self._quiet or self.current is None:
            return
        all_day = bool(self.all_day_field.value)
        for clock in (self.start_clock, self.end_clock):
            clock.layout.visibility = "hidden" if all_day else "visible"
        try:
            edited = self.changes()
        except ValueError as error:
            self.form_note.value = f'<div class="cb-form-error">{_esc(error)}</div>'
            changed = True
        else:
            changed = bool(edited)
            self.form_note.value = self._readback(edited) if changed else ""
        # An edited form makes Edit & accept the obvious next step.
        self.buttons["edit_accept"].button_style = "primary" if changed else "info"
        self.buttons["accept"].button_style = "" if changed else "success"

    def _readback(self, edited: dict[str, Any]) -> str:
        """The edited event as it will be saved, so a misread day or time shows at once."""
        p = {**(self.current or {}), **edited}
        when = describe_when(p.get("start"), p.get("end"), bool(p.get("all_day")))
        return (f'<div class="cb-form-readback">Will be saved as: <b>{_esc(p.get("title"))}</b>, '
                f"{_esc(when)}. Press Edit &amp; accept [e].</div>")

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
        self._decide(lambda: proposals.accept(
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
        self._decide(lambda: proposals.accept(
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
        self._decide(lambda: proposals.reject(
            self.conn, int(p["id"]), reviewer=self.reviewer,
            expected_version=int(p["version"]), reason=reason))

    def _decide(self, action: Callable[[], Any]) -> None:
        """Run one decision; a conflict or refusal is shown and nothing else happens."""
        p = self.current
        assert p is not None
        pid = int(p["id"])
        try:
            result = action()
        except ConflictError:
            trail = proposals.audit_trail(self.conn, pid)
            self._load_current()
            self._say("error", conflict_text(trail[-1] if trail else None, self.reviewer,
                                             str((self.current or p)["title"])))
            return
        except ChatbookError as error:
            self._say("error", f"Not saved: {error}")
            return
        self._remember([pid])
        # The decision module knows best whether an accept counted as an edit, and the title
        # now is the one the reviewer wrote.
        now = proposals.get_proposal(self.conn, pid)
        status = str(now["status"])
        self.queue[self.index] = {**self.queue[self.index], **now}
        event = f" (event #{result})" if status != "rejected" and isinstance(result, int) else ""
        self._advance_to_pending(f"{status.capitalize()}: “{now['title']}”{event}. "
                                 f"Undo [{first_key('undo')}] reverts it.",
                                 "info" if status == "rejected" else "ok")

    def _remember(self, ids: list[int]) -> None:
        """One step of the undo history (one decision, or one bulk accept)."""
        taken = set(ids)
        self.undo_stack = [kept for group in self.undo_stack
                           if (kept := [i for i in group if i not in taken])]
        self.undo_stack.append(list(ids))

    def _advance_to_pending(self, note: str, level: str) -> None:
        """The next pending proposal after this one (wrapping round to skipped ones), or the
        end of the queue when none is left."""
        self._last_note = note
        if all_decided(self.queue):
            self._show_finished(note)
            return
        self.index = next_pending(self.queue, self.index)
        self._load_current()
        self._say(level, note)

    def undo(self) -> None:
        """Revert the decision on the proposal shown, else your latest step in this queue
        (a bulk accept is one step: all of it is reverted)."""
        group = self._undo_target()
        if not group:
            self._say("info", "Nothing to undo.")
            return
        undone: list[int] = []
        refused: list[str] = []
        for pid in reversed(group):
            problem = self._undo_one(pid)
            if problem:
                refused.append(problem)
            else:
                undone.append(pid)
        taken = set(group)
        self.undo_stack = [kept for g in self.undo_stack
                           if (kept := [i for i in g if i not in taken])]
        self._show_after_undo(undone, refused)

    def _undo_target(self) -> list[int]:
        shown = self.current
        if shown is not None and shown.get("status") != "pending":
            pid = int(shown["id"])
            top = self.undo_stack[-1] if self.undo_stack else []
            return list(top) if pid in top else [pid]
        return list(self.undo_stack[-1]) if self.undo_stack else []

    def _undo_one(self, pid: int) -> str:
        """Undo the last decision on one proposal; a reason why not, or '' when done."""
        try:
            last = proposals.last_undoable(self.conn, pid)
            if last.get("reviewer") not in (self.reviewer, proposals.SYSTEM_REVIEWER):
                # Someone decided after us: undoing now would revert their decision, not ours.
                title = proposals.get_proposal(self.conn, pid)["title"]
                return f"“{title}” was changed by {last['reviewer']} since, and was left alone"
            proposals.undo(self.conn, pid, reviewer=self.reviewer)
        except ChatbookError as error:
            return str(error)
        return ""

    def _show_after_undo(self, undone: list[int], refused: list[str]) -> None:
        """Show the first proposal undone (in queue order), with what happened."""
        if undone and not set(undone) <= set(self.ids):
            # Decided ones left a pending queue on its last reload: read it again.
            self.queue = proposals.list_proposals(self.conn, **self.filters.query())
        if undone and set(undone) & set(self.ids):
            self.index = min(self.ids.index(i) for i in undone if i in self.ids)
        self._load_current()
        if len(undone) == 1:
            title = proposals.get_proposal(self.conn, undone[0])["title"]
            text = f"Undone: “{title}” is {self._status_of(undone[0])} again."
        elif undone:
            text = f"Undone: all {len(undone)} of that bulk accept are pending again."
        else:
            text = "Nothing was undone."
        if refused:
            text += " " + "; ".join(refused) + "."
        self._say("warn" if refused else "info", text)

    def _status_of(self, proposal_id: int) -> str:
        return str(proposals.get_proposal(self.conn, proposal_id)["status"])

    # -------------------------------------------------------------- navigation

    def skip(self) -> None:
        """Leave this one undecided and go to the next pending proposal."""
        if not self.queue or self.finished:
            return
        p = self.current
        if p is not None and p.get("status") != "pending":
            self._skip_decided(p)
            return
        title = p["title"] if p else ""
        before = self.index
        self.index = next_pending(self.queue, self.index)
        self._load_current()
        if self.index == before:
            self._say("info", f"“{title}” is the only pending proposal left in this queue.")
        else:
            self._say("info", f"Skipped “{title}”; it stays pending.")

    def _skip_decided(self, p: dict[str, Any]) -> None:
        """Skip on a decided proposal: say what is true, and go to the next pending one."""
        state = f"“{p['title']}” is already {p['status']}"
        if all_decided(self.queue):
            self._say("info", f"{state}; nothing in this queue is pending.")
            return
        self.index = next_pending(self.queue, self.index)
        self._load_current()
        self._say("info", f"{state}, so there is nothing to skip; here is the next pending one.")

    def next(self) -> None:
        if self.queue and self.index < len(self.queue) - 1 and not self.finished:
            self.index += 1
            self._load_current()
            self._say("", "")

    def previous(self) -> None:
        if self.finished and self.queue:
            self._load_current()  # back from the end to the last proposal decided
            self._say("", "")
        elif self.queue and self.index > 0:
            self.index -= 1
            self._load_current()
            self._say("", "")

    def go_to(self, proposal_id: int) -> None:
        """Show the proposal with this id (it must be in the queue)."""
        self.index = self.ids.index(proposal_id)
        self._load_current()

    # -------------------------------------------------------------- keys

    def press(self, key: str, shown: int | None = None) -> bool:
        """A shortcut key: click its button if there is one and it is enabled.

        `shown` is the proposal the page showed when the key was pressed: a decision is only
        taken on that one, never on a proposal the page has not drawn yet (a key pressed twice
        quickly must not decide the next proposal unseen).
        """
        action = SHORTCUTS.get(key)
        if action is None or self.buttons[action].disabled:
            return False
        if shown is not None and action in DECISIONS and (
                self.current is None or int(self.current["id"]) != int(shown)):
            log.info("key %r for proposal %s ignored: the page shows another one", key, shown)
            return False
        self.buttons[action].click()
        return True

    def _on_frontend_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "key":
            shown = content.get("shown")
            self.press(str(content.get("key", "")), int(shown) if shown is not None else None)
        elif content.get("type") == "ready" and not self._seen_page:
            self._seen_page = True
            self._recording = True
            self._catch_up()

    def _catch_up(self) -> None:
        """A page drew the app for the first time: if the app was built earlier (a kernel
        started ahead of the page), show the queue as the reviewer left it since."""
        wanted = self._last_filters() if self.remembers_filters else None
        if wanted is not None and wanted.key() != self.filters.key():
            self.filters = wanted
            self._show_filters()
        if not self.finished:
            self.reload_queue()  # new proposals, decisions made elsewhere, the saved position

    # -------------------------------------------------------------- filters

    def _on_filter_change(self, _change: Any) -> None:
        if self._quiet:
            return
        try:
            self.filters = Filters(
                status=self.status_filter.value, chat=self.chat_filter.value or None,
                min_confidence=self.confidence_filter.value or None,
                since=_filter_day("From", self.since_filter.value),
                until=_filter_day("To", self.until_filter.value),
                order=self.order_filter.value)
        except (ChatbookError, ValueError) as error:
            self._say("error", str(error))
            return
        self._quiet = True
        try:  # show the days as read, so "5/12" becomes "Sat 5 Dec 2026"
            self.since_filter.value = day_text(self.filters.since)
            self.until_filter.value = day_text(self.filters.until)
        finally:
            self._quiet = False
        keep = int(self.current["id"]) if self.current else None
        self.reload_queue(keep=keep)
        self._say("", "")

    def _show_filters(self) -> None:
        """The filter bar as `self.filters` says (set from code, not by the reviewer)."""
        f = self.filters
        self._quiet = True
        try:
            self.status_filter.options = status_choices(f.status)
            self.status_filter.value = f.status
            self.chat_filter.options = chat_choices(chat_names(self.conn), f.chat)
            self.chat_filter.value = f.chat or ""
            self.confidence_filter.value = f.min_confidence or 0.0
            self.since_filter.value = day_text(f.since)
            self.until_filter.value = day_text(f.until)
            self.order_filter.value = f.order
            self.more_button.value = self._more_filters_set()
        finally:
            self._quiet = False

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
                if name == "status" and value not in [v for _, v in self.status_filter.options]:
                    self.status_filter.options = status_choices(value)
                if name in ("since", "until"):
                    value = day_text(parse_day(name, value))
                controls[name].value = ("" if name == "chat" and value is None else
                                        0.0 if name == "min_confidence" and value is None
                                        else value)
        finally:
            self._quiet = False
        self._on_filter_change(None)
        if self._more_filters_set():
            self.more_button.value = True

    # -------------------------------------------------------------- bulk accept

    def preview_bulk(self) -> list[dict[str, Any]]:
        """Pending proposals of this queue at or above the threshold, each with a checkbox to
        leave it out, shown for confirmation."""
        self.open_bulk()
        self.bulk_previewing = True
        query = {**self.filters.query(), "status": "pending",
                 "min_confidence": max(self.bulk_threshold.value,
                                       self.filters.min_confidence or 0.0)}
        self.bulk_rows = proposals.list_proposals(self.conn, **query)
        self._clear_bulk_list()
        if not self.bulk_rows:
            self.bulk_table.value = no_bulk_html(self.bulk_threshold.value)
            self._show_bulk_confirm(False)
            return []
        self.bulk_checks = []
        for row in self.bulk_rows:
            check = widgets.Checkbox(value=True, indent=False, description=bulk_row_html(row),
                                     description_allow_html=True,
                                     layout=widgets.Layout(width="auto"))
            check.add_class("cb-bulk-check")
            check.observe(lambda _c: self._count_bulk(), names="value")
            self.bulk_checks.append(check)
        self.bulk_list.children = tuple(self.bulk_checks)
        self.bulk_table.value = (f'<div class="cb-note">These {len(self.bulk_rows)} would be '
                                 "accepted as extracted; untick any to leave it out:</div>")
        self._show_bulk_confirm(True)
        self._count_bulk()
        return self.bulk_rows

    def _follow_bulk_threshold(self) -> None:
        if self.bulk_previewing:
            self.preview_bulk()

    def _count_bulk(self) -> None:
        n = sum(1 for check in self.bulk_checks if check.value)
        self.bulk_confirm_button.description = f"Accept these {n}"
        self.bulk_confirm_button.disabled = n == 0

    def _clear_bulk_list(self) -> None:
        for check in self.bulk_checks:
            check.close()
        self.bulk_checks = []
        if self.bulk_panel is not None:
            self.bulk_list.children = ()

    def bulk_selected(self) -> list[dict[str, Any]]:
        """The previewed rows still ticked."""
        return [row for row, check in zip(self.bulk_rows, self.bulk_checks, strict=True)
                if check.value]

    def confirm_bulk(self) -> dict[str, int]:
        """Accept what the preview showed and is still ticked, each at the version it showed."""
        accepted: list[int] = []
        conflicts = 0
        errors: list[str] = []
        for row in self.bulk_selected():
            try:
                proposals.accept(self.conn, int(row["id"]), reviewer=self.reviewer,
                                 expected_version=int(row["version"]))
            except ConflictError:
                conflicts += 1
                continue
            except ChatbookError as error:
                errors.append(f"“{row['title']}”: {error}")
                continue
            accepted.append(int(row["id"]))
        if accepted:
            self._remember(accepted)  # one step: Undo reverts the whole bulk accept
        keep = int(self.current["id"]) if self.current else None
        self.reload_queue(keep=keep)
        self._say("warn" if conflicts or errors else "ok",
                  bulk_note(len(accepted), conflicts, errors))
        return {"accepted": len(accepted), "conflicts": conflicts, "errors": len(errors)}

    def cancel_bulk(self) -> None:
        self.bulk_previewing = False
        self.bulk_rows = []
        self._clear_bulk_list()
        if self.bulk_panel is not None:
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
        """The banner's text (for tests and logs); at the end of a queue, the end's text."""
        return banner_text(self.banner.value) or (
            banner_text(self.empty_html.value) if self.finished else "")


def _parsed(label: str, parse: Callable[..., Any], text: str, **kwargs: Any) -> Any:
    try:
        return parse(text, **kwargs)
    except ValueError as error:
        raise ValueError(f"{label}: {error}") from None


def _filter_day(label: str, text: str) -> date | None:
    return _parsed(label, parse_day_text, text or "")  # type: ignore[no-any-return]


def _esc(value: Any) -> str:
    import html

    return html.escape("" if value is None else str(value))


def close_tree(widget: Any) -> None:
    """Close a widget and every widget inside it (their front-end models go too)."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    widget.close()


def _w(width: str) -> widgets.Layout:
    return widgets.Layout(width=width)
