"""Search messages by words (FTS5/BM25), by meaning (vectors), or both (hybrid).

- keyword: the query's words are quoted one by one (nothing a user types is FTS5 syntax),
  joined with OR and ranked by BM25; a query with no words at all (emoji, punctuation) falls
  back to a substring match.
- vector: the query is embedded with the same model as the messages and the nearest messages
  come from `toolkit.search.vector_index` (the memory-mapped fast path). For e5 both sides are
  centred first (`Centring`): part of the mean of reference questions is taken off the query
  and off each message, so what every text shares weighs less than what is its own.
- hybrid: score fusion of both candidate lists: each candidate's cosine plus a weighted keyword
  coverage (the IDF-weighted share of the query's words it contains). Reciprocal rank fusion is
  kept for comparison (`FUSION = "rrf"`); `bench/relevance.py` measures both.

Identical texts are one hit in every mode: the best-ranked stands for all, shown as the newest
message that passes the filters, with `count` saying how many there are.

Filters (chat, author, since, until) are part of each query: the keyword SQL carries them in its
WHERE clause, and the vector search only looks among the message ids that pass them, so a
filter never empties a top-k that was cut before filtering. An unknown chat or author is an
error that lists the known ones.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.config import Settings
from toolkit.errors import ChatbookError
from toolkit.store import db, messages
from toolkit.store.messages import PREFIX_MIN, Filters, fold

MODES = ("hybrid", "vector", "keyword")
MAX_QUERY_CHARS = 2_000
MAX_K = 1_000
MAX_CONTEXT = 50
MAX_TERMS = 32  # words of a long query that go to FTS5; BM25 gains nothing from more
POSTINGS_BUDGET = 5_000  # messages a keyword query may rank with BM25 (see retrieval_terms)
FUSE_DEPTH = 50  # how deep each list goes into the fusion, at least
FUSION = "score"  # "score" (cosine + weighted keyword coverage) or "rrf"; see bench/relevance.py
KEYWORD_WEIGHT = 0.3  # x IDF-weighted share of query words present, added to the similarity
SCALE = True  # similarity on the query's background scale (similarity_scale); False: raw cosine
CENTRING = True  # centred cosines for models with a `centre` (Centring); False: plain cosine
BACKGROUND_BLOCKS = 8  # contiguous blocks of the store a query's background is sampled from
WORDLESS_WEIGHT = 100.0  # for emoji-only queries: substring matches rank above everything else
RRF_K = 60  # the usual reciprocal-rank constant (Cormack et al. 2009)
WEIGHTS = {"keyword": 1.0, "vector": 1.0}
SEARCHABLE_KINDS = ("text", "poll", "location", "contact", "media")
STOPWORDS = frozenset(re.findall(r"\w+", """
    a an and are as at be by did do does for from had has have how i in is it me my of on or our
    so that the their them there they this to us was we were what when where which who why will
    with you your el la los las de del y en un una que es der die das und ist ein eine zu im le
    les des et est une du
"""))


class QueryError(ChatbookError):
    """A query or filter that cannot be searched; the message says what to change."""

    exit_code = 2


@dataclass
class Hit:
    """One ranked message with the conversation around it."""

    message_id: int
    chat: str
    author: str | None
    sent_at: str
    text: str
    kind: str
    score: float
    rank: int = 0
    matched_by: dict[str, int] = field(default_factory=dict)  # mode -> rank in that list
    context: list[dict[str, Any]] = field(default_factory=list)
    count: int = 1  # messages with this identical text that pass the filters (this one included)

    def as_dict(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "chat": self.chat,
            "author": self.author,
            "sent_at": self.sent_at,
            "text": self.text,
            "kind": self.kind,
            "score": self.score,
            "rank": self.rank,
            "matched_by": self.matched_by,
            "context": self.context,
            "count": self.count,
        }


# ----------------------------------------------------------------------------- filters


def parse_bound(name: str, value: str | date | datetime | None, *, upper: bool) -> str | None:
    """A since/until bound as comparable ISO text; a date-only `until` includes that day."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return datetime_bound(value, upper)
    if isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        try:
            if len(text) <= 10:
                day = date.fromisoformat(text)
            else:
                return datetime_bound(datetime.fromisoformat(text), upper)
        except ValueError:
            raise QueryError(
                f"--{name}: expected a date like 2024-09-21 (or 2024-09-21T18:00), got {text!r}"
            ) from None
    if upper:
        return (day + timedelta(days=1)).isoformat()  # compared with <, so the day is included
    return day.isoformat()


def datetime_bound(moment: datetime, upper: bool) -> str:
    """Bounds are compared as since <= sent_at < until, so an `until` instant is included."""
    moment = moment.replace(tzinfo=None, microsecond=0)
    return (moment + timedelta(seconds=1) if upper else moment).isoformat(timespec="seconds")


def build_filters(
    conn: db.Connection, *, chat: str | None, author: str | None, since: Any, until: Any,
    history: bool = False,
) -> Filters:
    """The filters as the store applies them; QueryError names an unknown chat or bad bound."""
    chat_id = None
    if chat:
        chat_id = messages.chat_id_any_case(conn, chat.strip())
        if chat_id is None:
            names = messages.chat_names(conn)
            known = f"; chats: {', '.join(names)}" if names else "; no chats are ingested yet"
            raise QueryError(f"--chat: no chat named {chat!r}{known}")
    if author and author.strip() and not messages.has_author(conn, author.strip(), chat_id):
        raise QueryError(f"--author: {unknown_author(conn, author.strip(), chat_id, chat)}")
    low = parse_bound("since", since, upper=False)
    high = parse_bound("until", until, upper=True)
    if low and high and low >= high:
        raise QueryError(f"--since {since} is not before --until {until}")
    return messages.search_filters(SEARCHABLE_KINDS, chat_id=chat_id,
                                   author=author.strip() if author else None,
                                   since=low, until=high, history=history)


AUTHORS_LISTED = 20


def unknown_author(conn: db.Connection, author: str, chat_id: int | None, chat: str | None) -> str:
    """What to say about an author nobody of that name is: the known ones, closest first."""
    import difflib

    names = messages.author_names(conn, chat_id)
    where = f" in {chat!r}" if chat_id is not None else ""
    if not names:
        return f"no messages with an author{where} yet"
    close = difflib.get_close_matches(author, names, n=3, cutoff=0.5)
    rest = [n for n in names if n not in close]
    shown = close + rest[: max(0, AUTHORS_LISTED - len(close))]
    more = f" and {len(names) - len(shown)} more" if len(names) > len(shown) else ""
    return f"no author named {author!r}{where}; authors: {', '.join(shown)}{more}"


# ----------------------------------------------------------------------------- keyword


def query_terms(query: str) -> list[str]:
    """The words of `query` (any script), stopwords dropped unless nothing else is left."""
    words = re.findall(r"\w+", query.lower())
    content = [w for w in words if w not in STOPWORDS]
    return (content or words)[:MAX_TERMS]


def keyword_search(conn: db.Connection, query: str, filters: Filters, limit: int) -> list[tuple[int, float]]:
    """(message id, score) by BM25; a query without words matches as a substring instead."""
    terms = query_terms(query)
    if terms:
        rows = messages.keyword_ranked(conn, retrieval_terms(conn, terms), filters, limit)
        return [(int(r[0]), round(-float(r[1]), 6)) for r in rows]
    return [(m, 1.0) for m in messages.substring_matches(conn, query.strip(), filters, limit)]


# ----------------------------------------------------------------------------- vector


def embed_query(settings: Settings, query: str) -> np.ndarray:
    from toolkit.search.embed import encode_query, load_model

    return encode_query(load_model(settings.embed_model), query)


def open_vector_index(settings: Settings) -> Any:
    """The searchable index of the configured model (the store kept open between searches)."""
    from toolkit.search.embed import load_model
    from toolkit.search.vector_index import open_store

    store = reused(f"{settings.vdb_path}|{settings.vector_backend}", settings.vdb_path,
                   lambda: open_store(settings, create=False))
    return calibrated(store.index_for(settings.embed_model, load_model(settings.embed_model).dim))


def calibrated(index: Any) -> Any:
    """The index, able to calibrate its fast path with this model's embedded questions."""
    from toolkit.search.embed import calibration_vectors, load_model

    index.calibration = lambda: calibration_vectors(load_model(index.model))
    return index


@dataclass(frozen=True)
class Centring:
    """Cosine after `amount` x a reference mean is taken off each side, both renormalised.

    e5 puts every query in one narrow cone and every passage in another (unrelated texts score
    about 0.8), so a message lying along the query cone's axis is near every query. The means
    are those of fixed reference questions embedded as passages and as queries
    (`toolkit.search.embed.reference_centres`), not the store's own: a store in one language
    is centred like any other. Stored vectors are unit length, so a message's centred length
    follows from its dot product with the passage mean, and no stored vector changes.
    """

    passage: np.ndarray  # mean of the reference questions embedded as passages
    query: np.ndarray  # and as queries
    amount: float

    def probe(self, vector: np.ndarray) -> np.ndarray:
        """The query vector, centred and renormalised: what the vector index is searched with."""
        shifted = np.asarray(vector, dtype=np.float32) - self.amount * self.query
        return (shifted / (np.linalg.norm(shifted) or 1.0)).astype(np.float32)

    def scores(self, probe: np.ndarray, probe_dots: np.ndarray, mean_dots: np.ndarray) -> np.ndarray:
        """Centred cosines from unit messages' dot products with `probe` and the passage mean."""
        a = self.amount
        lengths = np.sqrt(np.maximum(1.0 - 2.0 * a * mean_dots + a * a * float(self.passage @ self.passage),
                                     1e-12))
        return (probe_dots - a * float(self.passage @ probe)) / lengths


_CENTRINGS: dict[tuple[str, str], Centring] = {}


def query_centring(settings: Settings) -> Centring | None:
    """The configured model's centring, or None (turned off, or a model it was not measured on)."""
    from toolkit.search.embed import load_model, reference_centres

    model = load_model(settings.embed_model)
    if not CENTRING or not model.centre:
        return None
    key = (str(settings.vdb_path), settings.embed_model)
    if key not in _CENTRINGS:
        passage, query = reference_centres(settings, model)
        _CENTRINGS[key] = Centring(passage, query, model.centre)
    return _CENTRINGS[key]


def vector_search(
    settings: Settings, conn: db.Connection, query: str, filters: Filters, limit: int
) -> list[tuple[int, float]]:
    """(message id, similarity) among the messages that pass the filters, one per distinct text."""
    return vector_scores(settings, conn, query, filters, limit)[0]


def vector_scores(
    settings: Settings, conn: db.Connection, query: str, filters: Filters, limit: int,
    also: list[int] | None = None, vector: np.ndarray | None = None,
) -> tuple[list[tuple[int, float]], dict[int, float]]:
    """The nearest messages that pass the filters, and the similarity of the `also` messages:
    the cosine, or for a centred model the centred cosine (the index's nearest re-ranked)."""
    index = open_vector_index(settings)
    if vector is None:
        vector = embed_query(settings, query)
    centring = query_centring(settings)
    within = None
    if filters.active:
        within = np.fromiter(messages.ids_passing(conn, filters), dtype=np.int64)
    if centring is None:
        nearest = [(i, round(s, 6)) for i, s in index.search(vector, limit, within=within)]
        known = dict(nearest)
        extra = index.similarities([m for m in also or [] if m not in known], vector)
        return nearest, {**known, **{m: round(s, 6) for m, s in extra.items()}}
    # The index's nearest by plain cosine, re-ranked by the centred one: searched with the query
    # as embedded, since the fast path is calibrated on such vectors (at 288k rows the centred
    # top 10 came out of a centred probe's top 50 with recall 0.89, of this one's with 0.93).
    found: list[int] = [int(m) for m, _ in index.search(vector, max(limit, FUSE_DEPTH), within=within)]
    probe = centring.probe(vector)
    wanted = list(dict.fromkeys(found + list(also or [])))
    dots: dict[int, float] = index.similarities(wanted, probe)
    means: dict[int, float] = index.similarities(wanted, centring.passage)
    ids = [m for m in wanted if m in dots]
    centred = centring.scores(probe, np.array([dots[m] for m in ids]), np.array([means[m] for m in ids]))
    similar = {m: round(float(c), 6) for m, c in zip(ids, centred, strict=True)}
    order = sorted((m for m in found if m in similar), key=lambda m: (-similar[m], m))[:limit]
    return [(m, similar[m]) for m in order], similar


def query_background(settings: Settings, vector: np.ndarray) -> tuple[float, float]:
    """(median, standard deviation) of the query's similarity over a sample of the store, on
    the scale `vector_scores` gives (centred or not)."""
    index = open_vector_index(settings)
    centring = query_centring(settings)
    if centring is None:
        return index.background(vector)
    sample = background_sample(index)
    if not len(sample):
        return 0.0, 1.0
    probe = centring.probe(vector)
    scores = centring.scores(probe, sample @ probe, sample @ centring.passage)
    return float(np.median(scores)), float(scores.std()) or 1.0


def background_sample(index: Any) -> np.ndarray:
    """The stored vectors `ModelIndex.background` samples (see `background_blocks`)."""
    fast = index.fast_index()
    if fast.rows == 0:
        return np.zeros((0, index.dim), dtype=np.float32)
    return np.concatenate([np.asarray(fast.vectors[a:b]) for a, b in background_blocks(fast.rows)])


def background_blocks(rows: int) -> list[tuple[int, int]]:
    """(start, stop) of the contiguous blocks spread over `rows` that a query's background is
    taken over, as `ModelIndex.background` takes them (sequential reads of the mapped file)."""
    from toolkit.search.vector_index import BACKGROUND_ROWS

    block = max(1, min(rows, BACKGROUND_ROWS) // BACKGROUND_BLOCKS)
    starts = np.unique(np.linspace(0, max(0, rows - block), BACKGROUND_BLOCKS).astype(np.int64))
    return [(int(s), int(s) + block) for s in starts]


# ----------------------------------------------------------------------------- fusion


def reciprocal_rank_fusion(
    lists: dict[str, list[tuple[int, float]]], *, k: int = RRF_K, weights: dict[str, float] | None = None
) -> list[tuple[int, float, dict[str, int]]]:
    """Fuse ranked lists: score = sum of weight / (k + rank); ties broken by best single rank."""
    weights = weights or WEIGHTS
    scores: dict[int, float] = {}
    ranks: dict[int, dict[str, int]] = {}
    for name, items in lists.items():
        for rank, (message_id, _) in enumerate(items, start=1):
            scores[message_id] = scores.get(message_id, 0.0) + weights.get(name, 1.0) / (k + rank)
            ranks.setdefault(message_id, {})[name] = rank
    order = sorted(scores, key=lambda m: (-scores[m], min(ranks[m].values()), m))
    return [(m, round(scores[m], 6), ranks[m]) for m in order]


def term_weights(conn: db.Connection, terms: list[str]) -> dict[str, float]:
    """IDF of each query term over the messages."""
    total = messages.rowid_ceiling(conn)
    return {t: math.log(1 + total / (1 + df))
            for t, df in messages.document_frequencies(conn, terms).items()}


def retrieval_terms(conn: db.Connection, terms: list[str]) -> list[str]:
    """The rarest terms whose postings fit POSTINGS_BUDGET (at least one).

    BM25 scores every message an OR query matches, so a query of common words would rank tens
    of thousands of rows; its rare words find the messages worth ranking, and the common ones
    still count in the hybrid coverage score.
    """
    frequencies = messages.document_frequencies(conn, terms)
    chosen: list[str] = []
    postings = 0
    for term in sorted(frequencies, key=lambda t: (frequencies[t], t)):
        if chosen and postings + frequencies[term] > POSTINGS_BUDGET:
            break
        chosen.append(term)
        postings += frequencies[term]
    return chosen


def coverage(text: str, weights: dict[str, float]) -> float:
    """Share of the query's IDF mass whose terms occur in `text` (0..1)."""
    words = set(re.findall(r"\w+", fold(text)))
    total = sum(weights.values()) or 1.0
    got = 0.0
    for term, weight in weights.items():
        folded = fold(term)
        if folded in words or (len(term) >= PREFIX_MIN and any(w.startswith(folded) for w in words)):
            got += weight
    return got / total


def score_fusion(
    keyword: dict[int, float], cosines: dict[int, float], *, weight: float | None = None,
    similarity: Callable[[float], float] | None = None,
) -> list[tuple[int, float, dict[str, int]]]:
    """Fuse by score: similarity + weight * keyword coverage (IDF-weighted share of query terms).

    Every candidate of either list is scored on both axes (keyword-only ones get their exact
    cosine from the stored vectors), so a message that has the query's rare words is lifted
    above one the vectors like as much, while a message sharing one common word with the
    query gains little: rank fusion gives both lists' noise full weight instead. `similarity`
    maps a cosine to the scale the weight is meant for (see `similarity_scale`).
    """
    weight = KEYWORD_WEIGHT if weight is None else weight
    scale = similarity or (lambda cosine: cosine)
    ranks: dict[int, dict[str, int]] = {}
    for rank_, m in enumerate(sorted(keyword, key=lambda i: (-keyword[i], i)), start=1):
        ranks.setdefault(m, {})["keyword"] = rank_
    for rank_, m in enumerate(sorted(cosines, key=lambda i: (-cosines[i], i)), start=1):
        ranks.setdefault(m, {})["vector"] = rank_
    scores = {m: (scale(cosines[m]) if m in cosines else 0.0) + weight * keyword.get(m, 0.0) for m in ranks}
    order = sorted(scores, key=lambda m: (-scores[m], m))
    return [(m, round(scores[m], 6), ranks[m]) for m in order]


def similarity_scale(median: float, spread: float) -> Callable[[float], float]:
    """Cosine -> how many standard deviations above the query's background it lies, over 10.

    Models differ in where their cosines lie (e5 puts unrelated texts near 0.8, MiniLM near
    0.1), so a raw cosine plus a fixed keyword weight means something else for each model. The
    query's own background (its cosines over a sample of the store) is the common ground: a
    strong match stands 4 to 8 deviations above it in either model, noise 1 or 2.
    """
    return lambda cosine: (cosine - median) / (spread * 10.0)


def keyword_coverage(conn: db.Connection, text: str, found: list[tuple[int, float]]) -> dict[int, float]:
    """Coverage of the query by each keyword hit (1.0 for substring matches of wordless queries)."""
    terms = query_terms(text)
    if not terms:
        return {m: 1.0 for m, _ in found}
    weights = term_weights(conn, terms)
    texts = messages.texts_by_id(conn, [m for m, _ in found])
    return {m: coverage(texts.get(m, ""), weights) for m, _ in found}


# ----------------------------------------------------------------------------- search


def check_query(query: Any, k: int, mode: str, context: int) -> str:
    if not isinstance(query, str) or not query.strip():
        raise QueryError("the query is empty: give some words (or an emoji) to search for")
    text = query.strip()
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is {len(text):,} characters long; the limit is {MAX_QUERY_CHARS:,} "
            "(search for a sentence or a few words)"
        )
    if mode not in MODES:
        raise QueryError(f"--mode: expected one of {', '.join(MODES)}, got {mode!r}")
    if not 1 <= k <= MAX_K:
        raise QueryError(f"-k: expected 1 to {MAX_K}, got {k}")
    if not 0 <= context <= MAX_CONTEXT:
        raise QueryError(f"--context: expected 0 to {MAX_CONTEXT}, got {context}")
    return text


def search_messages(
    settings: Settings,
    query: str,
    *,
    k: int = 10,
    mode: str = "hybrid",
    chat: str | None = None,
    author: str | None = None,
    since: Any = None,
    until: Any = None,
    context: int = 2,
    history: bool = False,
) -> list[Hit]:
    """The `k` best distinct messages for `query`, each with `context` messages either side;
    `history`: words also match the earlier versions of edited messages."""
    from toolkit.store.connect import open_db

    text = check_query(query, k, mode, context)
    conn = reused(str(settings.db_path), settings.db_path, lambda: open_db(settings))
    filters = build_filters(conn, chat=chat, author=author, since=since, until=until,
                            history=history)
    ranked = rank(settings, conn, text, mode, k, filters)
    return hydrate(conn, collapse(settings, conn, ranked, filters, k), context)


Ranked = list[tuple[int, float, dict[str, int]]]


def collapse(settings: Settings, conn: db.Connection, ranked: Ranked, filters: Filters,
             k: int) -> list[tuple[int, float, dict[str, int], int]]:
    """One hit per distinct text, best first: (newest message passing the filters, score,
    ranks, how many messages have that text and pass the filters), at most `k`."""
    groups = duplicate_groups(settings, conn, [m for m, _, _ in ranked])
    seen: set[int] = set()
    out = []
    for message_id, score, ranks in ranked:
        members = groups.get(message_id, np.asarray([message_id], dtype=np.int64))
        key = int(members[0])
        if key in seen:
            continue
        seen.add(key)
        if len(members) == 1:
            newest: tuple[int, int] | None = (message_id, 1)
        else:
            newest = messages.newest_passing(conn, members.tolist(), filters)
        if newest is not None:
            out.append((newest[0], score, ranks, newest[1]))
        if len(out) == k:
            break
    return out


def duplicate_groups(settings: Settings, conn: db.Connection, ids: list[int]) -> dict[int, np.ndarray]:
    """For each message id, the ids of every message with the identical text, ascending.

    The vector store knows identical texts by their hash (`embeddings.text_sha1`) across the
    whole store; messages it has no vector for are grouped by exact text among `ids`.
    """
    if not ids:
        return {}
    groups: dict[int, np.ndarray] = {}
    index = grouping_index(settings)
    if index is not None:
        groups = index.duplicates_of(ids)
    rest = [m for m in ids if m not in groups]
    by_text: dict[str, list[int]] = {}
    for m, text in messages.texts_by_id(conn, rest).items():
        by_text.setdefault(text, []).append(int(m))
    for same in by_text.values():
        for m in same:
            groups[m] = np.asarray(sorted(same), dtype=np.int64)
    return groups


def grouping_index(settings: Settings) -> Any:
    """The configured model's index when the vector store has it (without loading the model)."""
    from toolkit.search.vector_index import open_store
    from toolkit.store.vectors import VectorStoreError

    if not settings.vdb_path.exists():
        return None
    try:
        store = reused(f"{settings.vdb_path}|{settings.vector_backend}", settings.vdb_path,
                       lambda: open_store(settings, create=False))
        row = store.model_row(settings.embed_model)
        return None if row is None else calibrated(store.index_for(settings.embed_model, int(row["dim"])))
    except VectorStoreError:
        return None


_OPEN: dict[str, tuple[tuple[int, int], Any]] = {}
OPEN_MAX = 4


def reused(key: str, path: Path, opener: Callable[[], Any]) -> Any:
    """A store connection kept open between searches of this process.

    Closing the last connection to a WAL database checkpoints it and drops its shared memory,
    and reopening rebuilds both: about 8 ms of every search at 100k. The file's identity is
    checked each time, so a store replaced underneath (a restore) is reopened.
    """
    try:
        info = path.stat()
        ident: tuple[int, int] | None = (info.st_dev, info.st_ino)
    except FileNotFoundError:
        ident = None
    cached = _OPEN.get(key)
    if cached is not None and ident is not None and cached[0] == ident:
        return cached[1]
    if cached is not None:
        _OPEN.pop(key)
        cached[1].close()
    opened = opener()
    info = path.stat()
    _OPEN[key] = ((info.st_dev, info.st_ino), opened)
    while len(_OPEN) > OPEN_MAX:  # oldest first: dicts keep insertion order
        _OPEN.pop(next(iter(_OPEN)))[1].close()
    return opened


_POOL: ThreadPoolExecutor | None = None


def query_pool() -> ThreadPoolExecutor:
    """One worker thread for query embeddings, created on first use."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chatbook-query")
    return _POOL


def rank(settings: Settings, conn: db.Connection, text: str, mode: str, k: int, filters: Filters) -> Ranked:
    """(message id, score, ranks per list) for one mode, best first, deep enough that `k`
    distinct texts remain after identical ones are collapsed."""
    depth = max(FUSE_DEPTH, 3 * k)
    if mode == "keyword":
        found = keyword_search(conn, text, filters, depth)
        return [(m, s, {"keyword": r}) for r, (m, s) in enumerate(found, start=1)]
    if mode == "vector":
        found = vector_search(settings, conn, text, filters, k)  # distinct texts already
        return [(m, s, {"vector": r}) for r, (m, s) in enumerate(found, start=1)]
    if FUSION == "rrf":
        keyword = keyword_search(conn, text, filters, depth)
        lists = {"keyword": keyword, "vector": vector_search(settings, conn, text, filters, depth)}
        return reciprocal_rank_fusion(lists, k=RRF_K, weights=WEIGHTS)
    # The query's embedding and the keyword search (SQLite) both release the GIL: run them
    # side by side, which takes the embedding's time off a hybrid search on 2 cores.
    pending = query_pool().submit(embed_query, settings, text)
    try:
        keyword = keyword_search(conn, text, filters, depth)
    finally:
        vector = pending.result()
    _, cosines = vector_scores(settings, conn, text, filters, depth, also=[m for m, _ in keyword],
                               vector=vector)
    similarity = similarity_scale(*query_background(settings, vector)) if SCALE else None
    # A query without words (emoji) has only its substring matches to go by.
    weight = KEYWORD_WEIGHT if query_terms(text) else WORDLESS_WEIGHT
    return score_fusion(keyword_coverage(conn, text, keyword), cosines, weight=weight, similarity=similarity)


def hydrate(conn: db.Connection, ranked: list[tuple[int, float, dict[str, int], int]],
            context: int) -> list[Hit]:
    """Hits with message fields and context; ids no longer in the primary store are dropped."""
    if not ranked:
        return []
    rows = messages.hit_rows(conn, [m for m, _, _, _ in ranked])
    hits: list[Hit] = []
    for message_id, score, ranks, count in ranked:
        row = rows.get(message_id)
        if row is None:
            continue
        hits.append(Hit(
            message_id=message_id, chat=row["chat"], author=row["author"], sent_at=row["sent_at"],
            text=row["text"], kind=row["kind"], score=score, rank=len(hits) + 1, matched_by=ranks,
            context=conversation(conn, row, context) if context else [], count=count,
        ))
    return hits


def conversation(conn: db.Connection, row: db.Row, around: int) -> list[dict[str, Any]]:
    """`around` messages before and after `row` in its chat, in order, the hit marked."""
    before, after = messages.hit_neighbours(conn, row, around)
    hit = {"message_id": row["id"], "author": row["author"], "sent_at": row["sent_at"],
           "text": row["text"], "kind": row["kind"], "is_hit": True}
    lines = [dict(r) | {"is_hit": False} for r in reversed(before)]
    return lines + [hit] + [dict(r) | {"is_hit": False} for r in after]


def format_hits(hits: list[Hit]) -> str:
    """Plain-text rendering for the terminal."""
    if not hits:
        return "no matching messages"
    out = []
    for hit in hits:
        same = f" · {hit.count} identical messages" if hit.count > 1 else ""
        out.append(f"{hit.rank:>2}. [{hit.score:.4f}] {hit.chat} · {hit.sent_at} · {hit.author or '-'}{same}")
        for line in hit.context or [hit.as_dict() | {"is_hit": True}]:
            mark = ">>" if line["is_hit"] else "  "
            text = " ".join(str(line["text"]).split())
            out.append(f"    {mark} {line['sent_at'][11:16]} {line['author'] or '-'}: {text[:160]}")
        out.append("")
    return "\n".join(out).rstrip()
