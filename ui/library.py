"""The sources as a library: a document's passages in reading order, and text search.

The API has no "passages of a document" list, so a document is read by walking
``GET /v1/passages/{id}``'s previous/next from its first passage (ids are
``<document>-NNN``, the first ``-001``; ``-000`` is tried too, and the walk goes back to
the start from whichever is found). The sources page caches the result.
"""

from __future__ import annotations

import re
from typing import Any

from ui.client import ApiClient, ApiError

MAX_PASSAGES = 5000  # a guard against a cycle in previous/next


def document_passages(client: ApiClient, doc_id: str) -> list[dict[str, Any]]:
    """The document's passages in reading order (id, heading, text, previous, next)."""
    first = None
    for guess in (f"{doc_id}-001", f"{doc_id}-000", f"{doc_id}-1", f"{doc_id}-0"):
        try:
            first = client.passage(guess)
            break
        except ApiError as exc:
            if exc.status != 404:
                raise
    if first is None:
        return []
    for _ in range(MAX_PASSAGES):
        if not first["previous"]:
            break
        first = client.passage(first["previous"])
    out = [first]
    while out[-1]["next"] and len(out) < MAX_PASSAGES:
        out.append(client.passage(out[-1]["next"]))
    return out


def sections(passages: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Consecutive passages under the same heading, in reading order.

    >>> ps = [{"id": i, "heading": h} for i, h in [("a", "X"), ("b", "X"), ("c", "Y")]]
    >>> [(h, [p["id"] for p in g]) for h, g in sections(ps)]
    [('X', ['a', 'b']), ('Y', ['c'])]
    """
    out: list[tuple[str, list[dict[str, Any]]]] = []
    for p in passages:
        if out and out[-1][0] == p["heading"]:
            out[-1][1].append(p)
        else:
            out.append((p["heading"], [p]))
    return out


def words(query: str) -> list[str]:
    """The query's words (quoted phrases kept whole).

    >>> words('regnskab "1. august"  vikar')
    ['1. august', 'regnskab', 'vikar']
    """
    phrases = re.findall(r'"([^"]+)"', query)
    rest = re.sub(r'"[^"]*"', " ", query)
    return [w for w in phrases + rest.split() if w.strip()]


def search(passages: list[dict[str, Any]], query: str) -> list[dict[str, Any]]:
    """Passages holding every word of the query (case-insensitive), most hits first, then
    in reading order.

    >>> ps = [{"id": "a", "heading": "", "text": "Vikarer og vikar"},
    ...       {"id": "b", "heading": "Vikar", "text": "Revision"},
    ...       {"id": "c", "heading": "", "text": "Vikarer, vikarer, vikarer"}]
    >>> [p["id"] for p in search(ps, "VIKAR")]
    ['c', 'a', 'b']
    >>> [p["id"] for p in search(ps, "vikar revision")]
    ['b']
    """
    terms = [w.casefold() for w in words(query)]
    if not terms:
        return []
    scored = []
    for order, p in enumerate(passages):
        hay = f"{p['heading']}\n{p['text']}".casefold()
        counts = [hay.count(term) for term in terms]
        if all(counts):
            scored.append((-sum(counts), order, p))
    return [p for _, _, p in sorted(scored, key=lambda s: s[:2])]


def snippet(text: str, terms: list[str], width: int = 220) -> str:
    """A piece of the text around the first hit, with an ellipsis where it is cut.

    >>> snippet("a " * 200 + "vikar og mere end det", ["vikar"], 30)
    '… a a a a a a a vikar og mere …'
    """
    low = text.casefold()
    hits = [i for i in (low.find(term.casefold()) for term in terms) if i >= 0]
    at = min(hits) if hits else 0
    start = max(0, at - width // 2)
    end = min(len(text), start + width)
    if end < len(text) and text.rfind(" ", start, end) > at:
        end = text.rfind(" ", start, end)  # not in the middle of a word
    return (("… " if start else "") + text[start:end].strip()
            + (" …" if end < len(text) else ""))
