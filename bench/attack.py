"""The attack catalogue: every attack tried on chatbook, run fresh, each with its outcome.

    .venv/bin/python bench/attack.py            # all of it (kernels, Postgres, a browser)
    .venv/bin/python bench/attack.py --fast     # only what `make test-fast` would run
    .venv/bin/python bench/attack.py --list     # the catalogue and its tests, nothing run

Each attack names the tests that spring it (tests/test_attacks.py for issue #12, the earlier
test_hostile, test_crash, test_backup, test_security, ...), and any test anywhere under tests/
marked `@pytest.mark.attack("<key>")` joins its attack. One pytest run executes them all; an
attack is held when every one of its tests passed, broken when one failed, pending while it
has no test yet. The last line is "N attacks, N held". docs/operations.md lists the same
catalogue; tests/test_attacks.py checks the two agree.
"""

from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAST = "not slow and not kernel and not browser and not postgres"


@dataclass
class Attack:
    key: str
    attack: str  # what an attacker or an unlucky user does
    held: str  # what must happen instead
    tests: list[str] = field(default_factory=list)  # node ids or prefixes of node ids


A = "tests/test_attacks.py::"
IH = "tests/test_ingest_hardening.py::"
H = "tests/test_hostile.py::test_hostile_export_is_refused_clearly_and_loses_nothing"
CATALOGUE = [
    # ---- input: exports and images (tests/test_hostile.py)
    Attack("zip-slip", "a zip member named ../../x", "refused naming the file; nothing "
           "written outside the data folders", [f"{H}[zip slip]"]),
    Attack("zip-absolute", "a zip member with an absolute path", "refused", [f"{H}[absolute path in zip]"]),
    Attack("zip-symlink", "a symlink member in a zip", "refused", [f"{H}[symlink in zip]"]),
    Attack("zip-bomb", "a zip member that expands 200x and more", "refused before writing",
           [f"{H}[zip bomb]"]),
    Attack("zip-bomb-many-members", "1,500 small zero-filled members (1.5 GB from 1.7 MB)",
           "the whole archive's expansion is bounded; a failed import leaves nothing behind",
           [f"{IH}test_a_zip_of_many_small_zero_members_is_refused_and_writes_nothing",
            f"{IH}test_a_zip_failing_midway_leaves_no_media_file_behind",
            f"{IH}test_zip_ratio_of_the_whole_archive_is_checked"]),
    Attack("zip-truncated", "a truncated zip", "one clear line", [f"{H}[truncated zip]"]),
    Attack("zip-no-chat", "a zip without a chat in a folder of exports", "skipped with a line "
           "saying so; the rest imports",
           ["tests/test_hostile.py::test_a_zip_without_a_chat_and_a_huge_line_are_not_failures"]),
    Attack("zip-encrypted", "an encrypted zip", "one clear line", [f"{H}[encrypted zip]"]),
    Attack("binary", "a binary file, an HTML page, an empty file as an export",
           "one clear line each", [f"{H}[binary file]", f"{H}[html page]", f"{H}[empty file]"]),
    Attack("invalid-utf8", "invalid UTF-8 in an export", "refused naming file and line",
           [f"{H}[invalid UTF-8]"]),
    Attack("long-line", "a 100 MB single line", "kept cut short without running out of "
           "memory; the rest of its export imports",
           ["tests/test_hostile.py::test_a_zip_without_a_chat_and_a_huge_line_are_not_failures"]),
    Attack("bad-file-names", "a Latin-1 file name; a folder holding a link to itself",
           "one line per bad file, the others imported; no link followed twice",
           [f"{IH}test_a_latin1_file_name_is_imported_and_shown_escaped",
            f"{IH}test_a_folder_that_links_to_itself_is_searched_once"]),
    Attack("sql-metacharacters", "quotes and SQL in chat names, authors and search queries",
           "stored and searched as text",
           ["tests/test_hostile.py::test_sql_metacharacters_in_chat_names_authors_and_queries"]),
    Attack("notebook-parameters", "code and SQL in a notebook parameter", "a literal, never run",
           ["tests/test_hostile.py::test_notebook_parameters_cannot_inject_code_or_sql"]),
    Attack("hostile-images", "decompression-bomb PNGs, truncated JPEGs",
           "a failed extraction with its reason",
           ["tests/test_hostile.py::test_hostile_images_become_failed_extractions"]),
    Attack("icalendar-injection", "CRLF and iCalendar lines in a title and place",
           "one escaped property of one VEVENT",
           [f"{A}test_icalendar_injection_in_a_title_stays_one_property"]),
    Attack("html-in-messages", "<script> and event handlers in a message, author or title",
           "text on the review card, never markup",
           [f"{A}test_html_in_a_message_is_escaped_on_the_review_card"]),
    Attack("terminal-escapes", "ESC[2J, ESC]0;title BEL, CR, C1 CSI and bidi overrides in "
           "messages, titles, chat and author names",
           "shown as visible escapes by search, proposals list/show/edit, events list and "
           "chats; --json is exact JSON with every control escaped",
           [f"{A}test_terminal_controls_from_chats_are_shown_not_obeyed",
            f"{A}test_json_output_keeps_the_exact_text"]),
    # ---- crashes, load, outages
    Attack("kill-ingest", "SIGKILL during ingest, at random points", "every message once; "
           "cursors equal the data; integrity ok",
           ["tests/test_crash.py::test_ingest_killed_at_random_points",
            "tests/test_crash.py::test_ingest_of_zips_with_photos_killed"]),
    Attack("kill-embed", "SIGKILL during embed", "one embedding per eligible message",
           ["tests/test_crash.py::test_embed_killed_then_restarted"]),
    Attack("kill-extract", "SIGKILL during extract", "the same proposals as an uninterrupted run",
           ["tests/test_crash.py::test_extract_killed_at_random_points"]),
    Attack("concurrency", "an import, a reviewer and a reader at once; two reviewers on one "
           "proposal", "nobody sees 'database is locked'; the second save is refused, "
           "never a silent overwrite", ["tests/test_concurrency.py::"]),
    Attack("reviewer-behind-ingest", "a decision, a search, a run during a 350k-message ingest",
           "none waits more than a second (bounded commit batches, still exactly once)",
           [f"{IH}test_a_decision_lands_while_a_big_import_runs",
            f"{IH}test_an_export_failing_after_committed_batches_is_taken_back_whole"]),
    Attack("disk-full", "the disk fills during an import", "one line: disk full while "
           "importing X; nothing from it was stored",
           [f"{IH}test_disk_full_is_one_line_and_nothing_of_the_export_is_stored"]),
    Attack("postgres-outage", "Postgres stops mid-import and mid-drain",
           "core work goes on; media rows wait in the outbox, written once after",
           ["tests/test_pg_outage.py::"]),
    Attack("postgres-outage-extract", "Postgres down while extract has images to read",
           "counted in cross_store_write_failures; doctor shows it",
           [f"{A}test_a_postgres_outage_during_extract_is_counted"]),
    Attack("orphans", "orphans across the stores, every kind", "doctor finds each; --repair "
           "fixes the safe ones", ["tests/test_doctor.py::"]),
    Attack("repair-during-ingest", "`doctor --repair` (or a backup) while an import copies a "
           "file in; a copy left by a killed import",
           "the copy in progress is neither listed nor touched; a killed import's copy "
           "(writer gone, an hour old) is deleted by --repair",
           ["tests/test_doctor.py::test_a_copy_in_progress_is_not_reported_nor_touched",
            "tests/test_doctor.py::test_a_copy_a_killed_import_left_is_deleted_by_repair",
            "tests/test_doctor.py::test_backups_leave_copies_in_progress_out"]),
    # ---- backups
    Attack("backup-under-load", "a backup while a writer appends", "whole transactions only; "
           "restore identical",
           ["tests/test_backup.py::test_backup_under_load_then_restore_is_identical",
            "tests/test_backup.py::test_backup_while_a_media_import_runs"]),
    Attack("tampered-backup", "a flipped byte, a missing file, no or a garbled manifest, a "
           "manifest entry outside the backup", "refused before anything is touched",
           ["tests/test_backup.py::test_restore_verifies_the_manifest_before_touching_anything"]),
    Attack("restore-over-data", "restore into stores that hold data", "refused, naming them",
           ["tests/test_backup.py::test_restore_refuses_stores_that_hold_data",
            "tests/test_backup.py::test_cli_restore_into_a_full_store_is_one_clear_line"]),
    Attack("restore-writes-anywhere", "a manifest entry `attachments//tmp/x/evil.sh` (file "
           "and sha256 present), `..`, `.`, a non-backup path, a link in the target folder",
           "refused before anything is written; no folder outside chmod'ed",
           [f"{A}test_restore_never_writes_outside_its_stores",
            f"{A}test_cli_restore_of_a_tampered_backup_is_one_line",
            f"{A}test_restore_into_an_existing_data_folder_keeps_its_mode"]),
    # ---- privacy and the network
    Attack("export-chmods-folder", "`events export --ics s/cal.ics`, `messages export "
           "--output` into an existing 755 folder", "the file is 0600; the folder keeps 755",
           [f"{A}test_an_export_makes_the_file_private_and_leaves_the_folder_alone"]),
    Attack("private-files", "look at what chatbook created", "folders 0700, files 0600, "
           "backups included", ["tests/test_security.py::test_nested_data_folders_are_created_private"]),
    Attack("dsn-password-forms", "a password as ?password=, in a key=value DSN with quotes, "
           "with an unencoded @ or /, percent-encoded, as sslpassword",
           "never shown by init, migrate --status, doctor, media status, ingest, extract, "
           "backup, connection errors, the 'media work is waiting' line, nor on pg_dump's "
           "command line", [f"{A}test_no_dsn_form_shows_its_password",
                            f"{A}test_a_password_in_the_dsn_is_hidden_with_media_off",
                            f"{A}test_redaction_agrees_with_libpq_on_every_password",
                            "tests/test_security.py::test_doctor_never_shows_the_password",
                            "tests/test_backup.py::test_postgres_dump_and_restore_with_a_password"]),
    Attack("network", "run the pipeline with images on, extract, an OCR kernel that stays up, "
           "search, doctor, backup in a network namespace under strace",
           "no connect/sendto beyond loopback, no name lookup (onnxruntime's telemetry is "
           "off); reports and the review page request nothing from another host",
           ["tests/test_security.py::test_pipeline_offline_private_and_password_free",
            "tests/test_security.py::test_review_page_and_run_report_fetch_nothing_remote",
            "tests/test_security.py::test_the_guard_really_refuses_and_records"]),
    Attack("web-ui-exposure", "reach JupyterLab or Voila from another address or without "
           "the token", "127.0.0.1 only; refused without the token; no token on a command "
           "line", ["tests/test_security.py::test_web_ui_is_local_only_and_needs_its_token"]),
    Attack("lab-orphans", "SIGTERM or SIGKILL `chatbook lab`", "JupyterLab stops with it, "
           "never left running with PPID 1", [f"{A}test_chatbook_lab_never_leaves_jupyterlab_behind"]),
    # ---- one-line errors
    Attack("os-errors", "DATA_DIR a file or unwritable, exports and backups into unwritable "
           "places, under a file, or into a missing parent; a read-only data folder",
           "one line naming the path, exit non-zero",
           [f"{A}test_an_os_error_a_user_can_cause_is_one_line_naming_the_path",
            f"{A}test_a_data_folder_you_may_not_write_is_one_line"]),
    Attack("ingest-failed-on-stdout", "`ingest` of a bad file in a script",
           "FAILED lines on stderr, the summary on stdout",
           ["tests/test_ingest.py::test_cli_ingest_and_export"]),
    Attack("ci-without-postgres", "`.ci/run` on a machine without /etc/postgresql",
           "says what is missing and stops", [f"{A}test_ci_script_says_why_it_stops"]),
]


def marked_tests(tests_dir: Path = ROOT / "tests") -> dict[str, list[str]]:
    """attack key -> `file::function` of every test decorated `@pytest.mark.attack("key")`."""
    found: dict[str, list[str]] = {}
    for path in sorted(tests_dir.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in node.decorator_list:
                if (isinstance(decorator, ast.Call) and ast.unparse(decorator.func).endswith("mark.attack")
                        and decorator.args and isinstance(decorator.args[0], ast.Constant)):
                    prefix = f"{path.relative_to(ROOT).as_posix()}::{node.name}"
                    found.setdefault(str(decorator.args[0].value), []).append(prefix)
    return found


def collect(prefixes: list[str]) -> list[str]:
    """Every test node id under these `file::function` prefixes (parametrized ones each)."""
    files = sorted({prefix.split("::", 1)[0] for prefix in prefixes})
    existing = [f for f in files if (ROOT / f).exists()]
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                           "-p", "no:cacheprovider", *existing], cwd=ROOT, capture_output=True,
                          text=True)
    return [line.strip() for line in done.stdout.splitlines() if "::" in line]


def resolve(attack: Attack, collected: list[str], marked: dict[str, list[str]]) -> list[str]:
    """The collected tests that spring this attack: those under its own prefixes, and those
    marked with its key (each parametrized case of them)."""
    functions = marked.get(attack.key, [])
    return [node for node in collected
            if any(node.startswith(prefix) for prefix in attack.tests)
            or any(node == f or node.startswith(f"{f}[") for f in functions)]


def run(nodes: list[str], marker: str | None) -> dict[str, str]:
    """node id -> passed / failed / skipped (deselected ones are absent)."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "junit.xml"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                   f"--junitxml={report}", "-o", "junit_family=xunit2", *nodes]
        if marker:
            command += ["-m", marker]
        subprocess.run(command, cwd=ROOT)
        return outcomes(report)


def outcomes(report: Path) -> dict[str, str]:
    found = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        module = case.get("classname", "").replace(".", "/") + ".py"
        node = f"{module}::{case.get('name')}"
        if case.find("failure") is not None or case.find("error") is not None:
            found[node] = "failed"
        elif case.find("skipped") is not None:
            found[node] = "skipped"
        else:
            found[node] = "passed"
    return found


def verdict(nodes: list[str], results: dict[str, str]) -> str:
    """BROKEN if a test failed, held if the tests that ran all passed, else not run (all of
    them deselected by --fast, or skipped: the summary says which)."""
    states = [results.get(node, "not run") for node in nodes]
    if "failed" in states:
        return "BROKEN"
    return "held" if "passed" in states else "not run"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fast", action="store_true", help=f"only tests marked `{FAST}`")
    parser.add_argument("--list", action="store_true", help="list the catalogue, run nothing")
    args = parser.parse_args()
    marked = marked_tests()
    unknown = sorted(set(marked) - {attack.key for attack in CATALOGUE})
    if unknown:
        parser.error(f"tests are marked with attacks the catalogue does not know: {unknown}")
    collected = collect([t for attack in CATALOGUE for t in attack.tests]
                        + [t for found in marked.values() for t in found])
    resolved = {attack.key: resolve(attack, collected, marked) for attack in CATALOGUE}
    if args.list:
        for attack in CATALOGUE:
            print(f"{attack.key}: {attack.attack} -> {attack.held}")
            for node in resolved[attack.key] or ["(pending: no test yet)"]:
                print(f"    {node}")
        return 0
    nodes = sorted({node for found in resolved.values() for node in found})
    results = run(nodes, FAST if args.fast else None)
    rows, pending, skipped = [], [], []
    for attack in CATALOGUE:
        found = resolved[attack.key]
        if not found:
            pending.append(attack.key)
            continue
        outcome = verdict(found, results)
        if outcome == "not run":
            skipped.append(attack.key)
            continue
        rows.append((attack.key, outcome, sum(results.get(n) == "passed" for n in found), len(found)))
    load = os.getloadavg()
    print(f"\nattack catalogue, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    for key, outcome, passed, total in rows:
        print(f"  {outcome:7} {key:26} {passed}/{total} tests")
    if skipped:
        print(f"not run here ({'--fast' if args.fast else 'skipped'}): {', '.join(skipped)}")
    if pending:
        print(f"pending (their tests have not landed): {', '.join(pending)}")
    held = sum(outcome == "held" for _, outcome, _, _ in rows)
    print(f"{len(rows)} attacks, {held} held")
    return 0 if held == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
