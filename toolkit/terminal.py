"""What chatbook writes to a terminal: text from chats shown, never obeyed.

A message, a title, a chat or file name can hold terminal control sequences (`ESC[2J` clears
the screen, `ESC]0;...BEL` retitles the window, a CR rewrites the line before it, a bidi
override reorders what follows). Every human printer passes its text through `visible`,
which writes each such character as a Python-style escape (`\\x1b`, `\\r`, `\\u202e`): still
readable, no longer active. JSON output is already exact and safe for C0 controls (the JSON
encoder escapes them); `json_safe` escapes the rest too, without changing any value.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any

# C0 controls and DEL, C1 controls (0x9b is a one-byte CSI to some terminals), bidi
# embeddings, overrides and isolates, and the Unicode line and paragraph separators.
ACTIVE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029"
ACTIVE_OR_NEWLINE = re.compile(f"[{ACTIVE}\n]")
ACTIVE_ONLY = re.compile(f"[{ACTIVE}]")
NAMED = {"\r": "\\r", "\n": "\\n", "\x0b": "\\v", "\x0c": "\\f", "\x08": "\\b", "\x07": "\\a",
         "\x1b": "\\x1b"}


def escape_char(char: str) -> str:
    if char in NAMED:
        return NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control character written out as an escape; tabs stay, and newlines
    too when `keep_newlines` (for text whose lines are ours)."""
    pattern = ACTIVE_ONLY if keep_newlines else ACTIVE_OR_NEWLINE
    return pattern.sub(lambda match: escape_char(match.group()), text)


def visible_fields(data: Any, *, keep_newlines: bool = False) -> Any:
    """A copy of `data` (dicts, lists, tuples, dataclasses, nested) with every string made
    visible: a printer then builds its lines from values that cannot break or forge them."""
    if isinstance(data, str):
        return visible(data, keep_newlines=keep_newlines)
    if isinstance(data, dict):
        return {key: visible_fields(value, keep_newlines=keep_newlines) for key, value in data.items()}
    if isinstance(data, list | tuple) and not hasattr(data, "_fields"):
        return type(data)(visible_fields(item, keep_newlines=keep_newlines) for item in data)
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        clone = copy.copy(data)
        for item in dataclasses.fields(data):
            value = visible_fields(getattr(data, item.name), keep_newlines=keep_newlines)
            object.__setattr__(clone, item.name, value)  # frozen dataclasses too
        return clone
    return data


def json_safe(text: str) -> str:
    """JSON text with the controls the encoder leaves raw (DEL, C1, bidi, separators) written
    as \\uXXXX escapes: the same JSON values, nothing a terminal would act on."""
    return ACTIVE_ONLY.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
