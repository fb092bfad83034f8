"""The review page in a real browser, as a person uses it: Debian's Chromium driven by Playwright.

`chatbook review` (Voila) runs on a free localhost port against a temp data folder holding
proposals made here, and JupyterLab runs the review notebook in the last test. Every test
asserts what a person would see (the title in the form and on the card, the progress line, the
banner, the end of the queue, the `?` overlay) and then reads the database.

A key that must do nothing is followed by one that must do something: the kernel handles keys in
the order they were pressed, so the state after the second proves what the first did.

Playwright for Python drives /usr/bin/chromium (installed by scripts/setup.sh; never a browser
download). Screenshots of the key states go to `review-screenshots/` in the run's temp folder
(pytest's basetemp, printed at the end of each test).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from review_data import CHAT, MESSAGES, audit_rows, proposal_row, seed_review_queue

from toolkit.config import load_settings
from toolkit.store import db
from toolkit.store.connect import open_db
from toolkit.ui.review.serve import free_port

pytestmark = [pytest.mark.kernel, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
URL_LINE = re.compile(r"serving on (http://127\.0\.0\.1:\d+/\?token=\S+)")
U11, PHOTO, NATIVITY, PARTY = ("U11 match at Riverside Park", "Team photo", "Nativity rehearsal",
                               "Christmas party")
WAIT_MS = 60_000  # a loaded 2-core machine: generous, never a measure of speed


@dataclass
class Server:
    url: str  # with the token
    db_path: Path
    log: Path
    remote: list[str] = field(default_factory=list)  # requests that left this machine

    @property
    def base(self) -> str:
        return self.url.split("?", 1)[0]

    @property
    def token(self) -> str:
        return self.url.split("token=", 1)[1]

    def kernels(self) -> list[dict[str, Any]]:
        """The kernels the server runs, from its API."""
        with urllib.request.urlopen(f"{self.base}api/kernels?token={self.token}") as reply:
            return list(json.loads(reply.read()))


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
          ) -> Iterator[Callable[[Any, str], None]]:
    """shots(page, name): a full-page screenshot kept under the run's temp folder."""
    folder = tmp_path_factory.getbasetemp() / "review-screenshots"
    folder.mkdir(exist_ok=True)

    def take(page: Any, name: str) -> None:
        page.screenshot(path=str(folder / f"{request.node.name}-{name}.png"), full_page=True)

    yield take
    print(f"\nscreenshots: {folder}")


@pytest.fixture
def start_review(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """start_review(seed=...): `chatbook review --no-browser` on a free port, on a store that
    `seed(conn)` filled (the review queue of tests/review_data.py by default)."""
    processes: list[subprocess.Popen[str]] = []

    def start(seed: Callable[[db.Connection], Any] = seed_review_queue) -> Server:
        env = {**os.environ, "DATA_DIR": str(tmp_path / "data"),
               "CHATBOOK_REVIEWER": "browser-tester", "PYTHONUNBUFFERED": "1"}
        settings = load_settings(env, cwd=tmp_path)
        conn = open_db(settings)
        seed(conn)
        conn.close()
        log = tmp_path / "review.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "toolkit", "review", "--port", str(free_port()),
                 "--no-browser"],
                env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=out, text=True,
                start_new_session=True)
        processes.append(process)
        assert process.stdout is not None
        first = process.stdout.readline()
        found = URL_LINE.search(first)
        assert found, f"no URL printed: {first!r}; log: {log.read_text()}"
        # Keep reading, so a full pipe can never block the server.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        return Server(found.group(1), settings.db_path, log)

    yield start
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser: Any, server: Server, url: str | None = None, context: Any = None) -> Any:
    """A new tab on the review page, recording any request that is not to this machine."""
    page = (context or browser).new_page()
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.on("request", lambda r: None if r.url.startswith(
        ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else server.remote.append(r.url))
    page.goto(url or server.url, timeout=WAIT_MS)
    return page


# ------------------------------------------------------------------ what a person sees

SEEN_JS = """() => {
  const q = (s) => document.querySelector(s);
  const visible = (e) => Boolean(e) && e.offsetParent !== null;
  const banner = q(".cb-banner");
  const end = q(".cb-done");
  return {
    field: q(".cb-title input")?.value ?? null,
    card: visible(q(".cb-title-line")) ? q(".cb-title-line").textContent : null,
    progress: q(".cb-progress-text")?.textContent ?? null,
    banner: banner ? banner.textContent : "",
    level: banner ? [...banner.classList].find((c) => c.startsWith("cb-banner-")).slice(10) : "",
    end: visible(end) ? end.textContent : "",
    help: visible(q(".cb-help")) ? q(".cb-help").textContent : "",
    focus: document.activeElement?.className ?? "",
  };
}"""


def seen(page: Any) -> dict[str, Any]:
    return dict(page.evaluate(SEEN_JS))


def wait_until(page: Any, what: str, check: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """Poll what the page shows until `check` holds; fail with what it shows instead."""
    deadline = time.monotonic() + WAIT_MS / 1000
    state = seen(page)
    while not check(state):
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {what}; the page shows {state}")
        page.wait_for_timeout(100)
        state = seen(page)
    return state


def shows(page: Any, title: str, progress: str, banner: str = "", level: str = "") -> None:
    """This proposal in the form and on the card, this progress line, and this banner."""
    wait_until(page, f"{title!r}, {progress!r}, banner {banner!r} ({level})", lambda s: (
        s["field"] == title and s["card"] == title and s["progress"] == progress
        and (s["banner"].startswith(banner) and s["level"] == level if banner
             else s["banner"] == "")))


def at(number: int, decided: int = 0, of: int = 4) -> str:
    return f"Proposal {number} of {of} in this queue · {decided} decided"


def loaded(page: Any) -> None:
    shows(page, U11, at(1))


def statuses(server: Server, n: int = 4) -> list[str]:
    conn = db.connect(server.db_path, readonly=True)
    try:
        return [proposal_row(conn, i)["status"] for i in range(1, n + 1)]
    finally:
        conn.close()


def actions(server: Server, proposal_id: int) -> list[str]:
    conn = db.connect(server.db_path, readonly=True)
    try:
        return [a["action"] for a in audit_rows(conn, proposal_id)]
    finally:
        conn.close()


# ------------------------------------------------------------------ Voila


@pytest.mark.timeout(300)
def test_decide_with_keyboard_and_mouse(start_review, chromium, shots) -> None:
    """Accept by key, Space after a mouse click, Previous clicked then Space and Enter, an edit
    typed with the keyboard only (Tab leaves the time field), a reject with a reason."""
    server = start_review()
    page = open_page(chromium, server)
    loaded(page)
    assert "Europe/London, GMT" in page.locator(".cb-summary .cb-zone").inner_text()
    shots(page, "1-loaded")

    # A mouse click on Accept; Space then accepts the proposal now shown, never a second click
    # on the button (the focus went back to the app, not to the button).
    page.locator(".cb-btn-accept").click()
    shows(page, PHOTO, at(2, 1), f"Accepted: “{U11}”", "ok")
    wait_until(page, "the focus on the app", lambda s: "chatbook-review" in s["focus"])
    page.keyboard.press(" ")
    shows(page, NATIVITY, at(3, 2), f"Accepted: “{PHOTO}”", "ok")

    # Previous clicked, then Space and Enter: Space would accept the one shown but it is already
    # accepted, Enter is no shortcut; neither repeats Previous. `n` then moves from where we are.
    page.locator(".cb-btn-previous").click()
    shows(page, PHOTO, at(2, 2))
    page.keyboard.press(" ")
    page.keyboard.press("Enter")
    page.keyboard.press("n")
    shows(page, NATIVITY, at(3, 2))
    assert actions(server, 2) == ["accept"]

    # An edit with the keyboard only: typed day and time, Tab to the next field each time.
    page.locator(".cb-title input").click()
    page.keyboard.press("End")
    page.keyboard.type(" (bring a snack, please)")  # a, e, r, s, n, p, x: typed, not obeyed
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.cb-start-day') !== null")
    page.keyboard.press("Control+A")
    page.keyboard.type("Wed 9 Dec")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.cb-start-time') !== null")
    page.keyboard.press("Control+A")
    page.keyboard.type("4:30pm")
    page.keyboard.press("Tab")  # out of the time field, to the next one
    assert page.evaluate("document.activeElement.closest('.cb-end-day') !== null")
    page.wait_for_function(  # read back once the field is left
        "() => document.querySelector('.cb-form-readback')?.textContent"
        ".includes('Wed 9 Dec 2026, 16:30')", timeout=WAIT_MS)
    shots(page, "2-edited")
    page.keyboard.press("Escape")  # leave the field: the keys act again
    page.keyboard.press("e")
    shows(page, PARTY, at(4, 3), "Edited: “Nativity rehearsal (bring a snack, please)”", "ok")

    # Reject with a reason of one's own, by the button.
    page.locator(".cb-reason input").fill("not our school")
    page.locator(".cb-btn-reject").click()
    wait_until(page, "the end of the queue", lambda s: "Every proposal in this queue is decided"
               in s["end"])
    assert server.remote == []

    conn = db.connect(server.db_path, readonly=True)
    try:
        rows = [proposal_row(conn, i) for i in (1, 2, 3, 4)]
        assert [r["status"] for r in rows] == ["accepted", "accepted", "edited", "rejected"]
        assert rows[2]["title"] == "Nativity rehearsal (bring a snack, please)"
        assert rows[2]["start"] == "2026-12-09T16:30:00+00:00"
        assert rows[3]["reject_reason"] == "not our school"
        assert {r["reviewed_by"] for r in rows} == {"browser-tester"}
    finally:
        conn.close()


@pytest.mark.timeout(300)
def test_every_shortcut_key_and_the_end_of_the_queue(start_review, chromium, shots) -> None:
    """Each key pressed on the page does what the `?` overlay says; the end stays the end."""
    server = start_review()
    page = open_page(chromium, server)
    loaded(page)
    page.keyboard.press("?")
    help_text = wait_until(page, "the key list", lambda s: bool(s["help"]))["help"]
    for keys in ("a", "Space", "e", "x", "r", "s", "⌫", "u", "←", "p", "→", "n", "?", "Esc"):
        assert keys in help_text, keys
    shots(page, "1-keys")
    page.keyboard.press("a")  # the overlay is open: keys only close it
    page.keyboard.press("Escape")
    wait_until(page, "the overlay closed", lambda s: not s["help"])
    steps = [  # key, then what the page shows: proposal, progress, banner start, level
        ("n", PHOTO, at(2), "", ""),
        ("ArrowRight", NATIVITY, at(3), "", ""),
        ("p", PHOTO, at(2), "", ""),
        ("ArrowLeft", U11, at(1), "", ""),
        ("s", PHOTO, at(2), f"Skipped “{U11}”; it stays pending.", "info"),
        ("a", NATIVITY, at(3, 1), f"Accepted: “{PHOTO}”", "ok"),
        ("Backspace", PHOTO, at(2), f"Undone: “{PHOTO}” is pending again.", "info"),
        (" ", NATIVITY, at(3, 1), f"Accepted: “{PHOTO}”", "ok"),
        ("u", PHOTO, at(2), f"Undone: “{PHOTO}” is pending again.", "info"),
        ("e", NATIVITY, at(3, 1), f"Accepted: “{PHOTO}”", "ok"),
        ("x", PARTY, at(4, 2), f"Rejected: “{NATIVITY}”", "info"),
        ("r", U11, at(1, 3), f"Rejected: “{PARTY}”", "info"),
    ]
    for key, title, progress, banner, level in steps:
        page.keyboard.press(key)
        shows(page, title, progress, banner, level)

    # The last pending one decided: the end shows, and stays (no flash, no banner after it).
    page.keyboard.press(" ")
    wait_until(page, "the end", lambda s: "Every proposal in this queue is decided" in s["end"])
    page.wait_for_timeout(1500)
    state = seen(page)
    assert "4 here: 2 accepted, 2 rejected." in state["end"] and state["banner"] == ""
    assert f"Accepted: “{U11}”" in state["end"]
    assert state["progress"] == "All 4 in this queue decided"
    shots(page, "2-end")
    page.keyboard.press("s")  # nothing left to skip or decide at the end
    page.keyboard.press("a")
    page.keyboard.press("ArrowLeft")  # back to the last one decided
    shows(page, U11, at(1, 4))
    page.keyboard.press("s")
    wait_until(page, "skip saying what is true", lambda s: s["banner"] == (
        f"“{U11}” is already accepted; nothing in this queue is pending."))
    assert statuses(server) == ["accepted", "accepted", "rejected", "rejected"]
    assert actions(server, 2) == ["accept", "undo", "accept", "undo", "accept"]
    assert server.remote == []


@pytest.mark.timeout(300)
def test_slider_arrows_bulk_accept_and_its_undo(start_review, chromium, shots) -> None:
    """Arrows on a focused slider move the slider; a bulk preview leaves out an unticked row;
    Backspace after the bulk accept reverts all of it."""
    server = start_review()
    page = open_page(chromium, server)
    loaded(page)
    page.locator(".widget-toggle-button", has_text="More filters").click()
    handle = page.locator(".cb-confidence-filter [role=slider]")
    handle.click()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.cb-confidence-filter .widget-readout')"
        "?.textContent.trim() === '0.10'", timeout=WAIT_MS)
    page.keyboard.press("Escape")
    page.keyboard.press("n")  # the arrows did not move the queue: n goes to the 2nd
    shows(page, PHOTO, at(2))

    page.locator(".cb-bulk-open").click()
    threshold = page.locator(".cb-bulk [role=slider]")
    threshold.click()
    for _ in range(20):  # 0.90 -> 0.70, by the keyboard
        page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "() => document.querySelector('.cb-bulk .widget-readout')?.textContent.trim() === '0.70'",
        timeout=WAIT_MS)
    page.locator(".cb-bulk-preview").click()
    rows = page.locator(".cb-bulk-check")
    rows.nth(2).wait_for(timeout=WAIT_MS)
    assert [t.split(" · ")[0] for t in rows.all_inner_texts()] == [U11, PHOTO, PARTY]
    rows.filter(has_text=PHOTO).locator("input").uncheck()
    page.locator(".cb-bulk-confirm", has_text="Accept these 2").wait_for(timeout=WAIT_MS)
    shots(page, "1-bulk-preview")
    page.locator(".cb-bulk-confirm").click()
    wait_until(page, "the bulk note", lambda s: s["banner"] ==
               "Bulk accepted 2. Undo [⌫] reverts all 2 at once.")
    assert statuses(server) == ["accepted", "pending", "pending", "accepted"]
    page.keyboard.press("Backspace")
    wait_until(page, "the bulk undone", lambda s: s["banner"] ==
               "Undone: all 2 of that bulk accept are pending again.")
    assert statuses(server) == ["pending"] * 4
    assert actions(server, 4) == ["accept", "undo"]
    assert server.remote == []


def seed_long_and_shared(conn: db.Connection) -> None:
    """The review queue, with a 5,000-character message holding a long URL as the match's
    source, and a second source of the same match two messages later."""
    url = "https://example.org/tournament/" + "x" * 600 + "?programme=full"
    lead = "Tournament details, please read: "
    text = lead + ("Bring shin pads and water. " * 200)[:5000 - len(lead) - len(url)] + url
    messages = [*MESSAGES[:3], (CHAT, "Ana", "2026-11-30T18:06:00+00:00", text), *MESSAGES[3:]]
    seeded = seed_review_queue(conn, messages=messages)
    conn.execute("UPDATE proposals SET source_message_id = ? WHERE id = ?",
                 (seeded.message_ids[3], seeded.ids[0]))
    conn.execute("UPDATE proposal_sources SET message_id = ? WHERE proposal_id = ?",
                 (seeded.message_ids[3], seeded.ids[0]))
    conn.execute("INSERT INTO proposal_sources(proposal_id, message_id, created_at) "
                 "VALUES (?, ?, ?)", (seeded.ids[0], seeded.message_ids[5], db.utc_now()))


WIDTHS_JS = """() => {
  const card = document.querySelector(".cb-left");
  const bubbles = [...document.querySelectorAll(".cb-msg")].map((b) => b.getBoundingClientRect().width);
  const text = document.querySelector(".cb-msg.cb-source .cb-text");
  return {card: card.getBoundingClientRect().width, scroll: card.scrollWidth,
          client: card.clientWidth, bubbles, root: document.querySelector(".chatbook-review")
          .getBoundingClientRect().width, sources: document.querySelectorAll(".cb-msg.cb-source").length,
          texts: [...document.querySelectorAll(".cb-msg .cb-text")].map((t) => t.textContent.slice(0, 30)),
          sourceHeight: text.getBoundingClientRect().height};
}"""


@pytest.mark.timeout(300)
def test_a_5000_character_message_stays_inside_its_card(start_review, chromium, shots) -> None:
    server = start_review(seed_long_and_shared)
    page = open_page(chromium, server)
    loaded(page)
    for expanded in (False, True):
        widths = page.evaluate(WIDTHS_JS)
        assert widths["sources"] == 2
        assert max(widths["bubbles"]) <= widths["card"]  # no bubble wider than its card
        assert widths["scroll"] <= widths["client"] + 1  # the card has nothing sticking out
        assert widths["card"] < 0.6 * widths["root"]  # and the card kept its share of the page
        # Two sources two messages apart: their neighbours are shown once, not twice.
        assert len(widths["texts"]) == len(set(widths["texts"]))
        shots(page, "expanded" if expanded else "cut")
        if not expanded:
            page.locator(".cb-source .cb-more summary").click()
            page.wait_for_function("() => document.querySelector('.cb-source .cb-more').open")
    assert server.remote == []


KERNELS_SETTLE_S = 45


def kernels_settle(server: Server, pages: int) -> tuple[int, int]:
    """Wait until the server runs one kernel per open page plus the one kept warm (a closing
    page shuts its kernel down by a request that may land a moment after it is gone); returns
    (kernels with a page connected, kernels in all) as seen last."""
    from toolkit.ui.review.serve import WARM_KERNELS

    deadline = time.monotonic() + KERNELS_SETTLE_S
    while True:
        kernels = server.kernels()
        seen = (sum(1 for k in kernels if k.get("connections")), len(kernels))
        if seen == (pages, pages + WARM_KERNELS) or time.monotonic() > deadline:
            return seen
        time.sleep(0.5)


@pytest.mark.timeout(400)
def test_reloads_and_tabs_leave_no_kernel_and_keep_the_filters(start_review, chromium,
                                                               shots) -> None:
    server = start_review()
    page = open_page(chromium, server)
    loaded(page)
    assert kernels_settle(server, 1) == (1, 2)  # this page's, and one kept warm
    page.locator(".cb-status-filter select").select_option(label="All")
    page.locator(".widget-toggle-button", has_text="By confidence").click()
    shows(page, U11, at(2))  # the same proposal, now second by confidence
    page.keyboard.press("n")
    shows(page, PHOTO, at(3))
    for _ in range(3):
        page.reload(timeout=WAIT_MS)
        shows(page, PHOTO, at(3))  # the same queue, on the same proposal
        assert page.locator(".cb-status-filter select").input_value() == "All"
        assert page.locator(".widget-toggle-button.mod-active").inner_text() == "By confidence"
    assert kernels_settle(server, 1) == (1, 2)  # three reloads left nothing behind
    second = open_page(chromium, server)
    shows(second, PHOTO, at(3))
    assert kernels_settle(server, 2) == (2, 3)
    second.goto("about:blank")  # the tab goes elsewhere, as a closing tab does
    second.close()
    assert kernels_settle(server, 1) == (1, 2)
    # no request was refused (an HTTP 403); a kernel id such as "...-4031-..." is no status
    assert not re.search(r"(?<![\w-])403(?![\w-])", server.log.read_text())
    assert server.remote == []


@pytest.mark.timeout(300)
def test_without_its_key_the_page_says_what_to_do(start_review, chromium, shots) -> None:
    server = start_review()
    context = chromium.new_context()  # no cookie from an earlier visit
    page = open_page(chromium, server, url=server.base, context=context)
    text = page.locator("main").inner_text()
    assert "This review page needs its key" in text
    assert "open the whole link it shows there" in text and "chatbook review again" in text
    assert "jupyter server list" not in page.content()
    shots(page, "1-sign-in")
    page.locator("#password").fill("not-the-key")
    page.locator("button[type=submit]").click()
    assert "That key does not match" in page.locator("main").inner_text()
    page.locator("#password").fill(server.token)
    page.locator("button[type=submit]").click()
    loaded(page)
    assert server.remote == []


# ------------------------------------------------------------------ JupyterLab


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """JupyterLab (as `chatbook lab` starts it) on a folder holding the review notebook, with
    the app exposed to the page's scripts so the test can run the notebook's cells.

    Yields (URL of the notebook with the token, the notebook file, the primary store)."""
    from toolkit.ops.kernels import ensure_kernel_spec
    from toolkit.resources import notebook

    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "CHATBOOK_REVIEWER": "lab-tester",
           "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"), "JUPYTER_TOKEN": "labtoken"}
    settings = load_settings(env, cwd=tmp_path)
    conn = open_db(settings)
    seed_review_queue(conn)
    conn.close()
    ensure_kernel_spec()
    folder = tmp_path / "notebooks"
    folder.mkdir()
    copy = folder / "05_review.ipynb"
    copy.write_bytes(notebook("05_review.ipynb").read_bytes())
    port = free_port()
    command = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={folder}", "--no-browser",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = (tmp_path / "lab.log").open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token=labtoken")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError((tmp_path / "lab.log").read_text()[-3000:]) from None
                time.sleep(0.5)
        yield (f"http://127.0.0.1:{port}/lab/tree/05_review.ipynb?token=labtoken", copy,
               settings.db_path)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


CELLS_JS = "() => document.querySelectorAll('.jp-Notebook .jp-Cell').length"


@pytest.mark.timeout(400)
def test_keys_inside_jupyterlab(lab, chromium, shots) -> None:
    """With the app clicked in JupyterLab, `b` inserts no cell and `x` rejects (it cuts no
    cell); after a save the notebook on disk still holds the review cell."""
    url, notebook_file, db_path = lab
    page = chromium.new_page(viewport={"width": 1400, "height": 1100})
    remote: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(
        ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else remote.append(r.url))
    page.goto(url, timeout=WAIT_MS)
    page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook')",
                           timeout=WAIT_MS)
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel?.status"
        " === 'idle'", timeout=WAIT_MS)
    cells = page.evaluate(CELLS_JS)
    assert cells == 3
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    loaded(page)
    page.locator(".cb-progress").click()  # a plain part of the app: the notebook is in command mode
    assert page.evaluate("() => document.querySelector('.jp-Notebook.jp-mod-commandMode') !== null")
    in_app = "() => document.activeElement.closest('.chatbook-review') !== null"
    assert page.evaluate(in_app)
    page.keyboard.press("b")  # JupyterLab: insert a cell below (and focus it)
    page.keyboard.press("n")  # ours: next
    shows(page, PHOTO, at(2))
    assert page.evaluate(CELLS_JS) == 3 and page.evaluate(in_app)
    page.keyboard.press("x")  # JupyterLab: cut the cell. Ours: reject
    shows(page, NATIVITY, at(3, 1), f"Rejected: “{PHOTO}”", "info")
    assert page.evaluate(CELLS_JS) == 3
    page.keyboard.press("d")
    page.keyboard.press("d")  # JupyterLab: delete the cell
    page.keyboard.press("a")  # JupyterLab: insert above. Ours: accept
    shows(page, PARTY, at(4, 2), f"Accepted: “{NATIVITY}”", "ok")
    assert page.evaluate(CELLS_JS) == 3 and page.evaluate(in_app)

    # Typing in a field: every letter goes into the field, none to JupyterLab or to us.
    page.locator(".cb-title input").click()
    page.keyboard.press("End")
    page.keyboard.type(" bxad")
    assert page.locator(".cb-title input").input_value() == f"{PARTY} bxad"
    page.keyboard.press("Escape")
    page.locator(".cb-btn-previous").click()  # the mouse; then Space must not click it again
    shows(page, NATIVITY, at(3, 2))
    page.keyboard.press(" ")
    page.keyboard.press("ArrowRight")
    shows(page, PARTY, at(4, 2))
    assert page.evaluate(CELLS_JS) == 3

    # The arrows on the focused slider move the slider, not the proposal.
    page.locator(".widget-toggle-button", has_text="More filters").click()
    page.locator(".cb-confidence-filter [role=slider]").click()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.cb-confidence-filter .widget-readout')"
        "?.textContent.trim() === '0.05'", timeout=WAIT_MS)
    # Still the same proposal; the queue was read again for the new filter: 2 left pending.
    shows(page, PARTY, at(2, 0, of=2))
    shots(page, "1-lab")

    # The rest of the keys, JupyterLab's meaning in the comment: none of them may act on it.
    page.keyboard.press("Escape")  # off the slider (JupyterLab: command mode)
    page.keyboard.press("?")
    wait_until(page, "the key list", lambda s: "Show or hide this list of keys" in s["help"])
    page.keyboard.press("Escape")
    wait_until(page, "the overlay closed", lambda s: not s["help"])
    for key, title, progress, banner, level in [
        ("p", U11, at(1, 0, of=2), "", ""),
        ("ArrowRight", PARTY, at(2, 0, of=2), "", ""),
        ("ArrowLeft", U11, at(1, 0, of=2), "", ""),
        ("s", PARTY, at(2, 0, of=2), f"Skipped “{U11}”; it stays pending.", "info"),
        ("r", U11, at(1, 1, of=2), f"Rejected: “{PARTY}”", "info"),  # Lab: a raw cell
        ("Backspace", PARTY, at(2, 0, of=2), f"Undone: “{PARTY}” is pending again.", "info"),
        ("u", PARTY, at(2, 0, of=2), f"Undone: “{PARTY}” is pending again.", "info"),  # nothing left
        ("e", U11, at(1, 1, of=2), f"Accepted: “{PARTY}”", "ok"),
    ]:
        page.keyboard.press(key)
        shows(page, title, progress, banner, level)
    assert page.evaluate(CELLS_JS) == 3
    assert page.evaluate("() => window.jupyterapp.shell.currentWidget.content.widgets"
                         ".map((cell) => cell.model.type).join()") == "markdown,code,code"

    page.keyboard.press("Control+s")  # JupyterLab saves; the review cell must be in the file
    page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=WAIT_MS)
    saved = json.loads(notebook_file.read_text())
    assert len(saved["cells"]) == 3
    assert "ReviewApp" in "".join(saved["cells"][2]["source"])
    conn = db.connect(db_path, readonly=True)
    try:
        assert [proposal_row(conn, i)["status"] for i in (1, 2, 3, 4)] == [
            "pending", "rejected", "accepted", "accepted"]
        assert [a["action"] for a in audit_rows(conn, 4)] == ["reject", "undo", "accept"]
    finally:
        conn.close()
    assert remote == []
