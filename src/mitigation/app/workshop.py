"""Workshop: save the current scenario, load it back, compare saved ones, and move
scenarios in and out as the YAML the command line reads."""

from __future__ import annotations

import io
import math

import pandas as pd
import streamlit as st

from mitigation.app import charts, loaders
from mitigation.app.errors import show_error
from mitigation.app.policy import (
    IMPORTED,
    evaluate,
    put_record,
    put_settings,
    settings_record,
)
from mitigation.app.state import get, put, t
from mitigation.exceptions import MitigationError
from mitigation.policy.live import scenario_yaml, settings_from
from mitigation.store import Store

MAX_COMPARED = 6
SUMMARY_COLUMNS = (
    "abatement_t",
    "enterprise_cost_mcny",
    "public_cost_mcny",
    "resource_cost_mcny",
    "public_cost_cny_per_t",
    "social_cost_cny_per_t",
    "free_rider_share",
    "first_labelled_year",
)


@st.cache_resource
def store(path: str | None = None) -> Store:
    return Store(path)


def plain(value: object) -> object:
    """A value as JSON keeps it: numbers stay numbers, NaN becomes None."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def results_record(evaluation) -> dict:
    row = evaluation.summary.iloc[1]
    return {
        "summary": {c: plain(row[c]) for c in SUMMARY_COLUMNS},
        "intensity_kg_per_fu": {
            str(y): plain(v) for y, v in list(evaluation.periods.values())[1].items()
        },
    }


def save_current(name: str) -> None:
    """Solve the current settings and save them with their results (a callback)."""
    st.session_state["ws.message"] = None
    if not name.strip():
        st.session_state["ws.message"] = ("warning", t("ws.name_missing"))
        return
    try:
        evaluation = evaluate()
        store().save(
            name.strip(),
            scenario_yaml(
                evaluation.scenario.model_copy(update={"name": name.strip()})
            ),
            evaluation.reference_yaml,
            settings_record(),
            results_record(evaluation),
        )
    except MitigationError as err:
        st.session_state["ws.error"] = err
        return
    st.session_state["ws.message"] = ("success", t("ws.saved", name=name.strip()))


def load_saved(name: str) -> None:
    saved = store().load(name)
    put_record(saved.settings, saved.reference_yaml)
    st.session_state["ws.message"] = ("success", t("ws.loaded", name=name))


def import_yaml(upload) -> None:
    """Read an uploaded scenario as the command line would, and take it over."""
    try:
        text = upload.getvalue().decode("utf-8")
        scenario = loaders.scenario_from_text(text, upload.name)
        settings, simplified = settings_from(scenario, loaders.factors())
        loaders.scenario_from_text(text, upload.name)
    except UnicodeDecodeError:
        from mitigation.exceptions import input_error

        show_error(input_error(upload.name, "not UTF-8 text", "save the file as UTF-8"))
        return
    except MitigationError as err:
        show_error(err)
        return
    put("pol.plant", IMPORTED)
    put("pol.imported_yaml", text)
    put_settings(settings)
    st.success(t("ws.imported", name=scenario.name))
    if simplified:
        st.info(t("ws.simplified", what=", ".join(simplified)))


def comparison_table(names: list[str]) -> pd.DataFrame:
    """Summary rows of saved scenarios; a record without one shows empty cells."""
    rows = {name: store().load(name).results.get("summary", {}) for name in names}
    table = pd.DataFrame.from_dict(rows, orient="index")
    return table.reindex(columns=list(SUMMARY_COLUMNS))


def excel_bytes(table: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.rename_axis("scenario").to_excel(writer, sheet_name="comparison")
    return buffer.getvalue()


def save_ui() -> None:
    st.text_input(t("ws.name"), key="v.ws.name")
    st.button(
        t("ws.save"),
        key="ws.save",
        on_click=lambda: save_current(get("ws.name", "")),
    )
    message = st.session_state.get("ws.message")
    if message:
        getattr(st, message[0])(message[1])
    error = st.session_state.pop("ws.error", None)
    if error is not None:
        show_error(error)


def load_ui(names: list[str]) -> None:
    st.subheader(t("ws.load_heading"))
    if not names:
        st.info(t("ws.none_saved"))
        return
    chosen = st.selectbox(t("ws.choose"), names, key="w.ws.choose")
    st.button(t("ws.load"), key="ws.load", on_click=load_saved, args=(chosen,))


def compare_ui(names: list[str]) -> None:
    if not names:
        return
    kept = [n for n in get("ws.compared", []) if n in names]
    put("ws.compared", kept or names[-MAX_COMPARED:])
    from mitigation.app.state import bound

    chosen = bound(
        st.multiselect,
        "ws.compared",
        t("ws.compare"),
        names[-MAX_COMPARED:],
        options=names,
        max_selections=MAX_COMPARED,
    )
    if not chosen:
        return
    table = comparison_table(chosen)
    shown = table.rename(columns={c: t(f"m.{c}") for c in table.columns})
    shown = shown.rename_axis(t("common.scenario"))
    st.dataframe(shown.round(1), key="ws.table")
    st.plotly_chart(charts.saved_chart(table), key="ws.chart")
    st.download_button(
        t("ws.excel"),
        excel_bytes(table),
        file_name="comparison.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="ws.excel",
    )


def yaml_ui() -> None:
    st.subheader(t("ws.yaml_heading"))
    try:
        evaluation = evaluate()
    except MitigationError as err:
        show_error(err)
    else:
        st.download_button(
            t("ws.export_yaml"),
            scenario_yaml(evaluation.scenario),
            file_name="scenario.yaml",
            mime="application/x-yaml",
            key="ws.export_yaml",
        )
    upload = st.file_uploader(
        t("ws.import_yaml"), type=["yaml", "yml"], key="ws.import"
    )
    if upload is not None and st.session_state.get("ws.imported_id") != upload.file_id:
        st.session_state["ws.imported_id"] = upload.file_id
        import_yaml(upload)


def workshop_page() -> None:
    st.header(t("ws.heading"))
    try:
        names = store().names()
    except MitigationError as err:
        show_error(err)
        return
    st.caption(f"{t('ws.store')}: {store().path}")
    left, right = st.columns(2)
    with left:
        save_ui()
    with right:
        load_ui(names)
    compare_ui(names)
    yaml_ui()
