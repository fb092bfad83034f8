"""The documentation a reader finds: a short README, links that lead somewhere, a current CLI page.

Fast and in-process: reads Markdown files and the click command tree, starts nothing.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import shlex
import textwrap
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
SHELL_BLOCK = re.compile(r"^ *```(?:bash|sh|shell)\n(.*?)^ *```", re.M | re.S)
PYTHON_BLOCK = re.compile(r"^ *```python\n(.*?)^ *```", re.M | re.S)
REPO_PATH = re.compile(
    r"(?<![\w/.])((?:bench|scripts|tests|notebooks|infra|toolkit|data)/[\w./-]+"
    r"\.(?:py|ipynb|jsonl|yml|cron|service|timer|sql|example))\b")
DOTTED = re.compile(r"`(toolkit(?:\.\w+)+)(?:\(\))?`")
SHELL_OPERATORS = {"&&", "||", ";", "|", ">", ">>", "<", "2>&1", "&"}


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


def documented_commands(path: Path) -> list[list[str]]:
    """The arguments of every `chatbook` command line in the shell blocks of `path`."""
    found = []
    for block in SHELL_BLOCK.findall(path.read_text(encoding="utf-8")):
        script = re.sub(r"\\\n\s*", " ", block)        # join continued lines
        script = re.sub(r"\$\([^)]*\)", "X", script)     # $(date +%F) is one word
        for line in script.splitlines():
            tokens = shlex.split(line, comments=True)
            while tokens and re.match(r"^[A-Z_][A-Z0-9_]*=", tokens[0]):  # VAR=value chatbook ...
                tokens.pop(0)
            starts = [i for i, tok in enumerate(tokens) if tok.endswith("bin/chatbook")]
            if tokens and tokens[0] == "chatbook":
                starts.insert(0, 0)
            if not starts:
                continue
            args = []
            for tok in tokens[starts[0] + 1:]:
                if tok in SHELL_OPERATORS:
                    break
                args.append(tok)
            found.append(args)
    return found


def command_problem(args: list[str]) -> str | None:
    """Why `chatbook ARGS` would not parse (unknown command or option, bad choice), or None."""
    import click

    from toolkit.cli import cli

    command: click.Command = cli
    rest = list(args)
    name = "chatbook"
    while isinstance(command, click.Group):
        if not rest or rest[0] in ("--help", "--version"):
            return None
        name = rest.pop(0)
        if name not in command.commands:
            return f"no command {name!r}"
        command = command.commands[name]
    ctx = click.Context(command, info_name=name)
    try:
        values, extra, _ = command.make_parser(ctx).parse_args(rest)
    except click.UsageError as error:
        return error.format_message()
    if extra:
        return f"unexpected arguments {extra}"
    for param in command.params:
        value = values.get(param.name) if param.name else None
        given = isinstance(value, (str, tuple, list)) and bool(value)  # not None, not click's UNSET
        if isinstance(param, click.Argument) and param.required and not given:
            return f"missing argument {param.human_readable_name}"
        choices = param.type.choices if isinstance(param.type, click.Choice) else None
        if choices and isinstance(value, str) and value not in choices:
            return f"{value!r} is not one of {list(choices)}"
    return None


def module_names(module: str) -> set[str] | None:
    """Top-level names of a toolkit module, read from its source (nothing imported), or None."""
    base = ROOT.joinpath(*module.split("."))
    source = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
    if not source.exists():
        return None
    names = {entry.name.removesuffix(".py") for entry in base.iterdir()} if base.is_dir() else set()
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
                names.update(ast.literal_eval(node.value))  # names loaded lazily (PEP 562)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def resolves(dotted: str) -> bool:
    """Whether `toolkit.a.b` names a toolkit module, or a top-level name of one."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        names = module_names(".".join(parts[:cut]))
        if names is not None:
            rest = parts[cut:]
            return not rest or (len(rest) == 1 and rest[0] in names)
    return False


def documented_imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every `from toolkit... import name` and `toolkit.name` in the Python
    blocks of `path`."""
    found: list[tuple[str, str]] = []
    for block in PYTHON_BLOCK.findall(path.read_text(encoding="utf-8")):
        for node in ast.walk(ast.parse(textwrap.dedent(block))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("toolkit"):
                found.extend((node.module or "", alias.name) for alias in node.names)
            elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                  and node.value.id == "toolkit"):
                found.append(("toolkit", node.attr))
    return found


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


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_documented_commands_parse(path: Path) -> None:
    """Every `chatbook ...` line in a shell block names real commands, options and choices."""
    problems = [f"chatbook {shlex.join(args)}: {problem}" for args in documented_commands(path)
                if (problem := command_problem(args))]
    assert problems == []


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_documented_imports_exist(path: Path) -> None:
    """Every `from toolkit... import name` in a Python block names a module and name that exist."""
    missing = []
    for module, name in documented_imports(path):
        names = module_names(module)
        if names is None or name not in names:
            missing.append(f"from {module} import {name}")
    assert missing == []


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_named_repository_files_exist(path: Path) -> None:
    """A file the docs name in passing (`bench/search.py`, `infra/chatbook.cron`) exists."""
    named = {name for name in REPO_PATH.findall(path.read_text(encoding="utf-8")) if "..." not in name}
    assert sorted(name for name in named if not (ROOT / name).exists()) == []


@pytest.mark.parametrize("path", [p for p in markdown_files() if p.name != "CHANGELOG.md"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_named_toolkit_modules_exist(path: Path) -> None:
    """`toolkit.search.query` or `toolkit.review.events.export_ics` in the docs exists.
    (The changelog is left out: it names old paths on purpose.)"""
    named = set(DOTTED.findall(path.read_text(encoding="utf-8")))
    assert sorted(name for name in named if not resolves(name)) == []


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


def test_command_checker_catches_drift() -> None:
    """The command check can fail: an unknown command, option or choice is each reported."""
    assert command_problem(["search", "dentist", "--mode", "keyword"]) is None
    assert command_problem(["serach", "dentist"]) == "no command 'serach'"
    assert "--nope" in (command_problem(["search", "dentist", "--nope"]) or "")
    assert "not one of" in (command_problem(["search", "dentist", "--mode", "fuzzy"]) or "")
    assert command_problem(["backup"]) == "missing argument DEST"


def test_import_checker_catches_drift() -> None:
    assert "search_messages" in (module_names("toolkit.search.query") or set())
    assert module_names("toolkit.no_such_module") is None
    assert "search" not in (module_names("toolkit.search.query") or set())
    assert "search_messages" in (module_names("toolkit") or set())  # from __all__
    assert resolves("toolkit.search.query") and resolves("toolkit.search.query.search_messages")
    assert not resolves("toolkit.search.search") and not resolves("toolkit.embed")
