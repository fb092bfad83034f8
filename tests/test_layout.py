"""The package's shape, checked on its source with `ast`: every room says what it owns, no room
imports a higher one (function-level imports included), no two modules import each other,
nothing is imported by a string that tools cannot see, and the public API resolves.

The layers, lowest first (a package may import its own modules and any lower layer):
  base (config, dsn, errors, fsutil, eventtypes, language, resources, terminal, and
  `toolkit.__version__`)
  < store < ingest | search | review (which do not import each other)
  < extract < ui < ops < cli.
"""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "toolkit"

BASE_MODULES = ("config", "dsn", "errors", "fsutil", "eventtypes", "language", "resources", "terminal")
RANKS = {"base": 0, "store": 1, "ingest": 2, "search": 2, "review": 2, "extract": 3, "ui": 4,
         "ops": 5, "cli": 6}
# The modules `import toolkit` must never load: they cost seconds or need optional extras.
HEAVY = ("torch", "sentence_transformers", "ipywidgets", "anywidget", "psycopg", "lingua",
         "polars", "duckdb", "rapidocr", "papermill")
DYNAMIC_IMPORTS = {"import_module", "__import__"}


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    imports: list[tuple[str, int]] = field(default_factory=list)  # (module, line)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files() -> list[Path]:
    """Every .py file of the package; the notebooks/ and sample/ links hold none and are skipped."""
    found = []
    for folder, dirs, files in os.walk(PACKAGE):  # does not follow the links
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        found += [Path(folder) / f for f in files if f.endswith(".py")]
    return sorted(found)


def api_mirror(tree: ast.Module) -> list[ast.stmt]:
    """The root's `if TYPE_CHECKING:` imports: what type checkers see of the lazy public API."""
    return [stmt for node in tree.body
            if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
            for stmt in node.body]


def imported_names(node: ast.Import | ast.ImportFrom, current: str, known: set[str]) -> list[str]:
    """The toolkit modules an import statement loads (`from pkg import mod` counts as `pkg.mod`)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.split(".")[0] == "toolkit"]
    base = node.module or ""
    if node.level:  # relative: resolve against the importing module's package
        package = current.split(".") if current in PACKAGES else current.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, *([base] if base else [])])
    if base.split(".")[0] != "toolkit":
        return []
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]


def parse_package() -> dict[str, Module]:
    modules = {}
    for path in source_files():
        name = module_name(path)
        modules[name] = Module(name, path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    known = set(modules)
    for module in modules.values():
        # The root's mirror of the public API is no run-time import (and sits at the very top).
        mirror = api_mirror(module.tree) if module.name == "toolkit" else []
        skipped = {id(node) for stmt in mirror for node in ast.walk(stmt)}
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in skipped:
                module.imports += [(target, node.lineno)
                                   for target in imported_names(node, module.name, known)]
    return modules


PACKAGES = {module_name(p) for p in source_files() if p.name == "__init__.py"}
MODULES = parse_package()


def room(module: str) -> str:
    """The layer a module belongs to: its subpackage, `base` or `cli`."""
    parts = module.split(".")
    if module == "toolkit" or (len(parts) == 2 and parts[1] in BASE_MODULES):
        return "base"
    if len(parts) == 2 and parts[1] in ("cli", "__main__"):
        return "cli"
    return parts[1]


def test_every_module_has_a_known_room():
    unknown = sorted(m for m in MODULES if room(m) not in RANKS)
    assert not unknown, f"modules outside every layer (add them to RANKS or BASE_MODULES): {unknown}"


def test_no_module_imports_a_higher_or_sibling_layer():
    problems = []
    for module in MODULES.values():
        mine = room(module.name)
        for target, line in module.imports:
            theirs = room(target)
            if theirs == mine or theirs not in RANKS or mine not in RANKS:
                continue
            if RANKS[theirs] >= RANKS[mine]:
                problems.append(f"{module.path.relative_to(ROOT)}:{line}: {mine} imports {target} "
                                f"({theirs}, {'a sibling' if RANKS[theirs] == RANKS[mine] else 'higher'})")
    assert not problems, "\n".join(problems)


def test_inside_the_package_names_come_from_their_modules_not_the_public_api():
    """`from toolkit import X` inside toolkit would load the facade; only `__version__` lives there."""
    problems = []
    for module in MODULES.values():
        for node in ast.walk(module.tree):
            if isinstance(node, ast.ImportFrom) and node.module == "toolkit" and not node.level:
                problems += [f"{module.path.relative_to(ROOT)}:{node.lineno}: from toolkit import "
                             f"{a.name}" for a in node.names if a.name != "__version__"]
    assert not problems, "\n".join(problems)


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_import_cycles_are_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_cycles(graph) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_between_modules():
    graph = {name: {t for t, _ in m.imports if t != name} for name, m in MODULES.items()}
    cycles = import_cycles(graph)
    assert not cycles, "modules that import each other (function-level imports count): " + "; ".join(
        " <-> ".join(cycle) for cycle in cycles)


def dynamic_import_problems(module: Module) -> list[str]:
    """importlib.import_module / __import__ of a toolkit name, spelled out or held in a variable."""
    problems = []
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if called not in DYNAMIC_IMPORTS:
            continue
        arg = node.args[0]
        names = [arg.value] if isinstance(arg, ast.Constant) else [
            n.value for n in ast.walk(module.tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        if any(str(name).startswith(("toolkit.", ".")) or name == "toolkit" for name in names):
            problems.append(f"{module.path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    return problems


def test_nothing_imports_toolkit_modules_by_string():
    """Imports tools can see; the one exception is the public API's lazy table, checked below."""
    problems = [p for m in MODULES.values() if m.name != "toolkit" for p in dynamic_import_problems(m)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_every_package_says_what_it_owns(package: str):
    docstring = ast.get_docstring(MODULES[package].tree)
    assert docstring and len(docstring.split()) >= 5, f"{package}/__init__.py needs a docstring"


def test_every_public_name_resolves():
    import toolkit

    assert sorted(toolkit.__all__) == sorted(toolkit._EXPORTS)
    for name in toolkit.__all__:
        module = importlib.import_module(toolkit._EXPORTS[name])
        assert getattr(toolkit, name) is getattr(module, name), name
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = toolkit.nothing_here


def test_type_checkers_see_the_public_api_where_it_lives():
    """The root's TYPE_CHECKING imports name exactly the lazy table's modules."""
    import toolkit

    seen = {alias.asname or alias.name: node.module for node in api_mirror(MODULES["toolkit"].tree)
            if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert seen == toolkit._EXPORTS


def test_importing_toolkit_loads_nothing_heavy():
    code = ("import sys, toolkit; toolkit.load_settings; "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_package_ships_its_type_hints():
    assert (PACKAGE / "py.typed").is_file()
