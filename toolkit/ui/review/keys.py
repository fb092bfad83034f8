"""Keyboard shortcuts for the review app, and the page assets that ride along with them.

ipywidgets has no key events, so a tiny anywidget (`KeyboardShortcuts`) listens to `keydown` on
the page (`assets/shortcuts.js`), ignores keys typed into a field, and sends the key to the
kernel, where `ReviewApp.press` clicks the button bound to it. The app's stylesheet
(`assets/review.css`) is this widget's CSS, so it loads wherever the app is shown.
"""

from __future__ import annotations

from importlib import resources

import anywidget
import traitlets

# key (as the browser's KeyboardEvent.key names it) -> action; the label shows the first key.
SHORTCUTS: dict[str, str] = {
    "a": "accept", "e": "edit_accept", "r": "reject", "s": "skip", "u": "undo",
    "p": "previous", "ArrowLeft": "previous", "n": "next", "ArrowRight": "next",
}


def asset(name: str) -> str:
    """The text of one file in `assets/` (from the checkout or the installed package alike)."""
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def key_label(key: str) -> str:
    """How a button shows its key: arrows as arrows."""
    return {"ArrowLeft": "←", "ArrowRight": "→"}.get(key, key)


def key_hint(action: str) -> str:
    """The keys bound to an action as its button shows them, e.g. 'p / ←'."""
    return " / ".join(key_label(key) for key, bound in SHORTCUTS.items() if bound == action)


class KeyboardShortcuts(anywidget.AnyWidget):  # type: ignore[misc]
    """Page-wide keys for one ReviewApp; sends {"type": "key", "key": ...} to the kernel."""

    _esm = asset("shortcuts.js")
    _css = asset("review.css")
    shortcut_keys = traitlets.List(traitlets.Unicode()).tag(sync=True)
    scope = traitlets.Unicode("").tag(sync=True)
