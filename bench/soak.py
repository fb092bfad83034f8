"""Soak: ingest, embed and extract in cycles for N minutes on growing data; throughput and
memory over time.

Each cycle re-exports every chat with its whole history plus new messages (what a user who
exports weekly does), then runs the three stages in this one process, as `chatbook run` would
in a long-lived kernel. A row per cycle shows what each stage did, how fast, and the process's
resident memory; the summary compares memory after the first cycle (model loaded, caches warm)
with the end. Memory should stay flat apart from the data's own growth (the in-process vector
cache holds 384 float32s per embedded message: its expected share is printed).

    python bench/soak.py --minutes 10 --per-cycle 2000 --chats 4
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

AUTHORS = ["Ana", "Tom", "Priya", "Coach Mike", "Grandma", "Mr Okafor"]
TEXTS = ["Practice on Saturday at 10am at Riverside park", "Can someone bring the oranges?",
         "Bake sale next Friday from 3pm in the school hall", "Thanks everyone!",
         "Reminder: parents evening on Thursday at 6pm", "I'll be 5 minutes late",
         "The match is at 2pm on Sunday, meet at the club house", "Has anyone seen a blue jacket?",
         "Dentist moved to Tuesday 3pm", "Who is driving to the away game?"]


def rss_mb() -> float:
    """Resident memory now (not the peak), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Chat:
    """One chat whose export grows by `n` messages each cycle."""

    def __init__(self, name: str, seed: int):
        self.name = name
        self.rng = random.Random(seed)
        self.moment = datetime(2024, 1, 14, 8, 0)
        self.lines: list[str] = []

    def grow(self, n: int) -> None:
        for _ in range(n):
            self.moment += timedelta(minutes=self.rng.randint(1, 120))
            text = f"{self.rng.choice(TEXTS)} #{len(self.lines)}"
            self.lines.append(f"{self.moment:%d/%m/%Y, %H:%M} - {self.rng.choice(AUTHORS)}: {text}")

    def export(self, folder: Path) -> Path:
        path = folder / f"WhatsApp Chat with {self.name}.txt"
        path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
        return path


def timed(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="how long to run")
    parser.add_argument("--per-cycle", type=int, default=2000, help="new messages per cycle")
    parser.add_argument("--chats", type=int, default=4, help="chats the messages spread over")
    parser.add_argument("--data-dir", type=Path, help="keep the stores here (default: a temp dir)")
    args = parser.parse_args()

    from toolkit.config import load_settings
    from toolkit.extract.stage import extract_new
    from toolkit.ingest.importer import ingest_paths
    from toolkit.search.embed import embed_new
    from toolkit.store.connect import migrate_all

    root = args.data_dir or Path(tempfile.mkdtemp(prefix="chatbook-soak-"))
    settings = load_settings({"DATA_DIR": str(root / "data")}, cwd=root)
    migrate_all(settings)
    exports = root / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    chats = [Chat(f"Group {i}", seed=i) for i in range(args.chats)]
    deadline = time.monotonic() + args.minutes * 60
    header = (f"{'cycle':>5} {'messages':>9} {'ingest/s':>9} {'embed/s':>8} {'extract/s':>9} "
              f"{'cycle s':>8} {'RSS MB':>8} {'app.db MB':>9} {'vectors MB':>10}")
    print(f"soak in {root}: {args.per_cycle} new messages per cycle over {args.chats} chats, "
          f"{args.minutes} min", flush=True)
    print(header, flush=True)
    rows: list[tuple[int, int, float]] = []
    total, cycle = 0, 0
    while time.monotonic() < deadline:
        cycle += 1
        for chat in chats:
            chat.grow(args.per_cycle // args.chats)
        paths = [chat.export(exports) for chat in chats]
        started = time.perf_counter()
        ingested, t_ingest = timed(ingest_paths, settings, paths)
        if not ingested.ok:
            raise SystemExit(f"ingest failed: {[f.error for f in ingested.files if f.error]}")
        embedded, t_embed = timed(embed_new, settings)
        extracted, t_extract = timed(extract_new, settings)
        total += ingested.added
        gc.collect()
        memory = rss_mb()
        rows.append((cycle, total, memory))
        print(f"{cycle:>5} {total:>9} {ingested.added / t_ingest:>9.0f} "
              f"{embedded.scanned / max(t_embed, 1e-9):>8.0f} "
              f"{extracted.messages_scanned / max(t_extract, 1e-9):>9.0f} "
              f"{time.perf_counter() - started:>8.1f} {memory:>8.0f} "
              f"{settings.db_path.stat().st_size / 2**20:>9.1f} "
              f"{settings.vdb_path.stat().st_size / 2**20:>10.1f}", flush=True)
    summarise(rows)


def summarise(rows: list[tuple[int, int, float]]) -> None:
    """Memory per 10k messages in each half of the run: a leak keeps the second half steep,
    warm-up (model, allocator high-water marks) only the first."""
    if len(rows) < 4:
        print("fewer than four cycles: run longer to see memory over time")
        return
    half = len(rows) // 2
    data_share = 10_000 * 384 * 4 / 2**20  # the in-process vector cache, per 10k messages

    def slope(part: list[tuple[int, int, float]]) -> float:
        (_, m0, r0), (_, m1, r1) = part[0], part[-1]
        return (r1 - r0) / max(m1 - m0, 1) * 10_000

    first, second = slope(rows[: half + 1]), slope(rows[half:])
    print(f"\nRSS {rows[0][2]:.0f} MB after cycle 1, {rows[-1][2]:.0f} MB at the end "
          f"({rows[-1][1]} messages)")
    print(f"growth per 10k messages: first half {first:+.1f} MB, second half {second:+.1f} MB "
          f"(the vectors held in memory account for about {data_share:.1f} MB)")
    verdict = ("flat apart from the data" if second <= 2 * data_share + 5
               else "still growing faster than the data: worth a look")
    print(f"memory: {verdict}")


if __name__ == "__main__":
    main()
