"""What the run report's and the explore notebook's plots share: text the plot font can draw.

Chat names, authors and titles carry emoji that matplotlib's default font (DejaVu Sans) has no
glyph for; drawn as they are, each one prints a "Glyph ... missing from font" warning under the
plot. Labels go through `drawable` first.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Container
from functools import lru_cache


def drawable(text: str, font: Container[int] | None = None) -> str:
    """`text` without the characters the plot's font cannot draw (emoji in chat names), which
    would otherwise print a missing-glyph warning under the plot."""
    if font is None:
        font = plot_font()
    # Joiners and emoji selectors left over from a dropped emoji would only draw as gaps.
    kept = "".join(ch for ch in text if ch.isspace() or (
        ord(ch) in font and unicodedata.category(ch) != "Cf" and ch not in "\ufe0e\ufe0f"))
    return " ".join(kept.split()) or "?"


@lru_cache(maxsize=1)
def plot_font() -> frozenset[int]:
    """The code points matplotlib's default font can draw (read once: a font file parse)."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    return frozenset(FT2Font(path).get_charmap())
