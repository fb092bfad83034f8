"""Notebook parameters: read a notebook's typed `parameters` cell, check values, inject them.

A parameters cell holds only lines like `source: str = "data/inbox"  # file, folder or list`.
We parse it with `ast` (never execute it), so `chatbook run` can refuse an unknown name or a
wrong type before any kernel starts; papermill itself only warns about unknown names.

Values are injected as a cell of `name = repr(value)` lines and the cell is parsed back and
compared with the values before it runs: whatever text a parameter holds, it stays a literal.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import json
import keyword
import math
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from toolkit.errors import InputError

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
SCALARS = ("str", "int", "float", "bool", "None")
TYPE_HELP = "use str, int, float, bool, list[T], dict[str, T] or T | None"
NULL_WORDS = {"none", "null", "~"}


# A type is a small tree: ("str",) ("list", T) ("dict", K, V) ("union", T1, T2, ...).
TypeSpec = tuple[Any, ...]


@dataclass(frozen=True)
class Parameter:
    """One line of a parameters cell."""

    name: str
    annotation: str
    spec: TypeSpec
    default: Any
    help: str
    line: int

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.annotation, "default": self.default,
                "help": self.help}


# ------------------------------------------------------------------------ reading


def load_notebook(path: Path) -> dict[str, Any]:
    """The notebook JSON; a broken file is an InputError naming it."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("no such notebook", path) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"not a notebook (invalid JSON: {error})", path) from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise InputError("not a notebook (no cells)", path)
    return nb


def cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def parameters_cell_index(nb: dict[str, Any]) -> int | None:
    for index, cell in enumerate(nb["cells"]):
        if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            return index
    return None


def read_parameters(path: Path) -> dict[str, Parameter]:
    """The declared parameters of the notebook at `path`, in order."""
    nb = load_notebook(path)
    index = parameters_cell_index(nb)
    if index is None:
        raise InputError(f"no cell tagged {PARAMETERS_TAG!r}", path)
    return parse_parameters_cell(cell_source(nb["cells"][index]), path)


def parse_parameters_cell(source: str, path: Path | str = "<cell>") -> dict[str, Parameter]:
    """Parse `name: type = literal  # help` lines; anything else is an error naming its line."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise InputError(f"parameters cell: {error.msg}", path, error.lineno) from None
    comments = line_comments(source)
    params: dict[str, Parameter] = {}
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring-like note is harmless
        param = parse_assignment(node, comments, path)
        if param.name in params:
            raise InputError(f"parameter {param.name!r} is declared twice", path, node.lineno)
        params[param.name] = param
    return params


def parse_assignment(node: ast.stmt, comments: dict[int, str], path: Path | str) -> Parameter:
    where = (path, node.lineno)
    if isinstance(node, ast.Assign):
        names = ", ".join(ast.unparse(t) for t in node.targets)
        raise InputError(f"parameter {names!r} has no type; write `{names}: str = ...  # help`",
                         *where)
    if not isinstance(node, ast.AnnAssign) or not isinstance(node.target, ast.Name):
        raise InputError("a parameters cell may only hold `name: type = value  # help` lines",
                         *where)
    name = node.target.id
    if node.value is None:
        raise InputError(f"parameter {name!r} has no default value", *where)
    spec = parse_type(node.annotation, name, path, node.lineno)
    try:
        default = ast.literal_eval(node.value)
    except (ValueError, SyntaxError, TypeError):
        raise InputError(f"parameter {name!r}: the default must be a literal, "
                         f"not {ast.unparse(node.value)!r}", *where) from None
    if isinstance(default, tuple):
        default = list(default)
    if not matches(spec, default):
        raise InputError(f"parameter {name!r}: default {default!r} is not a "
                         f"{ast.unparse(node.annotation)}", *where)
    end = node.end_lineno or node.lineno
    help_text = next((comments[n] for n in range(node.lineno, end + 1) if n in comments), "")
    return Parameter(name, ast.unparse(node.annotation), spec, default, help_text, node.lineno)


def line_comments(source: str) -> dict[int, str]:
    """Line number -> comment text (without `#`), found with the tokenizer, not a regex."""
    found: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                found[token.start[0]] = token.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):
        pass  # ast.parse has accepted the source; a tokenizer hiccup only costs the help text
    return found


def parse_type(node: ast.expr, name: str, path: Path | str, line: int) -> TypeSpec:
    """Turn an annotation into a TypeSpec, refusing what we cannot check."""

    def fail() -> InputError:
        return InputError(f"parameter {name!r}: unsupported type {ast.unparse(node)!r} "
                          f"({TYPE_HELP})", path, line)

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            inner = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            raise fail() from None
        return parse_type(inner, name, path, line)
    if isinstance(node, ast.Constant) and node.value is None:
        return ("None",)
    if isinstance(node, ast.Name) and node.id in SCALARS:
        return (node.id,)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return union(parse_type(node.left, name, path, line),
                     parse_type(node.right, name, path, line))
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        specs = [parse_type(arg, name, path, line) for arg in args]
        kind = node.value.id
        if kind in ("list", "List") and len(specs) == 1:
            return ("list", specs[0])
        if kind in ("dict", "Dict") and len(specs) == 2 and specs[0] == ("str",):
            return ("dict", specs[0], specs[1])
        if kind == "Optional" and len(specs) == 1:
            return union(specs[0], ("None",))
    raise fail()


def union(*specs: TypeSpec) -> TypeSpec:
    members: list[TypeSpec] = []
    for spec in specs:
        for member in (spec[1:] if spec[0] == "union" else (spec,)):
            if member not in members:
                members.append(member)
    return ("union", *members)


def members(spec: TypeSpec) -> tuple[TypeSpec, ...]:
    return tuple(spec[1:]) if spec[0] == "union" else (spec,)


# ------------------------------------------------------------------------ checking values


def matches(spec: TypeSpec, value: Any) -> bool:
    """Does `value` have type `spec`? bool is not an int here, and floats must be finite."""
    kind = spec[0]
    if kind == "union":
        return any(matches(member, value) for member in spec[1:])
    if kind == "None":
        return value is None
    if kind == "str":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return (isinstance(value, int | float) and not isinstance(value, bool)
                and math.isfinite(value))
    if kind == "list":
        return isinstance(value, list) and all(matches(spec[1], item) for item in value)
    if kind == "dict":
        return isinstance(value, dict) and all(
            isinstance(k, str) and matches(spec[2], v) for k, v in value.items()
        )
    return False


def normalise(spec: TypeSpec, value: Any) -> Any:
    """Make a matching value canonical: ints become floats where a float is declared."""
    if isinstance(value, int) and not isinstance(value, bool) and ("float",) in members(spec) \
            and ("int",) not in members(spec):
        return float(value)
    if isinstance(value, list):
        inner = next((m for m in members(spec) if m[0] == "list"), None)
        return [normalise(inner[1], item) for item in value] if inner else value
    if isinstance(value, dict):
        inner = next((m for m in members(spec) if m[0] == "dict"), None)
        return {k: normalise(inner[2], v) for k, v in value.items()} if inner else value
    return value


def from_text(spec: TypeSpec, text: str) -> Any:
    """Interpret a command-line value (always text) as the declared type, or raise ValueError."""
    kinds = members(spec)
    if kinds == (("str",),):
        return text
    if ("None",) in kinds and text.strip().lower() in NULL_WORDS:
        return None
    try:
        parsed = yaml.safe_load(text) if text.strip() else text
    except yaml.YAMLError:
        parsed = text
    parsed = dates_as_text(spec, parsed)
    if matches(spec, parsed):
        return normalise(spec, parsed)
    if ("str",) in kinds:
        return text
    list_spec = next((m for m in kinds if m[0] == "list"), None)
    if list_spec is not None and isinstance(parsed, str | int | float):
        items = [from_text(list_spec[1], part.strip()) for part in text.split(",") if part.strip()]
        return normalise(spec, items)
    raise ValueError(text)


def dates_as_text(spec: TypeSpec, value: Any) -> Any:
    """YAML reads 2024-05-01 as a date; a str parameter wants the text back."""
    if isinstance(value, dt.date) and ("str",) in members(spec):
        return value.isoformat()
    if isinstance(value, list):
        inner = next((m for m in members(spec) if m[0] == "list"), None)
        return [dates_as_text(inner[1], v) for v in value] if inner else value
    return value


def coerce(param: Parameter, value: Any, origin: str) -> Any:
    """A checked value for `param`: text from the command line, or a typed YAML value."""
    try:
        result = from_text(param.spec, value) if isinstance(value, str) and origin == "-p" \
            else normalise(param.spec, dates_as_text(param.spec, value))
    except ValueError:
        result = value
    if not matches(param.spec, result):
        raise InputError(f"parameter {param.name!r} ({origin}) expects {param.annotation}, "
                         f"got {value!r}")
    return result


# ------------------------------------------------------------------------ injecting


def injected_source(values: dict[str, Any]) -> str:
    """The code of the injected cell: one `name = repr(value)` line each, checked by parsing."""
    lines = ["# Parameters (injected by chatbook run)"]
    for name, value in values.items():
        if not name.isidentifier() or keyword.iskeyword(name):
            raise InputError(f"{name!r} is not a valid parameter name")
        lines.append(f"{name} = {value!r}")
    source = "\n".join(lines) + "\n"
    verify_injected(source, values)
    return source


def verify_injected(source: str, values: dict[str, Any]) -> None:
    """The cell must be nothing but literal assignments equal to `values` (no code, ever)."""
    tree = ast.parse(source)
    seen: dict[str, Any] = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            raise InputError("refusing to inject parameters: the generated cell is not plain "
                             "assignments")
        seen[node.targets[0].id] = ast.literal_eval(node.value)
    if seen != values or any(type(seen[k]) is not type(values[k]) for k in values):
        raise InputError("refusing to inject parameters: a value does not survive as a literal")


def inject(nb: dict[str, Any], values: dict[str, Any]) -> int:
    """Insert the injected-parameters cell after the parameters cell (in place); its index."""
    nb["cells"] = [c for c in nb["cells"]
                   if INJECTED_TAG not in c.get("metadata", {}).get("tags", [])]
    index = parameters_cell_index(nb)
    position = 0 if index is None else index + 1
    # Shown as the parameters cell is: a report that hides its code hides this one too.
    shown = {key: value for key, value in
             (nb["cells"][index].get("metadata", {}) if index is not None else {}).items()
             if key in ("jupyter", "transient")}
    cell: dict[str, Any] = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {"tags": [INJECTED_TAG], **shown},
        "outputs": [],
        "source": injected_source(values),
    }
    if nb.get("nbformat", 4) >= 4 and nb.get("nbformat_minor", 0) >= 5:
        cell["id"] = "injected-parameters"  # cell ids exist from nbformat 4.5 on
    nb["cells"].insert(position, cell)
    nb.setdefault("metadata", {}).setdefault("papermill", {})["parameters"] = values
    return position
