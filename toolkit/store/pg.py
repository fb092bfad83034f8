"""The optional Postgres store for media work (attachments, extractions).

Only touched when IMAGE_PROCESSING_ENABLED=true: psycopg is imported lazily, so with media off
the toolkit never loads it, let alone connects. When Postgres is unreachable the caller gets
`StoreUnavailable` and core work goes on; `warn_media_waiting` tells the user once per process.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from toolkit.config import Settings
from toolkit.errors import StoreUnavailable
from toolkit.terminal import visible

CONNECT_TIMEOUT_S = 3
_pools: dict[str, Any] = {}
_pools_lock = threading.Lock()
_warned = False


def connect(settings: Settings, *, autocommit: bool = True) -> Any:
    """One Postgres connection, or StoreUnavailable with the (redacted) reason."""
    if not settings.image_processing_enabled:
        raise StoreUnavailable("media processing is disabled (IMAGE_PROCESSING_ENABLED=false)")
    import psycopg

    try:
        return psycopg.connect(
            settings.media_db_url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_S
        )
    except psycopg.OperationalError as error:
        raise StoreUnavailable(
            f"Postgres at {settings.media_db_url_redacted} is unreachable: "
            f"{settings.redact(first_line(str(error)))}"
        ) from None


def pool(settings: Settings) -> Any:
    """A small shared pool (1-4 connections) per DSN, opened on first use."""
    if not settings.image_processing_enabled:
        raise StoreUnavailable("media processing is disabled (IMAGE_PROCESSING_ENABLED=false)")
    from psycopg_pool import ConnectionPool

    with _pools_lock:
        existing = _pools.get(settings.media_db_url)
        if existing is None:
            existing = ConnectionPool(
                settings.media_db_url,
                min_size=1,
                max_size=4,
                open=False,
                kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S},
                timeout=CONNECT_TIMEOUT_S * 2,
            )
            _pools[settings.media_db_url] = existing
        return existing


def close_pools() -> None:
    with _pools_lock:
        for opened in _pools.values():
            opened.close()
        _pools.clear()


def is_reachable(settings: Settings) -> tuple[bool, str | None]:
    try:
        conn = connect(settings)
    except StoreUnavailable as error:
        return False, str(error)
    conn.close()
    return True, None


def warn_media_waiting(reason: str) -> None:
    """Say once per process that media work is waiting for Postgres."""
    global _warned
    if _warned:
        return
    _warned = True
    print(f"chatbook: media work is waiting: {visible(reason)}", file=sys.stderr)


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text
