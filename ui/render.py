"""Showing an answer: verdict badge, text with clickable citation numbers, source cards."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote

from ui.texts import AUTHORITY, VERDICT_BADGE, VERDICT_COLOUR

SOURCES_PAGE = "kilder"  # url path of the sources page


def badge(verdict: str, lang: str) -> str:
    """A Streamlit badge in markdown: ``:red-badge[Nej]``."""
    label = VERDICT_BADGE.get(verdict, VERDICT_BADGE["info"]).get(lang, "")
    return f":{VERDICT_COLOUR.get(verdict, 'gray')}-badge[{label}]"


def anchor(answer_id: str, n: int) -> str:
    return f"kilde-{answer_id[:8]}-{n}"


def linked_text(text: str, answer_id: str, known: set[int]) -> str:
    """The answer's text with every ``[n]`` a link to its source card below.

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


def highlighted(passage: str, quote_text: str) -> str:
    """The passage as HTML with the quote marked (escaped, so nothing in it runs).

    >>> highlighted("A <b> B. C.", "B.")
    'A &lt;b&gt; <mark>B.</mark> C.'
    """
    start = passage.find(quote_text) if quote_text else -1
    if start < 0:
        return html.escape(passage)
    end = start + len(quote_text)
    return (html.escape(passage[:start]) + "<mark>" + html.escape(passage[start:end])
            + "</mark>" + html.escape(passage[end:]))


def source_card(cite: dict[str, Any], answer_id: str, lang: str, open_label: str) -> str:
    """One citation as an HTML card: number, document, authority, quote in its passage."""
    doc = cite["document"]
    label = AUTHORITY.get(doc["authority"], {}).get(lang, doc["authority"])
    href = (f"{SOURCES_PAGE}?passage={quote(cite['passage_id'])}"
            f"&quote={quote(cite['quote'])}")
    return (
        f'<div id="{html.escape(anchor(answer_id, cite["n"]))}" class="pulje-source" '
        'style="border:1px solid #ddd;border-radius:8px;padding:0.6em 0.8em;margin:0.4em 0;">'
        f'<div><b>[{cite["n"]}]</b> {html.escape(doc["title"])} '
        f'<span style="color:#555">– {html.escape(doc["publisher"])}</span> '
        f'<span style="background:#eef;border-radius:4px;padding:0 0.4em;font-size:0.85em">'
        f'{html.escape(label)}</span></div>'
        f'<blockquote style="margin:0.4em 0;font-size:0.92em">'
        f'{highlighted(cite["text"], cite["quote"])}</blockquote>'
        f'<a href="{href}" target="_blank">{html.escape(open_label)} '
        f'({html.escape(cite["passage_id"])})</a></div>'
    )
