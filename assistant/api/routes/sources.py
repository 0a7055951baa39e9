"""``/v1/documents`` and ``/v1/passages/{id}``: the sources the answers cite."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.answering.composition import DocumentRef
from assistant.api.deps import AssistantDep, ClientDep
from assistant.api.problems import Problem
from assistant.api.schemas import DocumentOut, PassageOut, example
from assistant.retrieval.index import SearchIndex

router = APIRouter(tags=["kilder"])


@router.get("/v1/documents", response_model=list[DocumentOut], summary="Kildedokumenterne",
            responses=example([{"id": "faktaark", "title": "Fakta om rammer for udmøntning "
                                "af opkvalificeringspuljen på dagtilbudsområdet for "
                                "2023-2025", "publisher": "Børne- og Undervisningsministeriet",
                                "authority": "rules", "date": "2023", "kind": "faktaark",
                                "passages": 30}]))
def documents(client: ClientDep, bot: AssistantDep) -> list[DocumentOut]:
    return document_list(bot.index)


@router.get("/v1/passages/{passage_id}", response_model=PassageOut,
            summary="En passage med dens dokument og naboer",
            responses=example({"id": "faktaark-008", "document": {
                "id": "faktaark", "title": "Fakta om rammer …",
                "publisher": "Børne- og Undervisningsministeriet", "authority": "rules"},
                "heading": "Omfattede opkvalificeringsforløb",
                "text": "Midlerne fra opkvalificeringspuljen kan ikke anvendes på "
                        "masteruddannelser …", "start": 5120, "end": 5420,
                "previous": "faktaark-007", "next": "faktaark-009"}))
def passage(passage_id: str, client: ClientDep, bot: AssistantDep) -> PassageOut:
    found = passage_out(bot.index, passage_id)
    if found is None:
        raise Problem(404, "unknown-passage", "Passagen findes ikke.")
    return found


def document_list(index: SearchIndex) -> list[DocumentOut]:
    """Every source document with its number of passages, in the manifest's order."""
    counts: dict[str, int] = {}
    for p in index.passages:
        counts[p.doc_id] = counts.get(p.doc_id, 0) + 1
    return [DocumentOut(id=d.meta.id, title=d.meta.title, publisher=d.meta.publisher,
                        authority=d.meta.authority, date=str(d.meta.date),
                        kind=d.meta.kind, passages=counts.get(d.meta.id, 0))
            for d in index.documents.values()]


def passage_out(index: SearchIndex, passage_id: str) -> PassageOut | None:
    """The passage with its document and its neighbours within that document."""
    row = index.rows.get(passage_id)
    if row is None:
        return None
    p = index.passages[row]
    meta = index.documents[p.doc_id].meta
    prev = index.passages[row - 1] if row > 0 else None
    nxt = index.passages[row + 1] if row + 1 < len(index.passages) else None
    return PassageOut(
        id=p.id, document=DocumentRef(id=meta.id, title=meta.title,
                                      publisher=meta.publisher, authority=meta.authority),
        heading=p.section, text=p.text, start=p.start, end=p.end,
        previous=prev.id if prev and prev.doc_id == p.doc_id else None,
        next=nxt.id if nxt and nxt.doc_id == p.doc_id else None)
