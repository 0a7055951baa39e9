"""The source documents: manifest, cleaning of PDF-extracted text, loading.

A cleaned document is plain text in blocks separated by one blank line. The first
block is ``# <title>``; a heading block is ``## <heading>``; a bullet block starts
with ``- `` (``  - `` for a sub-bullet); every other block is one paragraph.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from assistant.common.errors import CorpusError

Authority = Literal["rules", "official", "municipal", "opinion"]
AUTHORITIES: tuple[str, ...] = ("rules", "official", "municipal", "opinion")
MANIFEST = "manifest.toml"

# Bullet glyphs left by the PDF extraction: a private-use Symbol-font bullet, the usual
# bullet, a triangle used by FOA's layout, a small square.
_BULLET = re.compile(r"^\s*(?:[\uf0b7\uf0a7\u2022\u2206\u25aa\u25cf]|-(?=\s))\s*")
_SUB_BULLET = re.compile(r"^\s*o\s+(?=[A-ZÆØÅ])")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\x0c"), None)
_SENTENCE_END = (".", "!", "?", ":", "”", '"', ")")


@dataclass(frozen=True)
class DocumentMeta:
    """One entry of the manifest."""

    id: str
    file: str
    seed: str
    title: str
    publisher: str
    date: str
    kind: str
    authority: Authority
    aliases: tuple[str, ...] = ()
    drop_lines: tuple[str, ...] = ()
    headings: tuple[str, ...] = ()
    paragraph_starts: tuple[str, ...] = ()
    # Some seeds lost their bullet glyphs: a line indented by one or two spaces is a bullet.
    bullet_indent: bool = False
    double_spaced: bool = False


@dataclass(frozen=True)
class Document:
    """A cleaned document and its manifest entry."""

    meta: DocumentMeta
    text: str = field(repr=False)

    @property
    def id(self) -> str:
        return self.meta.id


def load_manifest(corpus_dir: Path) -> list[DocumentMeta]:
    """Read and validate ``manifest.toml`` in ``corpus_dir``."""
    path = corpus_dir / MANIFEST
    if not path.is_file():
        raise CorpusError(f"Manifest mangler: {path} findes ikke.")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"Manifestet {path} er ikke gyldig TOML: {exc}") from exc
    metas = []
    for entry in raw.get("document", []):
        if entry.get("authority") not in AUTHORITIES:
            raise CorpusError(
                f"Dokument {entry.get('id')!r}: authority {entry.get('authority')!r} "
                f"skal være en af {', '.join(AUTHORITIES)}."
            )
        entry = {**entry, "drop_lines": tuple(entry.get("drop_lines", ()))}
        entry["headings"] = tuple(entry.get("headings", ()))
        entry["paragraph_starts"] = tuple(entry.get("paragraph_starts", ()))
        entry["aliases"] = tuple(entry.get("aliases", ()))
        metas.append(DocumentMeta(**entry))
    ids = [m.id for m in metas]
    if not metas or len(set(ids)) != len(ids):
        raise CorpusError(f"Manifestet {path} skal have dokumenter med unikke id'er: {ids}")
    return metas


def load_corpus(corpus_dir: Path) -> list[Document]:
    """The cleaned documents named in the manifest, in manifest order."""
    docs = []
    for meta in load_manifest(corpus_dir):
        path = corpus_dir / meta.file
        if not path.is_file():
            raise CorpusError(
                f"Dokumentet {meta.id!r} mangler: {path}. Kør 'pulje corpus build'."
            )
        docs.append(Document(meta, path.read_text(encoding="utf-8")))
    return docs


def build_corpus(seeds_dir: Path, corpus_dir: Path) -> list[Path]:
    """Clean every seed named in the manifest into its text file; return the paths."""
    written = []
    for meta in load_manifest(corpus_dir):
        seed = seeds_dir / meta.seed
        if not seed.is_file():
            raise CorpusError(f"Kildefilen {seed} for dokumentet {meta.id!r} findes ikke.")
        text = clean_extracted(seed.read_text(encoding="utf-8"), meta)
        out = corpus_dir / meta.file
        out.write_text(text, encoding="utf-8")
        written.append(out)
    return written


def clean_extracted(raw: str, meta: DocumentMeta) -> str:
    """Turn PDF-extracted text into the block format described in the module docstring.

    >>> m = DocumentMeta("d", "d.txt", "s", "Titel", "p", "2023", "k", "rules")
    >>> clean_extracted("Formål\\nDet er at un-\\nderstøtte PAU-\\neleven.\\n", m)
    '# Titel\\n\\n## Formål\\n\\nDet er at understøtte PAU-eleven.\\n'
    """
    lines = _normalise(raw, meta.drop_lines, meta.double_spaced)
    blocks = [_tidy(b) for b in _merge_continuations(_blocks(lines, meta))]
    blocks = [b for b in blocks if _strip_marker(b) and _strip_marker(b) != meta.title]
    if blocks and blocks[0].startswith("## ") and _same_words(blocks[0][3:], meta.title):
        blocks = blocks[1:]
    return "\n\n".join([f"# {meta.title}", *blocks]) + "\n"


def _same_words(a: str, b: str) -> bool:
    return a.split() == b.split()


def _normalise(raw: str, drop_lines: Iterable[str], double_spaced: bool = False) -> list[str]:
    text = unicodedata.normalize("NFC", raw).translate(_INVISIBLE)
    text = text.replace("\u00a0", " ").replace("\t", " ").replace("\r\n", "\n")
    drops = [re.compile(p) for p in drop_lines]
    out = []
    for line in text.split("\n"):
        if double_spaced and line == "":
            continue  # every line is followed by an empty one; a blank-with-space ends a paragraph
        if any(p.search(line.strip()) for p in drops):
            continue
        # Keep the indentation (a lost bullet glyph in some seeds) and a single trailing
        # space as a signal: a line that ends in a letter with no space after it was cut
        # inside a word by a lost soft hyphen.
        body = line.rstrip()
        if not body.strip():
            out.append("")
            continue
        out.append(body + (" " if line != body else ""))
    return out


def _join(prev: str, nxt: str) -> str:
    """Join two lines of one paragraph, undoing the PDF's line-end hyphenation."""
    nxt = nxt.lstrip()
    p = prev.rstrip()
    spaced = prev != p
    m = re.search(r"(\w+)-$", p)
    if m and not spaced and nxt[:1].islower():
        stem = m.group(1)
        # "PAU-\neleven", "2023-\n2025": the hyphen belongs to the compound and stays.
        if stem.isupper() or stem[-1].isdigit():
            return p + nxt
        return p[:-1] + nxt
    if m and not spaced and m.group(1)[-1].isdigit() and nxt[:1].isdigit():
        return p + nxt
    if not spaced and re.search(r"[a-zæøå]$", p) and nxt[:1].islower():
        return p + nxt  # lost soft hyphen ("dagtilbuds" + "området")
    return p + " " + nxt


def _is_heading(line: str, prev: str, nxt: str, forced: set[str]) -> bool:
    s = " ".join(line.split())
    if s in forced:
        return True
    if not s or len(s) > 70 or len(s.split()) > 9 or not s[0].isupper():
        return False
    if s.endswith((".", ",", ";", "-", ":")) or _BULLET.match(line) or _SUB_BULLET.match(line):
        return False
    prev_s = prev.strip()
    starts_block = not prev_s or prev_s.endswith(_SENTENCE_END)
    nxt_s = nxt.strip()
    return starts_block and bool(nxt_s) and (nxt_s[0].isupper() or bool(_BULLET.match(nxt)))


def _bullet(line: str, meta: DocumentMeta) -> str | None:
    """The bullet prefix (``- `` or ``  - ``) a line starts, or None for running text."""
    if any(line.strip().startswith(p) for p in meta.paragraph_starts):
        return None
    if _SUB_BULLET.match(line):
        return "  - "
    if _BULLET.match(line) or (meta.bullet_indent and re.match(r"^ {1,2}\S", line)):
        return "- "
    return None


def _blocks(lines: list[str], meta: DocumentMeta) -> list[str]:
    forced = set(meta.headings)
    blocks: list[str] = []
    cur = ""
    prev = ""
    for i, line in enumerate(lines):
        if not line.strip():
            if cur:
                blocks.append(cur)
            cur = prev = ""
            continue
        nxt = next((x for x in lines[i + 1 :] if x.strip()), "")
        bullet = _bullet(line, meta)
        if _is_heading(line, cur or prev, nxt, forced):
            if cur:
                blocks.append(cur)
            blocks.append("## " + " ".join(line.split()))
            cur = ""
            line = ""  # what follows a heading starts a block of its own
        elif bullet:
            if cur:
                blocks.append(cur)
            pattern = _SUB_BULLET if bullet.startswith(" ") else _BULLET
            cur = bullet + pattern.sub("", line).lstrip()
        elif any(line.strip().startswith(p) for p in meta.paragraph_starts):
            if cur:
                blocks.append(cur)
            cur = line.lstrip()
        else:
            cur = _join(cur, line) if cur else line.lstrip()
        prev = line
    if cur:
        blocks.append(cur)
    return blocks


def _tidy(block: str) -> str:
    marker = re.match(r"^(##|  -|-) ", block)
    head = marker.group(0) if marker else ""
    return head + " ".join(block[len(head) :].split())


def _strip_marker(block: str) -> str:
    return re.sub(r"^(##|  -|-) ", "", block).strip()


def _merge_continuations(blocks: list[str]) -> list[str]:
    """Blank lines inside a sentence (PDF artefact): glue a lower-case start to its block."""
    out: list[str] = []
    for block in blocks:
        if (
            out
            and block[:1].islower()
            and not out[-1].startswith("## ")
            and not out[-1].rstrip().endswith((".", "!", "?"))
            and not block.startswith(("- ", "  - "))
        ):
            out[-1] = _join(out[-1], block)
        else:
            out.append(block)
    return out
