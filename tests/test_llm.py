"""The optional LLM path against a fake OpenAI-compatible server on loopback."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistant.common.config import Settings
from assistant.retrieval.index import SearchIndex
from assistant.service import Assistant
from tests.fake_openai import fake_openai

# Left out of the fast loop (-m "not slow"): the real index (e5) behind the assistant.
pytestmark = pytest.mark.slow

Q = "Vi får 2,4 mio. – hvor meget må gå til private kurser?"
AS_OF = dt.date(2026, 11, 23)


def _assistant(settings: Settings, index: SearchIndex, url: str, timeout: float = 5) -> Assistant:
    s = settings.model_copy(update={"llm_base_url": url, "llm_timeout_s": timeout})
    return Assistant(s, index)


def test_a_checked_llm_answer_is_used(settings: Settings, index: SearchIndex) -> None:
    def good(body: dict[str, Any]) -> str:
        assert "Kilder:" in body["messages"][-1]["content"]
        return "Med et tilskud på 2,4 mio. må I højst bruge 240.000 kr. på private kurser [1]."

    with fake_openai(good) as server:
        a = _assistant(settings, index, server["url"]).ask(Q, as_of=AS_OF)
        assert server["requests"], "the LLM was never called"
    assert a.llm == {"used": True, "reason": "ok"}
    assert a.answer.startswith("Med et tilskud") and "240.000" in a.answer


def test_a_hallucinated_figure_falls_back(settings: Settings, index: SearchIndex) -> None:
    with fake_openai(lambda _: "I må bruge 300.000 kr. på private kurser [1].") as server:
        a = _assistant(settings, index, server["url"]).ask(Q, as_of=AS_OF)
    assert a.llm is not None and not a.llm["used"]
    assert "300000" in a.llm["reason"]
    assert "240.000 kr." in a.answer and "300.000" not in a.answer


def test_a_wrong_verdict_or_unknown_source_falls_back(settings: Settings,
                                                     index: SearchIndex) -> None:
    q = "Kan vi finansiere en masteruddannelse?"
    with fake_openai(lambda _: "Ja, det kan I godt [1].") as server:
        a = _assistant(settings, index, server["url"]).ask(q, as_of=AS_OF)
    assert a.verdict == "no" and a.answer.startswith("Nej.") and a.llm is not None
    assert "verdiktet" in a.llm["reason"]
    with fake_openai(lambda _: "Nej, se [7].") as server:
        b = _assistant(settings, index, server["url"]).ask(q, as_of=AS_OF)
    assert b.llm is not None and "ukendte kilder [7]" in b.llm["reason"]


def test_a_doubled_verdict_from_the_model_falls_back(settings: Settings,
                                                     index: SearchIndex) -> None:
    q = "Kan vi finansiere en masteruddannelse?"
    with fake_openai(lambda _: "Nej. Nej, puljen dækker ikke masteruddannelser [1].") as server:
        a = _assistant(settings, index, server["url"]).ask(q, as_of=AS_OF)
    assert a.llm is not None and not a.llm["used"] and "to gange" in a.llm["reason"]
    assert a.answer.startswith("Nej.") and not a.answer.startswith("Nej. Nej")


def test_a_model_that_times_out_falls_back(settings: Settings, index: SearchIndex) -> None:
    with fake_openai(lambda _: "Nej [1].", delay_s=3) as server:
        a = _assistant(settings, index, server["url"], timeout=0.5).ask(
            "Kan vi finansiere en masteruddannelse?", as_of=AS_OF)
    assert a.llm is not None and not a.llm["used"] and "utilgængelig" in a.llm["reason"]
    assert a.answer.startswith("Nej.")


def test_streaming_passes_tokens_on_then_judges_the_whole(settings: Settings,
                                                           index: SearchIndex) -> None:
    from assistant.answering.llm import LLMWriter

    with fake_openai(lambda _: "Højst 240.000 kr. må gå til private kurser [1].") as server:
        s = settings.model_copy(update={"llm_base_url": server["url"]})
        base = Assistant(settings, index).ask(Q, as_of=AS_OF)
        events = list(LLMWriter(s).stream(base))
        assert server["requests"][-1].get("stream") is True
    deltas = [v for k, v in events if k == "delta"]
    assert len(deltas) == 9  # one per chunk the server sent, not one block at the end
    assert "".join(deltas) == "Højst 240.000 kr. må gå til private kurser [1]."
    assert events[-1][0] == "done" and events[-1][1].llm == {"used": True, "reason": "ok"}
    with fake_openai(lambda _: "Højst 300.000 kr. [1].") as server:
        s = settings.model_copy(update={"llm_base_url": server["url"]})
        events = list(LLMWriter(s).stream(base))
    final = events[-1][1]
    assert [v for k, v in events if k == "delta"] == ["Højst", " 300.000", " kr.", " [1]."]
    assert not final.llm["used"] and "300000" in final.llm["reason"]
    assert final.answer == base.answer  # the deterministic text stands


@pytest.mark.parametrize("reply", ["", "Højst 240.000 kr."])
def test_empty_or_unsourced_text_is_refused(settings: Settings, index: SearchIndex,
                                            reply: str) -> None:
    with fake_openai(lambda _: reply) as server:
        a = _assistant(settings, index, server["url"]).ask(Q, as_of=AS_OF)
    assert a.llm is not None and not a.llm["used"] and "240.000 kr." in a.answer


def test_assistant_stream_yields_pieces_then_the_answer(settings: Settings,
                                                        index: SearchIndex) -> None:
    plain = list(Assistant(settings, index).stream(Q, as_of=AS_OF))
    assert plain[-1][0] == "answer" and all(kind == "delta" for kind, _ in plain[:-1])
    assert "".join(text for _, text in plain[:-1]) == plain[-1][1].answer
    with fake_openai(lambda _: "Højst 240.000 kr. til private kurser [1].") as server:
        events = list(_assistant(settings, index, server["url"]).stream(Q, as_of=AS_OF))
    final = events[-1][1]
    assert final.llm == {"used": True, "reason": "ok"}
    assert "".join(t for _, t in events[:-1]).strip() == final.answer


def test_a_rejected_stream_is_followed_by_a_replace_event(settings: Settings,
                                                          index: SearchIndex) -> None:
    with fake_openai(lambda _: "I må bruge 300.000 kr. på private kurser [1].") as server:
        events = list(_assistant(settings, index, server["url"]).stream(Q, as_of=AS_OF))
    kinds = [k for k, _ in events]
    assert kinds[-2:] == ["replace", "answer"] and set(kinds[:-2]) == {"delta"}
    final, replace = events[-1][1], events[-2][1]
    assert "".join(v for k, v in events if k == "delta").startswith("I må bruge 300.000")
    assert replace["text"] == final.answer and "240.000 kr." in final.answer
    assert "300000" in replace["reason"] and final.llm["used"] is False


def test_an_unreachable_model_streams_the_deterministic_words(settings: Settings,
                                                              index: SearchIndex) -> None:
    from tests.servers import free_port

    bot = _assistant(settings, index, f"http://127.0.0.1:{free_port()}/v1", timeout=1)
    events = list(bot.stream(Q, as_of=AS_OF))
    final = events[-1][1]
    assert "replace" not in [k for k, _ in events] and not final.llm["used"]
    assert "".join(v for k, v in events if k == "delta") == final.answer
    assert len(events) > 5
