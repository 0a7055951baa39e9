"""The chat's flows with Streamlit's AppTest, against a real API server on loopback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.servers import KEY, Server, free_port

# Left out of the fast loop (-m "not slow"): a real API server behind the chat.
pytestmark = pytest.mark.slow

UI = Path(__file__).resolve().parent.parent / "ui"


@pytest.fixture
def api(api_server: Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.setenv("PULJE_API_URL", api_server.url)
    monkeypatch.setenv("PULJE_API_KEY", KEY)
    yield api_server


def _chat() -> AppTest:
    at = AppTest.from_file(str(UI / "app.py"), default_timeout=60)
    return at.run()


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _html(at: AppTest) -> str:
    """What the page puts in with ``st.html`` (source cards, plan items, passages)."""
    return "\n".join(e.proto.body for e in at.get("html"))


def test_empty_chat_shows_examples_and_an_example_can_be_asked(api: Server) -> None:
    at = _chat()
    assert not at.exception
    examples = [b for b in at.button if b.key and b.key.startswith("example-")]
    assert len(examples) == 4 and examples[0].label == "Kan vi finansiere en masteruddannelse?"
    examples[0].click().run()
    text = _markdown(at)
    assert ":red-badge[Nej]" in text and "masteruddannelser" in text
    cards = _html(at)
    assert "Regler" in cards and "<mark>" in cards  # the source card, quote marked


def test_ask_then_follow_up_uses_the_conversation(api: Server) -> None:
    at = _chat()
    at.chat_input[0].set_value("Kan vi finansiere en masteruddannelse?").run()
    assert ":red-badge[Nej]" in _markdown(at)
    at.chat_input[0].set_value("og diplomuddannelser?").run()
    assert not at.exception
    text = _markdown(at)
    assert "Akademi- og diplomuddannelser" in text
    assert any("Forstået som" in c.value for c in at.caption)
    assert len(at.session_state["messages"]) == 4
    at.button(key="new_conversation").click().run()
    assert at.session_state["messages"] == []


def test_citation_numbers_link_to_their_source_cards(api: Server) -> None:
    at = _chat()
    at.chat_input[0].set_value("Vi får 2,4 mio. – hvor meget må gå til private kurser?").run()
    answer = at.session_state["messages"][-1]["answer"]
    text = _markdown(at)
    assert "240.000 kr." in text
    assert f"(#kilde-{answer['id'][:8]}-1)" in text  # [1] links to the card
    cards = _html(at)
    assert f'id="kilde-{answer["id"][:8]}-1"' in cards
    assert "kilder?passage=" in cards


def test_feedback_goes_to_the_api(api: Server) -> None:
    at = _chat()
    at.chat_input[0].set_value("Kan vi betale vikarer, mens personalet er på kursus?").run()
    answer_id = at.session_state["messages"][-1]["answer"]["id"]
    at.text_input(key=f"comment-{answer_id}").set_value("Godt svar").run()
    at.button(key=f"up-{answer_id}").click().run()
    assert at.session_state["feedback_sent"] == {answer_id: "up"}
    assert any("Tak for din feedback" in c.value for c in at.caption)
    from assistant.storage.store import Store

    rows = Store(f"sqlite:///{api.db}").rows("feedback")
    assert any(r["answer_id"] == answer_id and r["comment"] == "Godt svar" for r in rows)


def test_english_switch(api: Server) -> None:
    at = _chat()
    at.radio(key="lang_choice").set_value("English").run()
    at.chat_input[0].set_value("Can we fund a master's degree?").run()
    text = _markdown(at)
    assert ":red-badge[No]" in text and "master's degrees" in text


def test_by_default_the_answer_follows_the_question_language(api: Server) -> None:
    at = _chat()
    assert at.radio(key="lang_choice").value == "Som spørgsmålet / As asked"
    assert at.session_state["answer_lang"] is None and at.session_state["lang"] == "da"
    at.chat_input[0].set_value("Can we fund a master's degree?").run()
    assert ":red-badge[No]" in _markdown(at)
    assert at.session_state["messages"][-1]["answer"]["lang"] == "en"


def test_api_down_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULJE_API_URL", f"http://127.0.0.1:{free_port()}")
    at = _chat()
    at.chat_input[0].set_value("Kan vi finansiere AMU?").run()
    assert not at.exception
    assert any("kan ikke nås" in e.value for e in at.error)
    assert "Traceback" not in _markdown(at)


def test_wrong_key_is_a_clear_message(api: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULJE_API_KEY", "forkert")
    at = _chat()
    at.chat_input[0].set_value("Kan vi finansiere AMU?").run()
    assert any("API-nøglen" in e.value for e in at.error)


def test_plan_check_page(api: Server) -> None:
    at = AppTest.from_file(str(UI / "plan.py"), default_timeout=60)
    at.session_state["plan_df"] = pd.DataFrame({
        "Aktivitet": ["Meritpædagoguddannelse for fire medhjælpere", "Privat kursus i musik",
                      "Masteruddannelse"],
        "Kategori": ["(ud fra beskrivelsen)", "Uformel (privat/intern/kommunal)",
                     "(ud fra beskrivelsen)"],
        "Beløb (kr.)": [1_600_000.0, 300_000.0, 50_000.0]})
    at.session_state["as_of"] = dt.date(2026, 3, 1)  # before the first round's window closed
    at.run()
    at.number_input(key="grant").set_value(2_400_000).run()
    at.button(key="check_plan").click().run()
    assert not at.exception
    result = at.session_state["plan_result"]
    assert result["verdict"] == "no" and result["over_dkk"] == 60_000
    shown = _html(at)
    for amount in ("1.600.000 kr.", "300.000 kr.", "50.000 kr."):
        assert f">{amount}</span>" in shown
    assert "1600000" not in shown
    assert 'class="pulje-source"' in shown and "#kilde-plan-" in shown
    text = _markdown(at).replace("\\", "")  # texts are escaped for Markdown
    assert "60.000 kr." in text and "Punkt 3" in text
    assert len(at.get("download_button")) == 1
    assert len(at.get("vega_lite_chart")) == 1


def test_plan_result_csv_has_whole_kroner_as_integers(api: Server) -> None:
    from ui.client import ApiClient
    from ui.plan_view import result_csv

    result = ApiClient(api.url, KEY).check_plan(1_234_567.0, [
        {"description": "PAU for to medhjælpere", "amount_dkk": 900_000.0},
        {"description": "Privat kursus", "category": "informal", "amount_dkk": 100_000.5}],
        "da")
    data = result_csv(result, "da")
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "#;Aktivitet;Kategori;Beløb (kr.);Vurdering;Begrundelse;Kilder"
    assert lines[1].startswith("1;PAU for to medhjælpere;PAU;900000;")
    assert lines[2].startswith("2;Privat kursus;Uformel (privat/intern/kommunal);100000,50;")
    assert "900000.0" not in data.decode("utf-8-sig")


def test_plan_page_needs_a_grant(api: Server) -> None:
    at = AppTest.from_file(str(UI / "plan.py"), default_timeout=60).run()
    at.button(key="check_plan").click().run()
    assert any("tilskud" in w.value for w in at.warning)


def test_sources_page_opens_the_linked_passage(api: Server) -> None:
    at = AppTest.from_file(str(UI / "sources.py"), default_timeout=60)
    at.query_params["passage"] = "faktaark-008"
    at.query_params["quote"] = "masteruddannelser"
    at.run()
    assert not at.exception
    assert at.session_state["src_passage"] == "faktaark-008"
    assert at.selectbox(key="doc_choice").value == "faktaark"
    assert "<mark>masteruddannelser</mark>" in _html(at)
    at.button(key="next").click().run()
    assert at.session_state["src_passage"] == "faktaark-009"
    assert at.query_params["passage"] == "faktaark-009"


def test_sources_page_says_when_a_passage_does_not_exist(api: Server) -> None:
    at = AppTest.from_file(str(UI / "sources.py"), default_timeout=60)
    at.query_params["passage"] = "findes-ikke"
    at.run()
    assert any("findes ikke" in w.value for w in at.warning)
    assert at.session_state["src_passage"] == "faktaark-001"  # the first, instead
