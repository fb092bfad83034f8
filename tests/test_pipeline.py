"""`chatbook run`: parameter checking and injection, run records, failures, the lock.

The runner is tested on small notebooks written into a temp folder here, executed for real by
papermill on the project's `chatbook` kernel. The pipeline notebooks themselves are executed
in tests/test_notebooks.py.
"""

from __future__ import annotations

import ast
import json
import keyword
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, make_env
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from toolkit.errors import InputError
from toolkit.ops import nbparams, pipeline
from toolkit.ops.nbparams import Parameter
from toolkit.store.connect import open_db

# ------------------------------------------------------------------------ fixture notebooks


def write_notebook(folder: Path, name: str, parameters: str, *cells: str) -> Path:
    """A notebook with a tagged parameters cell (preceded by an import cell) and `cells`."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_code_cell("import json, os, time"), params]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


ECHO = 'print(json.dumps({"word": word, "n": n, "env_db": os.environ["DB_URL"], ' \
    '"env_run": os.environ["CHATBOOK_RUN_ID"], "full": os.environ["CHATBOOK_FULL"]}))'


@pytest.fixture
def nbdir(tmp_path: Path) -> Path:
    folder = tmp_path / "nbs"
    write_notebook(folder, "01_echo", 'word: str = "x"  # a word\nn: int = 1  # how many', ECHO)
    write_notebook(folder, "02_more",
                   'n: int = 1  # how many\nrun_id: str = ""  # set by the runner\n'
                   'full: bool = False  # reprocess everything',
                   'print(json.dumps({"n": n, "run_id": run_id, "full": full}))')
    write_notebook(folder, "03_boom", "n: int = 1  # how many",
                   "x = n + 1", "raise ValueError('boom\\nsecond line')", "print('never')")
    return folder


def outputs_of(notebook: Path) -> list[str]:
    nb = json.loads(notebook.read_text())
    return ["".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", [])
            if o.get("output_type") == "stream"]


# ------------------------------------------------------------------------ parameters cell


@pytest.mark.parametrize(
    ("line", "name", "annotation", "default", "help_text"),
    [
        ('source: str = "data/inbox"  # file, folder or list', "source", "str", "data/inbox",
         "file, folder or list"),
        ("limit: int | None = None  # at most this many", "limit", "int | None", None,
         "at most this many"),
        ("weight: float = 1  # a weight", "weight", "float", 1, "a weight"),
        ("chats: list[str] = []  # only these", "chats", "list[str]", [], "only these"),
        ("full: bool = False", "full", "bool", False, ""),
        ("opts: dict[str, int] = {'a': 1}  # map", "opts", "dict[str, int]", {"a": 1}, "map"),
        ("when: Optional[str] = None  # old style", "when", "Optional[str]", None, "old style"),
        ("quoted: 'int' = 3  # a string annotation", "quoted", "'int'", 3,
         "a string annotation"),
        ('text: str = "a # not a comment"  # the help', "text", "str", "a # not a comment",
         "the help"),
        ("pair: list[int] = [\n    1,\n    2,  # two numbers\n]", "pair", "list[int]", [1, 2],
         "two numbers"),
    ],
)
def test_parameters_cell_is_parsed(line, name, annotation, default, help_text):
    params = nbparams.parse_parameters_cell(line)
    assert list(params) == [name]
    param = params[name]
    assert (param.annotation, param.default, param.help) == (annotation, default, help_text)


@pytest.mark.parametrize(
    ("source", "message", "line"),
    [
        ("a: int = 1\nb = 2", "parameter 'b' has no type", 2),
        ("a: int", "parameter 'a' has no default value", 1),
        ("a: str = os.getcwd()", "the default must be a literal", 1),
        ("a: Path = 'x'", "unsupported type 'Path'", 1),
        ("a: list[str, int] = []", "unsupported type", 1),
        ("a: int = 'one'", "default 'one' is not a int", 1),
        ("a: int = 1\na: int = 2", "declared twice", 2),
        ("import os", "may only hold", 1),
        ("a: int = (", "parameters cell", 1),
    ],
)
def test_bad_parameters_cell_names_the_line(source, message, line):
    with pytest.raises(InputError) as error:
        nbparams.parse_parameters_cell(source, "nb.ipynb")
    assert message in str(error.value)
    assert error.value.path == "nb.ipynb" and error.value.line == line


def param(annotation: str, default: object = None) -> Parameter:
    text = f"p: {annotation} = {default!r}"
    return nbparams.parse_parameters_cell(text)["p"]


@pytest.mark.parametrize(
    ("annotation", "default", "text", "expected"),
    [
        ("str", "", "data/sample", "data/sample"),
        ("str", "", "123", "123"),
        ("str", "", "none", "none"),
        ("str | None", None, "none", None),
        ("str | None", None, "2024-05-01", "2024-05-01"),
        ("int", 0, "42", 42),
        ("int | None", None, "null", None),
        ("float", 0.0, "3", 3.0),
        ("float", 0.0, "2.5", 2.5),
        ("bool", False, "true", True),
        ("bool", True, "no", False),
        ("list[str]", [], "a, b,c", ["a", "b", "c"]),
        ("list[str]", [], "[x, 'y z']", ["x", "y z"]),
        ("list[int]", [], "1,2", [1, 2]),
        ("list[float]", [], "[1, 2.5]", [1.0, 2.5]),
        ("dict[str, int]", {}, "{a: 1}", {"a": 1}),
    ],
)
def test_command_line_values_are_coerced(annotation, default, text, expected):
    value = nbparams.coerce(param(annotation, default), text, "-p")
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("annotation", "default", "text"),
    [
        ("int", 0, "abc"),
        ("int", 0, "1.5"),
        ("int", 0, "true"),
        ("float", 0.0, "nan"),
        ("float", 0.0, "inf"),
        ("bool", False, "maybe"),
        ("list[int]", [], "1,x"),
        ("dict[str, int]", {}, "{a: b}"),
        ("int | None", None, ""),
    ],
)
def test_wrong_command_line_type_is_refused(annotation, default, text):
    with pytest.raises(InputError, match=r"parameter 'p' \(-p\) expects"):
        nbparams.coerce(param(annotation, default), text, "-p")


@pytest.mark.parametrize(
    ("annotation", "default", "value", "expected"),
    [
        ("str", "", "x", "x"),
        ("float", 0.0, 2, 2.0),
        ("list[str]", [], ["a"], ["a"]),
        ("str", "", __import__("datetime").date(2024, 5, 1), "2024-05-01"),
    ],
)
def test_yaml_values_are_checked(annotation, default, value, expected):
    assert nbparams.coerce(param(annotation, default), value, "params.yaml") == expected


@pytest.mark.parametrize(("annotation", "default", "value"),
                         [("int", 0, "5"), ("int", 0, True), ("list[str]", [], "a"),
                          ("str", "", 5), ("float", 0.0, float("inf"))])
def test_wrong_yaml_type_is_refused(annotation, default, value):
    with pytest.raises(InputError, match=r"\(params.yaml\) expects"):
        nbparams.coerce(param(annotation, default), value, "params.yaml")


# ------------------------------------------------------------------------ injection

HOSTILE = [
    '"; import os; os.system("touch pwned"); "',
    "'; open('pwned', 'w'); '",
    "x\nopen('pwned', 'w')",
    "\\'); open('pwned','w') #",
    '""" + open("pwned", "w").name + """',
    "\u2028open('pwned','w')\u2029",
    "\r\nopen('pwned','w')",
    "\x00\x1b[31m",
    "{__import__('os').system('touch pwned')}",
]


def run_injected(values: dict) -> dict:
    """Execute the injected cell in an empty namespace: the only effect may be the names."""
    namespace: dict = {}
    exec(nbparams.injected_source(values), namespace)  # noqa: S102 - what a kernel does
    namespace.pop("__builtins__")
    return namespace


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_a_literal(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_injected({"source": text, "extra": [text], "m": {text: text}}) == {
        "source": text, "extra": [text], "m": {text: text}}
    assert not (tmp_path / "pwned").exists()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=10,
)


@hsettings(max_examples=300, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True)
                       .filter(lambda name: not keyword.iskeyword(name)), json_values, max_size=4))
def test_any_values_round_trip_through_the_injected_cell(values):
    assert run_injected(values) == values


@pytest.mark.parametrize("name", ["class", "a b", "x=1;y", ""])
def test_bad_parameter_names_are_refused(name):
    with pytest.raises(InputError, match="is not a valid parameter name"):
        nbparams.injected_source({name: 1})


def test_tampered_cell_is_refused():
    source = nbparams.injected_source({"a": "x"})
    with pytest.raises(InputError, match="not plain assignments"):
        nbparams.verify_injected(source + "import os\n", {"a": "x"})
    with pytest.raises(InputError, match="does not survive"):
        nbparams.verify_injected("a = 1\n", {"a": True})


def test_injected_cell_follows_the_parameters_cell(nbdir):
    nb = nbparams.load_notebook(nbdir / "01_echo.ipynb")
    nbparams.inject(nb, {"word": "a"})
    nbparams.inject(nb, {"word": "b"})  # a second injection replaces the first
    tags = [c["metadata"].get("tags", []) for c in nb["cells"]]
    assert tags[1] == ["parameters"] and tags[2] == ["injected-parameters"]
    assert sum(1 for t in tags if "injected-parameters" in t) == 1
    assert ast.literal_eval(nb["cells"][2]["source"].splitlines()[1].split(" = ")[1]) == "b"


# ------------------------------------------------------------------------ planning


def test_plan_distributes_parameters(nbdir, tmp_path):
    params_file = tmp_path / "params.yaml"
    params_file.write_text("word: from-file\nn: 7\n02_more.n: 9\n")
    stages = pipeline.plan_run(["echo", "02_more"], [("word", "cli")], params_file, full=True,
                               notebooks_dir=nbdir)
    assert [(s.name, s.values) for s in stages] == [
        ("01_echo", {"word": "cli", "n": 7}),
        ("02_more", {"n": 9, "full": True}),
    ]


@pytest.mark.parametrize(
    ("notebooks", "params", "message"),
    [
        (["echo"], [("nope", "1")], "unknown parameter 'nope' (-p): no notebook in this run "
                                    "declares it (01_echo: word, n)"),
        (["echo"], [("n", "many")], "parameter 'n' (-p) expects int, got 'many'"),
        (["echo", "more"], [("more.word", "x")], "unknown parameter 'more.word'"),
        (["echo"], [("boom.n", "1")], "notebook 'boom' is not in this run"),
        (["echo"], [("full", "true")], "cannot be set by hand: use --full"),
        (["more"], [("run_id", "x")], "cannot be set by hand: the runner sets it"),
        (["missing"], [], "unknown notebook 'missing' (available: 01_echo, 02_more, 03_boom)"),
    ],
)
def test_plan_refuses_bad_input(nbdir, notebooks, params, message):
    with pytest.raises(InputError) as error:
        pipeline.plan_run(notebooks, params, notebooks_dir=nbdir)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("word: [unclosed\n", "expected", 2),
        ("- a\n- b\n", "expected a mapping of parameter names", None),
        ("n: many\n", "parameter 'n'", None),
    ],
)
def test_bad_parameters_file(nbdir, tmp_path, text, message, line):
    path = tmp_path / "params.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as error:
        pipeline.plan_run(["echo"], [], path, notebooks_dir=nbdir)
    assert message in str(error.value)
    if line is not None:
        assert error.value.path == str(path) and error.value.line == line


def test_default_notebooks_and_short_names(tmp_path):
    folder = tmp_path / "nbs"
    for name in ("01_ingest", "02_embed", "04_extract", "06_explore", "07_report"):
        write_notebook(folder, name, "n: int = 1  # n")
    assert [s.name for s in pipeline.plan_run(notebooks_dir=folder)] == list(
        pipeline.DEFAULT_NOTEBOOKS)
    assert pipeline.resolve_notebook("explore", folder).name == "06_explore.ipynb"
    assert pipeline.resolve_notebook("06_explore.ipynb", folder).name == "06_explore.ipynb"


def test_secrets_are_redacted_in_recorded_parameters(media_settings_free):
    stage = pipeline.Stage("01_x", Path("x"), {}, {
        "dsn": "postgresql://u:hunter2@h/db", "note": "host=h password=hunter2", "api_key": "k1",
        "plain": "hello"})
    recorded = json.loads(pipeline.redacted_parameters([stage], media_settings_free))["01_x"]
    assert "hunter2" not in json.dumps(recorded) and "k1" not in json.dumps(recorded)
    assert recorded["plain"] == "hello" and recorded["api_key"] == "***"


@pytest.fixture
def media_settings_free(data_dir):
    from toolkit.config import load_settings

    return load_settings(make_env(data_dir, MEDIA_DB_URL="postgresql://u:s3cret@h/db"),
                         cwd=data_dir.parent)


# ------------------------------------------------------------------------ runs


def run_row(settings, run_id: str) -> dict:
    conn = open_db(settings)
    try:
        return dict(conn.execute("SELECT * FROM pipeline_runs WHERE id = ?", (run_id,)).fetchone())
    finally:
        conn.close()


@pytest.mark.kernel
def test_successful_run_records_everything(settings, nbdir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines: list[str] = []
    hostile = HOSTILE[0] + HOSTILE[2]
    result = pipeline.run_pipeline(settings, ["echo", "more"], [("word", hostile), ("n", "3")],
                                   full=True, notebooks_dir=nbdir, progress=lines.append)
    assert result.status == "succeeded"
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{8}", result.run_dir.name)
    assert result.run_dir.parent == settings.runs_dir
    assert stat.S_IMODE(result.run_dir.stat().st_mode) == 0o700
    names = sorted(p.name for p in result.run_dir.iterdir())
    assert names == ["01_echo.html", "01_echo.ipynb", "02_more.html", "02_more.ipynb",
                     "summary.json", "summary.md"]
    assert all(stat.S_IMODE((result.run_dir / n).stat().st_mode) == 0o600 for n in names)
    echoed = json.loads(outputs_of(result.run_dir / "01_echo.ipynb")[0])
    assert echoed == {"word": hostile, "n": 3, "env_db": f"sqlite:///{settings.db_path}",
                      "env_run": result.run_id, "full": "1"}
    assert json.loads(outputs_of(result.run_dir / "02_more.ipynb")[0]) == {
        "n": 3, "run_id": result.run_id, "full": True}
    assert not (tmp_path / "pwned").exists()
    assert "env_run" in (result.run_dir / "01_echo.html").read_text()
    assert lines[1:] == ["[1/2] 01_echo ...", lines[2], "[2/2] 02_more ...", lines[4]]
    assert re.fullmatch(r"\[1/2\] 01_echo ok \(\d+\.\d s\)", lines[2])

    row = run_row(settings, result.run_id)
    assert row["status"] == "succeeded" and row["error"] is None
    assert row["toolkit_version"] == pipeline.__version__
    assert re.fullmatch(r"[0-9a-f]{40}", row["git_commit"])
    assert json.loads(row["parameters"]) == {"01_echo": {"word": hostile, "n": 3},
                                             "02_more": {"n": 3, "full": True}}
    stages = json.loads(row["notebooks"])
    assert [(s["name"], s["status"]) for s in stages] == [("01_echo", "succeeded"),
                                                          ("02_more", "succeeded")]
    assert all(s["seconds"] > 0 and Path(s["html"]).exists() for s in stages)
    assert row["output_dir"] == str(result.run_dir)
    summary = json.loads((result.run_dir / "summary.json").read_text())
    assert summary["status"] == "succeeded" and summary["summary"]["run"]["id"] == result.run_id
    assert not (settings.runs_dir / pipeline.LOCK_NAME).exists()


@pytest.mark.kernel
def test_failing_notebook_stops_the_run_with_one_line(cli, settings, nbdir):
    result = cli("run", str(nbdir / "01_echo.ipynb"), str(nbdir / "03_boom.ipynb"),
                 str(nbdir / "02_more.ipynb"), "--json")
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    report = json.loads(result.stdout)
    run_dir = Path(report["run_dir"])
    failed = run_dir / "03_boom.ipynb"
    assert last == (f"chatbook: run {report['run_id']} failed in 03_boom, cell 4: "
                    f"ValueError: boom second line (executed notebook: {failed})")
    assert "Traceback" not in result.stderr
    assert [(n["name"], n["status"]) for n in report["notebooks"]] == [
        ("01_echo", "succeeded"), ("03_boom", "failed"), ("02_more", "skipped")]
    nb = json.loads(failed.read_text())
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert [(e["ename"], e["evalue"]) for e in errors] == [("ValueError", "boom\nsecond line")]
    assert (run_dir / "03_boom.html").exists() and not (run_dir / "02_more.ipynb").exists()
    row = run_row(settings, report["run_id"])
    assert row["status"] == "failed" and row["error"].startswith("03_boom, cell 4: ValueError")


@pytest.mark.kernel
def test_secrets_never_reach_the_run_record(media_settings_free, tmp_path):
    folder = tmp_path / "nbs"
    write_notebook(folder, "01_leak", "n: int = 1  # n",
                   "from urllib.parse import urlsplit\n"
                   "url = os.environ['MEDIA_DB_URL']\n"
                   "raise RuntimeError(f'cannot reach {url}; password {urlsplit(url).password}')")
    with pytest.raises(pipeline.RunFailed) as error:
        pipeline.run_pipeline(media_settings_free, ["leak"], notebooks_dir=folder)
    result = error.value.result
    assert "s3cret" not in str(error.value) and "u:***@h" in str(error.value)
    assert "password ***" in str(error.value)
    row = run_row(media_settings_free, result.run_id)
    assert "s3cret" not in json.dumps(row)
    assert "s3cret" not in (result.run_dir / "summary.json").read_text()


def test_refused_parameters_start_nothing(cli, settings, nbdir):
    result = cli("run", str(nbdir / "01_echo.ipynb"), "-p", "n", "three")
    assert result.returncode == 1
    assert result.stderr.strip() == "chatbook: parameter 'n' (-p) expects int, got 'three'"
    assert not settings.runs_dir.exists()


def test_help_notebook_lists_parameters(cli, nbdir):
    result = cli("run", "--help-notebook", str(nbdir / "02_more.ipynb"), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["parameters"] == [
        {"name": "n", "type": "int", "default": 1, "help": "how many"},
        {"name": "run_id", "type": "str", "default": "", "help": "set by the runner"},
        {"name": "full", "type": "bool", "default": False, "help": "reprocess everything"},
    ]


@pytest.mark.kernel
def test_cell_timeout_fails_the_run_naming_the_cell(settings, tmp_path):
    folder = tmp_path / "nbs"
    write_notebook(folder, "01_slow", "seconds: int = 60  # how long", "time.sleep(seconds)")
    with pytest.raises(pipeline.RunFailed) as error:
        pipeline.run_pipeline(settings, ["slow"], notebooks_dir=folder, cell_timeout=2)
    assert "01_slow, cell 3: timed out after 2 s" in str(error.value)
    assert error.value.result.notebooks[0].seconds < 30
    assert run_row(settings, error.value.result.run_id)["status"] == "failed"


@pytest.mark.kernel
def test_a_dead_kernel_fails_the_run_and_keeps_its_log(settings, tmp_path):
    folder = tmp_path / "nbs"
    write_notebook(folder, "01_crash", "n: int = 1  # n",
                   "import sys\nprint('about to die', file=sys.__stderr__, flush=True)\n"
                   "os.kill(os.getpid(), 9)", "print('never')")
    with pytest.raises(pipeline.RunFailed) as error:
        pipeline.run_pipeline(settings, ["crash"], notebooks_dir=folder)
    assert re.search(r"failed in 01_crash, cell 3: DeadKernelError", str(error.value))
    run_dir = error.value.result.run_dir
    assert "about to die" in (run_dir / "01_crash.kernel.log").read_text()
    assert (run_dir / "01_crash.ipynb").exists() and (run_dir / "01_crash.html").exists()


# ------------------------------------------------------------------------ the lock


def wait_for(path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not appear")
        time.sleep(0.1)


@pytest.mark.kernel
def test_second_run_is_refused_and_sigterm_records_an_interrupted_run(cli, settings, tmp_path):
    folder = tmp_path / "nbs"
    pid_file = tmp_path / "kernel.pid"
    write_notebook(folder, "01_hold", f"path: str = {str(pid_file)!r}  # where to write",
                   "open(path + '.tmp', 'w').write(str(os.getpid()))\n"
                   "os.replace(path + '.tmp', path)\ntime.sleep(60)")
    env = {**os.environ, **make_env(settings.data_dir)}
    first = subprocess.Popen([sys.executable, "-m", "toolkit", "run", str(folder / "01_hold.ipynb")],
                             env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    kernel_pid = None
    try:
        wait_for(pid_file)
        kernel_pid = int(pid_file.read_text())
        second = cli("run", str(folder / "01_hold.ipynb"))
        assert first.poll() is None, "refused at once: the first run (a 60 s cell) still runs"
        assert second.returncode == 75
        assert re.fullmatch(
            rf"chatbook: another chatbook run is in progress \(pid {first.pid}, started \S+, "
            rf"run [0-9a-f]{{8}}\); lock file {re.escape(str(settings.runs_dir))}/\.run\.lock",
            second.stderr.strip())
        first.send_signal(signal.SIGTERM)
        _out, err = first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 130
    assert re.search(r"run [0-9a-f]{8} interrupted; executed notebooks so far are in ", err)
    conn = open_db(settings)
    rows = [dict(r) for r in conn.execute("SELECT status, error FROM pipeline_runs")]
    conn.close()
    assert rows == [{"status": "interrupted", "error": "interrupted by a signal"}]
    assert not (settings.runs_dir / pipeline.LOCK_NAME).exists()
    time.sleep(0.5)
    assert kernel_pid is not None and not kernel_alive(kernel_pid)


def kernel_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    os.kill(pid, signal.SIGKILL)  # never leave a kernel behind, even when the assert fails
    return True


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.kernel
@pytest.mark.parametrize("holder", ["dead pid", "reused pid"])
def test_stale_lock_is_cleared_and_its_run_marked_interrupted(settings, nbdir, holder):
    conn = open_db(settings)
    conn.execute("INSERT INTO pipeline_runs(id, started_at, status, parameters, toolkit_version) "
                 "VALUES ('deadbeef', '2026-01-01T00:00:00+00:00', 'running', '{}', '0')")
    conn.close()
    pid, ticks = (dead_pid(), None) if holder == "dead pid" else (os.getpid(), 1)
    settings.runs_dir.mkdir(parents=True)
    (settings.runs_dir / pipeline.LOCK_NAME).write_text(json.dumps(
        {"pid": pid, "run_id": "deadbeef", "started_at": "2026-01-01T00:00:00+00:00",
         "host": os.uname().nodename, "start_ticks": ticks}))
    lines: list[str] = []
    result = pipeline.run_pipeline(settings, ["echo"], notebooks_dir=nbdir, progress=lines.append)
    assert result.status == "succeeded"
    assert lines[0] == (f"cleared a stale lock from pid {pid} (run deadbeef), which is no "
                        "longer running")
    old = run_row(settings, "deadbeef")
    assert old["status"] == "interrupted" and f"process {pid} died" in old["error"]


def test_live_lock_refuses_without_touching_anything(settings, nbdir):
    settings.runs_dir.mkdir(parents=True)
    lock = settings.runs_dir / pipeline.LOCK_NAME
    lock.write_text(json.dumps({"pid": os.getppid(), "run_id": "cafecafe",
                                "started_at": "2026-01-01T00:00:00+00:00"}))
    with pytest.raises(pipeline.RunLocked, match=r"pid \d+, started 2026-01-01"):
        pipeline.run_pipeline(settings, ["echo"], notebooks_dir=nbdir)
    assert sorted(p.name for p in settings.runs_dir.iterdir()) == [
        pipeline.LOCK_NAME, ".run.lock.guard"]
    assert json.loads(lock.read_text())["run_id"] == "cafecafe"


def test_a_second_connection_keeps_the_first_ones_locks(settings):
    """Regression: the runner holds a connection while the kernel (another process) opens and
    closes its own. Opening a second connection used to open and close the database file,
    which drops every POSIX lock of this process, so the kernel's close deleted the WAL under
    us and the next query failed with "disk I/O error"."""
    first = open_db(settings)
    first.execute("INSERT INTO counters(name, value, updated_at) VALUES ('x', 1, 'now')")
    second = open_db(settings)
    code = ("from toolkit.config import load_settings; from toolkit.store.connect import open_db; "
            "c = open_db(load_settings()); c.execute('SELECT 1'); c.close()")
    subprocess.run([sys.executable, "-c", code], env={**os.environ, **settings.as_env()},
                   check=True, timeout=60)
    second.execute("UPDATE counters SET value = 2")
    third = open_db(settings)
    try:
        assert third.execute("SELECT value FROM counters").fetchone()[0] == 2
        assert first.execute("SELECT value FROM counters").fetchone()[0] == 2
    finally:
        for conn in (first, second, third):
            conn.close()


# ------------------------------------------------------------------------ scheduling examples

CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")


def unit_file(path: Path) -> dict[str, list[str]]:
    """`Key=value` lines of a systemd unit (keys may repeat), comments and sections dropped."""
    keys: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            keys.setdefault(key.strip(), []).append(value.strip())
    return keys


def test_scheduling_examples_agree_with_the_cli():
    from toolkit.cli import cli as group

    infra = ROOT / "infra"
    lines = [line for line in (infra / "chatbook.cron").read_text().splitlines()
             if line.strip() and not line.startswith("#") and not re.match(r"^\w+=", line)]
    assert len(lines) == 1
    fields = lines[0].split()
    assert all(CRON_FIELD.match(f) for f in fields[:5]), fields[:5]
    command = " ".join(fields[5:])
    checkout = re.match(r"cd (\S+) && ", command).group(1)
    run_args = command.split(".venv/bin/chatbook ", 1)[1].split(">>")[0].split()
    assert run_args[0] == "run"
    group.make_context("chatbook", list(run_args))  # the arguments parse

    service = unit_file(infra / "chatbook.service")
    assert service["Type"] == ["oneshot"]
    assert service["WorkingDirectory"] == [checkout]
    assert service["ExecStart"] == [f"{checkout}/.venv/bin/chatbook run"]
    assert service["SuccessExitStatus"] == [str(pipeline.RunLocked.exit_code)]
    assert service["ReadWritePaths"] == [f"{checkout}/data"] and service["UMask"] == ["0077"]
    timer = unit_file(infra / "chatbook.timer")
    assert timer["Unit"] == ["chatbook.service"] and timer["Persistent"] == ["true"]
    assert timer["OnCalendar"] == ["*:0/30"] and fields[0] == "*/30"


def contend(path: str, start, results) -> None:
    """One of several processes racing for a stale lock; holds it a moment when it wins."""
    info = {"pid": os.getpid(), "run_id": f"r{os.getpid()}", "started_at": "now",
            "host": os.uname().nodename, "start_ticks": pipeline.process_start_ticks(os.getpid())}
    start.wait()
    try:
        stale = pipeline.take_lock(Path(path), info, lambda _line: None)
        results.put(("won", stale["run_id"] if stale else None))
        time.sleep(1.5)  # still holding while the others look
    except pipeline.RunLocked:
        results.put(("refused", None))


def test_racing_for_a_stale_lock_lets_exactly_one_run_win(tmp_path, monkeypatch):
    import multiprocessing

    judge = pipeline.lock_is_stale

    def slow_judge(info):  # widen the window between reading the lock and replacing it
        time.sleep(0.3)
        return judge(info)

    monkeypatch.setattr(pipeline, "lock_is_stale", slow_judge)

    lock = tmp_path / pipeline.LOCK_NAME
    lock.write_text(json.dumps({"pid": dead_pid(), "run_id": "gone", "started_at": "then"}))
    ctx = multiprocessing.get_context("fork")
    start, results = ctx.Event(), ctx.Queue()
    workers = [ctx.Process(target=contend, args=(str(lock), start, results)) for _ in range(4)]
    for worker in workers:
        worker.start()
    start.set()
    outcomes = sorted(results.get(timeout=30) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
    assert outcomes == [("refused", None)] * 3 + [("won", "gone")]


@pytest.mark.parametrize("text,status,kept", [
    ("", "succeeded", False),
    ("[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel.\n", "succeeded", False),
    ("[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel.\n", "failed", True),
    ("[IPKernelApp] WARNING | some start-up warning\n", "succeeded", True),
    ("Traceback (most recent call last):\n  ...\nMemoryError\n", "failed", True),
])
def test_a_kernel_log_is_kept_only_when_the_kernel_said_something(tmp_path, text, status, kept):
    """The manager interrupts a kernel slow to stop after its notebook is done; the line the
    kernel logs then says nothing about a successful run (a CI run kept it and failed)."""
    log = tmp_path / "01_echo.kernel.log"
    log.write_text(text)
    assert pipeline.kernel_said_something(log, status) is kept
