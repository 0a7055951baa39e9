"""``/v1/feedback``: a thumbs up or down on a stored answer."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.api.deps import ClientDep, StoreDep
from assistant.api.problems import Problem
from assistant.api.schemas import PROBLEMS, FeedbackReceipt, FeedbackRequest

router = APIRouter(tags=["feedback"])


@router.post("/v1/feedback", response_model=FeedbackReceipt, status_code=201,
             summary="Giv et svar tommel op eller ned", responses=PROBLEMS)
def give_feedback(body: FeedbackRequest, client: ClientDep,
                  store: StoreDep) -> FeedbackReceipt:
    if not store.has_answer(body.answer_id):
        raise Problem(404, "unknown-answer", "Svaret findes ikke (eller er slettet efter "
                                             "opbevaringstiden).")
    fid = store.record_feedback(body.answer_id, body.rating, body.comment, client)
    return FeedbackReceipt(id=fid, answer_id=body.answer_id, rating=body.rating)
