"""Score the text event extractor on a labelled set (default: tests/data/events_dev.jsonl).

    python bench/score_extraction.py [FILE] [--show-errors] [--json] [--given-lang]
    python bench/score_extraction.py --speed [--messages 100000]

Matching: a predicted event matches a gold event when both announce (or both cancel) and
- announcements: same `start` and same `all_day`, and the same `end` when the gold gives one;
- cancellations: the same day (the proposals code matches the cancelled proposal by day).
Each gold event is matched at most once. A false alarm is a message whose gold has no
announced event but for which the extractor announces one.

By default the language is detected, as in production; `--given-lang` passes the gold one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.eventtypes import FoundEvent  # noqa: E402
from toolkit.extract.text import extract_events  # noqa: E402

DEV_SET = ROOT / "tests" / "data" / "events_dev.jsonl"


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def predict(record: dict[str, Any], given_lang: bool = False) -> list[FoundEvent]:
    return extract_events(
        record["text"], datetime.fromisoformat(record["ref_time"]), tz=record.get("tz"),
        locale=record.get("locale"), lang=record.get("lang") if given_lang else None,
    )


def matches(gold: dict[str, Any], found: FoundEvent) -> bool:
    if bool(gold.get("cancelled")) != found.cancelled:
        return False
    if found.cancelled:
        return bool(found.start[:10] == gold["start"][:10])
    if found.start != gold["start"] or found.all_day != gold["all_day"]:
        return False
    return gold.get("end") is None or found.end == gold["end"]


def match_counts(gold: list[dict[str, Any]], found: list[FoundEvent]) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) with one-to-one matching."""
    unmatched = list(found)
    tp = 0
    for g in gold:
        hit = next((f for f in unmatched if matches(g, f)), None)
        if hit is not None:
            unmatched.remove(hit)
            tp += 1
    return tp, len(unmatched), len(gold) - tp


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn}


def score(path: Path = DEV_SET, given_lang: bool = False,
          errors: list[str] | None = None) -> dict[str, Any]:
    """Precision/recall/F1 per language and overall, and the false-alarm rate."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    quiet: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # [no-event messages, false alarms]
    for record in load(path):
        lang = record["lang"]
        found = predict(record, given_lang)
        tp, fp, fn = match_counts(record["events"], found)
        for key in (lang, "all"):
            counts[key][0] += tp
            counts[key][1] += fp
            counts[key][2] += fn
        announced = [e for e in record["events"] if not e.get("cancelled")]
        if not announced:
            alarm = any(not f.cancelled for f in found)
            for key in (lang, "all"):
                quiet[key][0] += 1
                quiet[key][1] += int(alarm)
        if errors is not None and (fp or fn):
            got = [{"start": f.start, "end": f.end, "all_day": f.all_day, "cancelled": f.cancelled}
                   for f in found]
            errors.append(f"{record['id']} {record['text']!r}\n   gold {record['events']}\n   got  {got}")
    result: dict[str, Any] = {}
    for key, (tp, fp, fn) in counts.items():
        no_event, alarms = quiet[key]
        result[key] = {**_prf(tp, fp, fn), "messages_without_event": no_event,
                       "false_alarms": alarms,
                       "false_alarm_rate": round(alarms / no_event, 4) if no_event else 0.0}
    return result


def speed(path: Path, messages: int) -> dict[str, float]:
    """Time `messages` extractions: the dev texts cycled (a worst case, half hold events),
    and the same number of texts where most messages are plain chatter, as in real chats."""
    records = load(path)
    extract_events("warm up the language models", datetime.now().astimezone())
    chatter = ["ok 👍", "haha yes", "thanks so much!", "who has the blue jumper?", "lol",
               "Sounds good", "gracias!!", "danke dir", "merci 😊", "valeu", "I'm on my way",
               "can you send the photo?", "¿alguien tiene el libro?", "super, bis dann"]
    report: dict[str, float] = {}
    for name, texts in (("dev_texts_cycled", [r for r in records]),
                        ("chat_mix_1_in_5_dev", None)):
        start, cpu = time.perf_counter(), time.process_time()
        for i in range(messages):
            if texts is not None:
                record = texts[i % len(texts)]
                text = record["text"]
            else:
                record = records[i % len(records)]
                text = record["text"] if i % 5 == 0 else chatter[i % len(chatter)]
            extract_events(text, datetime.fromisoformat(record["ref_time"]), tz=record.get("tz"),
                           locale=record.get("locale"))
        report[f"{name}_seconds"] = round(time.perf_counter() - start, 2)
        report[f"{name}_cpu_seconds"] = round(time.process_time() - cpu, 2)  # shared machines
    report["messages"] = messages
    return report


def _print_table(result: dict[str, Any]) -> None:
    print(f"{'lang':5} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}  false alarms")
    for key in sorted(result, key=lambda k: (k == "all", k)):
        r = result[key]
        print(f"{key:5} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} {r['tp']:4} "
              f"{r['fp']:4} {r['fn']:4}  {r['false_alarms']}/{r['messages_without_event']} "
              f"= {r['false_alarm_rate']:.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEV_SET)
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--given-lang", action="store_true", help="pass the gold language")
    parser.add_argument("--speed", action="store_true", help="time N extractions instead")
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args(argv)
    if args.speed:
        print(json.dumps(speed(args.path, args.messages), indent=2))
        return 0
    errors: list[str] | None = [] if args.show_errors else None
    result = score(args.path, args.given_lang, errors)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print_table(result)
    for line in errors or []:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
