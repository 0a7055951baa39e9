"""``/v1/plans/check``: a spending plan judged item by item against the rules and the cap."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.answering.plans import Plan, PlanResult, check_plan
from assistant.api.deps import AssistantDep, ClientDep
from assistant.api.schemas import PROBLEMS

router = APIRouter(tags=["plan"])


@router.post("/v1/plans/check", response_model=PlanResult, responses=PROBLEMS,
             summary="Tjek en forbrugsplan mod reglerne og loftet på 10 pct.")
def plans_check(body: Plan, client: ClientDep, bot: AssistantDep) -> PlanResult:
    # Not in the answer queue: measured beside /v1/ask (evals/load.py --plans 8), plan
    # checks there cut their own throughput about tenfold and made asks wait behind
    # them (ask p50 ~180 ms -> 2.8 s); in the thread pool they run beside it.
    return check_plan(bot.book, bot.index, body, bot.reader)
