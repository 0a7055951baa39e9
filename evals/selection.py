"""Answer-sentence ranking, held out by writer: ``python -m evals.selection [--json]``.

For each writer of the (question, answering sentences) pairs in
``assistant/understanding/pairs/``, the scorer is trained on the other writers' pairs and
ranks the candidates of this writer's questions; the ranking it replaced (cosine, shared
words, preferred source) ranks the same candidates. Printed per writer and overall: MRR
of the first answering sentence among the sentences that may be quoted, hit@1, and how
often the candidates hold an answering sentence at all (the search's recall).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import defaultdict
from typing import Any

import numpy as np

from assistant.answering.selection import (
    Pair,
    Scorer,
    fit,
    gather,
    labels_for,
    load_pairs,
    query_for,
    reciprocal_rank,
    training_rows,
)
from assistant.common.config import get_settings
from assistant.corpus.passages import ANSWERING_ROLES


def evaluate(pairs: list[Pair] | None = None) -> dict[str, Any]:
    from assistant.service import Assistant

    assistant = Assistant(get_settings())
    index, retriever = assistant.index, assistant.retriever
    intended = assistant.intended_sources
    pairs = load_pairs() if pairs is None else pairs

    started = time.perf_counter()
    rows = training_rows(index, retriever, pairs, intended)
    prepared_s = time.perf_counter() - started
    writers = sorted({p.writer for p in pairs})
    per: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for writer in writers:
        train = [r for r in rows if r[0].writer != writer]
        model = fit(train)
        scorer = Scorer(model)
        for pair in (p for p in pairs if p.writer == writer):
            query = query_for(index, pair.q, intended(pair.q))
            cands = gather(index, retriever, query)
            labels = np.asarray(labels_for(cands, index, pair))
            selectable = np.asarray([c.role in ANSWERING_ROLES for c in cands])
            found = bool((labels & selectable).any())
            learned = scorer.scores(index, query, cands)
            baseline = Scorer(None).scores(index, query, cands)
            rr_l = reciprocal_rank(learned, labels, selectable) if found else 0.0
            rr_b = reciprocal_rank(baseline, labels, selectable) if found else 0.0
            stats = per[writer]
            stats["recall"].append(float(found))
            stats["mrr_learned"].append(rr_l)
            stats["mrr_baseline"].append(rr_b)
            stats["hit1_learned"].append(float(rr_l == 1.0))
            stats["hit1_baseline"].append(float(rr_b == 1.0))
    summary = {w: {k: round(float(np.mean(v)), 3) for k, v in s.items()} | {
        "pairs": len(s["recall"])} for w, s in per.items()}
    everything: dict[str, list[float]] = defaultdict(list)
    for s in per.values():
        for k, v in s.items():
            everything[k] += v
    summary["all"] = {k: round(float(np.mean(v)), 3) for k, v in everything.items()} | {
        "pairs": len(everything["recall"])}
    summary["all"]["prepare_s"] = round(prepared_s, 1)
    return summary


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = evaluate()
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{'skriver':8} {'par':>4} {'recall':>7} {'MRR lært':>9} {'MRR før':>8} "
          f"{'hit@1 lært':>11} {'hit@1 før':>10}")
    for writer, s in result.items():
        print(f"{writer:8} {s['pairs']:>4} {s['recall']:>7} {s['mrr_learned']:>9} "
              f"{s['mrr_baseline']:>8} {s['hit1_learned']:>11} {s['hit1_baseline']:>10}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
