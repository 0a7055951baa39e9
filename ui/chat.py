"""The chat page: ask in your own words, see the verdict, the reason and the sources."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from ui.client import ApiClient, ApiError
from ui.render import badge, linked_text, plain, source_cards
from ui.texts import EXAMPLES, t

lang: str = st.session_state.get("lang", "da")  # the interface's
answer_lang: str | None = st.session_state.get("answer_lang")  # None: the question's
as_of: dt.date | None = st.session_state.get("as_of")
client = ApiClient.from_env()
messages: list[dict[str, Any]] = st.session_state.setdefault("messages", [])
sent: dict[str, str] = st.session_state.setdefault("feedback_sent", {})

head, new = st.columns([4, 1], vertical_alignment="bottom")
head.title(t("title", lang))
if new.button(t("new", lang), key="new_conversation", disabled=not messages):
    messages.clear()
    st.rerun()
st.caption(t("subtitle", lang))


def history() -> list[dict[str, str]]:
    """The conversation as the API takes it (answers by their text, errors left out)."""
    out = []
    for m in messages:
        if m["role"] == "user":
            out.append({"role": "user", "content": m["content"]})
        elif m.get("answer"):
            out.append({"role": "assistant", "content": m["answer"]["answer"]})
    return out


def show_answer(answer: dict[str, Any]) -> None:
    """The answer in its own language (badge, cards) whatever the interface's."""
    said = answer.get("lang") or lang
    known = {c["n"] for c in answer["citations"]}
    st.markdown(badge(answer["verdict"], said))
    st.markdown(linked_text(answer["answer"], answer["id"], known))
    if answer.get("resolved_question") and answer["resolved_question"] != answer["question"]:
        st.caption(f"{t('resolved', said)}: {plain(answer['resolved_question'])}")
    if answer["citations"]:
        st.markdown(f"**{t('sources_head', said)}**")
        st.html(source_cards(answer["citations"], answer["id"], said,
                             t("open_source", said)))
    feedback(answer["id"])


def feedback(answer_id: str) -> None:
    if answer_id in sent:
        st.caption(t("thanks", lang))
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(t("feedback_q", lang))
        up = st.button("", icon=":material/thumb_up:", key=f"up-{answer_id}",
                       help="Godt svar" if lang == "da" else "Good answer")
        down = st.button("", icon=":material/thumb_down:", key=f"down-{answer_id}",
                         help="Dårligt svar" if lang == "da" else "Bad answer")
    comment = st.text_input(t("comment", lang), key=f"comment-{answer_id}",
                            max_chars=2000, label_visibility="collapsed",
                            placeholder=t("comment", lang))
    if up or down:
        try:
            client.feedback(answer_id, "up" if up else "down", comment)
        except ApiError as exc:
            st.error(exc.text(lang))
            return
        sent[answer_id] = "up" if up else "down"
        st.rerun()


for m in messages:
    with st.chat_message(m["role"]):
        if m["role"] == "user":
            st.markdown(m["content"])
        elif m.get("answer"):
            show_answer(m["answer"])
        else:
            st.error(m["error"])

pending = st.session_state.pop("pending_question", None)
if not messages and not pending:
    st.markdown(f"**{t('examples', lang)}**")
    for i, example in enumerate(EXAMPLES[lang]):
        if st.button(example, key=f"example-{i}"):
            st.session_state["pending_question"] = example
            st.rerun()

question = st.chat_input(t("input", lang), max_chars=2000) or pending
if question:
    previous = history()
    messages.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.markdown(question)
    with st.chat_message("assistant"):
        final: dict[str, Any] = {}

        def deltas() -> Any:
            for event, data in client.ask_stream(question, previous, as_of, answer_lang):
                if event == "delta":
                    yield data["text"]
                elif event == "answer":
                    final.update(data)

        try:
            with st.spinner(t("thinking", lang)):
                st.write_stream(deltas())
        except ApiError as exc:
            messages.append({"role": "assistant", "error": exc.text(lang)})
            st.error(exc.text(lang))
        else:
            if final:
                messages.append({"role": "assistant", "answer": final})
                st.rerun()
