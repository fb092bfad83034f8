"""The attacks of issue #12 that got through, each tried as an attacker or an unlucky user would.

Every test here is one attack: it sets the trap, springs it through the real CLI or the real
function, and asserts that the attack is held (refused in one line, nothing written where it
must not be, nothing shown that must not be). `bench/attack.py` runs these together with the
earlier catalogue (test_hostile, test_crash, test_backup, ...) and prints "N attacks, N held";
docs/operations.md lists every attack and its outcome.

Running as root (as here), "unwritable" is made real by dropping the capabilities that let
root ignore file modes (`setpriv --bounding-set=-dac_override,-dac_read_search`): the command
then meets the folder's mode as its owner would.
"""

from __future__ import annotations

import hashlib
import json
import os
import pty
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import termios
import time
import tty
import uuid
from pathlib import Path

import pytest

from toolkit.config import load_settings
from toolkit.ops import backup as bk

sys.path.insert(0, str(Path(__file__).parent))
from conftest import ROOT  # noqa: E402
from own_postgres import PASSWORD, OwnPostgres  # noqa: E402
from reliability_data import store_with_one_attachment, write_export, write_zip_with_media  # noqa: E402


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def unprivileged() -> list[str]:
    """A command prefix under which file modes bind this process as they bind a user."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("root without setpriv cannot be denied by a file mode")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def chatbook(*args: str, env: dict[str, str], prefix: list[str] | None = None,
             timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`python -m toolkit ARGS` as a user would run it, with `env` over the environment."""
    return subprocess.run([*(prefix or []), sys.executable, "-m", "toolkit", *args],
                          env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def one_line_error(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    """Refused with a non-zero exit and one line on stderr naming what it says."""
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chatbook: "), done.stderr
    for text in expected:
        assert text in lines[0], lines[0]


# --------------------------------------------------------------------------- 1. restore


@pytest.fixture
def backup_of_a_store(tmp_path: Path) -> Path:
    """A real backup of a store holding one message with one attachment file."""
    settings = store_with_one_attachment(tmp_path)
    bk.backup(settings, tmp_path / "bk")
    return tmp_path / "bk"


def smuggle(backup_dir: Path, entry: str, stored_at: Path, payload: bytes) -> None:
    """Put `payload` inside the backup and list it in the manifest as `entry`, with the right
    size and sha256, so that every check inside the backup passes."""
    stored_at.parent.mkdir(parents=True, exist_ok=True)
    stored_at.write_bytes(payload)
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    manifest["files"].append({"path": entry, "sha256": hashlib.sha256(payload).hexdigest(),
                              "size": len(payload)})
    (backup_dir / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize("how", ["absolute path", "dot-dot", "dot", "not a backup file",
                                 "a link in the target's attachment folder"])
def test_restore_never_writes_outside_its_stores(backup_of_a_store, tmp_path, how):
    """A manifest path must stay inside its store after resolution, or the restore is refused
    before anything is written; and no folder restore does not own is chmod'ed."""
    victim = tmp_path / "victim"
    victim.mkdir()
    victim.chmod(0o755)
    bk_dir = backup_of_a_store
    target = load_settings({"DATA_DIR": str(tmp_path / "target")}, cwd=tmp_path)
    payload = b"#!/bin/sh\necho owned\n"
    if how == "absolute path":  # attachments//abs/path: joined onto ATTACHMENTS_DIR, it wins
        entry = f"attachments/{victim}/evil.sh"
        smuggle(bk_dir, entry, bk_dir / "attachments" / str(victim).lstrip("/") / "evil.sh",
                payload)
    elif how == "dot-dot":  # stays inside the backup, leaves ATTACHMENTS_DIR
        target = target.with_overrides(attachments_dir=victim / "media" / "attachments")
        entry = "attachments/../evil.sh"
        smuggle(bk_dir, entry, bk_dir / "evil.sh", payload)
        victim = victim / "media"
        victim.mkdir()
        victim.chmod(0o755)
    elif how == "dot":
        entry = "attachments/./ab/evil.sh"
        smuggle(bk_dir, entry, bk_dir / "attachments" / "ab" / "evil.sh", payload)
    elif how == "not a backup file":
        entry = "evil.sh"
        smuggle(bk_dir, entry, bk_dir / "evil.sh", payload)
    else:  # an empty attachment folder, but a sub-folder link points at the victim
        entry = "attachments/zz/evil.sh"
        smuggle(bk_dir, entry, bk_dir / "attachments" / "zz" / "evil.sh", payload)
        target.attachments_dir.mkdir(parents=True)
        (target.attachments_dir / "zz").symlink_to(victim)
    with pytest.raises(bk.BackupError, match="nothing was restored"):
        bk.restore(target, bk_dir)
    assert list(victim.iterdir()) == [], "the restore wrote outside its stores"
    assert mode(victim) == 0o755, "the restore changed the mode of a folder it does not own"
    assert not target.db_path.exists(), "refused only after writing"


def test_cli_restore_of_a_tampered_backup_is_one_line(backup_of_a_store, tmp_path):
    outside = tmp_path / "x"
    smuggle(backup_of_a_store, f"attachments/{outside}/evil.sh",
            backup_of_a_store / "attachments" / str(outside).lstrip("/") / "evil.sh", b"evil")
    done = chatbook("restore", str(backup_of_a_store), env={"DATA_DIR": str(tmp_path / "t")})
    one_line_error(done, "manifest.json", "nothing was restored")
    assert not (outside / "evil.sh").exists()


def test_restore_into_an_existing_data_folder_keeps_its_mode(backup_of_a_store, tmp_path):
    data = tmp_path / "mine"
    data.mkdir()
    data.chmod(0o750)
    target = load_settings({"DATA_DIR": str(data)}, cwd=tmp_path)
    bk.restore(target, backup_of_a_store)
    assert mode(data) == 0o750
    assert all(mode(p) == (0o700 if p.is_dir() else 0o600) for p in data.rglob("*")
               if not p.name.endswith(("-wal", "-shm")))


# --------------------------------------------------------------------------- 2. exports


EXPORTS = {
    "events --ics": ("events", "export", "--ics"),
    "messages jsonl": ("messages", "export", "--format", "jsonl", "--output"),
    "messages csv": ("messages", "export", "--format", "csv", "--output"),
    "messages parquet": ("messages", "export", "--format", "parquet", "--output"),
}


@pytest.fixture(scope="module")
def stocked(tmp_path_factory) -> dict[str, str]:
    """A data folder holding a small imported chat."""
    tmp_path = tmp_path_factory.mktemp("stocked")
    env = {"DATA_DIR": str(tmp_path / "data")}
    write_export(tmp_path / "in", "Club", 20, seed=4)
    assert chatbook("ingest", str(tmp_path / "in"), env=env).returncode == 0
    return env


@pytest.mark.parametrize("export", list(EXPORTS))
def test_an_export_makes_the_file_private_and_leaves_the_folder_alone(stocked, tmp_path, export):
    """`events export --ics s/cal.ics` turned an existing 755 folder into 700 (as root, /tmp
    itself, or a Postgres socket folder). Only the file is private."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    out = shared / "out.file"
    out.write_text("an older export, readable by others")
    out.chmod(0o644)
    done = chatbook(*EXPORTS[export], str(out), env=stocked)
    assert done.returncode == 0, done.stderr
    assert mode(shared) == 0o755, "the export changed its folder's mode"
    assert mode(out) == 0o600
    fresh = tmp_path / "new" / "deeper" / "out.file"  # folders chatbook creates are private
    assert chatbook(*EXPORTS[export], str(fresh), env=stocked).returncode == 0
    assert mode(tmp_path / "new") == mode(fresh.parent) == 0o700 and mode(fresh) == 0o600


# --------------------------------------------------------------------------- 3. passwords

SECRET = "Kq7Zp9Wm"
HEAD = "Hx4Rt"
DSN_FORMS = {
    "?password=": "postgresql://chatbook@127.0.0.1:{port}/media?password={s}",
    "?user=&password=": "postgresql://127.0.0.1:{port}/media?user=chatbook&password={s}",
    "percent-encoded key": "postgresql://127.0.0.1:{port}/media?user=chatbook&pass%77ord={s}",
    "sslpassword": "postgresql://chatbook@127.0.0.1:{port}/media?sslpassword={s}",
    "unencoded @": "postgresql://chatbook:" + HEAD + "@{s}@127.0.0.1:{port}/media",
    "unencoded /": "postgresql://chatbook:" + HEAD + "/{s}@127.0.0.1:{port}/media",
    "encoded @": "postgresql://chatbook:" + HEAD + "%40{s}@127.0.0.1:{port}/media",
    "key=value quoted": "host=127.0.0.1 port={port} dbname=media user=chatbook "
                        "password='my " + "{s} phrase'",
    "key=value escaped quote": "host=127.0.0.1 port={port} dbname=media user=chatbook "
                               "password='it\\'s {s}'",
}
# Every command that shows the DSN or a connection error, and the ones that print "media
# work is waiting" (ingest through the outbox, extract).
DSN_COMMANDS = [["init"], ["migrate", "--status"], ["migrate", "--status", "--json"],
                ["doctor"], ["doctor", "--json"], ["media", "status"],
                ["media", "status", "--json"], ["ingest", "{zip}"], ["extract"],
                ["extract", "--json"], ["backup", "{backup}"]]

DRIVER = r"""
import contextlib, io, json, os, sys
from toolkit import cli
from toolkit.store import pg
results = []
for env, args in json.loads(sys.argv[1]):
    os.environ.update(env)
    pg._warned = False  # "media work is waiting" is said once per process: once per command
    out, err, code = io.StringIO(), io.StringIO(), 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        sys.argv = ["chatbook", *args]
        try:
            cli.main()
        except SystemExit as stop:
            code = stop.code
    results.append([args, code, out.getvalue(), err.getvalue()])
print(json.dumps(results))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_commands(jobs: list[tuple[dict[str, str], list[str]]]) -> list[list]:
    """Many CLI commands in one process (each through `main()`, as a user meets it), each
    with its environment changes: one start-up for all of them."""
    done = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(jobs)], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def leaked(text: str, *secrets: str) -> list[str]:
    return [secret for secret in secrets if secret in text]


@pytest.fixture(scope="module")
def every_form_down(tmp_path_factory) -> dict[str, list[list]]:
    """Every command of DSN_COMMANDS for every form of DSN_FORMS, Postgres unreachable."""
    root = tmp_path_factory.mktemp("forms")
    zip_path = write_zip_with_media(root / "in", "Club", 5, 1, seed=2)
    port = free_port()
    jobs, owner = [], []
    for n, (form, template) in enumerate(DSN_FORMS.items()):
        env = {"DATA_DIR": str(root / f"data{n}"), "IMAGE_PROCESSING_ENABLED": "true",
               "MEDIA_DB_URL": template.format(port=port, s=SECRET)}
        for args in DSN_COMMANDS:
            jobs.append((env, [a.format(zip=zip_path, backup=root / f"bk{n}") for a in args]))
            owner.append(form)
    results: dict[str, list[list]] = {form: [] for form in DSN_FORMS}
    for form, result in zip(owner, run_commands(jobs), strict=True):
        results[form].append(result)
    return results


@pytest.mark.parametrize("form", list(DSN_FORMS))
def test_no_dsn_form_shows_its_password_with_postgres_down(every_form_down, form):
    """MEDIA_DB_URL in every form libpq reads, Postgres unreachable: no output of any command
    shows the password or a piece of it (a password with an unencoded `@` used to leak
    through the connection error, `?password=` through doctor, media status, migrate
    --status and the 'media work is waiting' line)."""
    results = every_form_down[form]
    for args, code, out, err in results:
        assert not leaked(out + err, SECRET, HEAD), f"{form}: `chatbook {' '.join(args)}` " \
                                                    f"(exit {code}) showed:\n{out}{err}"
        assert "Traceback" not in err, err
    shown = {" ".join(args): out + err for args, _, out, err in results}
    if form.startswith("unencoded"):  # libpq would read part of the password as the host
        assert "percent-encode" in shown["doctor"], shown["doctor"]
    else:
        assert "***" in shown["doctor --json"], shown["doctor --json"]
        assert "media work is waiting" in shown["extract"], shown["extract"]


def test_no_dsn_form_shows_its_password_with_postgres_up(cluster, tmp_path):
    """The same with a password-protected server that lets them in: the work is done (so
    libpq read each form's password), and no output shows it."""
    from urllib.parse import urlsplit

    parts = urlsplit(cluster.url())
    forms = {
        "?password=": f"postgresql://127.0.0.1:{cluster.port}/{{db}}?user=chatbook"
                      f"&password={PASSWORD}",
        "key=value": f"host=127.0.0.1 port={cluster.port} dbname={{db}} user={parts.username} "
                     f"password='{PASSWORD}'",
    }
    zip_path = write_zip_with_media(tmp_path / "in", "Club", 5, 1, seed=6)
    jobs = []
    for n, template in enumerate(forms.values()):
        database = f"up_{n}_{uuid.uuid4().hex[:6]}"
        cluster.create_database(database)
        env = {"DATA_DIR": str(tmp_path / f"data{n}"), "IMAGE_PROCESSING_ENABLED": "true",
               "MEDIA_DB_URL": template.format(db=database)}
        for args in (["init"], ["ingest", str(zip_path)], ["migrate", "--status"],
                     ["migrate", "--status", "--json"], ["doctor"], ["doctor", "--json"],
                     ["media", "status"], ["media", "status", "--json"],
                     ["backup", str(tmp_path / f"bk{n}")]):
            jobs.append((env, args))
    results = run_commands(jobs)
    for (env, _), (args, code, out, err) in zip(jobs, results, strict=True):
        assert code in (0, None), f"{env['MEDIA_DB_URL'][:30]}...: {args}: {err}"
        assert PASSWORD not in out + err, f"`chatbook {' '.join(args)}` showed the password"
        if args == ["media", "status", "--json"]:
            assert json.loads(out)["images"] == 1  # the row reached Postgres: libpq got in


def test_a_password_in_the_dsn_is_hidden_with_media_off_and_psycopg_stays_unloaded(tmp_path):
    url = DSN_FORMS["?password="].format(port=free_port(), s=SECRET)
    code = ("import sys, toolkit.cli as c; sys.argv=['chatbook','doctor','--json']\n"
            "try: c.main()\nexcept SystemExit: pass\nprint('psycopg' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "DATA_DIR": str(tmp_path / "d"), "MEDIA_DB_URL": url})
    assert SECRET not in done.stdout + done.stderr
    assert "password=***" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "False"


PASSWORD_CHARS = "aZ9 @/:?#&=%'\\\"+;,[]{}~!$^*()-_."


def libpq_password(dsn: str) -> str | None:
    from psycopg.conninfo import conninfo_to_dict

    value = conninfo_to_dict(dsn).get("password")
    return None if value is None else str(value)


def test_redaction_agrees_with_libpq_on_every_password():
    """Properties, with libpq itself (psycopg's conninfo_to_dict) as the judge: for random
    passwords over the characters that matter, written correctly in each form, the password
    libpq reads never shows in the redacted DSN, nor in a message that quotes the DSN."""
    from urllib.parse import quote

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from toolkit.config import redact_text, redact_url
    from toolkit.dsn import dsn_secrets

    def forms(password: str) -> list[tuple[str, str]]:
        """(DSN, how it must be shown) for each form the password can be written in."""
        encoded = quote(password, safe="")
        quoted = password.replace("\\", "\\\\").replace("'", "\\'")
        return [(f"postgresql://u:{encoded}@h:5432/db", "postgresql://u:***@h:5432/db"),
                (f"postgresql://h/db?user=u&password={encoded}",
                 "postgresql://h/db?user=u&password=***"),
                (f"host=h user=u password='{quoted}' dbname=db",
                 "host=h user=u password=*** dbname=db")]

    @settings(max_examples=150, deadline=None)
    @given(st.text(alphabet=PASSWORD_CHARS, min_size=6, max_size=24).filter(
        lambda p: len(p.strip()) >= 6))
    def check(password: str) -> None:
        for dsn, shown in forms(password):
            assert libpq_password(dsn) == password, dsn
            assert redact_url(dsn) == shown, dsn
            message = f"connection to {dsn} failed; password was {password}"
            assert password not in redact_text(message, dsn_secrets(dsn)), dsn

    check()


# --------------------------------------------------------------------------- 7. terminal escapes

HOSTILE = "Bake sale\x1b[2J\x1b]0;owned\x07 on Saturday 17 May at 10am\r in the gym \u009b31m\u202e"
ACTIVE_BYTES = (b"\x1b", b"\x07", b"\r", b"\xc2\x9b", "\u202e".encode())


def on_a_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """Run the CLI with stdout and stderr on a pseudo-terminal in raw mode (no CR added to
    line ends), exactly what a terminal would receive."""
    leader, follower = pty.openpty()
    tty.setraw(follower)
    attrs = termios.tcgetattr(follower)
    attrs[1] &= ~termios.OPOST
    termios.tcsetattr(follower, termios.TCSANOW, attrs)
    process = subprocess.Popen([sys.executable, "-m", "toolkit", *args], env={**os.environ, **env},
                               cwd=ROOT, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    received = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        received += chunk
    process.wait(timeout=60)
    os.close(leader)
    return received


@pytest.fixture(scope="module")
def hostile_chat(tmp_path_factory) -> dict[str, str]:
    """A chat whose message, and so the proposal made from it, carries terminal controls."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    export = tmp_path / "WhatsApp Chat with Esc\x1b]0;chat\x07.txt"
    export.write_text(f"12/05/2025, 09:00 - Sam\x1b[31m: {HOSTILE}\n"
                      "12/05/2025, 09:01 - Ann: see you there\n", encoding="utf-8", newline="")
    env = {"DATA_DIR": str(tmp_path / "data"), "CHATBOOK_TZ": "Europe/London"}
    assert chatbook("ingest", str(export), env=env).returncode == 0
    assert chatbook("extract", env=env).returncode == 0
    return env


@pytest.mark.parametrize("command", [["search", "bake", "--mode", "keyword"],
                                     ["proposals", "list"], ["proposals", "show", "1"],
                                     ["proposals", "edit", "1", "--location", "gym\x1b[2J\r\nhall"],
                                     ["events", "list"], ["chats"]])
def test_terminal_controls_from_chats_are_shown_not_obeyed(hostile_chat, command):
    """ESC[2J (clear screen), ESC]0;...BEL (window title), CR, C1 CSI and a bidi override in
    a message (and so in the proposal's title) reach the terminal as visible escapes."""
    received = on_a_terminal(command, hostile_chat)
    assert received.strip(), "nothing printed"
    found = [b for b in ACTIVE_BYTES if b in received]
    assert not found, f"`chatbook {' '.join(command)}` sent {found} raw:\n{received!r}"
    if command[0] == "search":
        assert b"\\x1b[2J" in received and b"\\x1b]0;owned\\a" in received


def test_json_output_keeps_the_exact_text(hostile_chat):
    """--json stays exact JSON: the stored text comes back unchanged, controls escaped."""
    from toolkit.store import db

    received = on_a_terminal(["search", "bake", "--mode", "keyword", "--json"], hostile_chat)
    assert not [b for b in ACTIVE_BYTES if b in received]
    conn = db.connect(Path(hostile_chat["DATA_DIR"]) / "app.db", readonly=True)
    stored = conn.execute("SELECT text FROM messages WHERE text LIKE 'Bake sale%'").fetchone()[0]
    conn.close()
    assert "\x1b[2J" in stored
    assert json.loads(received.decode())[0]["text"] == stored


@pytest.mark.attack("terminal-escapes")
def test_extract_files_own_error_lines_show_controls_as_escapes(tmp_path, capfd):
    """`extract_file`'s default printer (a notebook or script calling it) quotes the input's
    file name and values: ESC[2J in the name and a hostile ref_time reach stderr escaped
    (they used to go raw)."""
    from toolkit.errors import InputError
    from toolkit.extract.text import extract_file

    source = tmp_path / "evil\x1b[2J\x1b]0;owned\x07.jsonl"
    source.write_text(json.dumps({"id": 1, "text": "hi", "ref_time": "x\x1b[2J\u202e"}) + "\n"
                      + "{not json\n", encoding="utf-8")
    with pytest.raises(InputError):
        extract_file(source, tmp_path / "out.jsonl", workers=1)
    err = capfd.readouterr().err
    assert len(err.splitlines()) == 2, err
    assert not [c for c in ("\x1b", "\x07", "\u202e") if c in err], repr(err)
    assert "evil\\x1b[2J\\x1b]0;owned\\a.jsonl" in err


@pytest.mark.attack("terminal-escapes")
def test_extract_events_cli_cannot_forge_a_line_with_a_file_name(tmp_path):
    """`chatbook extract-events` names the input file in each bad line's error: a line break
    in that name comes out as an escape, so each bad line is one line of stderr."""
    from conftest import run_cli

    source = tmp_path / "in\nchatbook: all 3 lines fine\x1b[2J.jsonl"
    source.write_text("{not json\n" + json.dumps({"id": 1, "text": "hi"}) + "\n[]\n",
                      encoding="utf-8")
    done = run_cli(["extract-events", "--input", str(source), "--output",
                    str(tmp_path / "out.jsonl")], {"DATA_DIR": str(tmp_path / "data")})
    assert done.returncode != 0
    lines = done.stderr.splitlines()
    assert lines and all(line.startswith("chatbook: ") for line in lines), done.stderr
    assert "\x1b" not in done.stderr
    assert "in\\nchatbook: all 3 lines fine\\x1b[2J.jsonl:1:" in done.stderr


@pytest.mark.attack("terminal-escapes")
def test_the_ingest_progress_bar_shows_a_chat_name_s_controls_as_escapes():
    """The progress bar's label is the chat's name, taken from a file name: ESC[2J and a line
    break in it are drawn as escapes on stderr."""
    from types import SimpleNamespace

    from toolkit.ingest.importer import progress_bar

    bar = progress_bar(SimpleNamespace(chat="Club\x1b[2J\nchatbook: done"))  # type: ignore[arg-type]
    try:
        assert bar.desc == "Club\\x1b[2J\\nchatbook: done"
    finally:
        bar.close()


@pytest.mark.attack("terminal-escapes")
def test_a_zone_change_names_its_chat_on_one_inert_line():
    """`chats set-tz` prints the chat's name: its controls and line breaks come out escaped,
    so a chat named to forge a second line or clear the screen cannot."""
    from toolkit.extract.stage import describe_zone_change

    change = {"chat": "Club\x1b[2J\nchatbook: all good\r", "tz": "Europe/Madrid",
              "previous_tz": "UTC", "previous_source": "guessed", "messages_retimed": 2,
              "proposals_moved": 1}
    for previous in ("UTC", "Europe/Madrid"):
        line = describe_zone_change({**change, "previous_tz": previous})
        assert "\n" not in line and "\x1b" not in line and "\r" not in line, repr(line)
        assert line.startswith("Club\\x1b[2J\\nchatbook: all good\\r: zone ")


# --------------------------------------------------------------------------- held before, kept

EVIL_TITLE = "Party\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Fake;X=1,2\r\nDTSTART:19700101"
EVIL_HTML = '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:x">'


def test_icalendar_injection_in_a_title_stays_one_property(db_conn, tmp_path):
    """A title or place holding CRLF and iCalendar lines is one escaped property of one
    VEVENT: no event can be smuggled into the calendar file."""
    from icalendar import Calendar
    from review_data import seed_review_queue

    from toolkit.review import proposals
    from toolkit.review.events import export_ics

    seeded = seed_review_queue(db_conn)
    first = proposals.get_proposal(db_conn, seeded.ids[0])
    proposals.accept(db_conn, seeded.ids[0], reviewer="t", expected_version=first["version"],
                     changes={"title": EVIL_TITLE, "location": EVIL_TITLE})
    path = tmp_path / "cal.ics"
    export_ics(db_conn, path)
    raw = path.read_bytes().decode()
    lines = raw.split("\r\n")
    assert lines.count("BEGIN:VEVENT") == 1 and not any(line.startswith("SUMMARY:Fake")
                                                        for line in lines)
    (event,) = Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["SUMMARY"]) == EVIL_TITLE.replace("\r\n", "\n") or \
        str(event["SUMMARY"]).replace("\n", "\r\n") == EVIL_TITLE


def test_html_in_a_message_is_escaped_on_the_review_card():
    """Markup in a message, an author or a title is text on the review card, never markup."""
    from toolkit.ui.review.render import message_html, summary_html

    card = message_html({"author": EVIL_HTML, "sent_at": "2025-05-12T09:00:00+00:00",
                         "text": EVIL_HTML}, is_source=True)
    card += summary_html({"id": 1, "title": EVIL_HTML, "start": "2025-05-17T10:00:00+00:00",
                          "end": None, "all_day": 0, "status": "pending", "confidence": 0.9})
    assert "<script" not in card and "<img" not in card and "<a href" not in card
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card


# --------------------------------------------------------------------------- 9. OS errors


def os_error_cases(tmp_path: Path, data: Path) -> dict[str, tuple[list[str], dict[str, str], str]]:
    """(args, env, the path the line must name) for every ordinary OS error a user can cause."""
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    blocked.chmod(0o555)
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    return {
        "DATA_DIR is a file": (["init"], {"DATA_DIR": str(a_file)}, str(a_file)),
        "DATA_DIR in an unwritable folder": (["init"], {"DATA_DIR": str(blocked / "data")},
                                             str(blocked / "data")),
        "messages export into an unwritable folder": (
            ["messages", "export", "--output", str(blocked / "m.jsonl")], {"DATA_DIR": str(data)},
            str(blocked / "m.jsonl")),
        "messages export under a file": (
            ["messages", "export", "--output", str(a_file / "m.jsonl")], {"DATA_DIR": str(data)},
            str(a_file)),
        "events export into an unwritable folder": (
            ["events", "export", "--ics", str(blocked / "cal.ics")], {"DATA_DIR": str(data)},
            str(blocked)),
        "backup into a missing parent": (
            ["backup", str(tmp_path / "no" / "such" / "bk")], {"DATA_DIR": str(data)},
            str(tmp_path / "no" / "such")),
        "backup into an unwritable folder": (
            ["backup", str(blocked / "bk")], {"DATA_DIR": str(data)}, str(blocked / "bk")),
        "backup under a file": (["backup", str(a_file / "bk")], {"DATA_DIR": str(data)},
                                str(a_file)),
    }


OS_ERRORS = ["DATA_DIR is a file", "DATA_DIR in an unwritable folder",
             "messages export into an unwritable folder", "messages export under a file",
             "events export into an unwritable folder", "backup into a missing parent",
             "backup into an unwritable folder", "backup under a file"]


@pytest.mark.parametrize("case", OS_ERRORS)
def test_an_os_error_a_user_can_cause_is_one_line_naming_the_path(stocked, tmp_path, case):
    args, env, path = os_error_cases(tmp_path, Path(stocked["DATA_DIR"]))[case]
    done = chatbook(*args, env=env, prefix=unprivileged())
    one_line_error(done, path)


def test_a_data_folder_you_may_not_write_is_one_line(tmp_path):
    """The stores exist, but their folder is read-only: SQLite cannot make its -wal file."""
    data = tmp_path / "data"
    assert chatbook("init", env={"DATA_DIR": str(data)}).returncode == 0
    (data / "app.db-wal").unlink(missing_ok=True)
    (data / "app.db-shm").unlink(missing_ok=True)
    data.chmod(0o555)
    try:
        for args in (["search", "hello", "--mode", "keyword"], ["proposals", "list"]):
            done = chatbook(*args, env={"DATA_DIR": str(data)}, prefix=unprivileged())
            one_line_error(done, str(data))
    finally:
        data.chmod(0o700)


# --------------------------------------------------------------------------- 11. smaller ones


@pytest.fixture
def cluster():
    own = OwnPostgres()
    yield own
    own.close()


@pytest.mark.slow
def test_a_postgres_outage_during_extract_is_counted(cluster, tmp_path):
    """Attachments all written, images not yet read; Postgres stops; `chatbook extract` cannot
    write its extractions: that is a failed cross-store write, and doctor must count it."""
    from toolkit.store import db

    url = cluster.create_database(f"out_{uuid.uuid4().hex[:8]}")
    env = {"DATA_DIR": str(tmp_path / "data"), "IMAGE_PROCESSING_ENABLED": "true",
           "MEDIA_DB_URL": url, "OMP_NUM_THREADS": "1"}
    write_zip_with_media(tmp_path / "in", "Club", 10, 2, seed=5)
    assert chatbook("init", env=env).returncode == 0
    assert chatbook("ingest", str(tmp_path / "in"), env=env).returncode == 0
    conn = db.connect(tmp_path / "data" / "app.db", readonly=True)
    before = db.read_counters(conn).get("cross_store_write_failures", 0)
    conn.close()
    assert json.loads(chatbook("doctor", "--json", env=env).stdout)["operations"][
        "outbox_pending"] == 0, "every attachment row reached Postgres before the outage"
    cluster.stop()
    done = chatbook("extract", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["images_processed"] == 0
    doctor = json.loads(chatbook("doctor", "--json", env=env).stdout)
    assert doctor["operations"]["cross_store_write_failures"] > before
    assert PASSWORD not in done.stdout + done.stderr


def test_ci_script_says_why_it_stops_without_a_postgres_install(tmp_path):
    """`.ci/run` on a machine without /etc/postgresql and no server running died with exit 2
    and no output (`set -e` on an `ls`). It must say what is missing."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    for tool in ("pg_isready", "pg_ctlcluster", "make"):  # no server, never the real suite
        (fake_bin / tool).write_text("#!/bin/sh\nexit 1\n")
        (fake_bin / tool).chmod(0o755)
    env = {**os.environ, "PATH": f"{fake_bin}:/usr/bin:/bin",
           "CHATBOOK_PG_CONF_DIR": str(tmp_path / "no-postgresql")}
    done = subprocess.run(["bash", str(ROOT / ".ci" / "run")], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode != 0
    said = done.stdout + done.stderr
    assert "PostgreSQL" in said and str(tmp_path / "no-postgresql") in said, said


def processes_in_session(session: int) -> list[tuple[int, int, str]]:
    """(pid, ppid, command) of every live process whose session id is `session`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == session:
            found.append((int(entry.name), int(fields[1]), cmdline))
    return found


def wait_until_gone(session: int, timeout: float = 40) -> list[tuple[int, int, str]]:
    deadline = time.monotonic() + timeout
    while (left := processes_in_session(session)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


@pytest.mark.kernel
@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_chatbook_lab_never_leaves_jupyterlab_behind(tmp_path, how):
    """`chatbook lab` stopped by a service manager (SIGTERM) or killed outright: JupyterLab
    must not go on with PPID 1, holding its port and token."""
    port = free_port()
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"), "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg")}
    process = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "lab", "--no-browser", "--port", str(port),
         "--notebooks", str(tmp_path / "nbs")],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)  # its own session: everything it starts can be found by sid
    try:
        deadline = time.monotonic() + 120
        seen = ""
        assert process.stdout is not None
        while "token=" not in seen and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            seen += line
        assert "token=" in seen, seen
        assert len(processes_in_session(process.pid)) >= 2  # chatbook and JupyterLab
        process.send_signal(signal.SIGTERM if how == "SIGTERM" else signal.SIGKILL)
        process.wait(timeout=60)
        left = wait_until_gone(process.pid)
        assert not left, f"still running after {how} of chatbook lab: {left}"
    finally:
        for pid, _, _ in processes_in_session(process.pid):
            os.kill(pid, signal.SIGKILL)


# --------------------------------------------------------------------------- the catalogue


def load_catalogue():
    import importlib.util

    spec = importlib.util.spec_from_file_location("attack_catalogue", ROOT / "bench" / "attack.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_docs_list_every_attack_of_the_catalogue():
    """docs/operations.md's table and bench/attack.py's catalogue name the same attacks, and
    every attack the catalogue points at a test of names at least one test that exists."""
    catalogue = load_catalogue()
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    table = doc.split("### The attack catalogue", 1)[1]
    documented = [line.split("|")[1].strip().strip("`") for line in table.splitlines()
                  if line.startswith("| `")]
    assert documented == [attack.key for attack in catalogue.CATALOGUE]
    for attack in catalogue.CATALOGUE:
        for prefix in attack.tests:
            path, _, name = prefix.partition("::")
            assert (ROOT / path).exists(), prefix
            function = name.split("[", 1)[0]
            assert function == "" or f"def {function}" in (ROOT / path).read_text(), prefix
