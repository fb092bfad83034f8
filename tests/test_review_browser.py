"""The review page in a real browser: `chatbook review` (Voila) driven by Debian's Chromium.

Playwright for Python drives /usr/bin/chromium (installed by scripts/setup.sh; never a browser
download). The test starts `chatbook review` on a free localhost port against a temp data
folder holding proposals made here, then, as a person would: accepts the first with the
keyboard, types an edit into the second (with shortcut letters in it, which must not fire) and
presses Edit & accept, rejects the third with a reason, and finally reads the database. A
second test presses every shortcut key on the page and checks what each one shows.
Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from review_data import audit_rows, proposal_row, seed_review_queue

from toolkit.config import load_settings
from toolkit.store.connect import open_db
from toolkit.ui.review.serve import free_port

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
URL_LINE = re.compile(r"serving on (http://127\.0\.0\.1:\d+/\?token=\S+)")


@pytest.fixture
def review_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`chatbook review --no-browser` on a free port; yields (URL with token, db path)."""
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"),
           "CHATBOOK_REVIEWER": "browser-tester", "PYTHONUNBUFFERED": "1"}
    settings = load_settings(env, cwd=tmp_path)
    conn = open_db(settings)
    seed_review_queue(conn)
    conn.close()
    log = tmp_path / "review.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "toolkit", "review", "--port", str(free_port()),
             "--no-browser"],
            env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=out, text=True,
            start_new_session=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        found = URL_LINE.search(first)
        assert found, f"no URL printed: {first!r}; log: {log.read_text()}"
        # Keep reading, so a full pipe can never block the server.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield found.group(1), settings.db_path
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def title_is(page, expected: str, timeout: float = 30_000) -> None:
    page.wait_for_function(
        "t => document.querySelector('.cb-title input')?.value === t", arg=expected,
        timeout=timeout)


def shows(page, title: str, progress: str, banner: str = "", level: str = "") -> None:
    """Wait until the page shows this proposal, progress line and banner (none when "")."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(SHOWS_JS, arg=[title, progress, banner, level], timeout=30_000)
    except PlaywrightTimeout:
        seen = page.evaluate(SEEN_JS)
        raise AssertionError(f"expected {[title, progress, banner, level]}, page shows {seen}"
                             ) from None


SEEN_JS = """() => {
  const banner = document.querySelector(".cb-banner");
  return [document.querySelector(".cb-title input")?.value,
          document.querySelector(".cb-title-line")?.textContent,
          document.querySelector(".cb-progress")?.textContent,
          banner ? [banner.className, banner.textContent] : null];
}"""
SHOWS_JS = """([title, progress, banner, level]) => {
  const shown = document.querySelector(".cb-banner");
  return document.querySelector(".cb-title input")?.value === title
    && document.querySelector(".cb-title-line")?.textContent === title
    && document.querySelector(".cb-progress")?.textContent === progress
    && (banner ? Boolean(shown) && shown.classList.contains("cb-banner-" + level)
                 && shown.textContent.startsWith(banner)
               : !shown);
}"""


@pytest.mark.kernel
@pytest.mark.browser
@pytest.mark.timeout(120)
def test_review_in_chromium(review_server) -> None:
    from playwright.sync_api import sync_playwright

    url, db_path = review_server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(url, timeout=60_000)
            title_is(page, "U11 match at Riverside Park", timeout=60_000)
            page.wait_for_selector("text=kick-off 10am")
            page.screenshot(path=str(ARTIFACTS / "review_1_loaded.png"), full_page=True)

            # 1. Accept with the keyboard, focus on the page (not in a field).
            page.locator(".cb-progress").click()
            page.keyboard.press("a")
            title_is(page, "Team photo")
            page.wait_for_selector(".cb-banner-ok >> text=Accepted")

            # 2. Edit & accept. Typing letters that are shortcuts (a, e, r, s, n, p, u) into a
            #    field must only type them.
            title = page.locator(".cb-title input")
            title.click()
            title.press("End")
            title.press_sequentially(" (bring a snack, please)")
            page.locator(".cb-start-time input").fill("14:30")
            page.locator(".cb-location input").fill("Clubhouse, Riverside")
            page.locator(".cb-location input").press("Tab")
            page.wait_for_function(
                "() => document.querySelector('.cb-btn-edit-accept')"
                "?.classList.contains('mod-primary')")
            page.screenshot(path=str(ARTIFACTS / "review_2_edited.png"), full_page=True)
            page.locator(".cb-btn-edit-accept").click()
            title_is(page, "Nativity rehearsal")

            # 3. Reject with a reason of one's own.
            page.locator(".cb-reason input").fill("not our school")
            page.locator(".cb-btn-reject").click()
            title_is(page, "Christmas party")
            page.wait_for_selector(".cb-banner-info >> text=Rejected")
            page.screenshot(path=str(ARTIFACTS / "review_3_done.png"), full_page=True)
        finally:
            browser.close()

    from toolkit.store import db

    conn = db.connect(db_path, readonly=True)
    try:
        rows = [proposal_row(conn, i) for i in (1, 2, 3, 4)]
        assert [r["status"] for r in rows] == ["accepted", "edited", "rejected", "pending"]
        assert rows[1]["title"] == "Team photo (bring a snack, please)"
        assert rows[1]["start"] == "2026-12-06T14:30:00+00:00"
        assert rows[1]["location"] == "Clubhouse, Riverside"
        assert rows[2]["reject_reason"] == "not our school"
        assert {r["reviewed_by"] for r in rows[:3]} == {"browser-tester"}
        assert [a["action"] for i in (1, 2, 3) for a in audit_rows(conn, i)] == [
            "accept", "edit", "reject"]
        events = conn.execute("SELECT title FROM events ORDER BY proposal_id").fetchall()
        assert [e["title"] for e in events] == ["U11 match at Riverside Park",
                                                "Team photo (bring a snack, please)"]
        state = conn.execute("SELECT current_id FROM review_state").fetchone()
        assert state["current_id"] == 4  # a reload of the page resumes here
    finally:
        conn.close()


U11, PHOTO, NATIVITY, PARTY = ("U11 match at Riverside Park", "Team photo", "Nativity rehearsal",
                               "Christmas party")


def at(number: int, decided: int = 0) -> str:
    return f"Proposal {number} of 4 in this queue · {decided} decided"


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_every_shortcut_key_in_chromium(review_server) -> None:
    """Each key of the button labels, pressed on the page, does what its button does."""
    from playwright.sync_api import sync_playwright

    url, db_path = review_server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(url, timeout=60_000)
            title_is(page, U11, timeout=60_000)
            shows(page, U11, at(1))
            page.locator(".cb-progress").click()  # the page, not a field, has the focus
            steps = [  # key, then what the page shows: proposal, progress, banner start, level
                ("n", PHOTO, at(2), "", ""),
                ("ArrowRight", NATIVITY, at(3), "", ""),
                ("p", PHOTO, at(2), "", ""),
                ("ArrowLeft", U11, at(1), "", ""),
                ("s", PHOTO, at(2), "Skipped; it stays pending.", "info"),
                ("a", NATIVITY, at(3, 1), f"Accepted: “{PHOTO}”", "ok"),
                ("u", PHOTO, at(2), f"Undone: “{PHOTO}” is pending again.", "info"),
                ("e", NATIVITY, at(3, 1), f"Accepted: “{PHOTO}”", "ok"),
                ("r", PARTY, at(4, 2), f"Rejected: “{NATIVITY}”", "info"),
            ]
            for key, title, progress, banner, level in steps:
                page.keyboard.press(key)
                shows(page, title, progress, banner, level)
            page.screenshot(path=str(ARTIFACTS / "review_4_keys.png"), full_page=True)
        finally:
            browser.close()

    from toolkit.store import db

    conn = db.connect(db_path, readonly=True)
    try:
        rows = [proposal_row(conn, i) for i in (1, 2, 3, 4)]
        assert [r["status"] for r in rows] == ["pending", "accepted", "rejected", "pending"]
        assert rows[2]["reject_reason"] == "not an event"  # the reason offered first
        assert [a["action"] for a in audit_rows(conn, 2)] == ["accept", "undo", "accept"]
        assert [a["action"] for i in (1, 3, 4) for a in audit_rows(conn, i)] == ["reject"]
    finally:
        conn.close()
