"""Choosing the sentences that answer an ask when no rule decides it.

candidates → score → extracts → groups:

1. **Candidates**: every sentence of the passages the hybrid search ranks highest, of the
   passages holding the nearest sentences, and of the nearest sentences inside the
   sources the question names (or its intent points to).
2. **Score**: a logistic regression over (question, sentence) features: the dense cosine
   and its margin to the best, shared stemmed words, the passage's rank, whether the
   sentence comes from the source asked about, what the sentence is (statement, list
   item, lead-in, quoted question, page furniture) and what the question asks for crossed
   with what the sentence holds (a *why* wants a reason, *how much* an amount, *when* a
   date, *what does FOA think* a recommendation …). It is learned from labelled
   (question, answering sentences) pairs written from the documents
   (``understanding/pairs/*.yaml``) and measured held out by writer against the ranking it
   replaced (``python -m evals.selection``).
3. **Extracts**: the best sentences, each with the neighbours that continue it (a lead-in
   and its items; "Nej." and its reason; a sentence and the "Heraf …" after it), never a
   quoted question or furniture alone, near-duplicates dropped (the fact sheet is kept
   over the press release, which is then said to agree).
4. **Groups**: by source, one truthful label each, the rules first, reading order inside.
"""

from assistant.answering.selection.candidates import Candidate, Query, gather, query_for
from assistant.answering.selection.extracts import Extract, Selection, expand, grouped, select
from assistant.answering.selection.scoring import (
    Lexicon,
    Scorer,
    baseline_scores,
    featurize,
    lexicon,
)
from assistant.answering.selection.training import (
    Pair,
    fit,
    labels_for,
    load_or_train_scorer,
    load_pairs,
    reciprocal_rank,
    training_rows,
)

__all__ = [
    "Candidate", "Extract", "Lexicon", "Pair", "Query", "Scorer", "Selection",
    "baseline_scores", "expand", "featurize", "fit", "gather", "grouped", "labels_for",
    "lexicon", "load_or_train_scorer", "load_pairs", "query_for", "reciprocal_rank",
    "select", "training_rows",
]
