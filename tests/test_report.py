"""The run report (notebooks/07_report.ipynb, toolkit.ops.report) as a person reads it.

The figures come from a real SQLite store; the last test runs the report stage of `chatbook run`
(papermill, a real kernel) and reads the HTML a person opens: no code, plots as images inside
the page, tidy tables, links that lead somewhere, nothing loaded from anywhere.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from review_data import CHAT, MESSAGES, seed_review_queue

from toolkit.ops import report
from toolkit.review import proposals
from toolkit.store import db

TODAY = date(2026, 12, 1)
EMOJI_CHAT = "Familia 👨‍👩‍👧 ❤️"


@pytest.fixture
def store(settings, db_conn):
    """The review queue, plus an emoji-named chat; two proposals decided."""
    messages = [*MESSAGES, (EMOJI_CHAT, "Mamá", "2026-11-16T09:00:00+00:00", "Cena el sábado")]
    seeded = seed_review_queue(db_conn, messages=messages)
    proposals.accept(db_conn, seeded.ids[0], reviewer="alice", expected_version=1)
    proposals.reject(db_conn, seeded.ids[2], reviewer="alice", expected_version=1, reason="no")
    return settings, seeded


def test_the_summary_holds_what_the_plots_and_tables_need(store) -> None:
    settings, seeded = store
    summary = report.run_summary(settings, today=TODAY)
    weeks = {(r["chat"], r["week"]): r["n"] for r in summary["weekly_messages"]}
    assert weeks == {(CHAT, "2026-11-30"): 7, ("Year 4 class", "2026-11-23"): 1,
                     (EMOJI_CHAT, "2026-11-16"): 1}  # weeks start on Monday
    tenths = {(r["status"], r["tenth"]): r["n"] for r in summary["confidences"]}
    assert tenths == {("accepted", 9): 1, ("pending", 7): 1, ("pending", 9): 1,
                      ("rejected", 5): 1}
    assert [e["title"] for e in summary["upcoming"]] == ["U11 match at Riverside Park"]
    assert summary["upcoming"][0]["chat"] == CHAT
    assert report.run_summary(settings, today=date(2026, 12, 6))["upcoming"] == []
    waiting = summary["proposals"]["waiting"]
    assert [w["title"] for w in waiting] == ["Team photo", "Christmas party"]
    assert summary["proposals"]["waiting_total"] == 2
    json.dumps(summary)  # summary.json: plain data only


def test_tables_read_like_a_page_not_a_dataframe(store, monkeypatch) -> None:
    settings, _ = store
    summary = report.run_summary(settings, today=TODAY)
    waiting = report.waiting_html(summary)
    assert "<th" in waiting and "dtype" not in waiting and "…" not in waiting
    assert "Sun 6 Dec, 14:00" in waiting and "71%" in waiting and "Team photo" in waiting
    assert "U11 match" in report.upcoming_html(summary)
    monkeypatch.setattr(report, "NEWEST_LIMIT", 1)
    cut = report.run_summary(settings, today=TODAY)
    assert "and 1 more in the review queue" in report.waiting_html(cut)
    cards = report.cards_html(summary)
    assert "new messages" in cards and "of 9 in 3 chats" in cards
    assert "2 waiting for review" in cards


def test_links_lead_to_the_runs_pages_and_say_how_to_review(store, tmp_path, monkeypatch) -> None:
    settings, _ = store
    summary = report.run_summary(settings, today=TODAY)
    summary["run"] = {"id": "abc", "status": "running", "output_dir": str(tmp_path),
                      "notebooks": [{"name": "01_ingest", "status": "succeeded", "seconds": 2.5,
                                     "html": str(tmp_path / "01_ingest.html")}]}
    head = report.summary_html(summary)
    assert '<a href="01_ingest.html">01_ingest</a>' in head  # beside the report, in the run folder
    monkeypatch.setattr(report, "lab_server", lambda: None)
    steps = report.next_html(summary)
    assert "<code>chatbook review</code>" in steps and "<code>chatbook lab</code>" in steps
    assert "8888" not in steps
    assert 'href="summary.md"' in steps and tmp_path.as_uri() in steps
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    (notebooks / "05_review.ipynb").write_text("{}")
    monkeypatch.setattr(report, "lab_server", lambda: {"url": "http://127.0.0.1:8899/",
                                                        "root_dir": str(notebooks)})
    steps = report.next_html(summary)
    assert 'href="http://127.0.0.1:8899/lab/tree/05_review.ipynb"' in steps
    assert "06_explore" not in steps.split("JupyterLab running now")[1]  # not in that folder


def test_plots_draw_and_never_lack_a_glyph(store, recwarn) -> None:
    settings, _ = store
    summary = report.run_summary(settings, today=TODAY)
    font = report.plot_font()
    assert report.drawable(EMOJI_CHAT, font) == "Familia ❤"  # the heart is in the font
    assert report.drawable("Año 5º — café", font) == "Año 5º — café"
    lines = report.messages_figure(summary).axes[0].get_legend_handles_labels()[1]
    assert lines == [CHAT, "Familia ❤", "Year 4 class"]  # busiest first
    bars = report.proposals_figure(summary).axes[0].get_legend_handles_labels()[1]
    assert bars == ["pending (2)", "accepted (1)", "rejected (1)"]
    timeline = report.upcoming_figure(summary)
    for figure in (report.messages_figure(summary), report.proposals_figure(summary), timeline):
        assert report.png(figure).startswith(b"\x89PNG")
    assert not [w for w in recwarn if "Glyph" in str(w.message)]


def test_an_empty_store_says_what_to_do(settings, db_conn) -> None:
    summary = report.run_summary(settings, today=TODAY)
    assert report.messages_figure(summary) is None and report.proposals_figure(summary) is None
    assert report.upcoming_figure(summary) is None
    assert "No accepted event lies ahead" in report.upcoming_html(summary)
    assert "Nothing new waits for review" in report.waiting_html(summary)


@pytest.mark.kernel
def test_the_report_page_shows_no_code_and_loads_nothing(store, monkeypatch) -> None:
    from toolkit.ops import pipeline

    settings, seeded = store
    soon = date.today() + timedelta(days=3)
    conn = db.connect(settings.db_path)
    try:  # an accepted event ahead of today, so the timeline has something to draw
        conn.execute("UPDATE events SET start = ?, end = NULL", (f"{soon.isoformat()}T10:00:00+00:00",))
        # Found before this run (the run starts within the second the store was filled).
        conn.execute("UPDATE proposals SET created_at = '2026-11-30T19:00:00+00:00'")
    finally:
        conn.close()
    for name, value in settings.as_env().items():
        monkeypatch.setenv(name, value)
    result = pipeline.run_pipeline(settings, ["report"])
    stage = result.notebooks[0]
    page = Path(stage.html).read_text()
    executed = json.loads(Path(stage.notebook).read_text())
    # No code: neither the notebook's nor the injected parameters.
    assert "import toolkit" not in page and "report.show" not in page and "run_id =" not in page
    assert all(c["metadata"].get("jupyter", {}).get("source_hidden")
               for c in executed["cells"] if c["cell_type"] == "code")
    # Three plots as PNGs inside the page, and no warning printed under any of them.
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 3 and all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    streams = [o for c in executed["cells"] for o in c.get("outputs", [])
               if o.get("output_type") == "stream"]
    assert streams == []
    assert f"Run {result.run_id} (in progress: this report is its last stage)" in page
    assert "U11 match at Riverside Park" in page  # coming up
    assert "Nothing new waits for review. (2 pending in all" in page  # none new since the start
    # Nothing from anywhere else: no script, style, image or font from the network.
    remote = re.findall(r'(?:src|href)=["\'](https?://[^"\']+)', page)
    assert [url for url in remote if not url.startswith("http://127.0.0.1")] == []
    assert "chatbook review" in page and ":8888" not in re.sub(r'data:image/png[^"]+', "", page)


def test_the_running_lab_is_found_from_its_server_file(tmp_path, monkeypatch) -> None:
    """Jupyter writes jpserver-<pid>.json into its runtime folder while a server runs; a file
    left by a killed server, or a remote one, is no running Lab of ours."""
    import json
    import os
    import subprocess
    import sys

    runtime = tmp_path / "runtime"
    runtime.mkdir()
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
    assert report.lab_server() is None
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    (runtime / "jpserver-1.json").write_text(json.dumps(
        {"pid": int(gone.stdout), "url": "http://127.0.0.1:8801/", "root_dir": "/old"}))
    (runtime / "jpserver-2.json").write_text(json.dumps(
        {"pid": os.getpid(), "url": "http://example.org:8802/", "root_dir": "/remote"}))
    (runtime / "jpserver-3.json").write_text("{half written")
    assert report.lab_server() is None
    (runtime / "jpserver-4.json").write_text(json.dumps(
        {"pid": os.getpid(), "url": "http://127.0.0.1:8803/", "root_dir": str(tmp_path)}))
    server = report.lab_server()
    assert server is not None and server["url"] == "http://127.0.0.1:8803/"


def test_looking_for_a_running_lab_does_not_import_the_jupyter_server(tmp_path) -> None:
    import os
    import subprocess
    import sys

    code = ("import sys; from toolkit.ops import report; report.lab_server(); "
            "print('jupyter_server.serverapp' in sys.modules)")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True)
    assert out.stdout.strip() == "False"
