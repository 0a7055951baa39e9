"""Follow-up questions resolved against the conversation, deterministically.

"og diplomuddannelser?" after "Kan vi finansiere en masteruddannelse?" becomes "Kan vi
finansiere diplomuddannelser?": the previous question with the new thing in place of the
old one of the same kind (programme, cost, amount, year, date, role). The article or
possessive belongs to the noun it stands before, so it goes with the old thing and comes
with the new one ("hvad med et AMU-kursus?": "Kan vi finansiere et AMU-kursus?").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from assistant.common.calendar_words import YEAR_ALONE, find_dates
from assistant.rules.book import RuleBook
from assistant.rules.money import find_amount_spans

_FOLLOW_UP = re.compile(
    r"^\s*(og|samt|også|hvad med|hvad så med|hvad hvis|men|så|and|also|what about|how about|"
    r"what if|and if|same for|og hvis|gælder det også|hun|han|de|det|den|dem|she|he|they|it)\b",
    re.IGNORECASE)
_PLACE = re.compile(r"\b(?:Københavns?|Copenhagen|[A-ZÆØÅ][a-zæøå]{2,}(?=\s*\??$))")
_QUALIFIER = re.compile(r"\s+(?:i|om|inden for|med|in|on|about|within|with)\s+[^?.,;]+",
                        re.IGNORECASE)
# The article or possessive right before a noun (it agrees with that noun, not another).
_DETERMINER = re.compile(r"\b(?:en|et|den|det|de|vores|jeres|deres|din|dit|dine|min|mit|mine|"
                         r"a|an|the|our|their|your|my)\s+", re.IGNORECASE)
_NOUN_KINDS = frozenset({"programme", "cost", "role"})
# The rest of the word a name is part of ("AMU-kursus"), and an English head noun after it
# ("master's degree", "diploma programmes").
_WORD_REST = re.compile(r"[\w'-]*(?:\s+(?:degrees?|programmes?|programs?|courses?|education|"
                        r"training|modules?)\b)?", re.IGNORECASE)


def _spans(book: RuleBook, text: str) -> dict[str, list[tuple[int, int]]]:
    """Where each kind of entity occurs in the text."""
    out: dict[str, list[tuple[int, int]]] = {}
    for kind, entries in (("programme", book.programmes), ("cost", book.costs)):
        for entry in entries.values():
            for pattern in entry.names:
                out.setdefault(kind, []).extend(m.span() for m in pattern.finditer(text))
    for pats in book.roles.values():
        for pattern in pats:
            out.setdefault("role", []).extend(m.span() for m in pattern.finditer(text))
    out["amount"] = [(a, b) for _, a, b in find_amount_spans(text)]
    # Place names (not the first word): "og Aarhus?" after a question about København.
    out["place"] = [m.span() for m in _PLACE.finditer(text) if m.start() > 0
                    and text[max(0, m.start() - 2):m.start()].strip() not in (".", "?", "!")]
    out["year"] = [m.span(1) for m in YEAR_ALONE.finditer(text)]
    out["date"] = [m for m in _date_spans(text)]
    return {k: sorted(set(v)) for k, v in out.items() if v}


def _date_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for d in find_dates(text):
        for token in (str(d.year),):
            idx = text.find(token)
            if idx >= 0:
                spans.append((max(0, idx - 15), idx + 4))
    return spans


def is_follow_up(question: str, book: RuleBook) -> bool:
    """Short, elliptic questions that only make sense with the previous turn."""
    if _FOLLOW_UP.search(question):
        return True
    words = re.findall(r"\w+", question)
    asks = re.match(r"^\s*(for )?(hvilke|hvilken|hvornår|hvor|hvem|hvorfor|which|when|where|"
                    r"who|why|how)\b", question, re.IGNORECASE)
    return len(words) <= 4 and (bool(_spans(book, question)) or bool(asks))


def is_elliptic(question: str) -> bool:
    """A short follow-up that asks the previous question again about something else
    ("hvad med en diplom i ledelse så?", "og diplomuddannelser?"): it has the form of the
    question before it, whatever its own first word.

    >>> is_elliptic("hvad med en diplom i ledelse så?"), is_elliptic("Hvad koster PAU?")
    (True, False)
    """
    return bool(_FOLLOW_UP.search(question)) and len(re.findall(r"\w+", question)) <= 8


def _is_statement(text: str) -> bool:
    return not text.rstrip().endswith("?")


def with_statements(question: str, history: Sequence[Mapping[str, str]],
                    book: RuleBook) -> str:
    """The question with the facts the user stated before it ("Vi får 2 mio. kr." /
    "Vi vil bruge 150.000 kr. på intern undervisning." / "Kan vi også bruge 80.000 på et
    privat kursus?"): earlier user turns that are statements, not questions, and name
    something the rules read (an amount, a programme, a cost, a role, a date).
    """
    stated = [m["content"].strip() for m in history
              if m.get("role") == "user" and _is_statement(m.get("content", ""))
              and _spans(book, m.get("content", "")) and m["content"].strip() not in question]
    if not stated:
        return question
    joined = " ".join(s if s.endswith((".", "!")) else f"{s}." for s in stated)
    return f"{joined} {question}"


def resolve(question: str, history: Sequence[Mapping[str, str]], book: RuleBook,
            complete: Callable[[str], bool] = lambda q: False) -> str:
    """The question as it would read on its own; unchanged when it is not a follow-up, or
    when it already is a complete question for the rules (``complete``: "what about the
    2025 grant?")."""
    previous = next((m["content"] for m in reversed(history) if m.get("role") == "user"), "")
    if not previous or not is_follow_up(question, book) or complete(question):
        return with_statements(question, history, book)
    rest = _FOLLOW_UP.sub("", question).strip()
    new = _spans(book, question)
    old = _spans(book, previous)
    if len(re.findall(r"\w+", rest)) <= 5:
        # "og diplomuddannelser?", "hvad så med 100.000?": the new thing in place of the
        # old thing of the same kind.
        for kind in ("programme", "cost", "amount", "year", "date", "role", "place"):
            if kind in new and kind in old:
                a, b = _first_span(previous, old[kind], kind)
                n_start, n_end = _first_span(question, new[kind], kind)
                # "hvad med en diplom i ledelse?": the qualifier travels with the thing.
                qualifier = _QUALIFIER.match(question, n_end)
                if qualifier:
                    n_end = qualifier.end()
                if kind in _NOUN_KINDS:
                    a, n_start = _with_determiner(previous, a), _noun_phrase(question,
                                                                             n_start)
                return previous[:a] + question[n_start:n_end] + previous[b:]
    # Otherwise the follow-up adds a fact or a condition to the previous question.
    return f"{previous.rstrip(' ?')} – {rest}"


def _first_span(text: str, spans: list[tuple[int, int]], kind: str) -> tuple[int, int]:
    """The first thing of a kind in the text; a name as the whole word it is part of
    ("AMU" in "AMU-kursus") and the longest name found there ("diploma programmes", not
    "diploma"), so that nothing of the old word is left and nothing of the new one lost."""
    start = spans[0][0]
    end = max(b for a, b in spans if a == start)
    if kind in _NOUN_KINDS:
        end += len(_WORD_REST.match(text, end).group(0))  # type: ignore[union-attr]
    return start, end


def _noun_phrase(question: str, start: int) -> int:
    """Where the new thing's noun phrase begins in a follow-up: all that follows the opener
    when the name ends it ("og et kursus på en professionshøjskole?"), else the name with
    its article."""
    opener = _FOLLOW_UP.match(question)
    if opener:
        rest = opener.end() + len(question[opener.end():]) - len(
            question[opener.end():].lstrip())
        gap = question[rest:start]
        if rest < start and len(gap.split()) <= 4 and _DETERMINER.match(gap):
            return rest
    return _with_determiner(question, start)


def _with_determiner(text: str, start: int) -> int:
    """Where the noun phrase of a noun at ``start`` begins: at its article or possessive,
    if it has one ("en masteruddannelse", "vores dagplejere").

    >>> _with_determiner("Kan vi finansiere en masteruddannelse?", 21)
    18
    >>> _with_determiner("og diplomuddannelser?", 3)
    3
    """
    before = text[:start]
    m = next((m for m in _DETERMINER.finditer(before) if m.end() == len(before)), None)
    return m.start() if m else start
