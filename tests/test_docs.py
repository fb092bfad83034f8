"""The documentation a reader finds: a short README, links that lead somewhere, a current CLI page.

Fast and in-process: reads Markdown files and the click command tree, starts nothing.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README_LIMIT = 10_000

FENCE = re.compile(r"^ *(```|~~~).*?^ *\1[^\n]*$", re.M | re.S)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted(DOCS.rglob("*.md"))]


def prose(text: str) -> str:
    """Markdown without fenced blocks and code spans (where brackets are not links)."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading (MkDocs gives the same for the headings used here)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading: its text
    text = text.replace("`", "").lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path) -> list[str]:
    return LINK.findall(prose(path.read_text(encoding="utf-8")))


def broken_links(path: Path) -> list[str]:
    broken = []
    for target in links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            continue
        file_part, _, fragment = target.partition("#")
        dest = (path.parent / file_part).resolve() if file_part else path
        if not dest.exists():
            broken.append(f"{target} (no such file)")
        elif fragment and dest.suffix == ".md" and fragment not in anchors(dest):
            broken.append(f"{target} (no heading #{fragment} in {file_part or path.name})")
    return broken


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "scripts" / "cli_reference.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_is_under_10000_characters() -> None:
    size = len((ROOT / "README.md").read_text(encoding="utf-8"))
    assert size < README_LIMIT, f"README.md has {size:,} characters; move detail into docs/"


def test_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = FENCE.search(text)
    assert first_block, "README.md has no command block"
    assert "make demo" in first_block.group(0) and "make test" in first_block.group(0)


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_to_files_that_exist(path: Path) -> None:
    assert path.exists(), f"{path.relative_to(ROOT)} is missing"
    assert broken_links(path) == []


def test_every_docs_page_is_linked_from_the_index() -> None:
    index = DOCS / "index.md"
    linked = {(index.parent / target.partition("#")[0]).resolve() for target in links(index)}
    pages = {page.resolve() for page in DOCS.rglob("*.md") if page != index}
    missing = sorted(str(page.relative_to(ROOT)) for page in pages - linked)
    assert missing == [], f"pages docs/index.md does not link to: {missing}"


def test_cli_reference_is_current() -> None:
    generator = load_generator()
    current = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert current == generator.render(), (
        f"docs/cli.md is stale: run {generator.REGENERATE} and commit docs/cli.md")


def test_cli_reference_names_every_command() -> None:
    from toolkit.cli import cli

    generator = load_generator()
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    for path, _command, _ctx in generator.walk(cli, ("chatbook",)):
        assert f"\n## {' '.join(path)}\n" in page


def test_link_checker_catches_a_broken_link(tmp_path: Path) -> None:
    """The checks above can fail: a missing file and a missing heading are both reported."""
    (tmp_path / "other.md").write_text("# A heading\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text("[gone](missing.md) [ok](other.md#a-heading) [bad](other.md#nope)\n"
                    "`[code](not-a-link.md)`\n", encoding="utf-8")
    problems = broken_links(page)
    assert len(problems) == 2
    assert problems[0].startswith("missing.md") and problems[1].startswith("other.md#nope")
