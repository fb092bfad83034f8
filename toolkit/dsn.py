"""PostgreSQL connection strings: read them as libpq does, and never show their passwords.

`MEDIA_DB_URL` may be a URL (`postgresql://user:pw@host/db?password=...`) or libpq's
key=value form (`host=h password='my secret'`); a password can sit in the user-info part,
in a query parameter or in a quoted value. Redaction therefore follows libpq's own reading,
plus a cautious reading of whatever libpq would read differently from a person (an
unencoded `@` or `/` in a password), and hides every span either reading could take for a
password. `split_url` is libpq's URI reading written out in Python (`conninfo_uri_parse_options`
in libpq's fe-connect.c), so the display works without psycopg: with media off, psycopg is
never imported. When psycopg is loaded anyway (media on), its `conninfo_to_dict` -- libpq
itself -- adds the decoded values it finds; `tests/test_attacks.py` checks both readings agree.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from urllib.parse import unquote

MASK = "***"
# libpq keywords whose values are secrets (libpq has no others).
SECRET_KEYS = frozenset({"password", "sslpassword"})
URL_PREFIXES = ("postgresql://", "postgres://")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# A secret this short is only hidden where it stands alone, so that redacting "pw" does not
# turn every "pw" inside other words into "***".
SHORT_SECRET = 6


@dataclass
class Span:
    """Where a secret sits in the raw string: [start, end)."""

    start: int
    end: int


@dataclass
class UrlParts:
    """A postgresql:// URL as libpq splits it (raw, still percent-encoded)."""

    userinfo: str | None = None
    hosts: str = ""  # host[:port][,host[:port]...]
    dbname: str | None = None
    query: str | None = None
    secret_spans: list[Span] = field(default_factory=list)


def is_url(dsn: str) -> bool:
    return SCHEME.match(dsn) is not None


def split_url(url: str) -> UrlParts:
    """libpq's reading of a URI: user info up to the first `@` before any `/`, then hosts up to
    `/` or `?`, the database up to `?`, then the query. Spans of secrets are recorded."""
    match = SCHEME.match(url)
    start = match.end() if match else 0
    parts = UrlParts()
    cursor = start
    at = next((i for i in range(start, len(url)) if url[i] in "@/"), len(url))
    if at < len(url) and url[at] == "@":
        parts.userinfo = url[start:at]
        colon = parts.userinfo.find(":")
        if colon >= 0:
            parts.secret_spans.append(Span(start + colon + 1, at))
        cursor = at + 1
    end_hosts = next((i for i in range(cursor, len(url)) if url[i] in "/?"), len(url))
    parts.hosts = url[cursor:end_hosts]
    cursor = end_hosts
    if cursor < len(url) and url[cursor] == "/":
        end_db = url.find("?", cursor)
        end_db = len(url) if end_db < 0 else end_db
        parts.dbname = url[cursor + 1:end_db]
        cursor = end_db
    if cursor < len(url) and url[cursor] == "?":
        parts.query = url[cursor + 1:]
        parts.secret_spans += query_secret_spans(url, cursor + 1)
    return parts


def query_secret_spans(url: str, start: int) -> list[Span]:
    """Values of password parameters in a query starting at `start` (keys percent-decoded,
    as libpq decodes them, and matched in any case, to be safe)."""
    spans, cursor = [], start
    for pair in url[start:].split("&"):
        key, equals, _value = pair.partition("=")
        if equals and unquote(key).strip().lower() in SECRET_KEYS:
            spans.append(Span(cursor + len(key) + 1, cursor + len(pair)))
        cursor += len(pair) + 1
    return spans


def cautious_url_spans(url: str) -> list[Span]:
    """What a person may have meant as the password when libpq reads the URL differently
    (`url_problem`): from the first `:` of the user info to the LAST `@`, and password
    parameters after it."""
    if url_problem(url) is None:
        return []
    match = SCHEME.match(url)
    start = match.end() if match else 0
    last_at = url.rfind("@", start)
    spans = []
    colon = url.find(":", start, last_at)
    if colon >= 0:
        spans.append(Span(colon + 1, last_at))
    query = url.find("?", last_at)
    if query >= 0:
        spans += query_secret_spans(url, query + 1)
    return spans


def keyword_tokens(dsn: str) -> list[tuple[str, Span, str]] | None:
    """libpq's key=value form as (keyword, raw value span, unescaped value); None if malformed.

    Values are bare words or single-quoted; a backslash escapes the next character in both.
    """
    tokens: list[tuple[str, Span, str]] = []
    i, n = 0, len(dsn)
    while True:
        while i < n and dsn[i].isspace():
            i += 1
        if i >= n:
            return tokens
        key_start = i
        while i < n and dsn[i] != "=" and not dsn[i].isspace():
            i += 1
        keyword = dsn[key_start:i]
        while i < n and dsn[i].isspace():
            i += 1
        if i >= n or dsn[i] != "=" or not keyword:
            return None
        i += 1
        while i < n and dsn[i].isspace():
            i += 1
        value_start, value = i, []
        if i < n and dsn[i] == "'":
            i += 1
            while i < n and dsn[i] != "'":
                if dsn[i] == "\\" and i + 1 < n:
                    i += 1
                value.append(dsn[i])
                i += 1
            if i >= n:
                return None  # unterminated quote
            i += 1
        else:
            while i < n and not dsn[i].isspace():
                if dsn[i] == "\\" and i + 1 < n:
                    i += 1
                value.append(dsn[i])
                i += 1
        tokens.append((keyword, Span(value_start, i), "".join(value)))


def keyword_spans(dsn: str) -> list[Span]:
    """Secret values of a key=value DSN; a malformed one hides everything after `password`."""
    tokens = keyword_tokens(dsn)
    if tokens is None:
        found = re.search(r"password\s*=\s*", dsn, flags=re.IGNORECASE)
        return [Span(found.end(), len(dsn))] if found else []
    return [span for keyword, span, _ in tokens if keyword.lower() in SECRET_KEYS]


def secret_spans(dsn: str) -> list[Span]:
    if is_url(dsn):
        return split_url(dsn).secret_spans + cautious_url_spans(dsn)
    return keyword_spans(dsn)


def masked(text: str, spans: list[Span]) -> str:
    """`text` with every (possibly overlapping) span replaced by one MASK."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        if span.end <= span.start:
            continue
        if merged and span.start <= merged[-1].end:
            merged[-1].end = max(merged[-1].end, span.end)
        else:
            merged.append(Span(span.start, span.end))
    out, cursor = [], 0
    for span in merged:
        out += [text[cursor:span.start], MASK]
        cursor = span.end
    return "".join(out) + text[cursor:]


def redact_dsn(dsn: str) -> str:
    """The DSN as it may be shown: every span that could be a password is `***`."""
    return masked(dsn, secret_spans(dsn))


def libpq_secrets(dsn: str) -> list[str]:
    """Secret values as libpq itself decodes them, only when psycopg is already loaded (it is
    whenever a connection was tried), so that redacting never imports it."""
    if "psycopg" not in sys.modules:
        return []
    try:
        from psycopg.conninfo import conninfo_to_dict

        parsed = conninfo_to_dict(dsn)
    except Exception:  # a DSN libpq cannot read has no libpq reading; the cautious one stays
        return []
    return [str(parsed[key]) for key in SECRET_KEYS if parsed.get(key)]


def dsn_secrets(dsn: str) -> list[str]:
    """Every string that could be the DSN's password: raw, decoded (percent-decoding, quotes
    and backslashes undone, libpq's own reading) and as it looks inside JSON."""
    raw = [dsn[span.start:span.end] for span in secret_spans(dsn)]
    decoded = [unquote(value) for value in raw] if is_url(dsn) else [
        value for keyword, _, value in keyword_tokens(dsn) or [] if keyword.lower() in SECRET_KEYS]
    found = {s for s in raw + decoded + libpq_secrets(dsn) if s}
    found |= {json.dumps(s)[1:-1] for s in found}
    return sorted(found, key=len, reverse=True)  # longest first: a prefix never hides less


URL_PASSWORD = re.compile(r"([a-z][a-z0-9+.-]*://[^:/@\s]*:)(\S+)(@)", re.IGNORECASE)
KEYWORD_PASSWORD = re.compile(r"\b((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s&'\"]+)",
                              re.IGNORECASE)


def redact_text(text: str, secrets: list[str] | None = None) -> str:
    """Hide every given secret, and anything in `text` that looks like a DSN password: in the
    user info of a URL (up to its last `@`), a `password=` parameter or a key=value pair."""
    for secret in sorted(secrets or [], key=len, reverse=True):
        if not secret:
            continue
        if len(secret) < SHORT_SECRET:  # only where it stands alone
            pattern = rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])"
            text = re.sub(pattern, MASK, text)
        else:
            text = text.replace(secret, MASK)
    text = URL_PASSWORD.sub(rf"\1{MASK}\3", text)
    return KEYWORD_PASSWORD.sub(rf"\1{MASK}", text)


def url_problem(url: str) -> str | None:
    """Why libpq would not read `url` as a person means it, or None. An `@` or `/` in a user
    name or password that is not percent-encoded moves libpq's split: part of the password
    becomes the host, the port or the database name (and would show in its errors)."""
    parts = split_url(url)
    if "@" in parts.hosts or "@" in (parts.dbname or ""):
        return ("percent-encode special characters in the user name and password "
                "(@ as %40, / as %2F, : as %3A)")
    for host in filter(None, parts.hosts.split(",")):
        after_address = host.rsplit("]", 1)[-1]  # an IPv6 address is bracketed: [::1]:5432
        _, colon, port = after_address.rpartition(":")
        if colon and port and not port.isdigit():
            return "the port is not a number"
    return None
