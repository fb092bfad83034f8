"""Realistic short chat messages and their real MiniLM embeddings, cached for the benchmarks.

The messages are generated from templates of what people write in school, club and family
groups (logistics, questions, replies, emoji, several languages), with enough variety in names,
places, times and wording that nearly every text is distinct. Their embeddings come from the
real model (the one `toolkit.search.embed` loads), computed once and cached in `bench/.cache/`
(git-ignored), so the search benchmark measures recall on embedding-shaped data, not only on
uniform random vectors.

    python bench/corpus.py --n 100000      # MiniLM vectors of the 100k corpus (build or reuse)
    python bench/corpus.py --model multilingual-e5-small --n 1000000   # resumable, chunk by chunk
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy as np

CACHE = Path(__file__).resolve().parent / ".cache"

NAMES = [
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Emma",
    "Finn",
    "Grace",
    "Hugo",
    "Iris",
    "Jonas",
    "Kemal",
    "Lena",
    "Maya",
    "Noah",
    "Olga",
    "Pablo",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Uwe",
    "Vera",
    "Will",
    "Xenia",
    "Yusuf",
    "Zoe",
    "Mrs Patel",
    "Coach Mike",
    "Grandma",
    "Mr Okafor",
    "Lucía",
    "Jürgen",
    "Amélie",
    "Priya",
    "Chen",
    "Sofia",
    "Mateo",
    "Aisha",
]
PLACES = [
    "Riverside pitch",
    "the school gym",
    "the library",
    "Oak Park",
    "the swimming pool",
    "St Mary's hall",
    "the community centre",
    "Main Street",
    "the train station",
    "the dentist",
    "the playground",
    "Hillside field",
    "the bakery",
    "room 12",
    "the car park",
    "the museum",
    "Lakeview",
    "the sports hall",
    "the church",
    "Aldi",
    "the pharmacy",
    "the town hall",
    "the youth club",
    "Greenway court",
]
EVENTS = [
    "match",
    "training",
    "rehearsal",
    "parents evening",
    "bake sale",
    "school trip",
    "birthday party",
    "swimming lesson",
    "piano lesson",
    "dentist appointment",
    "football tournament",
    "sleepover",
    "class photo",
    "book fair",
    "sports day",
    "concert",
    "team dinner",
    "car wash fundraiser",
    "chess club",
    "PTA meeting",
    "vaccination",
    "music exam",
    "summer fete",
    "nativity play",
    "away game",
]
DAYS = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "tomorrow",
    "today",
    "next week",
    "this weekend",
    "tonight",
    "on the 14th",
    "on 3 March",
    "after half term",
    "on Friday 21st",
]
TIMES = [
    "9am",
    "10:30",
    "4pm",
    "half past three",
    "18:00",
    "noon",
    "7.15",
    "8:45 am",
    "after school",
    "in the morning",
    "around 5",
    "at lunchtime",
]
THINGS = [
    "shin pads",
    "a packed lunch",
    "the permission slip",
    "£5",
    "water bottles",
    "swimming kit",
    "the costume",
    "a cake",
    "wellies",
    "the signed form",
    "raincoats",
    "the library books",
    "a gift",
    "snacks",
    "the kit bag",
    "sun cream",
    "tickets",
]
EMOJI = ["👍", "😂", "🙏", "❤️", "🎉", "⚽", "😅", "👏", "🙌", "😊", "🤞", "😬", ""]
TEMPLATES = [
    "{event} is on {day} at {time} at {place}",
    "Reminder: {event} {day} {time}, please bring {thing} {emoji}",
    "Does anyone know what time the {event} starts {day}?",
    "Can someone give {name} a lift to {place} {day}?",
    "Thanks {name}! {emoji}",
    "{name} can't make it {day}, sorry {emoji}",
    "Is the {event} still happening {day} or is it cancelled because of the rain?",
    "The {event} has moved to {place}, same time ({time})",
    "Don't forget {thing} for the {event} {day}",
    "Who is doing pick up from {place} {day}? I can do {time}",
    "Lost: {thing} left at {place} after the {event}, anyone seen it?",
    "{name} said the {event} is postponed until {day}",
    "Happy birthday {name}!! {emoji}{emoji}",
    "Running 10 min late, meet you at {place} {emoji}",
    "Please pay {thing} for the {event} by {day}",
    "Great {event} today, well done everyone {emoji}",
    "Has anyone got a spare {thing}? {name} forgot theirs",
    "Where exactly is {place}? Never been there",
    "I'll bring {thing} to the {event}",
    "Can we swap the {event} to {day} at {time}?",
    "El {event} es {day} a las {time} en {place}",
    "Das {event} ist {day} um {time} am {place} {emoji}",
    "Le {event} est {day} à {time}, n'oubliez pas {thing}",
    "ok",
    "ok {emoji}",
    "thanks",
    "yes please",
    "see you there {emoji}",
    "sounds good",
    "no worries {name}",
    "{emoji}",
    "haha {emoji}",
    "will do",
    "perfect, thanks {name}",
    "Any news about the {event}?",
    "Photos from the {event} are on the drive {emoji}",
    "{name} has a temperature so we'll skip the {event} {day}",
    "Kids need to be at {place} by {time} for the {event}",
    "Parking at {place} is a nightmare, park on Main Street instead",
    "Who has the key for {place}?",
]


def generate_messages(n: int, seed: int = 7) -> list[str]:
    """`n` chat messages; templates filled at random, with typos and casing noise."""
    rng = random.Random(seed)
    out: list[str] = []
    for _ in range(n):
        text = rng.choice(TEMPLATES).format(
            event=rng.choice(EVENTS),
            day=rng.choice(DAYS),
            time=rng.choice(TIMES),
            place=rng.choice(PLACES),
            thing=rng.choice(THINGS),
            name=rng.choice(NAMES),
            emoji=rng.choice(EMOJI),
        )
        roll = rng.random()
        if roll < 0.1:
            text = text.lower()
        elif roll < 0.15:
            text = text + " " + rng.choice(["lol", "x", "xx", "!!", "?", "cheers", "ta"])
        elif roll < 0.2 and len(text) > 8:
            cut = rng.randrange(1, len(text) - 1)
            text = text[:cut] + text[cut + 1 :]  # a dropped letter, as typed on a phone
        out.append(text.strip() or "ok")
    return out


def cached_embeddings(n: int) -> tuple[list[str], np.ndarray]:
    """Texts and normalised float32 MiniLM vectors for `n` messages, from cache when present."""
    CACHE.mkdir(exist_ok=True)
    texts = generate_messages(n)
    path = CACHE / f"minilm_{n}.npy"
    if path.exists():
        return texts, np.load(path)
    from toolkit.search.embed import load_model

    model = load_model("all-MiniLM-L6-v2")
    unique = sorted(set(texts), key=len)
    started = time.perf_counter()
    vectors = model.passages(unique)
    print(f"embedded {len(unique)} unique texts in {time.perf_counter() - started:.0f} s")
    index = {text: i for i, text in enumerate(unique)}
    matrix = np.asarray(vectors, dtype=np.float32)[[index[t] for t in texts]]
    np.save(path, matrix)
    return texts, matrix


CHUNK = 2_000  # distinct texts per cached file: a long embedding run can stop and resume


def chunk_folder(model: str) -> Path:
    return CACHE / ("e5_chunks" if model == "multilingual-e5-small" else f"{model.lower()}_chunks")


def model_vectors(model: str, distinct: list[str]) -> np.ndarray:
    """The cached vectors (passage side) of the first distinct texts of the 1M corpus, as far as
    they are embedded and `distinct` runs along that order (the 100k corpus is its prefix)."""
    files = sorted(chunk_folder(model).glob("*.npy"))
    parts = []
    for n, path in enumerate(files):
        if path.name != f"{n * CHUNK:07d}.npy":
            break  # a gap: only a contiguous prefix is usable
        parts.append(np.load(path))
    if not parts:
        raise SystemExit(f"no cached {model} vectors: run `python bench/corpus.py --model {model}`")
    matrix = np.concatenate(parts)
    have = min(len(matrix), len(distinct))
    order = list(dict.fromkeys(generate_messages(1_000_000)))[:have]
    if order != distinct[:have]:
        raise SystemExit("the cached vectors follow another corpus order; remove bench/.cache and rebuild")
    return matrix[:have]


def embed_corpus(model: str, n: int) -> None:
    """Embed the distinct texts of the n-message corpus in first-appearance order, CHUNK at a
    time, skipping chunks already cached (so it resumes where it stopped)."""
    from toolkit.search.embed import load_model

    encoder = load_model(model)
    distinct = list(dict.fromkeys(generate_messages(1_000_000)))[: len(set(generate_messages(n)))]
    folder = chunk_folder(model)
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(distinct), CHUNK):
        path = folder / f"{start:07d}.npy"
        if path.exists():
            continue
        started = time.perf_counter()
        np.save(path, encoder.passages(distinct[start : start + CHUNK]))
        took = time.perf_counter() - started
        print(f"{start + CHUNK:,} of {len(distinct):,} distinct texts ({took:.0f} s)",
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--model", help="embed the corpus's distinct texts with this EMBED_MODEL (resumable)")
    args = parser.parse_args()
    if args.model:
        embed_corpus(args.model, args.n)
        return
    texts, matrix = cached_embeddings(args.n)
    print(f"{len(texts)} messages, {len(set(texts))} distinct, matrix {matrix.shape}")


if __name__ == "__main__":
    main()
