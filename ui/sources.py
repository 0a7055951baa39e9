"""The sources page: the documents with their authority, and any passage by its id."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.client import ApiClient, ApiError
from ui.render import highlighted
from ui.texts import AUTHORITY, t

lang: str = st.session_state.get("lang", "da")
client = ApiClient.from_env()

st.title(t("sources", lang))
try:
    documents = client.documents()
except ApiError as exc:
    st.error(exc.text(lang))
    st.stop()

st.markdown(f"**{t('documents', lang)}**")
st.dataframe(pd.DataFrame([{
    "id": d["id"], "Titel" if lang == "da" else "Title": d["title"],
    "Udgiver" if lang == "da" else "Publisher": d["publisher"],
    "Autoritet" if lang == "da" else "Authority": AUTHORITY.get(d["authority"], {}).get(
        lang, d["authority"]),
    "Dato" if lang == "da" else "Date": d["date"],
    "Passager" if lang == "da" else "Passages": d["passages"],
} for d in documents]), hide_index=True, width="stretch")

if "passage_input" not in st.session_state:
    st.session_state["passage_input"] = st.query_params.get("passage", "")
passage_id = st.text_input(t("passage_id", lang), key="passage_input").strip()
if passage_id:
    try:
        p = client.passage(passage_id)
    except ApiError as exc:
        if exc.status == 404:
            st.warning(t("no_passage", lang).format(id=passage_id))
        else:
            st.error(exc.text(lang))
        st.stop()
    st.query_params["passage"] = p["id"]
    doc = p["document"]
    label = AUTHORITY.get(doc["authority"], {}).get(lang, doc["authority"])
    st.subheader(doc["title"])
    st.caption(f"{doc['publisher']} · {label} · {p['id']}")
    if p["heading"]:
        st.markdown(f"**{t('section', lang)}:** {p['heading']}")
    quote = st.query_params.get("quote", "")
    st.markdown(f'<div class="pulje-passage" style="white-space:pre-wrap">'
                f'{highlighted(p["text"], quote)}</div>', unsafe_allow_html=True)
    def go(target: str) -> None:
        st.session_state["passage_input"] = target
        st.query_params.pop("quote", None)

    prev, nxt = st.columns(2)
    if p["previous"]:
        prev.button(t("prev", lang), key="prev", on_click=go, args=(p["previous"],))
    if p["next"]:
        nxt.button(t("next", lang), key="next", on_click=go, args=(p["next"],))
