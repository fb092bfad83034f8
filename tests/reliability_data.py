"""Synthetic WhatsApp exports for the reliability tests (crash, concurrency, outage, soak).

Android format, day/month/year with days above 12 so the date order is never ambiguous; every
message unique, a share of them announcing events so extraction has work to do.
"""

from __future__ import annotations

import hashlib
import random
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from toolkit.config import Settings, load_settings
from toolkit.store import db
from toolkit.store.connect import migrate_all

AUTHORS = ["Ana García", "Tom O'Brien", "Priya", "Mr. \"Coach\" Smith"]
TEXTS = [
    "Practice on Saturday at 10am at Riverside park",
    "Can someone bring the oranges?",
    "Bake sale next Friday from 3pm in the school hall",
    "Thanks everyone!",
    "Reminder: parents evening on Thursday at 6pm",
    "I'll be 5 minutes late",
    "The match is at 2pm on Sunday, meet at the club house",
    "Has anyone seen a blue jacket?",
]


def export_lines(chat: str, n: int, *, start: datetime | None = None, seed: int = 0,
                 unique: bool = True) -> list[str]:
    """n message lines; `unique=False` repeats a few texts (the embedder encodes each once)."""
    rng = random.Random(f"{chat}-{seed}")
    moment = start or datetime(2024, 9, 14, 8, 0)
    lines = []
    for i in range(n):
        moment += timedelta(minutes=rng.randint(1, 90))
        author = rng.choice(AUTHORS)
        text = f"{rng.choice(TEXTS)} (#{seed}-{i if unique else i % 5})"
        lines.append(f"{moment:%d/%m/%Y, %H:%M} - {author}: {text}")
    return lines


def write_export(folder: Path, chat: str, n: int, *, seed: int = 0,
                 start: datetime | None = None, unique: bool = True) -> Path:
    """`WhatsApp Chat with <chat>.txt` holding n messages."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"WhatsApp Chat with {chat}.txt"
    lines = export_lines(chat, n, start=start, seed=seed, unique=unique)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def png_bytes(text: str, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small real PNG (each text gives different pixels, so a different sha256)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).text((2, 2), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def write_zip_with_media(folder: Path, chat: str, n: int, photos: int, *, seed: int = 0,
                         start: datetime | None = None) -> Path:
    """An export zip: `_chat.txt` with n text messages and `photos` attached images."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = export_lines(chat, n, start=start, seed=seed)
    last = datetime.strptime(lines[-1].split(" - ", 1)[0], "%d/%m/%Y, %H:%M")
    path = folder / f"WhatsApp Chat - {chat}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for p in range(photos):
            name = f"IMG-20240914-WA{seed:02d}{p:02d}.png"
            last += timedelta(minutes=3)
            lines.append(f"{last:%d/%m/%Y, %H:%M} - Priya: {name} (file attached)")
            archive.writestr(name, png_bytes(f"{chat} {seed} {p}"))
        archive.writestr("_chat.txt", "\n".join(lines) + "\n")
    return path


def store_with_one_attachment(folder: Path) -> Settings:
    """A migrated store under `folder/data` holding one media message and its stored file."""
    settings = load_settings({"DATA_DIR": str(folder / "data")}, cwd=folder)
    migrate_all(settings)
    sha = hashlib.sha256(b"jpeg bytes").hexdigest()
    conn = db.connect(settings.db_path)
    with db.transaction(conn):
        conn.execute("INSERT INTO chats(name, created_at) VALUES ('c', 'now')")
        conn.execute("INSERT INTO messages(chat_id, sent_at, author, text, kind, media,"
                     " attachment_sha256, source_file, source_line, content_key, ingested_at)"
                     " VALUES (1, '2024-01-01T10:00:00', 'a', '', 'media', 'p.jpg', ?, 'f', 1,"
                     " 'k', 'now')", (sha,))
    conn.close()
    (settings.attachments_dir / sha[:2]).mkdir(parents=True)
    (settings.attachments_dir / sha[:2] / f"{sha}.jpg").write_bytes(b"jpeg bytes")
    return settings
