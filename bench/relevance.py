"""Search quality on the sample chats: recall@10 and MRR for keyword, vector and hybrid.

    python bench/relevance.py           # the shipped settings
    python bench/relevance.py --tune    # also a grid over the fusion constant and weights

The queries and the messages each should find are in `tests/data/relevance.jsonl`; a
message is named by a piece of its text (so the set survives re-ingestion and id changes),
and every message containing that piece counts. Recall@10 is the share of a query's expected
messages found in the top 10; MRR the mean of 1 / rank of the first expected message.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RELEVANCE = ROOT / "tests" / "data" / "relevance.jsonl"
SAMPLE = ROOT / "data" / "sample"
CACHE = Path(__file__).resolve().parent / ".cache"


@dataclass
class Case:
    query: str
    expected: list[str]


def load_cases(path: Path = RELEVANCE) -> list[Case]:
    cases = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            data = json.loads(line)
            if not data.get("query") or not data.get("expected"):
                raise ValueError(f"{path}:{n}: needs a query and expected texts")
            cases.append(Case(data["query"], list(data["expected"])))
    return cases


def prepared_settings(data_dir: Path) -> Any:
    """Sample chats ingested and embedded in `data_dir` (rebuilt from scratch)."""
    from toolkit.config import load_settings
    from toolkit.ingest.importer import ingest_paths
    from toolkit.search.embed import embed_new

    shutil.rmtree(data_dir, ignore_errors=True)
    settings = load_settings({"DATA_DIR": str(data_dir)}, cwd=data_dir.parent)
    ingest_paths(settings, [SAMPLE])
    embed_new(settings)
    return settings


def expected_groups(conn: Any, case: Case) -> list[set[int]]:
    """For each expected text piece, the ids of the messages that contain it."""
    groups = []
    for piece in case.expected:
        ids = {int(r[0]) for r in conn.execute("SELECT id FROM messages WHERE instr(text, ?) > 0", (piece,))}
        if not ids:
            raise ValueError(f"{RELEVANCE}: no sample message contains {piece!r} (query {case.query!r})")
        groups.append(ids)
    return groups


def score(ranked: list[int], groups: list[set[int]], k: int = 10) -> tuple[float, float]:
    """(recall@k, reciprocal rank) of one ranked id list."""
    top = ranked[:k]
    found = sum(1 for g in groups if g & set(top))
    relevant = set().union(*groups)
    rr = next((1.0 / (i + 1) for i, m in enumerate(ranked) if m in relevant), 0.0)
    return found / len(groups), rr


def evaluate(
    settings: Any, cases: list[Case], modes: tuple[str, ...] = ("keyword", "vector", "hybrid"), **fusion: Any
) -> dict[str, tuple[float, float]]:
    """Mean recall@10 and MRR per mode."""
    from toolkit.search import query as search_module
    from toolkit.store.connect import open_db

    conn = open_db(settings)
    groups = [expected_groups(conn, case) for case in cases]
    conn.close()
    saved = (
        search_module.FUSION,
        search_module.KEYWORD_WEIGHT,
        search_module.RRF_K,
        dict(search_module.WEIGHTS),
    )
    if fusion:
        search_module.FUSION = fusion.get("fusion", search_module.FUSION)
        search_module.KEYWORD_WEIGHT = fusion.get("keyword_weight", search_module.KEYWORD_WEIGHT)
        search_module.RRF_K = fusion.get("rrf_k", search_module.RRF_K)
        search_module.WEIGHTS = {**search_module.WEIGHTS, **fusion.get("weights", {})}
    try:
        results = {}
        for mode in modes:
            pairs = [
                score(
                    [
                        h.message_id
                        for h in search_module.search_messages(settings, c.query, k=10, mode=mode, context=0)
                    ],
                    g,
                )
                for c, g in zip(cases, groups, strict=True)
            ]
            results[mode] = (statistics.mean(p[0] for p in pairs), statistics.mean(p[1] for p in pairs))
        return results
    finally:
        (search_module.FUSION, search_module.KEYWORD_WEIGHT, search_module.RRF_K, search_module.WEIGHTS) = (
            saved
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tune", action="store_true", help="grid over RRF k and the keyword weight")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from toolkit.search import query as search_module

    cases = load_cases()
    settings = prepared_settings(CACHE / "relevance")
    print(f"{len(cases)} queries over the sample chats (data/sample), top 10")
    print(
        f"hybrid fusion: {search_module.FUSION} (keyword weight {search_module.KEYWORD_WEIGHT}; "
        f"rrf k={search_module.RRF_K}, weights {search_module.WEIGHTS})"
    )
    results = evaluate(settings, cases)
    print(f"   {'mode':<8} {'recall@10':>10} {'MRR':>8}")
    for mode, (rec, mrr) in results.items():
        print(f"   {mode:<8} {rec:10.3f} {mrr:8.3f}")
    if args.tune:
        print("\ntuning on the same queries (an upper bound, not a held-out score)")
        print(f"   {'fusion':<28} {'recall@10':>10} {'MRR':>8}")
        grid: list[tuple[str, dict[str, Any]]] = [
            (f"score, keyword weight {w}", {"fusion": "score", "keyword_weight": w})
            for w in (0.05, 0.1, 0.15, 0.2, 0.3, 0.5)
        ] + [
            (f"rrf k={k}, keyword weight {w}", {"fusion": "rrf", "rrf_k": k, "weights": {"keyword": w}})
            for k in (10, 60)
            for w in (0.5, 1.0)
        ]
        for label, fusion in grid:
            rec, mrr = evaluate(settings, cases, ("hybrid",), **fusion)["hybrid"]
            print(f"   {label:<28} {rec:10.3f} {mrr:8.3f}")


if __name__ == "__main__":
    main()
