"""``/v1/plans/check``: a spending plan judged item by item against the rules and the cap."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.answering.plans import STATED_CAP, Plan, PlanResult, check_plan
from assistant.api.deps import AnswerPoolDep, AssistantDep, ClientDep
from assistant.api.schemas import PROBLEMS

router = APIRouter(tags=["plan"])


@router.post("/v1/plans/check", response_model=PlanResult, responses=PROBLEMS,
             summary=f"Tjek en forbrugsplan mod reglerne og loftet på {STATED_CAP}")
async def plans_check(body: Plan, client: ClientDep, bot: AssistantDep,
                      pool: AnswerPoolDep) -> PlanResult:
    # In the answer queue like /v1/ask: a plan reads every item as a question. The cost
    # (measured with evals/load.py) is in docs/architecture.md's API section.
    return await pool.run(lambda: check_plan(bot.book, bot.index, body, bot.reader))
