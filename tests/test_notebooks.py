"""The committed notebooks: clean (no outputs), parameterized, orchestration only; and executed
by papermill through `chatbook run` on real stores, checking what they show and store."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from explore_data import fill

from toolkit.ops import nbparams, pipeline
from toolkit.store.connect import open_db, open_vectors

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Modules a notebook cell may import: the toolkit, and what only displays things.
DISPLAY_MODULES = ("IPython", "ipywidgets", "matplotlib")
# Raw database access belongs in the toolkit, where tests reach it.
FORBIDDEN_MODULES = ("sqlite3", "sqlean", "duckdb", "psycopg", "psycopg2", "subprocess",
                     "socket", "requests", "urllib", "http")
SQL_METHODS = {"execute", "executemany", "executescript", "sql", "query", "cursor"}
DISPLAY_BUILTINS = {"print", "display", "len", "str", "int", "float", "round", "sorted", "list",
                    "dict", "min", "max", "sum", "range", "enumerate", "repr"}


def notebook_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb: dict[str, Any]) -> list[tuple[int, dict[str, Any], str]]:
    return [(i, c, nbparams.cell_source(c)) for i, c in enumerate(nb["cells"])
            if c["cell_type"] == "code"]


def test_the_pipeline_notebooks_are_committed():
    names = {p.stem for p in NOTEBOOKS}
    assert {*pipeline.DEFAULT_NOTEBOOKS, "03_search", "05_review", "06_explore"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    nb = notebook_json(path)
    for index, cell, _source in code_cells(nb):
        assert cell.get("outputs") == [], f"{path.name} cell {index + 1} has outputs"
        assert cell.get("execution_count") is None, f"{path.name} cell {index + 1} was run"
    assert "papermill" not in nb.get("metadata", {}), f"{path.name} is an executed copy"
    # The project's own kernel (registered by the set-up), so JupyterLab and papermill agree.
    assert nb["metadata"].get("kernelspec", {}).get("name") == pipeline.KERNEL_NAME


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_has_typed_documented_parameters(path):
    nb = notebook_json(path)
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: exactly one cell tagged 'parameters'"
    params = nbparams.read_parameters(path)  # raises on untyped / non-literal / bad defaults
    for param in params.values():
        assert param.help, f"{path.name}: parameter {param.name!r} has no `# help` comment"


def toolkit_names(tree: ast.Module, known: set[str]) -> set[str]:
    """Names bound by `from toolkit... import` / `import toolkit...`, or assigned the result of
    an expression that uses such a name (settings = load_settings(), con = explore.connect())."""
    names = set(known)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "toolkit":
            names |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names
                      if a.name.split(".")[0] == "toolkit"}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            used = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
            if used & names:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return names


def call_root(call: ast.Call) -> str | None:
    node: ast.expr = call.func
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.value if not isinstance(node, ast.Call) else node.func
    return node.id if isinstance(node, ast.Name) else None


def without_magics(source: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


def import_problems(tree: ast.Module) -> list[str]:
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) \
                else [node.module or ""]
            for module in modules:
                top = module.split(".")[0]
                if top in FORBIDDEN_MODULES:
                    problems.append(f"imports {module}")
                elif top != "toolkit" and top not in DISPLAY_MODULES:
                    problems.append(f"imports {module}; put the work in a toolkit function")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            problems.append(f"defines {node.name}; logic belongs in the toolkit")
    return problems


def display_names(tree: ast.Module) -> set[str]:
    """Names imported from display-only modules (IPython.display.HTML, ...)."""
    return {alias.asname or alias.name.split(".")[0] for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
            if ((node.module or "") if isinstance(node, ast.ImportFrom) else alias.name)
            .split(".")[0] in DISPLAY_MODULES}


def call_problems(tree: ast.Module, known: set[str], allowed: set[str]) -> list[str]:
    """`known`: toolkit names; `allowed`: display names and parameters (`query.strip()`)."""
    problems = []
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    for call in calls:
        if isinstance(call.func, ast.Attribute) and call.func.attr in SQL_METHODS:
            problems.append(f"calls .{call.func.attr}(); queries belong in the toolkit")
        elif call_root(call) not in known | allowed | DISPLAY_BUILTINS:
            problems.append(f"calls {ast.unparse(call.func)}, which is not a toolkit function")
    has_work = any(isinstance(n, ast.Assign | ast.Expr | ast.AugAssign) for n in tree.body)
    imports = any(isinstance(n, ast.Import | ast.ImportFrom) for n in tree.body)
    uses_toolkit = any(isinstance(n, ast.Name) and n.id in known for n in ast.walk(tree))
    if has_work and not imports and not calls and not uses_toolkit:
        problems.append("does no toolkit work")
    return problems


def work_cell_problems(nb: dict[str, Any]) -> list[str]:
    """What breaks "notebooks orchestrate and display; the toolkit does the work"."""
    problems: list[str] = []
    known: set[str] = set()
    allowed: set[str] = set()
    for index, cell, source in code_cells(nb):
        where = f"cell {index + 1}"
        if any(line.lstrip().startswith("!") for line in source.splitlines()):
            problems.append(f"{where}: shell commands belong in the toolkit")
        tree = ast.parse(without_magics(source))
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            allowed |= set(nbparams.parse_parameters_cell(source))
            continue
        known = toolkit_names(tree, known)
        allowed |= display_names(tree)
        problems += [f"{where}: {p}"
                     for p in import_problems(tree) + call_problems(tree, known, allowed)]
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_work_cells_only_call_the_toolkit(path):
    assert work_cell_problems(notebook_json(path)) == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("import sqlite3\nsqlite3.connect('x')", "cell 2: imports sqlite3"),
        ("import duckdb", "cell 2: imports duckdb"),
        ("import pandas as pd", "cell 2: imports pandas; put the work in a toolkit function"),
        ("conn = open_db(settings)\nconn.execute('DELETE FROM messages')",
         "cell 2: calls .execute(); queries belong in the toolkit"),
        ("open('x').read()", "cell 2: calls open, which is not a toolkit function"),
        ("def helper():\n    return 1", "cell 2: defines helper; logic belongs in the toolkit"),
        ("!rm -rf data", "cell 2: shell commands belong in the toolkit"),
        ("x = 1 + 2", "cell 2: does no toolkit work"),
    ],
)
def test_work_cell_check_catches(source, problem):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from toolkit.store.connect import open_db\nsettings = 1"),
                nbformat.v4.new_code_cell(source)]
    assert problem in work_cell_problems(json.loads(nbformat.writes(nb)))


@pytest.mark.parametrize(
    "source",
    [
        "from IPython.display import HTML\nHTML(str(len([1])))",
        "conn = open_db(settings)\nconn.close()",
        "print(word.strip() if word else 'all')",
        "%matplotlib inline\nopen_db(settings)",
    ],
)
def test_work_cell_check_allows_orchestration(source):
    import nbformat

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('word: str = ""  # a word')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("from toolkit.store.connect import open_db\n"
                                                  "settings = 1"),
                nbformat.v4.new_code_cell(source)]
    assert work_cell_problems(json.loads(nbformat.writes(nb))) == []


# ------------------------------------------------------------------------ executed


@pytest.fixture
def filled(settings, db_conn):
    fill(db_conn)
    open_vectors(settings).close()
    return settings


def outputs(notebook: Path) -> list[dict[str, Any]]:
    nb = notebook_json(notebook)
    return [o for c in nb["cells"] for o in c.get("outputs", [])]


def shown(notebook: Path, mime: str) -> str:
    """Everything the executed notebook displayed as `mime`, joined."""
    parts = [o["data"].get(mime, "") for o in outputs(notebook) if "data" in o]
    return "\n".join("".join(p) if isinstance(p, list) else p for p in parts)


@pytest.mark.kernel
def test_explore_notebook_shows_tables_and_plots(filled, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = pipeline.run_pipeline(filled, ["06_explore"], [("period", "day"), ("top_n", "5")])
    stage = result.notebooks[0]
    assert stage.status == "succeeded"
    outs = outputs(Path(stage.notebook))
    images = [o for o in outs if "image/png" in o.get("data", {})]
    assert len(images) == 5  # over time, authors, heatmap, words, events
    tables = shown(Path(stage.notebook), "text/html")
    for expected in ("Team", "Familia", "Ana", "Training", "Cena"):
        assert expected in tables
    text = shown(Path(stage.notebook), "text/plain")
    assert "IMAGE_PROCESSING_ENABLED=false" in text
    html = Path(stage.html).read_text()
    assert html.count("data:image/png;base64") >= 5  # (the template adds an icon of its own)


@pytest.mark.kernel
def test_explore_notebook_refuses_an_unknown_chat(filled, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(pipeline.RunFailed) as error:
        pipeline.run_pipeline(filled, ["explore"], [("chat", "Nobody")])
    assert re.search(r"06_explore, cell 3: InputError: no chat named 'Nobody' "
                     r"\(chats: Familia, Team\)", str(error.value))


@pytest.mark.kernel
def test_report_notebook_summarises_the_run(filled, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    conn = open_db(filled)
    # Two messages arrive "during" the run (ingested after it started), the rest long before.
    conn.execute("UPDATE messages SET ingested_at = '2000-01-01T00:00:00+00:00'")
    conn.execute("UPDATE messages SET ingested_at = '2999-01-01T00:00:00+00:00' "
                 "WHERE id IN (SELECT id FROM messages WHERE chat_id = "
                 "(SELECT id FROM chats WHERE name = 'Familia') ORDER BY id LIMIT 2)")
    conn.execute("UPDATE proposals SET created_at = CASE title WHEN 'Cena' "
                 "THEN '2999-01-01T00:00:00+00:00' ELSE '2000-01-01T00:00:00+00:00' END")
    conn.close()
    result = pipeline.run_pipeline(filled, ["report"])
    stage = result.notebooks[0]
    html = shown(Path(stage.notebook), "text/html")
    assert f"Run {result.run_id} (in progress: this report is its last stage)" in html
    assert "new messages" in html and "of 9 in 2 chats" in html  # 2 new: the headline card
    assert "1 waiting for review" in html  # the pending Cena proposal
    assert "05_review" in html and "chatbook review" in html
    assert "Familia" in html
    assert result.summary["messages"]["new_by_chat"] == {"Familia": 2}
    assert result.summary["proposals"]["new"] == 1
    assert [p["title"] for p in result.summary["proposals"]["newest"]] == ["Cena"]
    assert "Familia" in html.split("confidence")[-1]  # the new-proposals table names the chat
    md = (result.run_dir / "summary.md").read_text()
    assert f"# chatbook run {result.run_id} (succeeded)" in md and "| new messages | 2 (of 9" in md


# ------------------------------------------------------------------------ the sample, end to end


@pytest.fixture(scope="module")
def sample_demo(tmp_path_factory) -> tuple[Any, dict[str, Any]]:
    """`chatbook demo --json` once, as `make demo` runs it, in a data folder of its own."""
    from conftest import make_env, run_cli

    from toolkit.config import load_settings

    home = tmp_path_factory.mktemp("demo")
    env = make_env(home / "data", OMP_NUM_THREADS="1")
    result = run_cli(["demo", "--json"], env, cwd=home, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return load_settings(env, cwd=home), json.loads(result.stdout)


@pytest.mark.kernel
def test_demo_runs_the_default_pipeline_on_the_sample(sample_demo):
    from icalendar import Calendar

    from toolkit.search.embed import meaningful_text

    settings, outcome = sample_demo
    run = outcome["run"]
    assert run["status"] == "succeeded"
    assert [n["name"] for n in run["notebooks"]] == list(pipeline.DEFAULT_NOTEBOOKS)
    for nb in run["notebooks"]:
        assert nb["status"] == "succeeded" and Path(nb["notebook"]).is_file()
        assert Path(nb["html"]).read_text().startswith("<!DOCTYPE html>")
    conn = open_db(settings)
    try:
        chats = {r["name"] for r in conn.execute("SELECT name FROM chats")}
        messages = conn.execute("SELECT id, kind, text FROM messages").fetchall()
        pending = conn.execute("SELECT count(*) FROM proposals WHERE status = 'pending'"
                               ).fetchone()[0]
        row = dict(conn.execute("SELECT * FROM pipeline_runs").fetchone())
    finally:
        conn.close()
    assert len(chats) == 5 and len(messages) > 500
    expected = {r["id"] for r in messages if meaningful_text(r["kind"], r["text"])}
    vectors = open_vectors(settings)
    try:
        embedded = {r[0] for r in vectors.execute(
            "SELECT message_id FROM embeddings WHERE model = ?", (settings.embed_model,))}
    finally:
        vectors.close()
    assert embedded == expected  # every message with meaning, exactly once
    assert pending > 10 and outcome["pending_proposals"] == pending
    assert row["status"] == "succeeded" and row["id"] == run["run_id"]
    assert json.loads(row["parameters"])["01_ingest"]["source"].endswith("data/sample")
    summary = run["summary"]
    assert summary["messages"]["new"] == len(messages)
    assert summary["embeddings"]["new"] == len(expected)
    assert summary["proposals"]["new"] == pending
    assert outcome["report_html"].endswith("07_report.html")
    from toolkit.ops.demo import demo_text

    text = demo_text(outcome)  # what `make demo` prints last
    for where in (outcome["run_dir"], outcome["report_html"], outcome["ics"], "chatbook lab",
                  "chatbook review"):
        assert where in text
    calendar = Calendar.from_ical(Path(outcome["ics"]).read_bytes())
    assert len(calendar.walk("VEVENT")) == outcome["events_exported"] == 0  # none accepted yet


@pytest.mark.kernel
def test_a_second_run_only_takes_what_is_new(sample_demo):
    settings, _outcome = sample_demo
    sample = ROOT / "data" / "sample"
    result = pipeline.run_pipeline(settings, params=[("source", str(sample))])
    figures = result.summary
    assert (figures["messages"]["new"], figures["embeddings"]["new"],
            figures["proposals"]["new"]) == (0, 0, 0)
    assert figures["messages"]["total"] > 500


@pytest.mark.kernel
def test_explore_notebook_on_the_sample(sample_demo):
    settings, _outcome = sample_demo
    result = pipeline.run_pipeline(settings, ["06_explore"], [("period", "week")])
    notebook = Path(result.notebooks[0].notebook)
    images = [o for o in outputs(notebook) if "image/png" in o.get("data", {})]
    assert len(images) == 5
    tables = shown(notebook, "text/html")
    conn = open_db(settings)
    try:
        counts = {r["name"]: r["n"] for r in conn.execute(
            "SELECT c.name, count(m.id) AS n FROM chats c JOIN messages m ON m.chat_id = c.id "
            "GROUP BY c.name")}
    finally:
        conn.close()
    for chat, n in counts.items():  # the overview table: every chat with its message count
        assert re.search(rf"{re.escape(chat)}.*?<td>{n}</td>", tables, re.S), chat
