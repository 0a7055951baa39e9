"""The plan page: a table of activities and amounts, checked against the rules and the cap."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from assistant.common.formatting import format_dkk
from ui.client import ApiClient, ApiError
from ui.plan_file import PlanFileError, read_plan_file
from ui.plan_view import PLAN_ID, cap_chart, items_html, result_csv
from ui.render import badge, plain, source_cards
from ui.texts import CATEGORIES, t

lang: str = st.session_state.get("lang", "da")
check_lang: str = st.session_state.get("answer_lang") or lang
as_of: dt.date | None = st.session_state.get("as_of")
client = ApiClient.from_env()
ACT, CAT, AMT = t("activity", lang), t("category", lang), t("amount", lang)
LABELS = {cid: names[lang] for cid, names in CATEGORIES.items()}
BY_LABEL = {label: cid for cid, label in LABELS.items()}


def read_plan(name: str, data: bytes) -> pd.DataFrame:
    return read_plan_file(name, data, lang)


def empty_plan() -> pd.DataFrame:
    return pd.DataFrame({ACT: ["", "", ""], CAT: [LABELS[""]] * 3, AMT: [0.0, 0.0, 0.0]})


st.title(t("plan", lang))
grant = st.number_input(t("grant", lang), min_value=0.0, step=50_000.0, format="%.0f",
                        key="grant")
if grant:
    st.caption(format_dkk(grant, lang))
upload = st.file_uploader(t("upload", lang), type=["csv", "xlsx"])
if upload is not None and st.session_state.get("uploaded") != upload.file_id:
    try:
        st.session_state["plan_df"] = read_plan(upload.name, upload.getvalue())
        st.session_state["uploaded"] = upload.file_id
    except PlanFileError as exc:  # every file it cannot read, with the reason
        st.error(t("upload_bad", lang).format(why=exc))
plan_df: pd.DataFrame = st.session_state.get("plan_df")
if plan_df is None or list(plan_df.columns) != [ACT, CAT, AMT]:
    plan_df = empty_plan()
edited = st.data_editor(
    plan_df, num_rows="dynamic", width="stretch", key="plan_editor",
    column_config={
        # Widths that add up to the centred page, so the amount column is never cut off.
        ACT: st.column_config.TextColumn(ACT, max_chars=500, width=320),
        CAT: st.column_config.SelectboxColumn(CAT, options=list(LABELS.values()),
                                              default=LABELS[""], width=205),
        AMT: st.column_config.NumberColumn(AMT, min_value=0, step=1000, format="localized",
                                           width=115),
    })

if st.button(t("check", lang), type="primary", key="check_plan"):
    items = [{"description": str(r[ACT]).strip(), "amount_dkk": float(r[AMT] or 0),
              **({"category": BY_LABEL[r[CAT]]} if BY_LABEL.get(r[CAT]) else {})}
             for _, r in edited.iterrows() if str(r[ACT] or "").strip()]
    if not grant:
        st.warning(t("no_grant", lang))
    elif not items:
        st.warning(t("empty_plan", lang))
    else:
        try:
            st.session_state["plan_result"] = client.check_plan(grant, items, check_lang,
                                                                 as_of)
        except ApiError as exc:
            st.error(exc.text(lang))

result: dict[str, Any] | None = st.session_state.get("plan_result")
if result:
    st.markdown(badge(result["verdict"], lang))
    st.markdown(plain(result["cap_explanation"]))
    st.html(items_html(result, lang))
    if result["fixes"]:
        st.markdown(f"**{t('fixes', lang)}**")
        st.markdown("\n".join(f"- {plain(f)}" for f in result["fixes"]))
    else:
        st.success(t("plan_ok", lang))
    st.markdown(f"**{t('cap_chart', lang)}**")
    st.altair_chart(cap_chart(result, lang), width="stretch")
    st.download_button(t("download", lang), result_csv(result, lang),
                       file_name="plan-tjek.csv", mime="text/csv", key="download_plan")
    if result["citations"]:
        st.markdown(f"**{t('sources_head', lang)}**")
        st.html(source_cards(result["citations"], PLAN_ID, lang, t("open_source", lang)))
