"""Search speed and recall at 100k and 1M messages: in a process, and `chatbook search` from the terminal.

    python bench/search.py                 # 100k messages
    python bench/search.py --big           # also 1M messages
    python bench/search.py --only-big
    python bench/search.py --engine 288000 1000000   # the fast path alone, no stores

The stores hold the corpus of `bench/corpus.py` (generated chat messages with the repetition
real chats have: 100k messages are 47k distinct texts, 1M are 288k) and their vectors from the
default model (multilingual-e5-small, `passage: ` side). Embedding 288k distinct texts with the
4-bit C engine takes hours on 2 busy cores, so texts not yet embedded (cached in
`bench/.cache/e5_chunks/`, filled by `python bench/corpus.py --model multilingual-e5-small`)
borrow the vector of an embedded text with a little noise (cosine 0.95 to it): the store
keeps the real vectors' structure; the report says how many rows are real.

Printed, for each size, in one run with the machine's load:
- the vector search peers on the same vectors and queries: ours (the memory-mapped fast path,
  one row per distinct text), sqlite-vec's exact `vec0` KNN, sqlite-vss flat (100k only: one
  Faiss BLOB per table stops near 644k rows), a numpy exact scan, and `llm similar` (a Python
  cosine over every decoded row); p50 in one process and recall@10 against the exact top 10;
- recall measured honestly: the queries are natural-language questions (the relevance sets'
  137 queries, en/es/de/fr/pt), embedded as queries, never the fast path's calibration set;
- `chatbook search` end to end in fresh processes (keyword, vector, hybrid): wall time and peak
  RSS, against the issue's targets (< 1 s at 100k, < 2 s at 1M, < 1.5 GB RSS at 1M).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import resource
import statistics
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CACHE, generate_messages, model_vectors  # noqa: E402

from toolkit.config import DEFAULT_EMBED_MODEL, Settings, load_settings  # noqa: E402
from toolkit.search.vector_index import ModelIndex, open_store  # noqa: E402
from toolkit.store import db  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MODEL = DEFAULT_EMBED_MODEL
Result = list[tuple[int, float]]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} cores"


def settings_for(name: str, backend: str = "vec") -> Settings:
    return load_settings({"DATA_DIR": str(CACHE / name), "VECTOR_BACKEND": backend}, cwd=CACHE)


def sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def corpus_vectors(n: int) -> tuple[list[str], np.ndarray, int]:
    """The corpus's messages, one vector per message (identical texts share it), and how many
    distinct texts have their real vector."""
    texts = generate_messages(n)
    distinct = list(dict.fromkeys(texts))
    real = model_vectors(MODEL, distinct)
    have = len(real)
    rng = np.random.default_rng(8)
    if have < len(distinct):
        borrowed = real[rng.integers(0, have, len(distinct) - have)]
        borrowed = borrowed + rng.normal(0, 0.011, borrowed.shape).astype(np.float32)
        borrowed /= np.linalg.norm(borrowed, axis=1, keepdims=True)
        real = np.concatenate([real, borrowed.astype(np.float32)])
    row = {text: i for i, text in enumerate(distinct)}
    return texts, real[[row[t] for t in texts]], have


def build_store(settings: Settings, texts: list[str], matrix: np.ndarray, chunk: int = 20_000
                ) -> tuple[object, ModelIndex, float]:
    """A vector store holding `matrix` as message ids 1..n (reused when already built)."""
    store = open_store(settings)
    index = store.prepare(MODEL, matrix.shape[1])
    started = time.perf_counter()
    stamp = settings.data_dir / "vectors.sha1"  # the cached store is reused only for the same vectors
    fingerprint = hashlib.sha1(matrix.tobytes()).hexdigest()
    if index.count() != len(matrix) or not stamp.exists() or stamp.read_text() != fingerprint:
        store.drop_model(MODEL)
        index = store.prepare(MODEL, matrix.shape[1])
        ids = np.arange(1, len(matrix) + 1, dtype=np.int64)
        for start in range(0, len(matrix), chunk):
            part = slice(start, start + chunk)
            index.add(ids[part], matrix[part], [sha(t) for t in texts[part]])
        stamp.write_text(fingerprint)
    from toolkit.search.embed import calibration_vectors, load_model

    index.calibration = lambda: calibration_vectors(load_model(MODEL))  # as a search sets it
    return store, index, time.perf_counter() - started


def build_messages(settings: Settings, texts: list[str]) -> None:
    """A primary store with the texts as messages 1..n of one chat (for keyword and hybrid)."""
    from toolkit.store.connect import open_db

    conn = open_db(settings)
    if conn.execute("SELECT count(*) FROM messages").fetchone()[0] == len(texts):
        conn.close()
        return
    conn.execute("DELETE FROM messages")
    conn.execute("INSERT OR IGNORE INTO chats(id, name, created_at) VALUES (1, 'Bench', ?)", (db.utc_now(),))
    authors = ["Anna", "Ben", "Carla", "David", "Emma"]
    with db.transaction(conn):
        conn.executemany(
            "INSERT INTO messages(id, chat_id, sent_at, author, text, kind, source_file, source_line, "
            "content_key, ingested_at) VALUES (?, 1, ?, ?, ?, 'text', 'bench', ?, ?, '')",
            ((i + 1, f"20{20 + i * 5 // len(texts)}-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:"
              f"{i % 60:02d}:00", authors[i % 5], t, i + 1, f"b{i}") for i, t in enumerate(texts)),
        )
    conn.close()


def distinct_rows(texts: list[str], matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first message id of each distinct text, its vector): what the exact top 10 is over."""
    first: dict[str, int] = {}
    for i, text in enumerate(texts):
        first.setdefault(text, i)
    rows = np.fromiter(first.values(), dtype=np.int64)
    return rows + 1, matrix[rows]


def exact_top(ids: np.ndarray, matrix: np.ndarray, query: np.ndarray, k: int = 10) -> Result:
    scores = matrix @ query
    part = np.argpartition(-scores, k - 1)[:k]
    part = part[np.argsort(-scores[part])]
    return [(int(ids[i]), float(scores[i])) for i in part]


def recall(got: Result, exact: Result) -> float:
    """A hit counts when its score reaches the exact 10th score (ties are not punished)."""
    floor = exact[-1][1] - 1e-4
    return sum(1 for _, s in got[: len(exact)] if s >= floor) / len(exact)


def llm_similar(conn: db.Connection, query: np.ndarray, k: int = 10) -> Result:
    """`llm similar`: decode every stored vector and compute cosine in Python."""
    q = query.tolist()

    def cosine(a: list[float], b: tuple[float, ...]) -> float:
        dot = sum(x * y for x, y in zip(a, b, strict=True))
        return dot / ((sum(x * x for x in a) ** 0.5) * (sum(y * y for y in b) ** 0.5))

    fmt = f"<{len(q)}f"
    scored = [(int(row[0]), cosine(q, struct.unpack(fmt, row[1])))
              for row in conn.execute("SELECT message_id, vector FROM embeddings WHERE model = ?", (MODEL,))]
    scored.sort(key=lambda item: -item[1])
    return scored[:k]


def measure(fn: Callable[[np.ndarray], Result], queries: np.ndarray, exacts: list[Result],
            repeat: int | None = None) -> tuple[float, float]:
    """(p50 ms, mean recall@10) over the queries (the first `repeat` of them)."""
    p50, _, rec = measure_cpu(fn, queries, exacts, repeat)
    return p50, rec


def measure_cpu(fn: Callable[[np.ndarray], Result], queries: np.ndarray, exacts: list[Result],
                repeat: int | None = None) -> tuple[float, float, float]:
    """(p50 ms wall, p50 ms CPU of this thread, mean recall@10): CPU time is steadier than wall
    time on a shared machine."""
    times, cpu, recalls = [], [], []
    for query, exact in list(zip(queries, exacts, strict=True))[: repeat or len(queries)]:
        started, thread = time.perf_counter(), time.thread_time()
        got = fn(query)
        cpu.append((time.thread_time() - thread) * 1000)
        times.append((time.perf_counter() - started) * 1000)
        recalls.append(recall(got, exact))
    return statistics.median(times), statistics.median(cpu), float(np.mean(recalls))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def natural_queries() -> list[str]:
    """The relevance sets' questions (held out from the fast path's calibration)."""
    found = []
    for name in ("relevance.jsonl", "relevance_multilingual.jsonl"):
        for line in (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(json.loads(line)["query"])
    return found


def bench_vectors(label: str, settings: Settings, texts: list[str], matrix: np.ndarray, queries: np.ndarray,
                  *, with_vss: bool, slow_repeat: int) -> None:
    print(f"\n== {label}: {len(matrix):,} messages ({len(set(texts)):,} distinct texts) x {matrix.shape[1]} "
          f"dims, {len(queries)} natural queries, top 10; {load()}")
    ids, rows = distinct_rows(texts, matrix)
    exacts = [exact_top(ids, rows, q) for q in queries]
    store, index, built = build_store(settings, texts, matrix)
    if built > 1:
        print(f"   (built the sqlite-vec store in {built:.0f} s)")
    started = time.perf_counter()
    fast = index.fast_index()
    refresh = time.perf_counter() - started
    meta = fast.meta
    results: list[tuple[str, float, float, str]] = []
    p50, rec = measure(lambda q: index.search(q, 10), queries, exacts)
    results.append(("ours (fast path)", p50, rec,
                    f"{meta.rows:,} rows, {stages(meta)} "
                    f"(calibrated: {meta.calibration or 'small store, exact'})"))
    if with_vss:
        vss_store, vss_index, vss_built = build_store(settings_for(f"{label}-vss", "vss"), texts, matrix)
        p50, rec = measure(lambda q: vss_index.search(q, 10, fast=False), queries, exacts, repeat=20)
        results.append(("sqlite-vss flat", p50, rec, "Faiss flat; identical texts not collapsed"))
        vss_store.close()  # type: ignore[attr-defined]
    else:
        results.append(("sqlite-vss flat", float("nan"), float("nan"),
                        "n/a: one Faiss BLOB per table stops near 644k 384-d rows"))
    p50, rec = measure(lambda q: index.search(q, 10, fast=False), queries, exacts, repeat=10)
    results.append(("sqlite-vec exact", p50, rec, "vec0 KNN query, 10 queries"))
    p50, rec = measure(lambda q: exact_top(ids, rows, q), queries, exacts)
    results.append(("numpy exact scan", p50, rec, "in RAM: distinct rows @ query"))
    p50, rec = measure(lambda q: llm_similar(store.conn, q), queries, exacts,  # type: ignore[attr-defined]
                       repeat=slow_repeat)
    results.append(("llm similar (Python)", p50, rec, f"{slow_repeat} queries"))
    print(f"   {'peer':<22} {'p50 ms':>10} {'recall@10':>10}  {'vs ours':>8}  note")
    base = results[0][1]
    for name, p50, rec, note in results:
        ratio = f"{p50 / base:.1f}x" if p50 == p50 else "-"
        shown = f"{p50:10.2f}" if p50 == p50 else f"{'-':>10}"
        rec_shown = f"{rec:10.3f}" if rec == rec else f"{'-':>10}"
        print(f"   {name:<22} {shown} {rec_shown}  {ratio:>8}  {note}")
    low = sorted(recall(index.search(q, 10), e) for q, e in zip(queries, exacts, strict=True))[:3]
    print(f"   ours, the three lowest per-query recalls: {', '.join(f'{r:.1f}' for r in low)}; fast path "
          f"brought up to date in {refresh:.1f} s; process peak RSS {rss_mb():.0f} MiB")
    store.close()  # type: ignore[attr-defined]


def bench_terminal(label: str, settings: Settings, texts: list[str], query_texts: list[str],
                   target_s: float) -> None:
    """`chatbook search` in fresh processes: what a person at a terminal waits for."""
    build_messages(settings, texts)
    env = {**os.environ, "DATA_DIR": str(settings.data_dir)}
    chatbook = [sys.executable, "-m", "toolkit"]
    subprocess.run(chatbook + ["search", "warm up the page cache", "--context", "0"], env=env,
                   capture_output=True, check=True)
    print(f"\n== `chatbook search` in a fresh process, {label} ({load()}); target < {target_s:.0f} s")
    print(f"   {'mode':<8} {'p50 s':>7} {'max s':>7} {'peak RSS MiB':>13}  {'vs target':>9}")
    for mode in ("keyword", "vector", "hybrid"):
        times, peaks = [], []
        for query in query_texts:
            started = time.perf_counter()
            done = subprocess.run(TIME + chatbook + ["search", query, "--mode", mode, "--json"], env=env,
                                  capture_output=True, text=True)
            times.append(time.perf_counter() - started)
            if done.returncode != 0:
                raise SystemExit(f"chatbook search failed: {done.stderr.strip()}")
            peaks.append(child_peak_mb(done.stderr))
        p50 = statistics.median(times)
        print(f"   {mode:<8} {p50:7.2f} {max(times):7.2f} {max(peaks):13.0f}  {p50 / target_s:8.2f}x")


# GNU time reports the child's own peak RSS; RUSAGE_CHILDREN would count the pages a child
# inherits from this (large) process at fork, before it execs.
TIME = ["/usr/bin/time", "-f", "peak-rss-kb %M"] if Path("/usr/bin/time").exists() else []


def child_peak_mb(stderr: str) -> float:
    found = [line.split()[-1] for line in stderr.splitlines() if line.startswith("peak-rss-kb ")]
    return int(found[-1]) / 1024 if found else float("nan")


def bench_size(n: int, label: str, queries: np.ndarray, query_texts: list[str], *, with_vss: bool,
               target_s: float, terminal_only: bool = False) -> None:
    texts, matrix, real = corpus_vectors(n)
    distinct = len(set(texts))
    print(f"\n{label}: {real:,} of {distinct:,} distinct texts have their real {MODEL} vector; "
          f"the rest borrow one (see the docstring)")
    settings = settings_for(f"search-{label}")
    if not terminal_only:
        bench_vectors(label, settings, texts, matrix, queries, with_vss=with_vss, slow_repeat=1)
    bench_terminal(label, settings, texts, query_texts, target_s)


def stages(meta: object) -> str:
    """What the fast path's calibration chose: an exact scan, or its pool and candidates."""
    if getattr(meta, "exact", True):
        return "exact scan"
    return f"pool {getattr(meta, 'pool', 0):,}, {getattr(meta, 'rerank', 0):,} candidates"


def centred_probes(queries: np.ndarray) -> np.ndarray | None:
    """The queries centred (less the calibration questions' mean, renormalised:
    `toolkit.search.query.Centring.probe`). A centred search asks the index with the query as
    embedded and re-ranks its top 50 by the centred cosine; these show what asking with the
    probe would keep, with either calibration."""
    from toolkit.search.embed import calibration_vectors, load_model
    from toolkit.search.query import Centring

    model = load_model(MODEL)
    if not model.centre:
        return None
    mean = calibration_vectors(model).mean(axis=0).astype(np.float32)
    centring = Centring(mean, mean, model.centre)  # only the query mean enters a probe
    return np.stack([centring.probe(q) for q in queries])


def stand_in(n_rows: int) -> tuple[np.ndarray, int]:
    """`n_rows` distinct rows: the real vectors cached, then noisy copies of them (cosine about
    0.98), and how many are real."""
    real = model_vectors(MODEL, list(dict.fromkeys(generate_messages(1_000_000))))
    rng = np.random.default_rng(11)
    matrix = np.empty((n_rows, real.shape[1]), dtype=np.float32)
    matrix[: len(real)] = real[:n_rows]
    for start in range(len(real), n_rows, 100_000):
        end = min(n_rows, start + 100_000)
        noise = rng.normal(0, 0.011, (end - start, real.shape[1]))
        part = real[rng.integers(0, len(real), end - start)] + noise
        matrix[start:end] = part / np.linalg.norm(part, axis=1, keepdims=True)
    return matrix, min(n_rows, len(real))


def report_engine(search: Callable[[np.ndarray, int], Result], label: str, asked: np.ndarray,
                  exacts: list[Result]) -> None:
    p50, cpu, rec = measure_cpu(lambda q: search(q, 10), asked, exacts)
    low = sorted(recall(search(q, 10), e) for q, e in zip(asked, exacts, strict=True))
    print(f"      {label}: p50 {p50:.1f} ms (CPU {cpu:.1f} ms), recall@10 {rec:.3f} against the exact top "
          f"10 (lowest {', '.join(f'{r:.1f}' for r in low[:3])}); {load()}")


def bench_engine(n_rows: int, queries: np.ndarray) -> None:
    """The fast path alone on `n_rows` distinct rows (no SQLite store, no primary store): its
    files, calibration, p50 (wall and CPU) and recall on natural queries, as embedded (what a
    search asks with) and as centred probes, and this process's peak RSS. It is built twice:
    calibrated on the 93 questions as embedded (what a search sets) and on their centred probes."""
    import tempfile

    from toolkit.search import fastpath
    from toolkit.search.embed import calibration_vectors, load_model

    matrix, real = stand_in(n_rows)
    ids = np.arange(1, n_rows + 1, dtype=np.int64)
    print(f"\n== the fast path alone: {n_rows:,} distinct rows ({real:,} real {MODEL} vectors, the "
          f"rest borrowed), {len(queries)} natural queries; {load()}")

    def rows_after(after: int) -> tuple[np.ndarray, list[str], np.ndarray]:
        return ids[after:], [f"{i:040x}" for i in ids[after:]], matrix[after:]

    questions = calibration_vectors(load_model(MODEL))
    probes = centred_probes(queries)
    asked_with = [("natural queries", queries)]
    calibrations = [("as embedded", questions)]
    question_probes = centred_probes(questions)
    if probes is not None and question_probes is not None:
        asked_with.append(("their centred probes", probes))
        calibrations.append(("centred probes", question_probes))
    exacts = {label: [exact_top(ids - 1, matrix, q) for q in asked] for label, asked in asked_with}
    for name, calibration in calibrations:
        with tempfile.TemporaryDirectory(dir=CACHE) as folder:
            started = time.perf_counter()
            index = fastpath.refresh(Path(folder) / "idx", MODEL, matrix.shape[1], "g", n_rows, rows_after,
                                     functools.partial(np.asarray, calibration))
            print(f"   calibrated on the questions {name}: built in {time.perf_counter() - started:.0f} s; "
                  f"{stages(index.meta)} (calibration {index.meta.calibration})")
            for label, asked in asked_with:
                report_engine(index.search, label, asked, exacts[label])
    print(f"   process peak RSS {rss_mb():.0f} MiB (the vectors were built in this process's memory)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--big", action="store_true", help="also 1,000,000 messages")
    parser.add_argument("--only-big", action="store_true", help="skip the 100k round")
    parser.add_argument("--cli-queries", type=int, default=7, help="fresh processes per mode")
    parser.add_argument("--engine", type=int, metavar="ROWS", nargs="+",
                        help="only the fast path on this many distinct rows, for each count given "
                             "(no stores built; 288000 is the distinct texts of 1M corpus messages)")
    parser.add_argument("--terminal-only", action="store_true",
                        help="only `chatbook search` in fresh processes (the stores must be built)")
    args = parser.parse_args()
    from toolkit.search.embed import load_model

    model = load_model(MODEL)
    query_texts = natural_queries()
    queries = np.stack([model.query(q) for q in query_texts])
    cli_queries = query_texts[:: max(1, len(query_texts) // args.cli_queries)][: args.cli_queries]
    print(f"{MODEL}; {len(query_texts)} natural queries; {load()}")
    if args.engine:
        for rows in args.engine:
            bench_engine(rows, queries)
        return
    if not args.only_big:
        bench_size(100_000, "100k", queries, cli_queries, with_vss=True, target_s=1.0,
                   terminal_only=args.terminal_only)
    if args.big or args.only_big:
        bench_size(1_000_000, "1m", queries, cli_queries, with_vss=False, target_s=2.0,
                   terminal_only=args.terminal_only)


if __name__ == "__main__":
    main()
