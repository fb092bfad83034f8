"""Time to first render of `chatbook review`, and of one decision, in Debian's Chromium.

    .venv/bin/python bench/review.py [--rounds 2] [--reloads 3] [--decisions 8] [--json]

The input is the sample chats (data/sample) ingested and extracted into a fresh data folder:
the review queue a new user sees after `chatbook demo`. Three servers are measured on it, in
alternating rounds, the browser driven by Playwright as a person would use the page:

- `chatbook review` (warm, the default: one kernel waits with the page drawn);
- `chatbook review --no-warm` (each page starts its own kernel);
- the floor: the same Voila (`toolkit.ui.review.page`, no kernel kept warm) on a notebook
  holding one ipywidgets button and label, nothing else of chatbook's: what any Voila page costs
  on this machine (a kernel, the widget scripts, a round trip).

For each: `link` (command start to the URL printed), `first page` (opening the URL to the first
proposal's title in the form), `reload` (median), `command to page` (the two first ones
together: what a person waits for after typing the command), and `decision` (median of `a`
pressed to the next proposal shown; for the floor, a click to the label's change). Ratios are
against the floor; the machine's load is printed before and after each measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.config import Settings, load_settings  # noqa: E402
from toolkit.ui.review.serve import free_port, wait_for_port  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
URL_LINE = re.compile(r"(http://127\.0\.0\.1:\d+/\?token=\S+)")
TITLE_JS = "() => document.querySelector('.cb-title input')?.value || null"
WAIT_MS = 180_000
FLOOR_NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "id": "floor", "metadata": {},
               "outputs": [], "source": [
                   "import ipywidgets as w\n",
                   "label = w.Label('0', layout=w.Layout(width='100px'))\n",
                   "label.add_class('floor-label')\n",
                   "button = w.Button(description='press')\n",
                   "button.add_class('floor-button')\n",
                   "button.on_click(lambda _: setattr(label, 'value', str(int(label.value) + 1)))\n",
                   "w.HBox([button, label])"]}],
    "metadata": {"kernelspec": {"display_name": "chatbook (.venv)", "language": "python",
                                "name": "chatbook"}},
    "nbformat": 4, "nbformat_minor": 5}


def load() -> float:
    return round(os.getloadavg()[0], 2)


def sample_store(folder: Path) -> Settings:
    """The sample chats ingested and extracted: the queue a new user reviews first."""
    import toolkit

    env = {"DATA_DIR": str(folder / "data"), "CHATBOOK_REVIEWER": "bench"}
    settings = load_settings(env, cwd=folder)
    toolkit.ingest_paths(settings, sorted((ROOT / "data" / "sample").glob("WhatsApp*")))
    toolkit.extract_new(settings)
    return settings


def pending(settings: Settings) -> int:
    from toolkit.store import db

    conn = db.connect(settings.db_path, readonly=True)
    try:
        return int(conn.execute("SELECT count(*) FROM proposals WHERE status = 'pending'"
                                ).fetchone()[0])
    finally:
        conn.close()


def reset_reviews(settings: Settings) -> None:
    """Every proposal pending again and no saved position, so each round sees the same queue."""
    from toolkit.review import proposals
    from toolkit.store import db

    conn = db.connect(settings.db_path)
    try:
        for row in conn.execute("SELECT id FROM proposals WHERE status != 'pending'").fetchall():
            while True:
                try:
                    proposals.undo(conn, int(row["id"]), reviewer="bench")
                except Exception:  # noqa: BLE001  (nothing left to undo)
                    break
        conn.execute("DELETE FROM review_state")
    finally:
        conn.close()


class Server:
    """A server process and the URL it printed."""

    def __init__(self, command: list[str], env: dict[str, str], cwd: Path,
                 url: str | None = None, port: int | None = None) -> None:
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True,
                                        start_new_session=True)
        if url is None:
            assert self.process.stdout is not None
            line = self.process.stdout.readline()
            found = URL_LINE.search(line)
            if not found:
                raise RuntimeError(f"no URL printed: {line!r}")
            self.url = found.group(1)
        else:
            assert port is not None
            if not wait_for_port(port, 120, self.process):
                raise RuntimeError("the floor's Voila did not start")
            self.url = url
        self.link_s = time.monotonic() - self.started
        threading.Thread(target=self.process.stdout.read, daemon=True).start()  # type: ignore[union-attr]

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def chatbook_server(settings: Settings, folder: Path, warm: bool) -> Server:
    env = {**os.environ, **settings.as_env(), "CHATBOOK_REVIEWER": "bench"}
    command = [sys.executable, "-m", "toolkit", "review", "--no-browser", "--port",
               str(free_port()), "--warm" if warm else "--no-warm"]
    return Server(command, env, folder)


def floor_server(folder: Path) -> Server:
    notebook = folder / "floor.ipynb"
    notebook.write_text(json.dumps(FLOOR_NOTEBOOK))
    port, token = free_port(), secrets.token_urlsafe(16)
    env = {**os.environ, "JUPYTER_TOKEN": token}
    command = [sys.executable, "-m", "toolkit.ui.review.page", str(notebook), f"--port={port}",
               "--no-browser", "--Voila.ip=127.0.0.1", "--Voila.auto_token=True"]
    return Server(command, env, folder, url=f"http://127.0.0.1:{port}/?token={token}", port=port)


def time_loads(page: Any, url: str, ready_js: str, reloads: int) -> tuple[float, list[float]]:
    """Seconds from opening `url` until `ready_js` holds, then the same for each reload."""
    started = time.monotonic()
    page.goto(url, timeout=WAIT_MS)
    page.wait_for_function(ready_js, timeout=WAIT_MS)
    first = time.monotonic() - started
    again = []
    for _ in range(reloads):
        started = time.monotonic()
        page.reload(timeout=WAIT_MS)
        page.wait_for_function(ready_js, timeout=WAIT_MS)
        again.append(time.monotonic() - started)
        page.wait_for_timeout(1500)  # the warm kernel refills; a person reads the page anyway
    return first, again


def measure_review(browser: Any, server: Server, reloads: int, decisions: int) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    first, again = time_loads(page, server.url, TITLE_JS, reloads)
    took = []
    for _ in range(decisions):
        shown = page.evaluate("() => document.querySelector('.cb-summary').dataset.proposalId")
        started = time.monotonic()
        page.keyboard.press("a")
        page.wait_for_function(
            "id => document.querySelector('.cb-summary')?.dataset.proposalId !== id"
            " || document.querySelector('.cb-done')?.offsetParent", arg=shown, timeout=WAIT_MS)
        took.append(time.monotonic() - started)
    page.close()
    return {"first_s": first, "reload_s": statistics.median(again) if again else None,
            "decision_ms": 1000 * statistics.median(took) if took else None}


def measure_floor(browser: Any, server: Server, reloads: int, decisions: int) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    ready = "() => document.querySelector('.floor-button') !== null"
    first, again = time_loads(page, server.url, ready, reloads)
    took = []
    for n in range(1, decisions + 1):
        started = time.monotonic()
        page.locator(".floor-button").click()
        page.wait_for_function(f"() => document.querySelector('.floor-label')?.textContent === '{n}'",
                               timeout=WAIT_MS)
        took.append(time.monotonic() - started)
    page.close()
    return {"first_s": first, "reload_s": statistics.median(again) if again else None,
            "decision_ms": 1000 * statistics.median(took) if took else None}


def one_round(browser: Any, settings: Settings, folder: Path, name: str, reloads: int,
              decisions: int) -> dict[str, Any]:
    load_before = load()
    if name == "floor":
        server = floor_server(folder)
    else:
        reset_reviews(settings)
        server = chatbook_server(settings, folder, warm=name == "warm")
    try:
        measure = measure_floor if name == "floor" else measure_review
        result = measure(browser, server, reloads, decisions)
    finally:
        server.stop()
    return {"server": name, "link_s": server.link_s, **result,
            "command_to_page_s": server.link_s + result["first_s"],
            "load_before": load_before, "load_after": load()}


def summarise(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    names = dict.fromkeys(row["server"] for row in rows)
    keys = ("link_s", "first_s", "reload_s", "command_to_page_s", "decision_ms")
    return {name: {key: statistics.median(r[key] for r in rows if r["server"] == name)
                   for key in keys} for name in names}


def print_table(summary: dict[str, dict[str, float]], rows: list[dict[str, Any]]) -> None:
    floor = summary["floor"]
    print(f"\n{'server':<22}{'link':>8}{'1st page':>10}{'reload':>9}{'cmd→page':>10}"
          f"{'decision':>11}   (median of rounds; x: ratio to the floor)")
    for name, figures in summary.items():
        label = {"warm": "chatbook review", "cold": "review --no-warm",
                 "floor": "floor: Voila, 1 button"}[name]
        print(f"{label:<22}{figures['link_s']:>7.1f}s{figures['first_s']:>9.2f}s"
              f"{figures['reload_s']:>8.2f}s{figures['command_to_page_s']:>9.1f}s"
              f"{figures['decision_ms']:>9.0f}ms")
        if name != "floor":
            print(f"{'':<22}{'':>8}{figures['first_s'] / floor['first_s']:>9.2f}x"
                  f"{figures['reload_s'] / floor['reload_s']:>8.2f}x"
                  f"{figures['command_to_page_s'] / floor['command_to_page_s']:>9.2f}x"
                  f"{figures['decision_ms'] / floor['decision_ms']:>9.2f}x")
    loads = [r["load_before"] for r in rows] + [r["load_after"] for r in rows]
    print(f"\nload average (1 min) during the runs: {min(loads):.2f} to {max(loads):.2f} "
          f"on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--reloads", type=int, default=3)
    parser.add_argument("--decisions", type=int, default=8)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from toolkit.ops.kernels import ensure_kernel_spec

    ensure_kernel_spec()
    folder = Path(tempfile.mkdtemp(prefix="chatbook-bench-review-"))
    settings = sample_store(folder)
    print(f"input: the sample chats, {pending(settings)} pending proposals; load {load()}",
          flush=True)
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        try:
            for number in range(args.rounds):
                for name in ("warm", "cold", "floor"):
                    row = one_round(browser, settings, folder, name, args.reloads,
                                    args.decisions)
                    rows.append(row)
                    print(f"round {number + 1} {name:<5} link {row['link_s']:.1f}s first "
                          f"{row['first_s']:.2f}s reload {row['reload_s']:.2f}s decision "
                          f"{row['decision_ms']:.0f}ms (load {row['load_before']}→"
                          f"{row['load_after']})", flush=True)
        finally:
            browser.close()
    summary = summarise(rows)
    if args.json:
        print(json.dumps({"rows": rows, "summary": summary}, indent=2))
    else:
        print_table(summary, rows)


if __name__ == "__main__":
    main()
