"""Score the text event extractor on labelled sets, and time `chatbook extract-events`.

    python bench/score_extraction.py [FILE ...] [--show-errors] [--json] [--given-lang]
    python bench/score_extraction.py --all             # dev, regression and every batch
    python bench/score_extraction.py --speed [--messages 100000]

A labelled line is {id, text, ref_time, tz, locale, lang, events: [...]}; each gold event has
`start` and `all_day`, and may have `end`, `cancelled`, `kind` (event / deadline / closure),
`title` (the key words a good title holds; "a|b" lists alternatives), `location` (its key
words, or null when the text names no place), `moved` and `previous_start`. A gold start
without an offset ("2026-03-05T18:00") is wall-clock time in the line's `tz`.

Matching: a found event matches a gold event when both announce (or both cancel) and
- announcements: same `start` and same `all_day`, and the same `end` when the gold gives one;
- cancellations: the same day (the proposals code matches the cancelled proposal by day).
Each gold event is matched at most once. A found move with a `previous_start` also answers a
gold cancellation of that day (older sets label "moved from Tuesday" as Tuesday cancelled).
A false alarm is a message whose gold announces nothing but for which something is announced.

On matched announcements the scorer checks what the calendar entry will say:
- title agreement: every key word of the gold title is in the found title (case and accents
  aside, a key word may open a longer word: "rehearsal" in "rehearsals", "probe" in "Chorprobe");
- location agreement: the gold place's key words are in the found location, or both are empty;
- kind agreement: event, deadline or closure as labelled (absent means "event").

By default the language is detected, as in production; `--given-lang` passes the gold one.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.eventtypes import FoundEvent  # noqa: E402
from toolkit.extract.text import extract_events  # noqa: E402

DATA = ROOT / "tests" / "data"
DEV_SET = DATA / "events_dev.jsonl"
REGRESSION_SET = DATA / "events_regress.jsonl"

# The targets, on a batch never tuned on.
TARGETS = {"f1": 0.95, "language_f1": 0.92, "false_alarm_rate": 0.03,
           "title_agreement": 0.95, "location_agreement": 0.85}


def batch_files() -> list[Path]:
    """The labelled batches written after the regression set, in the order they were written."""
    return sorted(DATA.glob("events_batch*.jsonl"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0))


def all_sets() -> list[Path]:
    return [DEV_SET, REGRESSION_SET, *batch_files()]


# ------------------------------------------------------------------------- loading


def _with_offset(value: str | None, tz: str | None) -> str | None:
    """A gold time written as wall-clock time ("2026-03-05T18:00") gets the line's offset."""
    if value is None or "T" not in value or not tz:
        return value
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return moment.isoformat()


def load(path: Path) -> list[dict[str, Any]]:
    records = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            for event in record["events"]:
                for key in ("start", "end", "previous_start"):
                    if event.get(key) is not None:
                        event[key] = _with_offset(event[key], record.get("tz"))
            records.append(record)
    return records


def predict(record: dict[str, Any], given_lang: bool = False) -> list[FoundEvent]:
    return extract_events(
        record["text"], datetime.fromisoformat(record["ref_time"]), tz=record.get("tz"),
        locale=record.get("locale"), lang=record.get("lang") if given_lang else None,
    )


# ------------------------------------------------------------------------- matching


def matches(gold: dict[str, Any], found: FoundEvent) -> bool:
    if bool(gold.get("cancelled")) != found.cancelled:
        return False
    if found.cancelled:
        return bool(found.start[:10] == gold["start"][:10])
    if found.start != gold["start"] or found.all_day != gold["all_day"]:
        return False
    return gold.get("end") is None or found.end == gold["end"]


def _implied_cancellations(found: list[FoundEvent]) -> list[FoundEvent]:
    """A move that names the old time also says the old time is off."""
    from dataclasses import replace

    return [replace(f, start=f.previous_start, end=None, cancelled=True, moved=False)
            for f in found if f.moved and f.previous_start and not f.cancelled]


def pair_up(gold: list[dict[str, Any]], found: list[FoundEvent]
            ) -> tuple[list[tuple[dict[str, Any], FoundEvent]], list[FoundEvent], list[dict[str, Any]]]:
    """(matched pairs, unmatched found, unmatched gold), one-to-one, gold in order."""
    unmatched = list(found)
    optional = _implied_cancellations(found)  # may answer a gold line, never a false positive
    pairs, missed = [], []
    for g in gold:
        hit = next((f for f in unmatched if matches(g, f)), None)
        if hit is not None:
            unmatched.remove(hit)
            pairs.append((g, hit))
            continue
        implied = next((f for f in optional if matches(g, f)), None)
        if implied is not None:
            optional.remove(implied)
            pairs.append((g, implied))
            continue
        missed.append(g)
    return pairs, unmatched, missed


def match_counts(gold: list[dict[str, Any]], found: list[FoundEvent]) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) with one-to-one matching."""
    pairs, extra, missed = pair_up(gold, found)
    return len(pairs), len(extra), len(missed)


# ------------------------------------------------------------------------- what the entry says


def _words(text: str | None) -> list[str]:
    folded = unicodedata.normalize("NFKD", (text or "").lower())
    return re.findall(r"\w+", "".join(c for c in folded if not unicodedata.combining(c)))


def key_words_present(gold: str, found: str | None) -> bool:
    """Every key word of one of the gold's alternatives ("a|b") is in `found`."""
    tokens = _words(found)
    for alternative in gold.split("|"):
        keys = _words(alternative)
        if keys and all(any(t.startswith(k) or (len(k) >= 4 and k in t) for t in tokens) for k in keys):
            return True
    return False


def title_agrees(gold: dict[str, Any], found: FoundEvent) -> bool | None:
    """None when the gold gives no title to compare with."""
    if "title" not in gold or found.cancelled:
        return None
    return key_words_present(gold["title"], found.title)


def location_agrees(gold: dict[str, Any], found: FoundEvent) -> bool | None:
    if "location" not in gold or found.cancelled:
        return None
    if gold["location"] is None:
        return found.location is None
    return key_words_present(gold["location"], found.location)


def kind_agrees(gold: dict[str, Any], found: FoundEvent) -> bool | None:
    if found.cancelled:
        return None
    return gold.get("kind", "event") == found.kind


# ------------------------------------------------------------------------- scoring


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn}


def _rate(hits: list[int]) -> float | None:
    return round(hits[0] / hits[1], 4) if hits[1] else None


def _describe(found: FoundEvent) -> dict[str, Any]:
    described = {"start": found.start, "end": found.end, "all_day": found.all_day,
                 "title": found.title, "location": found.location}
    if found.cancelled:
        described["cancelled"] = True
    if found.kind != "event":
        described["kind"] = found.kind
    if found.moved:
        described["moved"], described["previous_start"] = True, found.previous_start
    return described


def score_records(records: list[dict[str, Any]], given_lang: bool = False,
                  errors: list[str] | None = None) -> dict[str, Any]:
    """Precision/recall/F1 and the false-alarm rate per language and overall; title, location
    and kind agreement on matched events."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    quiet: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # [no-event messages, false alarms]
    agree: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for record in records:
        lang = record["lang"]
        found = predict(record, given_lang)
        pairs, extra, missed = pair_up(record["events"], found)
        wrong: list[str] = []
        for gold, hit in pairs:
            for name, check in (("title", title_agrees), ("location", location_agrees),
                                ("kind", kind_agrees)):
                verdict = check(gold, hit)
                if verdict is None:
                    continue
                for key in (lang, "all"):
                    agree[key][name][0] += int(verdict)
                    agree[key][name][1] += 1
                if not verdict:
                    wrong.append(f"{name}: gold {gold.get(name, 'event')!r}, "
                                 f"got {getattr(hit, name)!r}")
        for key in (lang, "all"):
            counts[key][0] += len(pairs)
            counts[key][1] += len(extra)
            counts[key][2] += len(missed)
        announced = [e for e in record["events"] if not e.get("cancelled")]
        if not announced:
            alarm = any(not f.cancelled for f in found)
            for key in (lang, "all"):
                quiet[key][0] += 1
                quiet[key][1] += int(alarm)
        if errors is not None and (extra or missed or wrong):
            lines = [f"{record['id']} {record['text']!r}"]
            if extra or missed:
                lines += [f"   gold {record['events']}",
                          f"   got  {[_describe(f) for f in found]}"]
            lines += [f"   {w}" for w in wrong]
            errors.append("\n".join(lines))
    result: dict[str, Any] = {}
    for key, (tp, fp, fn) in counts.items():
        no_event, alarms = quiet[key]
        result[key] = {**_prf(tp, fp, fn), "messages_without_event": no_event,
                       "false_alarms": alarms,
                       "false_alarm_rate": round(alarms / no_event, 4) if no_event else 0.0,
                       "title_agreement": _rate(agree[key]["title"]),
                       "titles_checked": agree[key]["title"][1],
                       "location_agreement": _rate(agree[key]["location"]),
                       "locations_checked": agree[key]["location"][1],
                       "kind_agreement": _rate(agree[key]["kind"])}
    return result


def score(path: Path | list[Path] = DEV_SET, given_lang: bool = False,
          errors: list[str] | None = None) -> dict[str, Any]:
    """Score one labelled file (or several together)."""
    paths = path if isinstance(path, list) else [path]
    return score_records([r for p in paths for r in load(p)], given_lang, errors)


def target_report(result: dict[str, Any]) -> list[str]:
    """The issue's targets next to the figures (they hold only on a batch never tuned on)."""
    overall = result["all"]
    lines = []

    def line(name: str, value: float | None, target: float, higher: bool = True) -> None:
        if value is None:
            lines.append(f"  {name:22} n/a")
            return
        ok = value >= target if higher else value <= target
        lines.append(f"  {name:22} {value:6.3f}  target {'>=' if higher else '<='} {target}  "
                     f"{'met' if ok else 'NOT met'}")

    line("F1", overall["f1"], TARGETS["f1"])
    languages = [k for k in result if k != "all"]
    worst = min(languages, key=lambda k: result[k]["f1"]) if languages else None
    if worst:
        line(f"worst language ({worst})", result[worst]["f1"], TARGETS["language_f1"])
    line("false alarm rate", overall["false_alarm_rate"], TARGETS["false_alarm_rate"], higher=False)
    line("title agreement", overall["title_agreement"], TARGETS["title_agreement"])
    line("location agreement", overall["location_agreement"], TARGETS["location_agreement"])
    return lines


def _pct(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:5.1%}"


def _print_table(result: dict[str, Any]) -> None:
    print(f"{'lang':5} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}  "
          f"{'false alarms':>16}  {'title':>6} {'place':>6} {'kind':>6}")
    for key in sorted(result, key=lambda k: (k == "all", k)):
        r = result[key]
        alarms = f"{r['false_alarms']}/{r['messages_without_event']} = {r['false_alarm_rate']:.1%}"
        print(f"{key:5} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} {r['tp']:4} "
              f"{r['fp']:4} {r['fn']:4}  {alarms:>16}  {_pct(r['title_agreement']):>6} "
              f"{_pct(r['location_agreement']):>6} {_pct(r['kind_agreement']):>6}")


# ------------------------------------------------------------------------- speed


CHATTER = ["ok 👍", "haha yes", "thanks so much!", "who has the blue jumper?", "lol",
           "Sounds good", "gracias!!", "danke dir", "merci 😊", "valeu", "I'm on my way",
           "can you send the photo?", "¿alguien tiene el libro?", "super, bis dann",
           "I'll be there in 5", "Mia has 2 left", "tá bom, obrigada", "d'accord pour moi"]


def write_speed_input(path: Path, messages: int, event_share: int) -> None:
    """`messages` JSONL lines: every labelled text cycled when `event_share` is 1, else one in
    `event_share` labelled and the rest chatter, as in a real chat."""
    records = [r for p in all_sets() for r in load(p)]
    with path.open("w", encoding="utf-8") as out:
        for i in range(messages):
            record = records[i % len(records)]
            text = record["text"] if i % event_share == 0 else CHATTER[i % len(CHATTER)]
            line = {"id": i, "text": text, "ref_time": record["ref_time"]}
            for key in ("tz", "locale"):
                if record.get(key):
                    line[key] = record[key]
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def speed(messages: int) -> dict[str, Any]:
    """Time `chatbook extract-events` (a fresh process, as a user runs it) on `messages` lines:
    every labelled text cycled (the worst case: about half announce something), and a chat mix
    where one message in five is a labelled one. Prints the machine's load, since the cores
    are shared."""
    chatbook = Path(sys.executable).with_name("chatbook")
    command = [str(chatbook)] if chatbook.exists() else [sys.executable, "-m", "toolkit"]
    report: dict[str, Any] = {"messages": messages, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as folder:
        for name, share in (("labelled_texts", 1), ("chat_mix_1_in_5", 5)):
            source, target = Path(folder) / f"{name}.jsonl", Path(folder) / f"{name}.out.jsonl"
            write_speed_input(source, messages, share)
            load_before = os.getloadavg()[0]
            started = time.perf_counter()
            usage_before = os.times()
            done = subprocess.run([*command, "extract-events", "--input", str(source),
                                   "--output", str(target), "--json"],
                                  capture_output=True, text=True, check=False)
            usage_after = os.times()
            wall = time.perf_counter() - started
            if done.returncode != 0:
                raise SystemExit(f"extract-events failed: {done.stderr.strip()}")
            stats = json.loads(done.stdout)
            report[name] = {
                "wall_seconds": round(wall, 2),
                "cpu_seconds": round((usage_after.children_user - usage_before.children_user)
                                     + (usage_after.children_system - usage_before.children_system), 2),
                "events": stats["events"],
                "load_before": round(load_before, 2),
                "load_after": round(os.getloadavg()[0], 2),
            }
    return report


# ------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--all", action="store_true", help="every labelled set, one table each")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--given-lang", action="store_true", help="pass the gold language")
    parser.add_argument("--speed", action="store_true", help="time chatbook extract-events instead")
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args(argv)
    if args.speed:
        print(json.dumps(speed(args.messages), indent=2))
        return 0
    paths = all_sets() if args.all else (args.paths or [DEV_SET])
    results = {}
    for path in paths:
        errors: list[str] | None = [] if args.show_errors else None
        result = score(path, args.given_lang, errors)
        results[path.name] = result
        if args.json:
            continue
        print(f"\n{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        _print_table(result)
        print("\n".join(target_report(result)))
        for line in errors or []:
            print(line)
    if args.json:
        print(json.dumps(results if len(paths) > 1 else results[paths[0].name], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
