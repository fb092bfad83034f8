"""Train the clause judge of `toolkit/extract/learned.py` on the labelled sets, and measure it.

    python bench/train_clause_model.py                 # train on every set, write the model
    python bench/train_clause_model.py --evaluate      # leave one set out at a time: rules
                                                       # alone vs rules + model, per set
    python bench/train_clause_model.py --exclude tests/data/events_batch34.jsonl

Every dated clause the rules could be unsure of (an event's day with no cancellation or move
of its own) is a training example: its character n-grams and the rules' cues, labelled 1 when
a gold event of the line starts that day. The model is an L2-regularised logistic regression
fitted by gradient descent in numpy; `band` says which clauses it judges at run time: those
said in passing (no time, no "what" the tables know) and those the rules score below
THRESHOLD + band.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import score_extraction as scoring  # noqa: E402

from toolkit.extract import learned  # noqa: E402
from toolkit.extract.reading import THRESHOLD  # noqa: E402

MODEL_PATH = ROOT / "toolkit" / "extract" / learned.MODEL_FILE
DIM = (1 << learned.HASH_BITS) + len(learned.CUE_NAMES)


# ------------------------------------------------------------------------- examples


def examples(paths: list[Path], band: float | None = None) -> list[tuple[learned.Cues, int]]:
    """(cues, label) for every clause the model could judge over the labelled lines; with
    `band`, only those it would judge at run time."""
    found = []
    for path in paths:
        for record in scoring.load(path):
            days = {e["start"][:10] for e in record["events"] if not e.get("cancelled")}
            with learned.collecting() as sink:
                scoring.predict(record)
            found += [(cues, int(day in days)) for cues, day in sink
                      if band is None or in_band(cues, band)]
    return found


def in_band(cues: learned.Cues, band: float) -> bool:
    return bool(cues.flags["in_passing"]) or cues.flags["rule_score"] < THRESHOLD + band


class Design:
    """A sparse design matrix kept as flat arrays (one row per example)."""

    def __init__(self, rows: list[tuple[list[int], list[float]]]):
        self.n = len(rows)
        self.indices = np.concatenate([np.asarray(i, dtype=np.int64) for i, _v in rows])
        self.values = np.concatenate([np.asarray(v, dtype=np.float64) for _i, v in rows])
        self.row = np.repeat(np.arange(self.n), [len(i) for i, _v in rows])

    def dot(self, w: np.ndarray) -> np.ndarray:
        return np.bincount(self.row, weights=w[self.indices] * self.values, minlength=self.n)

    def gradient(self, residual: np.ndarray) -> np.ndarray:
        return np.bincount(self.indices, weights=self.values * residual[self.row], minlength=DIM)


def fit(data: list[tuple[learned.Cues, int]], l2: float, steps: int = 3000) -> tuple[np.ndarray, float]:
    """Weights and bias minimising the mean log loss plus l2/2 |w|^2 (Adam, full batch)."""
    design = Design([learned.design_row(cues) for cues, _y in data])
    y = np.asarray([label for _c, label in data], dtype=np.float64)
    w, b = np.zeros(DIM), 0.0
    m_w, v_w, m_b, v_b = np.zeros(DIM), np.zeros(DIM), 0.0, 0.0
    rate, beta1, beta2, eps = 0.05, 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        p = 1.0 / (1.0 + np.exp(-(design.dot(w) + b)))
        residual = (p - y) / len(y)
        g_w = design.gradient(residual) + l2 * w
        g_b = float(residual.sum())
        m_w = beta1 * m_w + (1 - beta1) * g_w
        v_w = beta2 * v_w + (1 - beta2) * g_w * g_w
        m_b = beta1 * m_b + (1 - beta1) * g_b
        v_b = beta2 * v_b + (1 - beta2) * g_b * g_b
        correction1, correction2 = 1 - beta1 ** step, 1 - beta2 ** step
        w -= rate * (m_w / correction1) / (np.sqrt(v_w / correction2) + eps)
        b -= rate * (m_b / correction1) / (np.sqrt(v_b / correction2) + eps)
    return w.astype(np.float32), b


def model_from(w: np.ndarray, b: float, band: float, meta: dict[str, Any]) -> learned.ClauseModel:
    return learned.ClauseModel(w, b, band, meta)


# ------------------------------------------------------------------------- evaluation


def end_to_end(path: Path, model: learned.ClauseModel | None) -> dict[str, Any]:
    with learned.trying(model):
        return scoring.score(path)["all"]


def leave_one_out(paths: list[Path], l2: float, band: float) -> None:
    """Each set scored by the rules alone and by rules + a model trained without it."""
    print(f"l2={l2} band={band}")
    print(f"{'held out':28} {'rules F1':>8} {'+model F1':>9} {'alarms':>13} {'recall':>13}")
    cache = {p: examples([p], band) for p in paths}
    for held in paths:
        train = [x for p in paths if p != held for x in cache[p]]
        w, b = fit(train, l2)
        model = model_from(w, b, band, {})
        rules, both = end_to_end(held, None), end_to_end(held, model)
        print(f"{held.name:28} {rules['f1']:8.3f} {both['f1']:9.3f} "
              f"{rules['false_alarm_rate']:6.3f}>{both['false_alarm_rate']:6.3f} "
              f"{rules['recall']:6.3f}>{both['recall']:6.3f}")


# ------------------------------------------------------------------------- the shipped file


def write_model(paths: list[Path], l2: float, band: float) -> None:
    data = examples(paths, band)
    w, b = fit(data, l2)
    meta = {"cues": list(learned.CUE_NAMES), "hash_bits": learned.HASH_BITS, "band": band, "l2": l2,
            "threshold": THRESHOLD, "examples": len(data), "positives": sum(y for _c, y in data),
            "trained_on": [p.name for p in paths], "trained": date.today().isoformat()}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, weights=w.astype(np.float16), bias=np.float64(b), meta=json.dumps(meta))
    MODEL_PATH.write_bytes(buffer.getvalue())
    learned.clause_model.cache_clear()
    print(f"wrote {MODEL_PATH.relative_to(ROOT)} ({MODEL_PATH.stat().st_size // 1024} KB): "
          f"{meta['examples']} clauses, {meta['positives']} events")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--evaluate", action="store_true", help="leave one set out at a time")
    parser.add_argument("--exclude", type=Path, action="append", default=[])
    parser.add_argument("--l2", type=float, default=1e-3)
    parser.add_argument("--band", type=float, default=0.15)
    args = parser.parse_args(argv)
    excluded = {p.resolve() for p in args.exclude}
    paths = [p for p in scoring.all_sets() if p.resolve() not in excluded]
    if args.evaluate:
        leave_one_out(paths, args.l2, args.band)
        return 0
    write_model(paths, args.l2, args.band)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
