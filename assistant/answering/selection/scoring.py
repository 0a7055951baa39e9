"""Scoring candidate sentences: the features, the learned scorer and the old ranking."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

from assistant.answering.selection.candidates import Candidate, Query
from assistant.common.calendar_words import ANY_YEAR, MONTHS_DA, spelled_numbers
from assistant.retrieval.index import SearchIndex

AUTHORITY_ORDER = {"rules": 0, "official": 1, "municipal": 2, "opinion": 3}

# What a question asks for (closed-class question words, Danish and English).
ASK_KINDS: dict[str, re.Pattern[str]] = {k: re.compile(v, re.IGNORECASE) for k, v in {
    "why": r"\b(hvorfor|hvad er (grunden|baggrunden|begrundelsen|årsagen)|begrund\w*|årsag\w*|"
           r"why|reason\w*|how come)\b",
    "amount": r"\b(hvor (meget|mange penge)|hvad koster|beløb\w*|how much|kroner|kr\.?|mio\.?|"
              r"budget\w*|money|funds?)\b",
    "count": r"\b(hvor mange|antal\w*|how many|number of)\b",
    "percent": r"\b(procent|pct|percent|andel\w*|share)\b|%",
    "when": r"\b(hvornår|hvilken dato|hvilket år|when|what date|which year|dato\w*|frist\w*|"
            r"deadline\w*|periode\w*|period)\b",
    "duration": r"\b(hvor længe|hvor lang|varighed|how long|duration)\b",
    "who": r"\b(hvem|hvilke (parter|organisationer|aktører)|who|which (organisations|parties))\b",
    "how": r"\b(hvordan|på hvilken måde|how (do|does|is|are|can|should|will|did)|process\w*|"
           r"proces\w*)\b",
    "opinion": r"\b(mener|anbefal\w*|synes|holdning\w*|foreslå\w*|forslag\w*|think|recommend\w*|"
               r"view|opinion|suggest\w*|propos\w*|want\w*|ønske\w*|vil have)\b",
    "what": r"\b(hvad|hvilke|hvilken|hvilket|what|which)\b",
}.items()}
# What a sentence holds.
CUES: dict[str, re.Pattern[str]] = {k: re.compile(v, re.IGNORECASE) for k, v in {
    "reason": r"\b(fordi|derfor|for at|skyldes|baggrund\w*|årsag\w*|begrund\w*|med henblik|mhp|"
              r"idet|da (?!\w+ )\w+|så\s+(?:de|det|der|vi|man)|because|therefore)\b",
    "money": r"\d[\d.,]*\s*(kr\.?|kroner|mio\.?|mia\.?|millioner)",
    "percent": r"\d[\d.,]*\s*(pct\.?|procent|%)",
    "number": rf"\d|\b({'|'.join(spelled_numbers('da', 2, 10))}|halvanden|halvdelen)\b",
    "date": rf"\b({'|'.join(MONTHS_DA)}|forår\w*|efterår\w*|medio|ultimo|primo)\b"
            rf"|\b{ANY_YEAR}\b",
    "duration": r"\b\d[\d,½]*\s*(år|måneder|måned|uger|uge|dage|dag|timer)\b|"
                r"\b(varer|forløb\w*)\b",
    "actor": r"\b[A-ZÆØÅ]{2,}\b|\b(kommune\w*|forvaltning\w*|ministeri\w*|professionshøjskole\w*|"
             r"journalist|professor|deltog|parter(ne)?|organisation\w*)\b",
    "recommend": r"\b(skal|bør|anbefal\w*|foreslå\w*|opfordr\w*|kan gøre|brug for|kræver|"
                 r"nødvendig\w*|må (ikke|gerne))\b",
    "process": r"\b(ansøg\w*|udbetal\w*|regnskab\w*|fordel\w*|indsend\w*|tildel\w*|søge\w*|"
               r"afrapport\w*|indberet\w*|udmønt\w*|bevilling\w*)\b",
    "describe": r"\b(består af|omfatter|indeholder|handler om|forstået som|er en|er et|dækker)\b",
}.items()}
ROLES = ("statement", "item", "lead_in", "question", "furniture", "fragment")
AUTHORITIES = tuple(AUTHORITY_ORDER)


def _tokens(index: SearchIndex, text: str) -> set[str]:
    return set(index.bm25.tokens(text))


class Lexicon:
    """TF-IDF over the corpus's sentences, in stemmed words and in character n-grams: the
    lexical similarity of a question with each sentence (robust to Danish compounds and
    typos), fitted once per index."""

    def __init__(self, index: SearchIndex) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [index.documents[index.passages[index.rows[u.passage_id]].doc_id]
                 .text[u.start:u.end] for u in index.units]
        self.words = TfidfVectorizer(analyzer=index.bm25.tokens, sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                     min_df=1)
        self.word_matrix = self.words.fit_transform(texts)
        self.char_matrix = self.chars.fit_transform(texts)
        self.section_matrix = self.chars.transform(
            [f"{p.section} {p.context}" for p in index.passages])
        # Each sentence's stemmed words, once: the shared-word features read them for
        # every candidate of every question.
        self.tokens = [set(index.bm25.tokens(t)) for t in texts]

    def section_similarities(self, query: str, rows: Sequence[int]) -> np.ndarray:
        return np.asarray((self.section_matrix[list(rows)] @ self.chars.transform([query]).T)
                          .toarray().ravel())

    def similarities(self, query: str, positions: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        rows = list(positions)
        w = (self.word_matrix[rows] @ self.words.transform([query]).T).toarray().ravel()
        c = (self.char_matrix[rows] @ self.chars.transform([query]).T).toarray().ravel()
        return w, c


def _near(cos: np.ndarray, pos: int) -> float:
    return float(cos[pos]) if 0 <= pos < len(cos) else -1.0


def lexicon(index: SearchIndex) -> Lexicon:
    found = index.__dict__.get("_lexicon")
    if found is None:
        found = index.__dict__["_lexicon"] = Lexicon(index)
    return found


def featurize(index: SearchIndex, query: Query, cands: Sequence[Candidate]) -> np.ndarray:
    """One row of features per candidate (see the module docstring)."""
    if not cands:
        return np.zeros((0, n_features()))
    q_tokens = _tokens(index, query.text)
    kinds = [bool(p.search(query.text)) for p in ASK_KINDS.values()]
    best = max(c.cosine for c in cands)
    lex = lexicon(index)
    word_sim, char_sim = lex.similarities(query.text, [c.pos for c in cands])
    best_word, best_char = float(word_sim.max()), float(char_sim.max())
    cos = query.cosines
    passage_best: dict[int, float] = {}
    for c in cands:
        passage_best[c.row] = max(passage_best.get(c.row, -1.0), c.cosine)
    section_sim = lex.section_similarities(query.text, [c.row for c in cands])
    by_cos = sorted(range(len(cands)), key=lambda i: -cands[i].cosine)
    dense_rank = {i: r for r, i in enumerate(by_cos, 1)}
    default = {d for d, doc in index.documents.items()
               if doc.meta.authority in ("rules", "official")}
    rows = []
    for i, c in enumerate(cands):
        shared = len(q_tokens & lex.tokens[c.pos])
        cues = [bool(p.search(c.quote)) for p in CUES.values()]
        base = [
            c.cosine, c.cosine - best, 1.0 / dense_rank[i],
            float(c.passage_rank > 0), 1.0 / c.passage_rank if c.passage_rank else 0.0,
            shared / (len(q_tokens) or 1), min(shared, 5) / 5,
            float(c.doc in query.named), float(c.doc in query.intended),
            float(not query.preferred and c.doc in default),
            float(bool(query.preferred) and c.doc not in query.preferred),
            float(c.unit.id.endswith(":s1")), math.log1p(len(c.quote)) / 6,
            float(word_sim[i]), float(word_sim[i]) - best_word,
            float(char_sim[i]), float(char_sim[i]) - best_char,
            passage_best[c.row] - best, max(_near(cos, c.pos - 1), _near(cos, c.pos + 1)) - best,
            float(section_sim[i]),
        ]
        role = [float(c.role == r) for r in ROLES]
        authority = [float(c.authority == a) for a in AUTHORITIES]
        cross = [float(k and cue) for k in kinds for cue in cues]
        rows.append(base + role + authority + cues + cross)
    return np.asarray(rows, dtype=np.float32)


def n_features() -> int:
    return 20 + len(ROLES) + len(AUTHORITIES) + len(CUES) + len(ASK_KINDS) * len(CUES)


def baseline_scores(index: SearchIndex, query: Query, cands: Sequence[Candidate]
                    ) -> np.ndarray:
    """The ranking this module replaced: cosine, shared words, the preferred source."""
    q_tokens = _tokens(index, query.text)
    tokens = lexicon(index).tokens
    preferred = query.named or {d for d, doc in index.documents.items()
                                if doc.meta.authority in ("rules", "official")}
    return np.asarray([c.cosine + 0.01 * len(q_tokens & tokens[c.pos])
                       + (0.02 if c.doc in preferred else 0.0) for c in cands])


class Scorer:
    """The learned sentence scorer (the baseline when no pairs are there to learn from).

    Scores are in log-odds: a difference of 1 between two sentences means the first is
    e (2.7) times as likely to be the better answer. The baseline's scores are put on
    the same footing by its old cut-off (0.025 below the best sentence = 2 units)."""

    def __init__(self, model: LogisticRegression | None) -> None:
        self.model = model

    def scores(self, index: SearchIndex, query: Query, cands: Sequence[Candidate]
               ) -> np.ndarray:
        if not cands:
            return np.zeros(0)
        if self.model is None:
            return baseline_scores(index, query, cands) / 0.0125
        return np.asarray(featurize(index, query, cands) @ self.model.coef_[0])


def _jaccard(index: SearchIndex, a: str, b: str) -> float:
    ta, tb = _tokens(index, a), _tokens(index, b)
    return len(ta & tb) / (len(ta | tb) or 1)
