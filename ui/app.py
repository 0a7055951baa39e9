"""Puljeassistenten's chat: ``streamlit run ui/app.py`` (the API must be running).

Three pages (chat, plan check, sources) and a sidebar with the answer language and the day
that deadlines are judged against. Everything goes through the HTTP API (``PULJE_API_URL``,
``PULJE_API_KEY``), so one process owns the index.

Language: until the user picks one, the answer follows the question's language (the API
detects it when ``lang`` is left out) and the interface is Danish. Picking Dansk or English
sets both. The session keeps ``lang`` (the interface's) and ``answer_lang`` (None, "da",
"en": what is sent to the API).

Nothing is fetched from outside the machine: the favicon is a local file (a Material or
emoji ``page_icon`` makes the browser fetch it from Google's or jsDelivr's CDN), and the
Material icons in the navigation come from the font Streamlit serves itself.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from ui.texts import LANG_CHOICES, t

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="Puljeassistenten", page_icon=str(HERE / "assets" / "icon.png"),
                   layout="centered")

with st.sidebar:
    choice = st.radio("Sprog / Language", list(LANG_CHOICES), key="lang_choice",
                      help=t("lang_help", "da") + "\n\n" + t("lang_help", "en"))
    answer_lang = LANG_CHOICES[choice]
    st.session_state["answer_lang"] = answer_lang
    st.session_state["lang"] = lang = answer_lang or "da"
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
