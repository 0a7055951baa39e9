"""The answer as a pipeline (assistant/service.py): named steps in order, each timed, a
route per ask in the policy's order, the reason the run ended, all in the answer's trace
and in /metrics."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.common.config import Settings
from assistant.retrieval.index import SearchIndex
from assistant.service import Assistant, route_of
from assistant.storage.store import Store
from assistant.turn import AskTurn
from tests.fake_openai import fake_openai

AUTUMN = dt.date(2026, 11, 23)
STEPS = ["clean", "language", "resolve", "understand", "decide", "retrieve", "select",
         "compose"]
RULE_Q = "Kan vi finansiere en masteruddannelse?"
FOA_Q = "Hvad mener FOA om uformelle kurser fra private udbydere?"
WEATHER_Q = "Hvordan bliver vejret i morgen?"
KEY = "hemmelig-noegle-1"


@pytest.fixture(scope="module")
def bot(settings: Settings, index: SearchIndex) -> Assistant:
    return Assistant(settings, index)


@pytest.mark.slow
def test_the_steps_run_in_order_each_timed(bot: Assistant) -> None:
    a = bot.ask(FOA_Q, as_of=AUTUMN)
    assert a.trace is not None
    assert list(a.trace.steps) == STEPS and a.trace.stopped == "answered"
    assert a.trace.routes == ["documents"] and a.citations
    steps = a.trace.steps
    assert all(ms >= 0 for ms in steps.values()) and steps["retrieve"] > 0
    # The answer's own timings keep their keys, now read off the steps.
    assert list(a.timings) == ["resolve_ms", "understand_ms", "rules_ms", "retrieval_ms",
                               "total_ms"]
    assert a.timings["understand_ms"] == steps["understand"]
    assert a.timings["rules_ms"] == steps["decide"]
    assert a.timings["retrieval_ms"] == pytest.approx(steps["retrieve"] + steps["select"],
                                                      abs=0.011)
    assert a.timings["total_ms"] >= sum(steps.values()) - 0.05


@pytest.mark.slow
def test_a_rule_question_is_routed_by_decide_and_retrieves_nothing(bot: Assistant) -> None:
    a = bot.ask(RULE_Q, as_of=AUTUMN)
    assert a.trace is not None and a.trace.routes == ["rules"]
    assert list(a.trace.steps) == STEPS and a.trace.stopped == "answered"
    assert a.rules and a.rules[0]["rule"] == "programme_eligibility"
    assert "rules_ms" in a.timings and "retrieval_ms" not in a.timings


@pytest.mark.slow
def test_a_refuted_premise_and_an_overview_have_routes_of_their_own(bot: Assistant) -> None:
    premise = bot.ask("Da masteruddannelser nu er tilladt, hvordan søger vi?", as_of=AUTUMN)
    assert premise.trace is not None and premise.trace.routes == ["premise"]
    assert premise.answer.startswith("Nej. Forudsætningen i spørgsmålet holder ikke.")
    overview = bot.ask("Giv mig et overblik over, hvad puljen dækker", as_of=AUTUMN)
    assert overview.trace is not None and overview.trace.routes == ["overview"]


@pytest.mark.slow
def test_each_part_of_a_message_has_its_route(bot: Assistant) -> None:
    a = bot.ask("Hvor meget får København fra puljen om året? Hvordan bliver vejret i Aarhus "
                "i morgen eftermiddag?", as_of=AUTUMN)
    assert a.trace is not None and a.trace.routes == ["documents", "out_of_scope"]
    assert not a.abstained and a.trace.stopped == "answered"


@pytest.mark.slow
def test_the_policy_takes_the_first_route_that_applies(bot: Assistant) -> None:
    ask = bot.reader.read(RULE_Q, AUTUMN).first
    decision = bot.decisions(RULE_Q, AUTUMN)[0]
    plain = AskTurn(ask)
    assert route_of(dataclasses.replace(plain, decisions=[decision], refuted=[decision])
                    ) == "premise"
    assert route_of(dataclasses.replace(plain, decisions=[decision], topic="vejret")
                    ) == "rules"
    assert route_of(dataclasses.replace(plain, topic="vejret")) == "out_of_scope"
    # A topic the material does not cover, in a question that names FOA: FOA may speak to it.
    assert route_of(dataclasses.replace(plain, topic="vejret", names_source=True)
                    ) == "documents"


@pytest.mark.slow
def test_an_out_of_scope_question_stops_at_compose_and_is_never_checked(
        settings: Settings, index: SearchIndex) -> None:
    with fake_openai(lambda _: "Nej, puljen dækker ikke masteruddannelser [1].") as server:
        bot = Assistant(settings.model_copy(update={"llm_base_url": server["url"],
                                                    "llm_timeout_s": 5}), index)
        out = bot.ask(WEATHER_Q, as_of=AUTUMN)
        assert not server["requests"]
        rule = bot.ask(RULE_Q, as_of=AUTUMN)
        assert server["requests"]
    assert out.trace is not None and out.abstained
    assert out.trace.stopped == "out_of_scope" and out.trace.routes == ["out_of_scope"]
    assert list(out.trace.steps) == STEPS and "llm_ms" not in out.timings
    assert rule.trace is not None and list(rule.trace.steps) == [*STEPS, "check"]
    assert rule.timings["llm_ms"] == rule.trace.steps["check"]
    assert rule.trace.stopped == "answered" and rule.llm == {"used": True, "reason": "ok"}


@pytest.mark.slow
def test_a_rule_silent_on_the_question_stops_as_an_abstention(bot: Assistant) -> None:
    a = bot.ask("Kan puljen betale en ph.d.?", as_of=dt.date(2026, 1, 5))
    assert a.abstained and a.trace is not None
    assert a.trace.stopped == "abstain" and a.trace.routes == ["rules"]


@pytest.mark.slow
def test_the_stream_carries_the_same_trace(bot: Assistant) -> None:
    events = list(bot.stream(RULE_Q, as_of=AUTUMN))
    final = events[-1][1]
    assert final.trace is not None and list(final.trace.steps) == STEPS
    assert final.trace.routes == ["rules"] and final.trace.stopped == "answered"


@pytest.mark.slow
def test_the_streamed_check_is_timed_into_the_trace(settings: Settings,
                                                    index: SearchIndex) -> None:
    with fake_openai(lambda _: "Nej, puljen dækker ikke masteruddannelser [1].") as server:
        bot = Assistant(settings.model_copy(update={"llm_base_url": server["url"],
                                                    "llm_timeout_s": 5}), index)
        events = list(bot.stream(RULE_Q, as_of=AUTUMN))
    final = events[-1][1]
    assert final.llm == {"used": True, "reason": "ok"} and final.trace is not None
    assert list(final.trace.steps) == [*STEPS, "check"]
    assert final.trace.steps["check"] == final.timings["llm_ms"] > 0


@pytest.fixture
def client(settings: Settings, bot: Assistant, tmp_path: Path) -> Iterator[TestClient]:
    s = settings.model_copy(update={"api_keys": f"intranet:{KEY}"})
    store = Store(f"sqlite:///{tmp_path / 'pulje.sqlite3'}")
    with TestClient(create_app(s, assistant=bot, store=store), client=("127.0.0.1", 50000),
                    raise_server_exceptions=False) as c:
        yield c


@pytest.mark.slow
def test_metrics_show_the_steps_and_why_runs_stopped(client: TestClient) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    def metrics() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        r = client.get("/metrics", headers={"X-API-Key": KEY})
        assert r.status_code == 200, r.text
        return {(s.name, tuple(sorted(s.labels.items()))): s.value
                for f in text_string_to_metric_families(r.text) for s in f.samples}

    before = metrics()
    for q in (RULE_Q, WEATHER_Q):
        assert client.post("/v1/ask", headers={"X-API-Key": KEY},
                           json={"question": q}).status_code == 200
    with client.stream("POST", "/v1/ask/stream", headers={"X-API-Key": KEY},
                       json={"question": FOA_Q}) as r:
        assert r.status_code == 200
        r.read()
    after = metrics()

    def moved(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    for step in STEPS:
        assert moved("pulje_answer_step_duration_seconds_count", step=step) == 3, step
    assert moved("pulje_answer_step_duration_seconds_count", step="check") == 0
    assert moved("pulje_answer_stops_total", reason="answered") == 2
    assert moved("pulje_answer_stops_total", reason="out_of_scope") == 1
    assert moved("pulje_answer_stops_total", reason="abstain") == 0
