"""Puljeassistenten's chat: ``streamlit run ui/app.py`` (the API must be running).

Three pages (chat, plan check, sources) and a sidebar with the language and the day that
deadlines are judged against. Everything goes through the HTTP API (``PULJE_API_URL``,
``PULJE_API_KEY``), so one process owns the index.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from ui.texts import t

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="Puljeassistenten", page_icon=":material/chat:", layout="centered")

with st.sidebar:
    choice = st.radio("Sprog / Language", ["Dansk", "English"], horizontal=True,
                      key="lang_choice")
    st.session_state["lang"] = "en" if choice == "English" else "da"
    lang = st.session_state["lang"]
    st.session_state["as_of"] = st.date_input(t("as_of", lang), value=dt.date.today(),
                                              help=t("as_of_help", lang), format="DD.MM.YYYY",
                                              key="as_of_input")

pages = [
    st.Page(str(HERE / "chat.py"), title=t("chat", lang), icon=":material/chat:", default=True),
    st.Page(str(HERE / "plan.py"), title=t("plan", lang), icon=":material/checklist:",
            url_path="plan"),
    st.Page(str(HERE / "sources.py"), title=t("sources", lang), icon=":material/menu_book:",
            url_path="kilder"),
]
st.navigation(pages).run()
