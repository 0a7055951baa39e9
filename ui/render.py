"""Showing an answer: verdict badge, text with clickable citation numbers, source cards.

Everything built here as HTML is escaped and meant for ``st.html``, which puts it in the
page as HTML without reading it as Markdown first. Markdown with raw HTML allowed would
not: a blank line ends CommonMark's HTML block, so a passage line such as
"- 1. august 2023 – 31. juli 2025" after one became a list and lost its "1.".
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlencode

from ui.texts import AUTHORITY, VERDICT_BADGE, VERDICT_COLOUR

SOURCES_PAGE = "kilder"  # url path of the sources page
_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!:|<>~$&])")


def badge(verdict: str, lang: str) -> str:
    """A Streamlit badge in markdown: ``:red-badge[Nej]``."""
    label = VERDICT_BADGE.get(verdict, VERDICT_BADGE["info"]).get(lang, "")
    return f":{VERDICT_COLOUR.get(verdict, 'gray')}-badge[{label}]"


def plain(text: str) -> str:
    """Text that Markdown shows as it is (for widget labels, which Streamlit reads as
    Markdown): every ASCII punctuation mark that could start syntax is backslash-escaped.

    >>> plain("1. august 2023 – *ikke* [1]")
    '1\\\\. august 2023 – \\\\*ikke\\\\* \\\\[1\\\\]'
    """
    return _PUNCT.sub(r"\\\1", text)


def anchor(answer_id: str, n: int) -> str:
    return f"kilde-{answer_id[:8]}-{n}"


def linked_text(text: str, answer_id: str, known: set[int]) -> str:
    """The answer's text with every ``[n]`` a link to the source card holding n.

    >>> linked_text("Nej. [1][3]", "abcdef123", {1})
    'Nej. [\\\\[1\\\\]](#kilde-abcdef12-1)\\\\[3\\\\]'
    """
    def link(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n not in known:
            return rf"\[{n}\]"
        return rf"[\[{n}\]](#{anchor(answer_id, n)})"

    escaped = text.replace("$", r"\$")
    return re.sub(r"\[(\d+)\]", link, escaped)


def _spans(text: str, needles: list[str], every: bool) -> list[tuple[int, int]]:
    """Where the needles occur (case-insensitive), overlapping spans merged."""
    found: list[tuple[int, int]] = []
    for needle in needles:
        if not needle.strip():
            continue
        for m in re.finditer(re.escape(needle.strip()), text, re.IGNORECASE):
            found.append(m.span())
            if not every:
                break
    merged: list[tuple[int, int]] = []
    for s, e in sorted(found):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def highlighted(passage: str, quotes: str | list[str], every: bool = False) -> str:
    """The passage as HTML with each quote marked (escaped, so nothing in it runs).

    >>> highlighted("A <b> B. C.", "B.")
    'A &lt;b&gt; <mark>B.</mark> C.'
    >>> highlighted("A. B. C.", ["C.", "A."])
    '<mark>A.</mark> B. <mark>C.</mark>'
    >>> highlighted("Revision og revisor", ["revision"], every=True)
    '<mark>Revision</mark> og revisor'
    """
    needles = [quotes] if isinstance(quotes, str) else quotes
    out, at = [], 0
    for s, e in _spans(passage, needles, every):
        out += [html.escape(passage[at:s]), "<mark>", html.escape(passage[s:e]), "</mark>"]
        at = e
    out.append(html.escape(passage[at:]))
    return "".join(out)


def group_citations(citations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One card per passage, in the order of its first number, with all its numbers and
    quotes.

    >>> doc = {"title": "T", "publisher": "P", "authority": "rules"}
    >>> cs = [{"n": n, "passage_id": p, "quote": q, "text": "a b c", "document": doc}
    ...       for n, p, q in [(1, "x", "a"), (2, "y", "b"), (3, "x", "c")]]
    >>> [(g["passage_id"], g["ns"], g["quotes"]) for g in group_citations(cs)]
    [('x', [1, 3], ['a', 'c']), ('y', [2], ['b'])]
    """
    cards: dict[str, dict[str, Any]] = {}
    for c in sorted(citations, key=lambda c: c["n"]):
        card = cards.setdefault(c["passage_id"], {
            "passage_id": c["passage_id"], "document": c["document"], "text": c["text"],
            "ns": [], "quotes": []})
        card["ns"].append(c["n"])
        if c["quote"] not in card["quotes"]:
            card["quotes"].append(c["quote"])
    return list(cards.values())


def source_link(passage_id: str, quotes: list[str]) -> str:
    """The sources page showing the passage with the quotes marked.

    >>> source_link("faktaark-008", ["a b", "c&d"])
    'kilder?passage=faktaark-008&quote=a+b&quote=c%26d'
    """
    return f"{SOURCES_PAGE}?" + urlencode([("passage", passage_id)]
                                          + [("quote", q) for q in quotes])


def source_card(card: dict[str, Any], answer_id: str, lang: str, open_label: str) -> str:
    """One passage as an HTML card: its numbers, document, authority, the passage with
    every quote from it marked, and an anchor for each number."""
    doc = card["document"]
    label = AUTHORITY.get(doc["authority"], {}).get(lang, doc["authority"])
    ids = [html.escape(anchor(answer_id, n)) for n in card["ns"]]
    numbers = " ".join(f"[{n}]" for n in card["ns"])
    href = html.escape(source_link(card["passage_id"], card["quotes"]))
    return (
        f'<div id="{ids[0]}" class="pulje-source" data-ns="{html.escape(numbers)}" '
        'style="border:1px solid #ddd;border-radius:8px;padding:0.6em 0.8em;margin:0.4em 0;">'
        + "".join(f'<span id="{i}" class="pulje-anchor"></span>' for i in ids[1:])
        + f'<div><b class="pulje-numbers">{html.escape(numbers)}</b> '
        f'{html.escape(doc["title"])} '
        f'<span style="color:#555">– {html.escape(doc["publisher"])}</span> '
        f'<span style="background:#eef;border-radius:4px;padding:0 0.4em;font-size:0.85em">'
        f'{html.escape(label)}</span></div>'
        f'<blockquote style="margin:0.4em 0;font-size:0.92em;white-space:pre-wrap">'
        f'{highlighted(card["text"], card["quotes"])}</blockquote>'
        f'<a href="{href}" target="_blank">{html.escape(open_label)} '
        f'({html.escape(card["passage_id"])})</a></div>'
    )


def source_cards(citations: list[dict[str, Any]], answer_id: str, lang: str,
                 open_label: str) -> str:
    """All citations as cards, one per passage."""
    return "".join(source_card(card, answer_id, lang, open_label)
                   for card in group_citations(citations))
