"""Retrieval benchmark: recall@1, recall@5 and MRR per backend, side by side.

Run: ``python -m evals.retrieval`` (add ``--json PATH`` to save the figures).
A question's relevant passages are those that overlap one of its evidence quotes, so
the gold set does not depend on how the chunker cuts the documents.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import yaml

from assistant.common.config import Settings
from assistant.corpus.documents import Document, load_corpus
from assistant.corpus.passages import Passage, chunk_corpus
from assistant.retrieval.hybrid import HybridRetriever
from assistant.retrieval.index import SearchIndex, load_index
from evals.gold_set import load_gold

QUESTIONS = Path(__file__).parent / "retrieval_questions.yaml"


@dataclass(frozen=True)
class Question:
    id: str
    lang: str
    question: str
    evidence: tuple[tuple[str, str], ...]


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Question(q["id"], q["lang"], q["question"],
                 tuple((e["doc"], e["quote"]) for e in q["evidence"]))
        for q in raw
    ]


def load_gold_questions() -> list[Question]:
    """Questions of the answer gold set that carry evidence: a second, held-out check,
    written independently of the retrieval set and of the glossary."""
    return [
        Question(c["id"], c["lang"], c["question"],
                 tuple((e["doc"], e["quote"]) for e in c["evidence"]))
        for c in load_gold()
        if c.get("question") and c.get("evidence") and c["kind"] != "injection"
    ]


class Passages(Protocol):
    """The corpus's documents and passages by id: what an index holds besides its vectors."""

    @property
    def documents(self) -> dict[str, Document]: ...
    @property
    def passages(self) -> list[Passage]: ...
    @property
    def rows(self) -> dict[str, int]: ...  # passage id -> position in ``passages``


@dataclass(frozen=True)
class CorpusPassages:
    """The passages of a corpus folder, chunked as the index chunks them, without a model."""

    documents: dict[str, Document]
    passages: list[Passage]
    rows: dict[str, int]

    @classmethod
    def load(cls, corpus_dir: Path) -> CorpusPassages:
        docs = load_corpus(corpus_dir)
        passages = chunk_corpus(docs)
        return cls({d.id: d for d in docs}, passages,
                   {p.id: i for i, p in enumerate(passages)})


def relevant_passages(index: Passages, evidence: tuple[tuple[str, str], ...]) -> set[str]:
    """Ids of the passages that overlap any evidence quote (which must occur verbatim)."""
    ids: set[str] = set()
    for doc_id, quote in evidence:
        text = index.documents[doc_id].text
        start = text.find(quote)
        if start < 0:
            raise ValueError(f"Citatet findes ikke i {doc_id}: {quote!r}")
        end = start + len(quote)
        ids |= {p.id for p in index.passages
                if p.doc_id == doc_id and p.start < end and start < p.end}
    return ids


def score(ranked: list[str], relevant: set[str]) -> tuple[float, float, float]:
    """(hit@1, hit@5, reciprocal rank) for one question."""
    rank = next((i for i, pid in enumerate(ranked, 1) if pid in relevant), None)
    return (float(rank == 1), float(rank is not None and rank <= 5), 1.0 / rank if rank else 0.0)


def evaluate(retriever: HybridRetriever, questions: list[Question],
             lang: str | None = None) -> dict[str, float]:
    rows, latencies = [], []
    for q in questions:
        if lang and q.lang != lang:
            continue
        retriever.index.clear_cache()  # time the real embedding, not a cached one
        started = time.perf_counter()
        ranked = [p.id for p, _ in retriever.search(q.question)]
        latencies.append((time.perf_counter() - started) * 1000)
        rows.append(score(ranked, relevant_passages(retriever.index, q.evidence)))
    n = len(rows)
    return {
        "n": n,
        "recall_at_1": sum(r[0] for r in rows) / n,
        "recall_at_5": sum(r[1] for r in rows) / n,
        "mrr": sum(r[2] for r in rows) / n,
        "latency_p50_ms": statistics.median(latencies),
        "latency_p95_ms": statistics.quantiles(latencies, n=20)[18] if n > 1 else latencies[0],
    }


def _timed(build: Callable[[], SearchIndex]) -> tuple[SearchIndex, float]:
    started = time.perf_counter()
    index = build()
    return index, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", type=Path, help="gem tallene som JSON")
    args = parser.parse_args(argv)
    questions = load_questions()
    base = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        # A fresh data directory, so that the build times are real builds.
        e5_index, e5_build = _timed(lambda: load_index(base.model_copy(
            update={"data_dir": Path(tmp)})))
        st_index, st_build = _timed(lambda: load_index(base.model_copy(
            update={"data_dir": Path(tmp), "embedding_backend": "sentence-transformers"})))
        _, e5_reload = _timed(lambda: load_index(base.model_copy(update={"data_dir": Path(tmp)})))
        configs = {
            "bm25": HybridRetriever(index=e5_index, mode="bm25", k=10),
            "e5": HybridRetriever(index=e5_index, mode="dense", k=10),
            "minilm": HybridRetriever(index=st_index, mode="dense", k=10),
            "hybrid": HybridRetriever(index=e5_index, mode="hybrid", k=10),
        }
        gold = load_gold_questions()
        results = {}
        for name, retriever in configs.items():
            retriever.search("opvarmning")  # warm the model before timing
            results[name] = {
                "all": evaluate(retriever, questions),
                "da": evaluate(retriever, questions, "da"),
                "en": evaluate(retriever, questions, "en"),
            }
            if gold:
                results[name]["gold"] = evaluate(retriever, gold)
    n_da = sum(q.lang == "da" for q in questions)
    print(f"{len(questions)} spørgsmål ({n_da} da, {len(questions) - n_da} en), "
          f"{len(e5_index.passages)} passager\n")
    header = f"{'backend':<18} {'R@1':>6} {'R@5':>6} {'MRR':>6} {'MRR da':>7} {'MRR en':>7} " \
             f"{'p50 ms':>7} {'p95 ms':>7}"
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        a = r["all"]
        print(f"{name:<18} {a['recall_at_1']:>6.3f} {a['recall_at_5']:>6.3f} {a['mrr']:>6.3f} "
              f"{r['da']['mrr']:>7.3f} {r['en']['mrr']:>7.3f} "
              f"{a['latency_p50_ms']:>7.1f} {a['latency_p95_ms']:>7.1f}")
    if "gold" in results["hybrid"]:
        n_gold = results["hybrid"]["gold"]["n"]
        print(f"\nKontrol på guldsættets {n_gold} spørgsmål med belæg (skrevet uafhængigt):")
        for name, r in results.items():
            g = r["gold"]
            print(f"{name:<18} {g['recall_at_1']:>6.3f} {g['recall_at_5']:>6.3f} {g['mrr']:>6.3f}")
    print(f"\nIndeksbygning: e5 {e5_build:.1f} s, MiniLM {st_build:.1f} s; "
          f"genindlæsning af uændret e5-indeks {e5_reload:.2f} s")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "build_seconds": {
            "e5": e5_build, "minilm": st_build, "e5_reload": e5_reload}}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
