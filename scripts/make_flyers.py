"""Draw the sample flyer images and the "Riverside Flyers" WhatsApp export (deterministic).

Flyers are what parents actually forward: event text in several fonts and sizes over paper,
colour or photo-like backgrounds, slightly rotated, with sensor-like noise and JPEG artefacts,
so OCR in the demo and the tests runs on real pixels. Everything is seeded: running the script
twice writes the same bytes (with the same Pillow/libjpeg).

    python scripts/make_flyers.py [--out data/sample]

Writes `OUT/flyers/*.{jpg,png}`, `OUT/flyers/flyers.json` (the text on each flyer and the event
it announces, the ground truth for bench/ocr.py and the tests) and
`OUT/WhatsApp Chat - Riverside Flyers.zip` (an iOS-format `_chat.txt` whose messages attach
the flyers; the tournament flyer is forwarded twice: once byte-identical, once re-encoded
smaller, as WhatsApp does, so only the perceptual hash can tell it is the same flyer).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
ZIP_NAME = "WhatsApp Chat - Riverside Flyers.zip"
# A fixed timestamp inside the zip keeps its bytes stable from run to run.
ZIP_DATE = (2025, 3, 20, 12, 0, 0)


@dataclass(frozen=True)
class Line:
    text: str
    font: str  # file name under FONT_DIR
    size: int
    colour: tuple[int, int, int] = (20, 20, 20)


@dataclass(frozen=True)
class Flyer:
    name: str
    fmt: str  # "jpg" or "png"
    size: tuple[int, int]
    background: str  # paper | colour | photo | dark
    lines: list[Line]
    event: dict[str, object] | None  # the event it announces (local time), None for no event
    lang: str
    angle: float = 0.0
    seed: int = 0
    exif: dict[str, object] = field(default_factory=dict)


FLYERS = [
    Flyer(
        name="en_tournament", fmt="jpg", size=(800, 1000), background="paper", lang="en",
        angle=1.5, seed=11,
        lines=[
            Line("RIVERSIDE JUNIOR FC", "DejaVuSans-Bold.ttf", 58, (160, 20, 30)),
            Line("Summer Tournament", "DejaVuSerif-Bold.ttf", 64),
            Line("Saturday 12 April 2025", "DejaVuSans.ttf", 46),
            Line("10am - 3pm", "DejaVuSans-Bold.ttf", 52),
            Line("Riverside Park, Pitch 2", "DejaVuSans.ttf", 40),
            Line("All ages welcome - bring water!", "DejaVuSansCondensed-Oblique.ttf", 32),
        ],
        event={"date": "2025-04-12", "start": "10:00", "end": "15:00",
               "keywords": ["Tournament", "Riverside", "April"]},
    ),
    Flyer(
        name="en_bake_sale", fmt="png", size=(760, 900), background="photo", lang="en",
        angle=-2.0, seed=12,
        lines=[
            Line("School Bake Sale", "DejaVuSerif-Bold.ttf", 60, (90, 40, 10)),
            Line("Friday 21 March 2025", "DejaVuSans-Bold.ttf", 44),
            Line("3:30pm - 5pm", "DejaVuSans.ttf", 48),
            Line("Main Hall, St Mary's Primary", "DejaVuSerif.ttf", 34),
            Line("Cakes 50p - proceeds to the library", "DejaVuSansCondensed.ttf", 30),
        ],
        event={"date": "2025-03-21", "start": "15:30", "end": "17:00",
               "keywords": ["Bake", "Sale", "March"]},
    ),
    Flyer(
        name="es_fiesta", fmt="jpg", size=(800, 900), background="colour", lang="es",
        angle=1.0, seed=13,
        lines=[
            Line("Fiesta de Primavera", "DejaVuSerif-Bold.ttf", 60, (120, 10, 80)),
            Line("Sábado 5 de abril de 2025", "DejaVuSans-Bold.ttf", 44),
            Line("a las 17:00", "DejaVuSans.ttf", 48),
            Line("Plaza Mayor", "DejaVuSerifCondensed.ttf", 44),
            Line("¡Música, juegos y comida!", "DejaVuSansCondensed-Oblique.ttf", 34),
        ],
        event={"date": "2025-04-05", "start": "17:00", "end": None,
               "keywords": ["Fiesta", "Primavera", "abril"]},
    ),
    Flyer(
        name="de_elternabend", fmt="jpg", size=(800, 860), background="paper", lang="de",
        angle=-1.2, seed=14,
        lines=[
            Line("Elternabend Klasse 3b", "DejaVuSans-Bold.ttf", 54, (10, 60, 120)),
            Line("Dienstag, 25. März 2025", "DejaVuSerif.ttf", 46),
            Line("19:30 Uhr", "DejaVuSans-Bold.ttf", 56),
            Line("Aula der Grundschule", "DejaVuSansMono.ttf", 38),
        ],
        event={"date": "2025-03-25", "start": "19:30", "end": None,
               "keywords": ["Elternabend", "März", "Uhr"]},
    ),
    Flyer(
        name="fr_kermesse", fmt="png", size=(760, 860), background="dark", lang="fr",
        angle=0.8, seed=15,
        lines=[
            Line("Kermesse de l'école", "DejaVuSerif-Bold.ttf", 58, (255, 230, 120)),
            Line("Samedi 14 juin 2025", "DejaVuSans-Bold.ttf", 48, (250, 250, 250)),
            Line("de 10h à 16h", "DejaVuSans.ttf", 50, (250, 250, 250)),
            Line("Cour de l'école Jules Ferry", "DejaVuSansCondensed.ttf", 36, (230, 230, 230)),
        ],
        event={"date": "2025-06-14", "start": "10:00", "end": "16:00",
               "keywords": ["Kermesse", "juin"]},
    ),
    Flyer(
        name="pt_festa_junina", fmt="jpg", size=(800, 900), background="photo", lang="pt",
        angle=-0.8, seed=16,
        lines=[
            Line("Festa Junina", "DejaVuSans-Bold.ttf", 66, (200, 80, 0)),
            Line("Sábado, 28 de junho de 2025", "DejaVuSerif-Bold.ttf", 40),
            Line("às 18h", "DejaVuSans-Bold.ttf", 52),
            Line("Quadra da escola", "DejaVuSerif.ttf", 42),
        ],
        event={"date": "2025-06-28", "start": "18:00", "end": None,
               "keywords": ["Festa", "Junina", "junho"]},
    ),
    Flyer(
        name="en_team_photo", fmt="jpg", size=(900, 640), background="photo", lang="en",
        angle=0.0, seed=17,
        lines=[Line("Well done, team!", "DejaVuSans-Bold.ttf", 50)],
        event=None,
        exif={"taken_at": "2025:03:16 16:45:10", "gps": (51.4545, -2.5879)},
    ),
]


def font(line: Line) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / line.font), line.size)


def paper(size: tuple[int, int], rng: np.random.Generator) -> Image.Image:
    """Off-white paper with a gentle light gradient and fibre speckle."""
    w, h = size
    y = np.linspace(0, 1, h)[:, None]
    x = np.linspace(0, 1, w)[None, :]
    base = 242 - 18 * (0.6 * y + 0.4 * x)
    tint = np.stack([base, base - 4, base - 12], axis=-1)
    tint += rng.normal(0, 3, size=(h, w, 1))
    return Image.fromarray(np.clip(tint, 0, 255).astype(np.uint8))


def colour(size: tuple[int, int], rng: np.random.Generator) -> Image.Image:
    """A pastel card with diagonal stripes, like a printed poster."""
    w, h = size
    hue = rng.uniform(0, 1)
    c1 = np.array([255 * (0.85 + 0.15 * hue), 225, 200 + 40 * hue])
    c2 = c1 - 22
    yy, xx = np.mgrid[0:h, 0:w]
    stripe = ((xx + yy) // 40) % 2
    img = np.where(stripe[..., None] == 1, c1, c2)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def photo(size: tuple[int, int], rng: np.random.Generator, dark: bool = False) -> Image.Image:
    """Photo-like: sky/ground gradient, blurred bokeh blobs and shapes."""
    w, h = size
    y = np.linspace(0, 1, h)[:, None, None]
    top = np.array([40, 50, 90]) if dark else np.array([120, 170, 225])
    bottom = np.array([10, 20, 30]) if dark else np.array([70, 130, 60])
    img = top * (1 - y) + bottom * y + np.zeros((1, w, 1))
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(pil)
    for _ in range(int(rng.integers(18, 30))):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(20, 110)
        shade = tuple(int(v) for v in rng.integers(40 if dark else 90, 140 if dark else 255, 3))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=shade)
    return pil.filter(ImageFilter.GaussianBlur(radius=14))


def background(flyer: Flyer, rng: np.random.Generator) -> Image.Image:
    if flyer.background == "paper":
        return paper(flyer.size, rng)
    if flyer.background == "colour":
        return colour(flyer.size, rng)
    return photo(flyer.size, rng, dark=flyer.background == "dark")


def draw_text(img: Image.Image, flyer: Flyer, rng: random.Random) -> None:
    """Centre the lines vertically; on light photos, a translucent panel keeps them legible."""
    fonts = [font(line) for line in flyer.lines]
    heights = [f.getbbox(line.text)[3] for f, line in zip(fonts, flyer.lines, strict=True)]
    gap = 34
    total = sum(heights) + gap * (len(heights) - 1)
    w, h = img.size
    y = (h - total) // 2 if flyer.event else h - total - 60
    if flyer.background == "photo" and flyer.event:
        overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
        ImageDraw.Draw(overlay).rounded_rectangle(
            (30, y - 40, w - 30, y + total + 40), radius=24, fill=(255, 255, 250, 205)
        )
        img.paste(Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB"))
    draw = ImageDraw.Draw(img)
    for line, f, height in zip(flyer.lines, fonts, heights, strict=True):
        width = draw.textlength(line.text, font=f)
        x = (w - width) / 2 + rng.uniform(-12, 12)
        fill = line.colour if flyer.background != "photo" or flyer.event else (255, 255, 255)
        draw.text((x, y), line.text, font=f, fill=fill)
        y += height + gap


def finish(img: Image.Image, flyer: Flyer, rng: np.random.Generator) -> Image.Image:
    """Rotate slightly (as photographed), then add sensor noise."""
    if flyer.angle:
        corner = img.getpixel((0, 0))
        img = img.rotate(flyer.angle, resample=Image.Resampling.BICUBIC, expand=True,
                         fillcolor=corner)
    pixels = np.asarray(img).astype(np.float32)
    # Screenshots (PNG) carry little noise; phone photos (JPEG) more.
    pixels += rng.normal(0, 6 if flyer.fmt == "jpg" else 2.5, size=pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def exif_bytes(flyer: Flyer) -> bytes:
    """EXIF as a phone writes it: camera, DateTimeOriginal and GPS (degrees/minutes/seconds)."""
    if not flyer.exif:
        return b""
    exif = Image.Exif()
    exif[0x010F] = "Synthetic"  # Make
    exif[0x0110] = "Flyer Cam 1"  # Model
    exif[0x0132] = flyer.exif["taken_at"]  # DateTime
    exif.get_ifd(0x8769)[0x9003] = flyer.exif["taken_at"]  # DateTimeOriginal
    lat, lon = flyer.exif["gps"]  # type: ignore[misc]
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = ("N" if lat >= 0 else "S"), dms(abs(lat))
    gps[3], gps[4] = ("E" if lon >= 0 else "W"), dms(abs(lon))
    return exif.tobytes()


def dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 2)
    return (float(degrees), float(minutes), seconds)


def render(flyer: Flyer) -> Image.Image:
    np_rng = np.random.default_rng(flyer.seed)
    img = background(flyer, np_rng)
    draw_text(img, flyer, random.Random(flyer.seed))
    return finish(img, flyer, np_rng)


def encode(img: Image.Image, fmt: str, exif: bytes = b"", quality: int = 78) -> bytes:
    out = io.BytesIO()
    if fmt == "jpg":
        img.save(out, "JPEG", quality=quality, optimize=True, exif=exif)
    else:
        img.quantize(colors=48, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            out, "PNG", optimize=True
        )
    return out.getvalue()


def forwarded_copy(data: bytes) -> bytes:
    """What WhatsApp makes of a forwarded photo: scaled down and re-compressed."""
    img = Image.open(io.BytesIO(data)).convert("RGB")
    img = img.resize((img.width * 3 // 4, img.height * 3 // 4), Image.Resampling.LANCZOS)
    return encode(img, "jpg", quality=60)


def chat_export(files: dict[str, bytes]) -> tuple[str, dict[str, bytes]]:
    """An iOS `_chat.txt` attaching the flyers, and the media files it names."""
    tour, bake = files["en_tournament"], files["en_bake_sale"]
    team = files["en_team_photo"]
    media: dict[str, bytes] = {
        "00000012-PHOTO-2025-03-15-09-12-03.jpg": tour,
        "00000014-PHOTO-2025-03-15-18-05-11.jpg": to_jpeg(bake),
        "00000017-PHOTO-2025-03-17-12-00-00.jpg": tour,  # forwarded as is
        "00000019-PHOTO-2025-03-18-07-41-26.jpg": team,
        "00000021-PHOTO-2025-03-19-20-15-09.jpg": forwarded_copy(tour),  # re-encoded forward
    }
    lines = [
        "[15/03/2025, 09:10:45] Coach Dan: Morning all! Flyer for the summer tournament below",
        "[15/03/2025, 09:12:03] Coach Dan: <attached: 00000012-PHOTO-2025-03-15-09-12-03.jpg>",
        "[15/03/2025, 09:13:30] Priya: Brilliant, we'll be there",
        "[15/03/2025, 18:05:11] Priya: <attached: 00000014-PHOTO-2025-03-15-18-05-11.jpg>",
        "[15/03/2025, 18:05:40] Priya: Cakes welcome for the bake sale, drop them at reception",
        "[17/03/2025, 12:00:00] Maria: <attached: 00000017-PHOTO-2025-03-17-12-00-00.jpg>",
        "[17/03/2025, 12:00:31] Maria: Forwarding from the parents group in case you missed it",
        "[18/03/2025, 07:41:26] Tom: <attached: 00000019-PHOTO-2025-03-18-07-41-26.jpg>",
        "[18/03/2025, 07:42:02] Tom: From Sunday's match, what a game",
        "[19/03/2025, 20:15:09] Aisha: <attached: 00000021-PHOTO-2025-03-19-20-15-09.jpg>",
        "[19/03/2025, 20:15:55] Aisha: Is this the same tournament as above?",
        "[19/03/2025, 20:17:12] Coach Dan: Yes, same one",
    ]
    return "\n".join(lines) + "\n", media


def to_jpeg(data: bytes) -> bytes:
    return encode(Image.open(io.BytesIO(data)).convert("RGB"), "jpg", quality=75)


def write_zip(path: Path, chat: str, media: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [("_chat.txt", chat.encode("utf-8")), *sorted(media.items())]:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, data)


def manifest_entry(flyer: Flyer, file_name: str) -> dict[str, object]:
    return {
        "file": file_name,
        "lang": flyer.lang,
        "text": "\n".join(line.text for line in flyer.lines),
        "event": flyer.event,
        "exif": {"taken_at": flyer.exif.get("taken_at"), "gps": flyer.exif.get("gps")}
        if flyer.exif else None,
    }


def main(out: Path) -> dict[str, bytes]:
    folder = out / "flyers"
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {}
    manifest = []
    for flyer in FLYERS:
        data = encode(render(flyer), flyer.fmt, exif_bytes(flyer))
        file_name = f"{flyer.name}.{flyer.fmt}"
        (folder / file_name).write_bytes(data)
        files[flyer.name] = data
        manifest.append(manifest_entry(flyer, file_name))
    (folder / "flyers.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    chat, media = chat_export(files)
    write_zip(out / ZIP_NAME, chat, media)
    return files


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent
                        / "data" / "sample")
    args = parser.parse_args()
    main(args.out)
    total = sum(p.stat().st_size for p in (args.out / "flyers").iterdir())
    total += (args.out / ZIP_NAME).stat().st_size
    print(f"wrote {len(FLYERS)} flyers and {ZIP_NAME} to {args.out} ({total / 1e6:.2f} MB)")
