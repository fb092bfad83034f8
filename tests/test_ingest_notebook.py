"""notebooks/01_ingest.ipynb executed for real by papermill on the project's kernel."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from toolkit.ops import nbparams
from toolkit.store.connect import open_db

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "01_ingest.ipynb"
SAMPLE = ROOT / "data" / "sample"


def test_notebook_is_committed_clean_with_typed_parameters():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") and cell.get("execution_count") is None
               for cell in nb.cells if cell.cell_type == "code")
    declared = nbparams.read_parameters(NOTEBOOK)
    assert set(declared) == {"source", "chat", "tz", "date_order", "fail_on_rejected"}
    assert declared["source"].annotation == "str" and declared["source"].default == ""


@pytest.mark.kernel
@pytest.mark.slow
def test_notebook_imports_and_shows_rejected(tmp_path, monkeypatch, settings):
    import papermill

    for name, value in settings.as_env().items():
        monkeypatch.setenv(name, value)
    bad = tmp_path / "WhatsApp Chat with Broken.txt"
    bad.write_text("13/09/2024, 10:00 - Ana: hi\n31/09/2024, 10:00 - Ana: no such day\n")
    out = tmp_path / "out.ipynb"
    sources = f"{SAMPLE / 'WhatsApp Chat with School Parents.txt'}, {bad}"
    with pytest.raises(papermill.PapermillExecutionError) as error:
        papermill.execute_notebook(str(NOTEBOOK), str(out), kernel_name="chatbook",
                                   parameters={"source": sources, "tz": "Europe/London"},
                                   progress_bar=False, cwd=str(ROOT))
    assert "Broken.txt:2: invalid date" in str(error.value)
    executed = nbformat.read(out, as_version=4)
    text = json.dumps([cell.get("outputs", []) for cell in executed.cells])
    assert "174 new" in text and "School Parents" in text and "no such day" not in text
    assert "Broken.txt" in text  # the rejected-files table
    conn = open_db(settings)
    assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 174
    assert conn.execute("SELECT tz FROM chats").fetchone()[0] == "Europe/London"
    conn.close()


@pytest.mark.kernel
@pytest.mark.slow
def test_notebook_default_source_is_the_inbox(tmp_path, monkeypatch, settings):
    import papermill

    for name, value in settings.as_env().items():
        monkeypatch.setenv(name, value)
    settings.inbox_dir.mkdir(parents=True)
    (settings.inbox_dir / "WhatsApp Chat with Inbox.txt").write_text(
        "[9/13/24, 7:58:03 PM] Ana: from the inbox\n")
    papermill.execute_notebook(str(NOTEBOOK), str(tmp_path / "out.ipynb"),
                               kernel_name="chatbook", progress_bar=False, cwd=str(ROOT))
    conn = open_db(settings)
    assert [tuple(r) for r in conn.execute("SELECT c.name, m.text FROM messages m "
                                           "JOIN chats c ON c.id = m.chat_id")] == [
        ("Inbox", "from the inbox")]
    conn.close()
