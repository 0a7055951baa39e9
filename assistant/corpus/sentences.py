"""Small text utilities shared by the chunker, the retriever and the answer composer."""

from __future__ import annotations

import re

# Abbreviations after which a full stop does not end a Danish sentence. "kr." is not one:
# before a capital letter it ends the sentence ("… 15 mio. kr. Midlerne …").
_ABBREVIATIONS = frozenset(
    "fx f.eks eks hhv mio mia pct dvs ca bl.a m.v mv fsva stk nr jf evt inkl ekskl "
    "mht mhp pga ift vedr osv etc ph.d dr prof tlf t.kr mfl m.fl".split()
)
_SENTENCE_END = re.compile(r"[.!?](?:[”\"')*]*)(?=\s+[\"“”(*]?[A-ZÆØÅ0-9])")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Character spans of the sentences in ``text[start:end]``, list markers left out.

    >>> t = "Der er afsat ca. 15 mio. kr. Midlerne kan bruges fx til AMU. Ja!"
    >>> [t[a:b] for a, b in sentence_spans(t)]
    ['Der er afsat ca. 15 mio. kr.', 'Midlerne kan bruges fx til AMU.', 'Ja!']
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    # Blocks (paragraphs, bullets) always end a sentence.
    for block in re.finditer(r"[^\n]+", text[start:end]):
        b_start = start + block.start()
        b_text = block.group(0)
        marker = re.match(r"^(?:#+|\s*-)\s+", b_text)
        pos = b_start + (marker.end() if marker else 0)
        b_end = start + block.end()
        for m in _SENTENCE_END.finditer(text, pos, b_end):
            word = re.search(r"(\S+)$", text[pos : m.start()])
            token = (word.group(1) if word else "").lower().rstrip(".").lstrip("(")
            if token in _ABBREVIATIONS or (text[m.start()] == "." and token.isdigit()):
                continue
            spans.append(_trim(text, pos, m.end()))
            pos = m.end()
        if text[pos:b_end].strip():
            spans.append(_trim(text, pos, b_end))
    return [s for s in spans if s[1] > s[0]]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b

