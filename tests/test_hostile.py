"""The hostile input catalogue: every case gets a clear error (file, and line where there is
one), nothing already stored is lost, and nothing is written outside the data folders.

Inputs go through the real front doors: `chatbook ingest`, `chatbook extract` (media on, real
Postgres, real image decoding), `chatbook search`, `chatbook messages export` and `chatbook
run` (papermill) for notebook parameters.
"""

from __future__ import annotations

import io
import json
import stat
import sys
import uuid
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from toolkit.store import db

sys.path.insert(0, str(Path(__file__).parent))
from reliability_data import export_lines, png_bytes, write_export  # noqa: E402

GOOD_LINES = export_lines("Good", 40, seed=3)


def chat_text(extra: str = "") -> str:
    return "\n".join(export_lines("Hostile", 5, seed=9)) + "\n" + extra


def write_zip(path: Path, members: dict[str, bytes], *, symlink: str | None = None) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")


def zip_slip(path: Path) -> None:
    write_zip(path, {"_chat.txt": chat_text().encode(), "../../evil_slip.txt": b"owned"})


def zip_absolute(path: Path) -> None:
    write_zip(path, {"_chat.txt": chat_text().encode(), "/tmp/evil_abs.txt": b"owned"})


def zip_symlink(path: Path) -> None:
    write_zip(path, {"_chat.txt": chat_text().encode()}, symlink="IMG-0001.jpg")


def zip_bomb(path: Path) -> None:
    # 64 MB of zeros deflate to about 64 KB: a ratio no photo or chat text ever has.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_chat.txt", chat_text())
        with archive.open("VID-0001.mp4", "w", force_zip64=True) as member:
            block = bytes(1 << 20)
            for _ in range(64):
                member.write(block)


def corrupt_zip(path: Path) -> None:
    zip_slip(path.with_suffix(".tmp"))
    data = path.with_suffix(".tmp").read_bytes()
    path.with_suffix(".tmp").unlink()
    path.write_bytes(data[: len(data) // 2])


def zip_without_chat(path: Path) -> None:
    write_zip(path, {"IMG-0001.jpg": png_bytes("only a photo")})


def encrypted_zip(path: Path) -> None:
    """The encryption flag set on the chat member, as a password-protected export has it."""
    write_zip(path, {"_chat.txt": chat_text().encode()})
    data = bytearray(path.read_bytes())
    data[data.find(b"PK\x03\x04") + 6] |= 1
    data[data.find(b"PK\x01\x02") + 8] |= 1
    path.write_bytes(bytes(data))


def binary_file(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


def html_file(path: Path) -> None:
    path.write_text("<!doctype html><html><body><h1>WhatsApp</h1></body></html>\n")


def empty_file(path: Path) -> None:
    path.write_bytes(b"")


def invalid_utf8(path: Path) -> None:
    lines = export_lines("Hostile", 5, seed=9)
    path.write_bytes(("\n".join(lines[:2]) + "\n").encode() + b"14/09/2024, 10:01 - Ana: caf\xe9"
                     b" \xff\xfe\n" + ("\n".join(lines[2:]) + "\n").encode())


def huge_line(path: Path) -> None:
    with path.open("w") as out:
        out.write("14/09/2024, 10:00 - Ana: hello\n14/09/2024, 10:01 - Ana: ")
        block = "x" * (1 << 20)
        for _ in range(100):
            out.write(block)
        out.write("\n14/09/2024, 10:02 - Ana: bye\n")


CASES: list[tuple[str, str, Callable[[Path], None], str]] = [
    ("zip slip", "slip.zip", zip_slip, "unsafe path"),
    ("absolute path in zip", "abs.zip", zip_absolute, "unsafe path"),
    ("symlink in zip", "link.zip", zip_symlink, "symbolic link"),
    ("zip bomb", "bomb.zip", zip_bomb, "zip bomb"),
    ("truncated zip", "cut.zip", corrupt_zip, "not a readable zip"),
    ("encrypted zip", "locked.zip", encrypted_zip, "encrypted"),
    ("binary file", "WhatsApp Chat with Bin.txt", binary_file, "binary"),
    ("html page", "WhatsApp Chat with Page.txt", html_file, "not a WhatsApp chat export"),
    ("empty file", "WhatsApp Chat with Empty.txt", empty_file, "empty"),
    ("invalid UTF-8", "WhatsApp Chat with Latin1.txt", invalid_utf8, ":3: not UTF-8"),
]


def files_outside(root: Path, data: Path) -> set[Path]:
    return {p for p in root.rglob("*") if data not in p.parents and p != data}


@pytest.fixture
def stocked(tmp_path, cli):
    """A store holding one good chat; the hostile batch is imported next to a second one."""
    assert cli("init").returncode == 0
    write_export(tmp_path / "first", "Good", 40, seed=3)
    assert cli("ingest", str(tmp_path / "first")).returncode == 0
    return tmp_path


def message_count(data_dir: Path, chat: str | None = None) -> int:
    conn = db.connect(data_dir / "app.db", readonly=True)
    try:
        if chat is None:
            return int(conn.execute("SELECT count(*) FROM messages").fetchone()[0])
        return int(conn.execute("SELECT count(*) FROM messages m JOIN chats c ON c.id = m.chat_id"
                                " WHERE c.name = ?", (chat,)).fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize(("case", "name", "make", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_hostile_export_is_refused_clearly_and_loses_nothing(stocked, data_dir, cli, case, name,
                                                           make, fragment):
    batch = stocked / "batch"
    batch.mkdir()
    make(batch / name)
    write_export(batch, "Second", 30, seed=4)
    before_outside = files_outside(stocked, data_dir)
    result = cli("ingest", str(batch), "--json")
    assert result.returncode == 1, f"{case}: must be reported as a failure"
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    failed = [f for f in report["files"] if f["error"]]
    assert len(failed) == 1, report["files"]
    line = f"{failed[0]['path']}:{failed[0]['line']}: " if failed[0]["line"] else ""
    message = line + failed[0]["error"]
    assert name in failed[0]["path"], "the error names the file"
    assert fragment in message, f"{case}: {message}"
    assert message_count(data_dir, "Good") == 40, "what was stored before is intact"
    assert message_count(data_dir, "Second") == 30, "the other file of the batch still imports"
    assert message_count(data_dir) == 70, "nothing of the hostile file was stored"
    assert files_outside(stocked, data_dir) == before_outside, "a file was written outside data/"
    assert not list(Path("/tmp").glob("evil_*")) and not (stocked.parent / "evil_slip.txt").exists()
    conn = db.connect(data_dir / "app.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_a_zip_without_a_chat_and_a_huge_line_are_not_failures(stocked, data_dir, cli):
    """Found in a folder, a zip of photos is skipped with a line saying so (a .txt that is no
    chat is treated the same); a 100 MB single line is kept cut short and the rest of its
    export imports. Neither costs the batch anything."""
    batch = stocked / "batch"
    batch.mkdir()
    zip_without_chat(batch / "photos.zip")
    huge_line(batch / "WhatsApp Chat with Huge.txt")
    write_export(batch, "Second", 30, seed=4)
    result = cli("ingest", str(batch))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"skipped {batch / 'photos.zip'}: the zip holds no chat export" in result.stdout
    assert message_count(data_dir, "Huge") == 3
    assert message_count(data_dir, "Second") == 30 and message_count(data_dir, "Good") == 40


# ------------------------------------------------------------------- SQL metacharacters, quotes

NASTY_CHAT = "Robert'); DROP TABLE messages;-- \"quoted\" % _ \\ ;"
NASTY_QUERIES = ["O'Brien", '"Coach"', "'); DROP TABLE messages;--", 'NEAR("a" "b")', "a OR",
                 "*", "\"unbalanced", "col:match", "%_\\"]


def test_sql_metacharacters_in_chat_names_authors_and_queries(stocked, data_dir, cli):
    # The generated authors include "Tom O'Brien" and 'Mr. "Coach" Smith'.
    write_export(stocked / "nasty", "anything", 25, seed=8)
    result = cli("ingest", str(stocked / "nasty"), "--chat", NASTY_CHAT, "--json")
    assert result.returncode == 0, result.stderr
    assert message_count(data_dir, NASTY_CHAT) == 25
    out = stocked / "export.jsonl"
    result = cli("messages", "export", "--chat", NASTY_CHAT, "--format", "jsonl", "--output",
                 str(out))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["chat"] for r in rows} == {NASTY_CHAT}
    assert {"Tom O'Brien", 'Mr. "Coach" Smith'} & {r["author"] for r in rows}
    for query in NASTY_QUERIES:
        result = cli("search", query, "--mode", "keyword", "--json")
        assert "Traceback" not in result.stderr, f"{query!r}: {result.stderr}"
        assert result.returncode in (0, 1), query
        if result.returncode == 0:
            assert isinstance(json.loads(result.stdout), list)
        else:
            assert result.stderr.startswith("chatbook: "), result.stderr
    result = cli("proposals", "list", "--chat", NASTY_CHAT, "--json")
    assert result.returncode == 0, result.stderr
    assert message_count(data_dir) == 40 + 25, "every table still there, nothing lost"


# ------------------------------------------------------------------- notebook parameters


@pytest.mark.kernel
@pytest.mark.slow
def test_notebook_parameters_cannot_inject_code_or_sql(stocked, data_dir, cli):
    marker = Path("/tmp") / f"chatbook_pwned_{uuid.uuid4().hex}"
    payload = (f"x\"\nopen({str(marker)!r}, 'w').write('owned')\n#'); DROP TABLE messages;--"
               f"\\\"\"\"; open({str(marker)!r}, 'w')")
    # A chat really named like that, so the notebook has something to show for it.
    write_export(stocked / "payload", "anything", 20, seed=6)
    assert cli("ingest", str(stocked / "payload"), "--chat", payload).returncode == 0
    result = cli("run", "06_explore", "-p", "chat", payload, timeout=400)
    assert not marker.exists(), "a parameter value was executed as code"
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    executed = next((data_dir / "runs").rglob("06_explore.ipynb"))
    nb = json.loads(executed.read_text())
    injected = next(c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    namespace: dict[str, object] = {}
    exec("".join(injected["source"]), {}, namespace)  # noqa: S102 - checking it is a literal
    assert namespace == {"chat": payload}
    conn = db.connect(data_dir / "app.db", readonly=True)
    recorded = conn.execute("SELECT parameters FROM pipeline_runs").fetchone()[0]
    conn.close()
    assert json.loads(recorded)["06_explore"]["chat"] == payload
    assert message_count(data_dir) == 60 and message_count(data_dir, payload) == 20
    for bad_name in ("chat=1;import os", "__import__('os')", "chat\n"):
        result = cli("run", "06_explore", "-p", bad_name, "x")
        assert result.returncode != 0 and "Traceback" not in result.stderr
        assert result.stderr.startswith("chatbook: "), result.stderr


# ------------------------------------------------------------------- hostile images


def bomb_png() -> bytes:
    """A valid PNG header claiming 60000 x 60000 pixels (3.6 gigapixels) over a few bytes."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (len(body).to_bytes(4, "big") + kind + body
                + zlib.crc32(kind + body).to_bytes(4, "big"))

    header = (60000).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    pixels = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + \
        chunk(b"IEND", b"")


def truncated_jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "orange").save(buffer, "JPEG")
    return buffer.getvalue()[:2000]


@pytest.mark.postgres
def test_hostile_images_become_failed_extractions(tmp_path, cli, pg_url, data_dir):
    env = {"IMAGE_PROCESSING_ENABLED": "true", "MEDIA_DB_URL": pg_url, "OMP_NUM_THREADS": "1"}
    assert cli("init", env=env).returncode == 0
    lines = export_lines("Flyers", 3, seed=2)
    images = {"IMG-0001.png": bomb_png(), "IMG-0002.jpg": truncated_jpeg(),
              "IMG-0003.png": png_bytes("fine")}
    lines += [f"14/12/2024, 10:0{i} - Priya: {name} (file attached)"
              for i, name in enumerate(images)]
    write_zip(tmp_path / "WhatsApp Chat - Flyers.zip",
              {"_chat.txt": ("\n".join(lines) + "\n").encode(), **images})
    result = cli("ingest", str(tmp_path / "WhatsApp Chat - Flyers.zip"), env=env)
    assert result.returncode == 0, result.stderr
    result = cli("extract", "--json", env=env, timeout=400)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["images_processed"] == 3 and report["images_failed"] == 2
    import psycopg

    with psycopg.connect(pg_url) as conn:
        rows = dict(conn.execute(
            "SELECT a.file_name, e.status || ': ' || coalesce(e.error, '') FROM extractions e"
            " JOIN attachments a ON a.id = e.attachment_id").fetchall())
    assert rows["IMG-0001.png"].startswith("failed: ") and "bomb" in rows["IMG-0001.png"]
    assert rows["IMG-0002.jpg"].startswith("failed: ")
    assert rows["IMG-0003.png"].startswith("done")
    assert message_count(data_dir) == 6
