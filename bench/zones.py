"""What a chat's zone costs: inference at ingest, and `chats set-tz` on a big chat.

    .venv/bin/python bench/zones.py                       # 200,000 messages
    .venv/bin/python bench/zones.py --messages 50000 --proposals 500

On one generated Android export whose authors include +34 numbers, each step in a fresh
process on a fresh copy of the store (`--repeat` rounds, the least CPU time counts):

- ingest with `--tz Europe/Madrid` (given: nothing to infer, nothing to re-time);
- ingest with no zone on a UTC machine (`TZ=Etc/UTC`): the zone is inferred from the numbers
  and every message re-timed into it, the price of getting it right with no flag;
- `chats set-tz` to Atlantic/Canary with `--proposals` pending proposals of the chat, half of
  them accepted: messages re-timed, proposals and events moved in place, audit rows written.

No other tool infers a WhatsApp chat's zone or moves calendar proposals with it, so the
comparison is chatbook with and without the work: the ratio is what inference adds to an
import. The load average is printed with the table; results go to bench/results/zones-<N>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
AUTHORS = ["\u202a+34 612 34 56 78\u202c", "\u202a+34 622 98 76 54\u202c", "\u202a+34 655 12 34 56\u202c",
           "Lucía", "Marta", "Jorge"]
TEXTS = ["Hola a todos", "Gracias!", "Mañana no hay clase", "¿Quién lleva el almuerzo?",
         "La reunión es el jueves a las 18:30", "Perfecto 👍", "Vale, hasta luego"]


def write_export(path: Path, count: int) -> None:
    rng = random.Random(11)
    moment = datetime(2024, 1, 8, 8, 0)
    with path.open("w", encoding="utf-8") as out:
        for _ in range(count):
            moment += timedelta(minutes=rng.choice((1, 2, 5, 17, 60)))
            out.write(f"{moment:%d/%m/%Y, %H:%M} - {rng.choice(AUTHORS)}: {rng.choice(TEXTS)}\n")


STEP = r"""
import json, resource, sys, time
from toolkit.config import load_settings
settings = load_settings()
kind, export, proposals = sys.argv[1], sys.argv[2], int(sys.argv[3])
began, cpu = time.perf_counter(), time.process_time()
if kind == "given":
    from toolkit.ingest.importer import ingest_paths
    report = ingest_paths(settings, [export], tz="Europe/Madrid")
    detail = report.files[0].tz_source
elif kind == "inferred":
    from toolkit.ingest.importer import ingest_paths
    report = ingest_paths(settings, [export])
    detail = report.files[0].tz_source
else:
    from toolkit.extract.stage import set_chat_zone
    change = set_chat_zone(settings, "Bench", "Atlantic/Canary")
    detail = f"{change['messages_retimed']} messages, {change['proposals_moved']} proposals"
print(json.dumps({"wall": time.perf_counter() - began, "cpu": time.process_time() - cpu,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "detail": detail}))
"""

SEED = r"""
import sys
from toolkit.config import load_settings
from toolkit.eventtypes import FoundEvent
from toolkit.review import proposals
from toolkit.store.connect import open_db
settings = load_settings()
count = int(sys.argv[1])
conn = open_db(settings)
ids = [r[0] for r in conn.execute("SELECT id FROM messages ORDER BY id LIMIT ?", (count,))]
with conn:
    for n, message in enumerate(ids):
        day = 1 + n % 28
        found = FoundEvent(title=f"Reunión {n}", start=f"2025-03-{day:02d}T18:30:00+01:00",
                           end=None, all_day=False, location=None, confidence=0.9)
        proposals.record_event(conn, found, message_id=message, tz="Europe/Madrid")
for n, row in enumerate(proposals.list_proposals(conn)):
    if n % 2 == 0:
        proposals.accept(conn, row["id"], reviewer="bench", expected_version=row["version"])
conn.close()
"""


def run_step(kind: str, data_dir: Path, export: Path, proposals: int) -> dict:
    env = {**os.environ, "DATA_DIR": str(data_dir), "TZ": "Etc/UTC"}
    env.pop("CHATBOOK_TZ", None)
    out = subprocess.run([sys.executable, "-c", STEP, kind, str(export), str(proposals)],
                         env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def seeded_store(base: Path, export: Path, proposals: int) -> Path:
    """A store with the chat ingested (zone inferred) and `proposals` proposals, half accepted."""
    data = base / "seeded"
    run_step("inferred", data, export, proposals)
    env = {**os.environ, "DATA_DIR": str(data), "TZ": "Etc/UTC"}
    subprocess.run([sys.executable, "-c", SEED, str(proposals)], env=env, cwd=ROOT, check=True)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--proposals", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chatbook-zones-") as tmp:
        base = Path(tmp)
        export = base / "WhatsApp Chat with Bench.txt"
        write_export(export, args.messages)
        seeded = seeded_store(base, export, args.proposals)
        best: dict[str, dict] = {}
        for round_no in range(args.repeat):
            for kind in ("given", "inferred", "set-tz"):
                data = base / f"{kind}-{round_no}"
                if kind == "set-tz":
                    shutil.copytree(seeded, data)
                result = run_step(kind, data, export, args.proposals)
                if kind not in best or result["cpu"] < best[kind]["cpu"]:
                    best[kind] = result
                shutil.rmtree(data)
    load = os.getloadavg()
    print(f"{args.messages:,} messages, {args.proposals:,} proposals; load average "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; {os.cpu_count()} cores; "
          f"{datetime.now():%Y-%m-%d}")
    print("| step | wall s | CPU s | vs given ingest (CPU) | peak RSS MB | detail |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for kind in ("given", "inferred", "set-tz"):
        row = best[kind]
        ratio = row["cpu"] / best["given"]["cpu"]
        print(f"| {kind} | {row['wall']:.2f} | {row['cpu']:.2f} | {ratio:.2f}x | "
              f"{row['rss_mb']:.0f} | {row['detail']} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"zones-{args.messages}.json").write_text(json.dumps(
        {"messages": args.messages, "proposals": args.proposals, "load": load, "best": best,
         "date": datetime.now().isoformat(timespec="seconds")}, indent=2))


if __name__ == "__main__":
    main()
