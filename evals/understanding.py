"""How well the understanding model reads questions by writers it was not trained on.

``python -m evals.understanding`` trains on all writers but one and tests on that one
(each writer in turn), side by side for n-grams + e5 and n-grams alone, and prints intent,
form, polarity, thing and condition accuracy, the intent confusion, the bank's diversity
(share of examples whose nearest other example has cosine ≥ 0.95) and training time.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from assistant.common.config import get_settings
from assistant.retrieval.embeddings import make_embeddings
from assistant.understanding.bank import Bank, Example, load_bank
from assistant.understanding.features import VectorCache
from assistant.understanding.model import CONDITION_INTENTS, NONE, Model, space_of, train


def vector_cache(path: Path | None = None) -> VectorCache:
    settings = get_settings()
    embedder = make_embeddings(settings)
    path = path or settings.data_dir / "understanding" / "eval-vectors.npz"
    return VectorCache(embedder, path)


def _score(model: Model, tests: list[Example], vectors: VectorCache | None) -> dict[str, Any]:
    if vectors is not None:
        vectors.vectors([e.text for e in tests])  # cached: the lookups below are free
    rows = []
    for e in tests:
        p = model.predict(e.text, (lambda t: vectors.vectors([t])[0]) if vectors else None)
        space = space_of(e.intent)
        label = p.thing.get(space) if space else None
        thing = label.value if label else None
        rows.append({
            "intent": (e.intent, p.intent.value), "form": (e.form, p.form.value),
            "neg": (e.neg, p.negated.value == "neg"),
            "thing": (e.thing, thing) if e.thing else None,
            "cond": [(name, e.cond.get(name, NONE), p.conditions[name].value)
                     for name, intents in CONDITION_INTENTS.items()
                     if e.intent in intents and name in p.conditions],
            "text": e.text,
        })
    return {"rows": rows}


def held_out_by_writer(bank: Bank, vectors: VectorCache | None) -> dict[str, Any]:
    """Leave one writer out, for each writer; the figures over all held-out predictions."""
    writers = sorted({e.writer for e in bank.examples})
    rows: list[dict[str, Any]] = []
    seconds = []
    for w in writers:
        training = [e for e in bank.examples if e.writer != w]
        started = time.perf_counter()
        model = train(bank, vectors, training, use_dense=vectors is not None)
        seconds.append(time.perf_counter() - started)
        rows += _score(model, [e for e in bank.examples if e.writer == w], vectors)["rows"]
    return summarise(rows) | {"train_seconds_median": round(float(np.median(seconds)), 2),
                              "writers": writers}


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def acc(pairs: list[tuple[Any, Any]]) -> float:
        return round(sum(a == b for a, b in pairs) / len(pairs), 3) if pairs else 0.0
    conds = [c for r in rows for c in r["cond"]]
    stated = [c for c in conds if c[1] != NONE]
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        confusion[r["intent"][0]][r["intent"][1]] += 1
    per_intent = {i: round(c[i] / sum(c.values()), 3) for i, c in sorted(confusion.items())}
    return {
        "examples": len(rows),
        "intent_accuracy": acc([r["intent"] for r in rows]),
        "form_accuracy": acc([r["form"] for r in rows]),
        "negation_accuracy": acc([r["neg"] for r in rows]),
        "thing_accuracy": acc([r["thing"] for r in rows if r["thing"]]),
        "condition_accuracy": acc([(c[1], c[2]) for c in conds]),
        "stated_condition_recall": acc([(c[1], c[2]) for c in stated]),
        "per_intent": per_intent,
        "confusion": {k: dict(v) for k, v in confusion.items()},
        "misread": [(r["text"], *r["intent"]) for r in rows if r["intent"][0] != r["intent"][1]],
    }


def diversity(bank: Bank, vectors: VectorCache) -> dict[str, float]:
    """How many examples have a near twin in the bank (nearest other example's cosine)."""
    dense = vectors.vectors([e.text for e in bank.examples])
    sims = dense @ dense.T
    np.fill_diagonal(sims, -1.0)
    nearest = sims.max(axis=1)
    return {"share_nn_cosine_ge_0.95": round(float((nearest >= 0.95).mean()), 3),
            "share_nn_cosine_ge_0.90": round(float((nearest >= 0.90).mean()), 3),
            "median_nn_cosine": round(float(np.median(nearest)), 3),
            "distinct_texts": len({e.text for e in bank.examples})}


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(prog="python -m evals.understanding",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="skriv resultatet som JSON")
    parser.add_argument("--misread", type=int, default=0, help="vis N misforståede eksempler")
    args = parser.parse_args(argv)
    bank = load_bank()
    vectors = vector_cache()
    started = time.perf_counter()
    vectors.vectors([e.text for e in bank.examples])
    vectors.save()
    embed_s = time.perf_counter() - started
    started = time.perf_counter()
    train(bank, vectors)
    full_s = time.perf_counter() - started
    results = {"ngrams+e5": held_out_by_writer(bank, vectors),
               "ngrams": held_out_by_writer(bank, None)}
    langs = Counter(e.lang for e in bank.examples)
    print(f"Eksempelbanken: {len(bank.examples)} eksempler, {len(bank.intents)} intentioner, "
          f"{langs['en'] / len(bank.examples):.0%} engelsk, mindst "
          f"{min(Counter(e.intent for e in bank.examples).values())} pr. intention")
    print(f"  diversitet: {diversity(bank, vectors)}")
    print(f"  træning (hele banken): {full_s:.1f} s; e5-vektorer (kold cache): {embed_s:.1f} s")
    keys = ["intent_accuracy", "form_accuracy", "negation_accuracy", "thing_accuracy",
            "condition_accuracy", "stated_condition_recall", "train_seconds_median"]
    print(f"\nHoldt ude pr. skribent ({', '.join(results['ngrams']['writers'])}):")
    print(f"  {'':28}" + "".join(f"{n:>12}" for n in results))
    for k in keys:
        print(f"  {k:28}" + "".join(f"{r[k]:>12}" for r in results.values()))
    best = results["ngrams+e5"]
    print("  pr. intention (n-grams+e5): " + ", ".join(
        f"{i} {a:.2f}" for i, a in best["per_intent"].items()))
    for text, want, got in best["misread"][:args.misread]:
        print(f"  [{want} → {got}] {text}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
