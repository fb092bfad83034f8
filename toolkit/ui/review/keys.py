"""Keyboard shortcuts for the review app, and the page assets that ride along with them.

ipywidgets has no key events, so a tiny anywidget (`KeyboardShortcuts`) listens to `keydown` on
the page (`assets/shortcuts.js`) and sends each shortcut to the kernel, where `ReviewApp.press`
clicks the button bound to it. The script also keeps the page's own keys in their place: keys
typed into a field stay there, a focused slider keeps its arrow keys, Space and Enter never
repeat the button last clicked with the mouse, and JupyterLab's command-mode keys (`b`, `x`,
`d d`...) do not reach the notebook while the app has the focus. `?` shows every key. The
app's stylesheet (`assets/review.css`) is this widget's CSS, so it loads wherever the app is
shown.

The keys follow what reviewers know from Prodigy, Argilla and Label Studio: `a` or Space
accepts, `x` rejects, Backspace undoes, arrows move.
"""

from __future__ import annotations

from importlib import resources

import anywidget
import traitlets

# key (as the browser's KeyboardEvent.key names it) -> action, in the order the help lists them;
# a button's label shows the first key of its action.
SHORTCUTS: dict[str, str] = {
    "a": "accept", " ": "accept",
    "e": "edit_accept",
    "x": "reject", "r": "reject",
    "s": "skip",
    "Backspace": "undo", "u": "undo",
    "ArrowLeft": "previous", "p": "previous",
    "ArrowRight": "next", "n": "next",
}
# What each action does, for the `?` overlay and the button tooltips.
ACTION_HELP: dict[str, str] = {
    "accept": "Accept the proposal as shown",
    "edit_accept": "Accept with the fields as you edited them",
    "reject": "Reject (with the reason in the box beside the button)",
    "skip": "Leave it pending and go to the next pending one",
    "undo": "Undo your last decision (a whole bulk accept at once)",
    "previous": "Previous proposal in the queue",
    "next": "Next proposal in the queue",
}
# Keys the page itself handles (never sent to the kernel), for the overlay.
PAGE_KEYS: list[tuple[str, str]] = [
    ("?", "Show or hide this list of keys"),
    ("Esc", "Close this list; in a field: leave the field, so keys act again"),
    ("Tab", "Next field or button (in a day or time field: to the next field)"),
]
# Actions a key may only trigger on the proposal the page shows (not one it has not drawn yet).
DECISIONS = frozenset({"accept", "edit_accept", "reject", "skip", "undo"})


def asset(name: str) -> str:
    """The text of one file in `assets/` (from the checkout or the installed package alike)."""
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def key_label(key: str) -> str:
    """How a person reads a key: arrows as arrows, the space bar as Space."""
    return {"ArrowLeft": "←", "ArrowRight": "→", " ": "Space", "Backspace": "⌫"}.get(key, key)


def keys_of(action: str) -> list[str]:
    return [key for key, bound in SHORTCUTS.items() if bound == action]


def first_key(action: str) -> str:
    """The key a button shows for its action, e.g. '⌫' for undo."""
    return key_label(keys_of(action)[0])


def key_hint(action: str) -> str:
    """The keys bound to an action, e.g. 'a / Space'."""
    return " / ".join(key_label(key) for key in keys_of(action))


def help_rows() -> list[list[str]]:
    """Every key the page knows, as (keys, what it does) rows for the `?` overlay."""
    rows = [[key_hint(action), text] for action, text in ACTION_HELP.items()]
    return rows + [[keys, text] for keys, text in PAGE_KEYS]


class KeyboardShortcuts(anywidget.AnyWidget):  # type: ignore[misc]
    """Page-wide keys for one ReviewApp.

    Sends {"type": "key", "key": ..., "shown": <proposal id on the page or null>} for a shortcut
    and {"type": "ready"} when a page first draws the app.
    """

    _esm = asset("shortcuts.js")
    _css = asset("review.css")
    shortcut_keys = traitlets.List(traitlets.Unicode()).tag(sync=True)
    help_rows = traitlets.List(traitlets.List(traitlets.Unicode())).tag(sync=True)
    scope = traitlets.Unicode("").tag(sync=True)
