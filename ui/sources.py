"""The sources page: search the passages, read a document section by section, and open
the passage a source card links to (``?passage=<id>&quote=<quote>&quote=…``).

The passage on show lives in ``src_passage`` (with ``src_doc``, ``src_section`` and the
text to mark); the widgets follow it. Passages are shown with ``st.html`` so their text is
never read as Markdown.
"""

from __future__ import annotations

import html
from typing import Any

import streamlit as st

from ui.client import ApiClient, ApiError
from ui.library import document_passages, search, sections, snippet, words
from ui.render import highlighted, plain
from ui.texts import AUTHORITY, t

lang: str = st.session_state.get("lang", "da")
client = ApiClient.from_env()
ss = st.session_state
MAX_HITS = 10


@st.cache_data(ttl=600, show_spinner=False)
def passages_of(url: str, key: str, doc_id: str) -> list[dict[str, Any]]:
    return document_passages(ApiClient(url=url, key=key), doc_id)


def passages(doc_id: str) -> list[dict[str, Any]]:
    return passages_of(client.url, client.key, doc_id)


def section_of(doc_id: str, passage_id: str) -> int:
    for i, (_, group) in enumerate(sections(passages(doc_id))):
        if any(p["id"] == passage_id for p in group):
            return i
    return 0


def select(passage_id: str, doc_id: str, marks: list[str] | None = None,
           every: bool = False) -> None:
    """Show this passage (marking ``marks``); the document and section follow."""
    ss.update(src_passage=passage_id, src_doc=doc_id, src_marks=marks or [], src_every=every,
              src_section=section_of(doc_id, passage_id))
    ss["doc_choice"], ss["section_choice"] = doc_id, ss["src_section"]
    st.query_params.clear()
    st.query_params["passage"] = passage_id
    if marks and not every:
        st.query_params["quote"] = marks


def first_of(doc_id: str, section: int = 0) -> None:
    groups = sections(passages(doc_id))
    if groups:
        select(groups[min(section, len(groups) - 1)][1][0]["id"], doc_id)


st.title(t("sources", lang))
try:
    documents = {d["id"]: d for d in client.documents()}
    if "src_passage" not in ss:  # a new session: the link's passage, or the first one
        wanted = st.query_params.get("passage", "")
        if wanted:
            try:
                found = client.passage(wanted)
                select(found["id"], found["document"]["id"], st.query_params.get_all("quote"))
            except ApiError as exc:
                if exc.status != 404:
                    raise
                st.warning(t("no_passage", lang).format(id=wanted))
        if "src_passage" not in ss:
            with st.spinner(t("loading", lang)):
                first_of(next(iter(documents)))
    with st.spinner(t("loading", lang)):
        current_doc = passages(ss["src_doc"])
except ApiError as exc:
    st.error(exc.text(lang))
    st.stop()

# Search: every passage of every document, matched on all the words.
query = st.text_input(t("search", lang), key="search_q", placeholder=t("search_ph", lang),
                      max_chars=200).strip()
if query:
    with st.spinner(t("loading", lang)):
        pool = [p for d in documents for p in passages(d)]
    hits = search(pool, query)
    terms = words(query)
    if not hits:
        st.info(t("no_hits", lang).format(q=query))
    else:
        st.caption(t("hits" if len(hits) > MAX_HITS else "hits_all", lang).format(
            n=len(hits), q=query, shown=MAX_HITS))
    for hit in hits[:MAX_HITS]:
        doc = documents[hit["document"]["id"]]
        text, button = st.columns([6, 1], vertical_alignment="center")
        with text:
            st.html(f'<div class="pulje-hit" style="font-size:0.92em">'
                    f'<b>{html.escape(doc["title"])}</b> · {html.escape(hit["heading"])} '
                    f'<span style="color:#777">({html.escape(hit["id"])})</span>'
                    f'<div style="white-space:pre-wrap">'
                    f'{highlighted(snippet(hit["text"], terms), terms, every=True)}</div></div>')
        button.button(t("open", lang), key=f"hit-{hit['id']}", on_click=select,
                      args=(hit["id"], doc["id"], terms, True))

# Reading: a document, a section of it, the passage on show, the section's passages.
st.subheader(t("read_doc", lang))
ss.setdefault("doc_choice", ss["src_doc"])  # widget state is dropped when the page is left
ss.setdefault("section_choice", ss["src_section"])
doc_id = st.selectbox(t("document", lang), list(documents), key="doc_choice",
                      format_func=lambda d: documents[d]["title"],
                      on_change=lambda: first_of(ss["doc_choice"]))
doc = documents[doc_id]
authority = AUTHORITY.get(doc["authority"], {}).get(lang, doc["authority"])
st.caption(f"{doc['publisher']} · {authority} · {doc['date']} · {doc['passages']} "
           f"{'passager' if lang == 'da' else 'passages'}")
groups = sections(current_doc)
st.selectbox(t("section", lang), range(len(groups)), key="section_choice",
             format_func=lambda i: (f"{groups[i][0] or t('no_section', lang)} "
                                    f"({len(groups[i][1])})"),
             on_change=lambda: first_of(ss["src_doc"], ss["section_choice"]))

shown = next((p for p in current_doc if p["id"] == ss["src_passage"]), None)
if shown:
    st.markdown(f"**{plain(shown['heading'] or t('no_section', lang))}** · "
                f"{t('passage', lang)} {plain(shown['id'])}")
    st.html(f'<div class="pulje-passage" data-id="{html.escape(shown["id"])}" '
            'style="white-space:pre-wrap;border-left:3px solid #ccc;padding-left:0.8em">'
            f'{highlighted(shown["text"], ss["src_marks"], every=ss["src_every"])}</div>')
    prev, nxt = st.columns(2)
    if shown["previous"]:
        prev.button(t("prev", lang), key="prev", on_click=select,
                    args=(shown["previous"], ss["src_doc"]))
    if shown["next"]:
        nxt.button(t("next", lang), key="next", on_click=select,
                   args=(shown["next"], ss["src_doc"]))

if groups:
    st.markdown(f"**{t('passages_in', lang)}**")
    for p in groups[min(ss["src_section"], len(groups) - 1)][1]:
        st.button(plain(snippet(p["text"], [], 90)), key=f"toc-{p['id']}", type="tertiary",
                  disabled=p["id"] == ss["src_passage"], on_click=select,
                  args=(p["id"], ss["src_doc"]), icon=":material/article:")
