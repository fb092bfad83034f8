"""Vector and hybrid search, side by side: our default vs sqlite-vss, sqlite-vec, numpy, `llm similar`.

    python bench/search.py            # 100k real MiniLM vectors + 100k random vectors
    python bench/search.py --big      # also 1M (real if bench/corpus.py --n 1000000 was run)

Peers, on the same vectors and the same queries:
- ours: `ModelIndex.search` with the default settings (sqlite-vec store; large stores use the
  numpy fast path: 1-bit codes, Hamming scan, exact float re-scoring of the candidates);
- sqlite-vss flat: a `vss0` table (Faiss flat L2), as ADR-0020 names it;
- sqlite-vec exact: the `vec0` table's own KNN query;
- numpy exact: one float32 matrix product over every row (the memory-bandwidth floor);
- llm similar: what `llm similar` does, a Python cosine over every decoded row.
Recall@10 is measured against the exact top 10 (a hit counts when its score reaches the exact
10th score, so tied duplicates are not punished). Stores and vectors are cached in
`bench/.cache/` (git-ignored). Set OMP_NUM_THREADS=1 for single-query numbers.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CACHE, cached_embeddings, generate_messages  # noqa: E402

from toolkit.config import Settings, load_settings  # noqa: E402
from toolkit.search.vector_index import ModelIndex, open_store  # noqa: E402
from toolkit.store import db  # noqa: E402
from toolkit.store.vectors import VectorStore  # noqa: E402

MODEL = "all-MiniLM-L6-v2"
Result = list[tuple[int, float]]


def settings_for(name: str, backend: str = "vec") -> Settings:
    data = CACHE / name
    return load_settings({"DATA_DIR": str(data), "VECTOR_BACKEND": backend}, cwd=CACHE)


def random_vectors(n: int, dim: int = 384, seed: int = 1) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows


def build_store(
    settings: Settings, matrix: np.ndarray, chunk: int = 10_000
) -> tuple[VectorStore, ModelIndex, float]:
    """A vector store holding `matrix` as message ids 1..n (reused when already built)."""
    store = open_store(settings)
    index = store.prepare(MODEL, matrix.shape[1])
    started = time.perf_counter()
    have = index.count()
    if have != len(matrix):
        store.drop_model(MODEL)
        index = store.prepare(MODEL, matrix.shape[1])
        ids = np.arange(1, len(matrix) + 1, dtype=np.int64)
        for start in range(0, len(matrix), chunk):
            index.add(
                ids[start : start + chunk],
                matrix[start : start + chunk],
                ["-"] * len(ids[start : start + chunk]),
            )
    return store, index, time.perf_counter() - started


def build_messages(settings: Settings, texts: list[str]) -> None:
    """A primary store with the texts as messages 1..n of one chat (for hybrid search)."""
    from toolkit.store.connect import open_db

    conn = open_db(settings)
    if conn.execute("SELECT count(*) FROM messages").fetchone()[0] == len(texts):
        conn.close()
        return
    conn.execute("DELETE FROM messages")
    conn.execute("INSERT OR IGNORE INTO chats(id, name, created_at) VALUES (1, 'Bench', ?)", (db.utc_now(),))
    with db.transaction(conn):
        conn.executemany(
            "INSERT INTO messages(id, chat_id, sent_at, author, text, kind, source_file, source_line, "
            "content_key, ingested_at) VALUES (?, 1, ?, 'A', ?, 'text', 'bench', ?, ?, '')",
            (
                (
                    i + 1,
                    f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:{i % 60:02d}",
                    t,
                    i + 1,
                    f"b{i}",
                )
                for i, t in enumerate(texts)
            ),
        )
    conn.close()


def exact_top(matrix: np.ndarray, query: np.ndarray, k: int = 10) -> Result:
    scores = matrix @ query
    part = np.argpartition(-scores, k - 1)[:k]
    part = part[np.argsort(-scores[part])]
    return [(int(i) + 1, float(scores[i])) for i in part]


def recall(got: Result, exact: Result) -> float:
    floor = exact[-1][1] - 1e-4
    return sum(1 for _, s in got[: len(exact)] if s >= floor) / len(exact)


def llm_similar(conn: db.Connection, query: np.ndarray, k: int = 10) -> Result:
    """`llm similar`: decode every stored vector and compute cosine in Python."""
    q = query.tolist()

    def cosine(a: list[float], b: tuple[float, ...]) -> float:
        dot = sum(x * y for x, y in zip(a, b, strict=True))
        return dot / ((sum(x * x for x in a) ** 0.5) * (sum(y * y for y in b) ** 0.5))

    fmt = f"<{len(q)}f"
    scored = [
        (int(row[0]), cosine(q, struct.unpack(fmt, row[1])))
        for row in conn.execute("SELECT message_id, vector FROM embeddings WHERE model = ?", (MODEL,))
    ]
    scored.sort(key=lambda item: -item[1])
    return scored[:k]


def measure(
    fn: Callable[[np.ndarray], Result], queries: np.ndarray, exacts: list[Result], repeat: int | None = None
) -> tuple[float, float]:
    """(p50 ms, mean recall@10) over the queries (the first `repeat` of them)."""
    times, recalls = [], []
    for query, exact in list(zip(queries, exacts, strict=True))[: repeat or len(queries)]:
        started = time.perf_counter()
        got = fn(query)
        times.append((time.perf_counter() - started) * 1000)
        recalls.append(recall(got, exact))
    return statistics.median(times), float(np.mean(recalls))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_vectors(
    label: str, matrix: np.ndarray, queries: np.ndarray, *, with_vss: bool, slow_repeat: int
) -> None:
    n = len(matrix)
    print(f"\n== {label}: {n:,} vectors x {matrix.shape[1]} dims, {len(queries)} queries, top 10")
    exacts = [exact_top(matrix, q) for q in queries]
    store, index, built = build_store(settings_for(f"vec-{label}"), matrix)
    if built > 1:
        print(f"   (built the sqlite-vec store in {built:.1f} s)")
    rows: list[tuple[str, float, float, str]] = []

    started = time.perf_counter()
    index.search(queries[0], 10)  # the fast path loads its numpy copy on first use
    warm = time.perf_counter() - started
    fast = index.fast_index()
    p50, rec = measure(lambda q: index.search(q, 10), queries, exacts)
    rows.append(
        (
            "ours (default)",
            p50,
            rec,
            f"first query {warm * 1000:.0f} ms (loads {fast.nbytes / 2**20:.0f} MiB)",
        )
    )

    if with_vss:
        vss_store, vss_index, vss_built = build_store(settings_for(f"vss-{label}", "vss"), matrix)
        p50, rec = measure(lambda q: vss_index.search(q, 10, fast=False), queries, exacts)
        note = f"built in {vss_built:.0f} s" if vss_built > 1 else "index loaded per connection"
        rows.append(("sqlite-vss flat", p50, rec, note))
    else:
        rows.append(
            (
                "sqlite-vss flat",
                float("nan"),
                float("nan"),
                "n/a: one Faiss BLOB per table stops near 644k 384-d rows",
            )
        )

    p50, rec = measure(lambda q: index.search(q, 10, fast=False), queries, exacts, repeat=20)
    rows.append(("sqlite-vec exact", p50, rec, "vec0 KNN query"))
    p50, rec = measure(lambda q: exact_top(matrix, q), queries, exacts)
    rows.append(("numpy exact scan", p50, rec, "matrix @ query, argpartition"))
    p50, rec = measure(lambda q: llm_similar(store.conn, q), queries, exacts, repeat=slow_repeat)
    rows.append(("llm similar (Python)", p50, rec, f"{slow_repeat} queries"))

    print(f"   {'peer':<22} {'p50 ms':>10} {'recall@10':>10}  {'vs ours':>8}  note")
    base = rows[0][1]
    for name, p50, rec, note in rows:
        ratio = f"{p50 / base:.1f}x" if p50 == p50 else "-"
        shown = f"{p50:10.2f}" if p50 == p50 else f"{'-':>10}"
        rec_shown = f"{rec:10.3f}" if rec == rec else f"{'-':>10}"
        print(f"   {name:<22} {shown} {rec_shown}  {ratio:>8}  {note}")

    add_ids = np.arange(n + 1, n + 1001, dtype=np.int64)
    extra = random_vectors(1000, matrix.shape[1], seed=5)
    started = time.perf_counter()
    index.add(add_ids, extra, ["-"] * 1000)
    add_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    index.search(queries[0], 10)
    refresh_ms = (time.perf_counter() - started) * 1000
    print(
        f"   add 1,000 vectors (ours, sqlite-vec + embeddings, one transaction): {add_ms:.0f} ms; "
        f"next search with the incremental fast-path refresh: {refresh_ms:.1f} ms"
    )
    if with_vss:
        started = time.perf_counter()
        vss_index.add(add_ids, extra, ["-"] * 1000)
        vss_ms = (time.perf_counter() - started) * 1000
        print(f"   add 1,000 vectors (sqlite-vss, one transaction): {vss_ms:.0f} ms")
        with db.transaction(vss_store.conn):  # leave the cached stores as built
            vss_store.conn.execute(f"DELETE FROM {vss_index.table} WHERE rowid > ?", (n,))
            vss_store.conn.execute("DELETE FROM embeddings WHERE message_id > ?", (n,))
        vss_store.close()
    with db.transaction(store.conn):
        store.conn.execute(f"DELETE FROM {index.table} WHERE rowid > ?", (n,))
        store.conn.execute("DELETE FROM embeddings WHERE message_id > ?", (n,))
        store.conn.execute("UPDATE vector_models SET generation = hex(randomblob(8))")
    sizes = sum(p.stat().st_size for p in settings_for(f"vec-{label}").vdb_path.parent.glob("vectors.db*"))
    print(
        f"   memory: fast-path arrays {fast.nbytes / 2**20:.0f} MiB; process peak RSS so far "
        f"{rss_mb():.0f} MiB; sqlite-vec store file {sizes / 2**20:.0f} MiB"
    )
    store.close()


def bench_hybrid(texts: list[str], matrix: np.ndarray, query_texts: list[str]) -> None:
    """End-to-end `toolkit.search.query.search` (open stores, embed query, FTS + vectors, context)."""
    from toolkit.search.query import search_messages

    settings = settings_for("vec-real-100k")
    build_messages(settings, texts)
    print(f"\n== hybrid search end to end over {len(texts):,} messages (k=10, context=2)")
    for mode in ("keyword", "vector", "hybrid"):
        search_messages(settings, query_texts[0], mode=mode)  # warm: model, fast path
        times = []
        for q in query_texts:
            started = time.perf_counter()
            search_messages(settings, q, mode=mode)
            times.append((time.perf_counter() - started) * 1000)
        print(f"   {mode:<8} p50 {statistics.median(times):7.2f} ms   p90 {np.percentile(times, 90):7.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--big", action="store_true", help="also run at 1,000,000 vectors")
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--only-big", action="store_true", help="skip the 100k rounds (with --big)")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from toolkit.search.embed import encode, load_model

    model = load_model(MODEL)
    query_texts = generate_messages(args.queries, seed=99)
    queries = encode(model, query_texts)
    texts, real = cached_embeddings(100_000)
    if not args.only_big:
        bench_vectors("real-100k", real, queries, with_vss=True, slow_repeat=3)
        bench_vectors(
            "random-100k",
            random_vectors(100_000),
            random_vectors(args.queries, seed=2),
            with_vss=True,
            slow_repeat=3,
        )
        bench_hybrid(texts, real, query_texts)
    if args.big or args.only_big:
        big_path = CACHE / "minilm_1000000.npy"
        if big_path.exists():
            bench_vectors("real-1m", np.load(big_path), queries, with_vss=False, slow_repeat=1)
        else:
            print(
                "\n(no real 1M vectors cached: `python bench/corpus.py --n 1000000` embeds 288k distinct"
                " texts; meanwhile the real 100k vectors x10 with noise stand in)"
            )
            bench_vectors("real-x10-1m", jittered(real, 10), queries, with_vss=False, slow_repeat=1)
        bench_vectors(
            "random-1m",
            random_vectors(1_000_000),
            random_vectors(args.queries, seed=2),
            with_vss=False,
            slow_repeat=1,
        )


def jittered(matrix: np.ndarray, copies: int, noise: float = 0.02) -> np.ndarray:
    """`copies` noisy copies of real embeddings: their cluster structure, distinct vectors.

    With noise 0.02 per dimension a copy keeps a cosine of about 0.93 to its original.
    """
    rng = np.random.default_rng(4)
    out = np.concatenate(
        [matrix + rng.normal(0, noise, matrix.shape).astype(np.float32) for _ in range(copies)]
    )
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out.astype(np.float32)

if __name__ == "__main__":
    main()
