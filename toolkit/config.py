"""Configuration from the environment (and an optional `.env`), validated once at start.

Every setting has the default a new user needs: everything under `./data`, media off.
A wrong value raises `ConfigError` with one line naming the variable; the CLI prints that
line and nothing else.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from toolkit.dsn import dsn_secrets, is_url, keyword_tokens, url_problem
from toolkit.dsn import redact_dsn as redact_url  # noqa: F401 - the name callers import
from toolkit.dsn import redact_text as redact_text
from toolkit.errors import ConfigError

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
VECTOR_BACKENDS = ("vec", "vss")
DEFAULT_MEDIA_DB_URL = "postgresql://chatbook@localhost:5432/chatbook"
DEFAULT_EMBED_MODEL = "multilingual-e5-small"


@dataclass(frozen=True)
class Settings:
    """Everything the toolkit reads from the environment, resolved to absolute paths."""

    data_dir: Path
    db_path: Path
    vdb_path: Path
    attachments_dir: Path
    runs_dir: Path
    inbox_dir: Path
    media_db_url: str = DEFAULT_MEDIA_DB_URL
    image_processing_enabled: bool = False
    embed_model: str = DEFAULT_EMBED_MODEL
    vector_backend: str = "vec"
    default_tz: str = "UTC"
    default_tz_note: str = "CHATBOOK_TZ"  # where default_tz came from, in words
    reviewer: str = "reviewer"
    source_env: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def media_db_url_redacted(self) -> str:
        return redact_url(self.media_db_url)

    def redact(self, text: str) -> str:
        """`text` with the media DSN's password hidden, in every form it could take."""
        return redact_text(text, dsn_secrets(self.media_db_url))

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def as_env(self) -> dict[str, str]:
        """The environment that reproduces these settings in a child process (kernels, jobs)."""
        return {
            "DATA_DIR": str(self.data_dir),
            "DB_URL": f"sqlite:///{self.db_path}",
            "VDB_URL": f"sqlite:///{self.vdb_path}",
            "ATTACHMENTS_DIR": str(self.attachments_dir),
            "RUNS_DIR": str(self.runs_dir),
            "INBOX_DIR": str(self.inbox_dir),
            "MEDIA_DB_URL": self.media_db_url,
            "IMAGE_PROCESSING_ENABLED": "true" if self.image_processing_enabled else "false",
            "EMBED_MODEL": self.embed_model,
            "VECTOR_BACKEND": self.vector_backend,
            "CHATBOOK_REVIEWER": self.reviewer,
            # The child reads the same zone from the same kind of place, so its notes agree.
            **({"CHATBOOK_TZ": self.default_tz} if self.default_tz_note == "CHATBOOK_TZ"
               else {"TZ": self.default_tz}),
        }

    def public_dict(self) -> dict[str, object]:
        """Settings safe to print or store: the DSN password is redacted."""
        return {
            "data_dir": str(self.data_dir),
            "db_path": str(self.db_path),
            "vdb_path": str(self.vdb_path),
            "attachments_dir": str(self.attachments_dir),
            "runs_dir": str(self.runs_dir),
            "inbox_dir": str(self.inbox_dir),
            "media_db_url": self.media_db_url_redacted,
            "image_processing_enabled": self.image_processing_enabled,
            "embed_model": self.embed_model,
            "vector_backend": self.vector_backend,
            "default_tz": self.default_tz,
            "default_tz_note": self.default_tz_note,
        }


def parse_bool(name: str, value: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}: expected true or false, got {value!r}")


def sqlite_path_from_url(name: str, url: str, base: Path) -> Path:
    """`sqlite:///rel/path.db` is relative to the working directory, `sqlite:////abs` absolute."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        raise ConfigError(f"{name}: expected a SQLite URL like sqlite:///data/app.db, got {url!r}")
    raw = url[len(prefix) :]
    if not raw or raw.endswith("/"):
        raise ConfigError(f"{name}: the URL {url!r} names no database file")
    if raw == ":memory:":
        raise ConfigError(f"{name}: an in-memory database would lose everything; name a file")
    path = Path(raw)
    return path if path.is_absolute() else (base / path)


def check_postgres_url(name: str, url: str) -> str:
    """A postgresql:// URL libpq reads as written, or a key=value DSN; never echo a password."""
    if not is_url(url):
        if not keyword_tokens(url):
            raise ConfigError(f"{name}: expected a PostgreSQL URL like {DEFAULT_MEDIA_DB_URL} "
                              f"or key=value pairs, got {redact_url(url)!r}")
        return url
    parts = urlsplit(url)
    if parts.scheme not in {"postgresql", "postgres"}:
        raise ConfigError(
            f"{name}: expected a PostgreSQL URL like {DEFAULT_MEDIA_DB_URL}, got {redact_url(url)!r}"
        )
    problem = url_problem(url)
    if problem:
        raise ConfigError(f"{name}: in {redact_url(url)!r}, {problem}")
    return url


def check_tz(name: str, value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{name}: unknown time zone {value!r} (use an IANA name)") from None
    return value


ZONEINFO_ROOTS = ("/usr/share/zoneinfo", "/usr/lib/zoneinfo", "/usr/share/lib/zoneinfo",
                  "/etc/zoneinfo", "/var/db/timezone/zoneinfo")


def machine_zone(env: Mapping[str, str], root: Path = Path("/")) -> tuple[str, str]:
    """This machine's IANA zone and where it was read: `TZ` first, as every program honours
    it, then the /etc/localtime link (what the C library reads, so what the clock shows), then
    /etc/timezone (Debian's name for it). UTC (said so) when none names one.

    A zone that cannot be named (a POSIX rule like `CET-1CEST` in TZ, a copied localtime file)
    is skipped rather than guessed: the next source, or UTC with a note, is the honest answer.
    """
    raw = (env.get("TZ") or "").strip()
    if raw:
        name = zone_from_tz_variable(raw)
        if name:
            return name, f"TZ={raw}"
    try:
        target = os.readlink(root / "etc" / "localtime")
    except OSError:
        target = ""
    name = zone_from_path(target)
    if name:
        return name, "/etc/localtime"
    timezone_file = root / "etc" / "timezone"
    try:
        name = timezone_file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        name = ""
    if name and valid_zone(name):
        return name, "/etc/timezone"
    return "UTC", "no zone configured on this machine (set TZ or CHATBOOK_TZ)"


def zone_from_tz_variable(raw: str) -> str | None:
    """`Europe/Madrid`, `:Europe/Madrid` or `:/usr/share/zoneinfo/Europe/Madrid` as a zone name."""
    value = raw[1:] if raw.startswith(":") else raw
    if value.startswith("/"):
        return zone_from_path(value)
    return value if valid_zone(value) else None


def zone_from_path(path: str) -> str | None:
    """The zone name in a zoneinfo file path (`.../zoneinfo/Europe/Madrid`), if it is one."""
    marker = "zoneinfo/"
    if marker not in path:
        return None
    name = path.rsplit(marker, 1)[1]
    for prefix in ("posix/", "right/"):  # alternative trees of the same zones
        name = name.removeprefix(prefix)
    return name if valid_zone(name) else None


def valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def default_zone(env: Mapping[str, str]) -> tuple[str, str]:
    """The zone for chats nothing else tells about: CHATBOOK_TZ if set, else the machine's."""
    configured = (env.get("CHATBOOK_TZ") or "").strip()
    if configured:
        return check_tz("CHATBOOK_TZ", configured), "CHATBOOK_TZ"
    name, where = machine_zone(env)
    return name, f"this machine's zone ({where})"


def load_dotenv_file(path: Path) -> dict[str, str]:
    """Read `.env` without touching os.environ; the real environment wins over it."""
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def load_settings(env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Settings:
    """Build and validate `Settings` from `env` (default: `.env` overlaid by os.environ)."""
    base = (cwd or Path.cwd()).resolve()
    if env is None:
        merged = load_dotenv_file(base / ".env")
        merged.update(os.environ)
        env = merged
    data_dir = Path(env.get("DATA_DIR") or "data")
    data_dir = data_dir if data_dir.is_absolute() else base / data_dir

    def path_setting(name: str, default: Path) -> Path:
        raw = env.get(name)
        if not raw:
            return default
        path = Path(raw)
        return path if path.is_absolute() else base / path

    db_url = env.get("DB_URL") or ""
    vdb_url = env.get("VDB_URL") or ""
    db_path = sqlite_path_from_url("DB_URL", db_url, base) if db_url else data_dir / "app.db"
    vdb_path = sqlite_path_from_url("VDB_URL", vdb_url, base) if vdb_url else data_dir / "vectors.db"
    if db_path.resolve() == vdb_path.resolve():
        raise ConfigError("VDB_URL: must name a different file from DB_URL")
    backend = (env.get("VECTOR_BACKEND") or "vec").strip().lower()
    if backend not in VECTOR_BACKENDS:
        raise ConfigError(f"VECTOR_BACKEND: expected one of {', '.join(VECTOR_BACKENDS)}, got {backend!r}")
    media_url = env.get("MEDIA_DB_URL") or DEFAULT_MEDIA_DB_URL
    enabled = parse_bool("IMAGE_PROCESSING_ENABLED", env.get("IMAGE_PROCESSING_ENABLED", "false"))
    if enabled:
        check_postgres_url("MEDIA_DB_URL", media_url)
    model = (env.get("EMBED_MODEL") or DEFAULT_EMBED_MODEL).strip()
    if not model:
        raise ConfigError("EMBED_MODEL: must not be empty")
    zone, zone_note = default_zone(env)
    return Settings(
        data_dir=data_dir,
        db_path=db_path,
        vdb_path=vdb_path,
        attachments_dir=path_setting("ATTACHMENTS_DIR", data_dir / "attachments"),
        runs_dir=path_setting("RUNS_DIR", data_dir / "runs"),
        inbox_dir=path_setting("INBOX_DIR", data_dir / "inbox"),
        media_db_url=media_url,
        image_processing_enabled=enabled,
        embed_model=model,
        vector_backend=backend,
        default_tz=zone,
        default_tz_note=zone_note,
        reviewer=(env.get("CHATBOOK_REVIEWER") or os.environ.get("USER") or "reviewer"),
        source_env=dict(env),
    )
