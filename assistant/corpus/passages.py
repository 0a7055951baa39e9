"""Chunking: split each cleaned document along its own structure into passages.

A passage is a run of whole blocks (paragraphs, bullets) under one heading. Its text
is exactly ``document.text[start:end]``; citations are built from these offsets.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from assistant.corpus.documents import Document
from assistant.corpus.sentences import sentence_spans

CHUNKER_VERSION = "blocks-v2+sentences-v1"
TARGET_CHARS = 650
MAX_CHARS = 1000


@dataclass(frozen=True)
class Passage:
    """A citable span of a document."""

    id: str
    doc_id: str
    section: str
    start: int
    end: int
    text: str
    # A lead-in sentence ("… anvendes til følgende:") that the passage's bullets continue;
    # used when embedding and searching, never quoted.
    context: str = ""

    def search_text(self) -> str:
        """Section heading, lead-in and text: what the indexes see."""
        return "\n".join(x for x in (self.section, self.context, self.text) if x)


@dataclass(frozen=True)
class _Block:
    kind: str  # "title", "heading", "bullet", "para"
    start: int
    end: int
    text: str


def _blocks(text: str) -> Iterator[_Block]:
    for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text):
        line = m.group(0)
        if line.startswith("# "):
            yield _Block("title", m.start(), m.end(), line[2:])
        elif line.startswith("## "):
            yield _Block("heading", m.start(), m.end(), line[3:])
        elif line.lstrip().startswith("- "):
            yield _Block("bullet", m.start(), m.end(), line)
        else:
            yield _Block("para", m.start(), m.end(), line)


def chunk_document(doc: Document) -> list[Passage]:
    """Split one document into passages; ids are ``<doc-id>-<nnn>`` in reading order."""
    groups: list[tuple[str, str, list[tuple[int, int]]]] = []
    section, parent, pending_heading, lead_in, context = "", "", False, "", ""
    cur: list[tuple[int, int]] = []

    def flush() -> None:
        nonlocal cur
        if cur:
            groups.append((section, context, cur))
        cur = []

    for block in _blocks(doc.text):
        if block.kind == "title":
            continue
        if block.kind == "heading":
            flush()
            # Two consecutive headings nest one level: "Formelle tilbud – Meritpædagog…";
            # a longer run of headings (a list of names) keeps only the last two.
            section = f"{parent} – {block.text}" if pending_heading and parent else block.text
            parent = block.text
            pending_heading, lead_in = True, ""
            continue
        pending_heading = False
        spans = [(block.start, block.end)]
        if block.end - block.start > MAX_CHARS:
            spans = _sentence_groups(doc.text, block.start, block.end)
        for span in spans:
            size = span[1] - (cur[0][0] if cur else span[0])
            ends_lead_in = bool(cur) and doc.text[cur[-1][1] - 1] == ":"
            if cur and size > TARGET_CHARS and not ends_lead_in:
                flush()
            if not cur:
                context = lead_in if block.kind == "bullet" else ""
            cur.append(span)
        if block.kind == "para":
            lead_in = block.text if block.text.endswith(":") else ""
    flush()
    return [
        Passage(
            id=f"{doc.id}-{i:03d}",
            doc_id=doc.id,
            section=sec,
            start=spans[0][0],
            end=spans[-1][1],
            text=doc.text[spans[0][0] : spans[-1][1]],
            context=ctx,
        )
        for i, (sec, ctx, spans) in enumerate(groups, start=1)
    ]


def _sentence_groups(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split an over-long paragraph into runs of whole sentences of at most MAX_CHARS."""
    out: list[tuple[int, int]] = []
    for a, b in sentence_spans(text, start, end):
        if out and b - out[-1][0] <= TARGET_CHARS:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


# What a sentence is, marked when the passage is cut: only statements and list items
# answer a question on their own; a lead-in ("Midlerne skal sikre, at:") comes with what it
# introduces; a question quoted in a document, page furniture (contact lines, dates and
# names on their own, links) and fragments are never quoted alone. All of them still help
# retrieval.
Role = Literal["statement", "item", "lead_in", "question", "furniture", "fragment"]
ANSWERING_ROLES: frozenset[str] = frozenset({"statement", "item"})

_QUESTION_MARKS = re.compile(
    r"\?[*”\"')\s]*$|^\*.*\*$|^Ad ?\d|følgende spørgsmål|following question", re.IGNORECASE)
_QUESTION_SECTIONS = re.compile(r"spørgsmål$|^questions?$", re.IGNORECASE)
_CONTACT = re.compile(
    r"\bTlf\.|\btelefon\b|\b\d{2} \d{2} \d{2} \d{2}\b|@|https?://|www\.|\b\w+\.(?:dk|com|org)\b|"
    r"\b\d{4} [A-ZÆØÅ][a-zæøå]+(?: [A-ZÆØÅ]\.?)?$| · ", re.IGNORECASE)
_DATE_ONLY = re.compile(r"^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
_ACTION = re.compile(r"^[A-ZÆØÅ][a-zæøå]{2,}e,? [a-zæøå]")
_TERMINAL = (".", "!", "?", "”", '"', ")", ":", ";")


def sentence_role(sentence: str, bullet: bool = False, section: str = "") -> Role:
    """What a sentence is, from its own text and where it stands.

    >>> sentence_role("Midlerne skal sikre, at:")
    'lead_in'
    >>> sentence_role("Tlf. 46 97 26 26 foa.dk")
    'furniture'
    >>> sentence_role("Hvem hjælper børn på toilettet?")
    'question'
    >>> sentence_role("Relevante arbejdsmarkedsuddannelser", bullet=True)
    'item'
    >>> sentence_role("Puljen kan søges sidste gang i 2025.")
    'statement'
    """
    text = sentence.strip()
    if _QUESTION_MARKS.search(text) or _QUESTION_SECTIONS.search(section.strip()):
        return "question"
    if _CONTACT.search(text) or _DATE_ONLY.match(text):
        return "furniture"
    if text.endswith(":"):
        return "lead_in"
    words = text.split()
    if text.endswith("-") or (len(words) <= 2 and not bullet):
        return "fragment"  # "Nej.", a word broken off by the page ("det pæda-")
    if bullet:
        return "item"
    if not text.endswith(_TERMINAL) and not text.endswith("*"):
        # A list item that lost its bullet glyph starts with a verb ("Sikre, at …",
        # "Finde medarbejdere …"); a long line lost its full stop; anything else without
        # an ending is a name, a caption or a back-cover line.
        if _ACTION.match(text):
            return "item"
        return "statement" if len(words) >= 12 else "furniture"
    return "statement"


@dataclass(frozen=True)
class SentenceUnit:
    """One sentence of a passage, the unit the dense index embeds."""

    id: str
    passage_id: str
    start: int  # offsets into the document, like the passage's
    end: int
    embed_text: str
    role: Role = "statement"


def sentence_units(passage: Passage) -> list[SentenceUnit]:
    """The passage's sentences with their heading (and lead-in, for short ones) as context.

    Dense matching per sentence is sharper than per passage: a passage that mixes two
    topics still matches a question about either.
    """
    units = []
    for n, (a, b) in enumerate(sentence_spans(passage.text), start=1):
        sentence = passage.text[a:b].lstrip("- ").strip()
        line_start = passage.text.rfind("\n", 0, a) + 1
        bullet = passage.text[line_start:a].lstrip().startswith("-") or \
            passage.text[a:b].startswith("- ")
        context = [passage.section]
        if len(sentence) < 60 and passage.context:
            context.append(passage.context)
        units.append(SentenceUnit(
            id=f"{passage.id}:s{n}", passage_id=passage.id,
            start=passage.start + a, end=passage.start + b,
            embed_text=": ".join([x for x in context if x] + [sentence]),
            role=sentence_role(sentence, bullet, passage.section),
        ))
    return units


def chunk_corpus(docs: Iterable[Document]) -> list[Passage]:
    """All passages of all documents, in manifest and reading order."""
    return [p for doc in docs for p in chunk_document(doc)]


def corpus_fingerprint(passages: Iterable[Passage]) -> str:
    """A hash of every passage and the chunker version: changes when either changes."""
    h = hashlib.sha256(CHUNKER_VERSION.encode())
    for p in passages:
        for part in (p.id, p.section, p.context, p.text):
            h.update(part.encode())
            h.update(b"\0")
    return h.hexdigest()
