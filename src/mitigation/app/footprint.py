"""Footprint and label: what is my footprint, and do I qualify for the label?"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from mitigation.app import loaders
from mitigation.app.errors import show_error
from mitigation.app.i18n import named
from mitigation.app.state import bound, get, language, put, t
from mitigation.exceptions import MitigationError

SCOPE_COLOURS = {1: "#8c564b", 2: "#1f77b4", 3: "#7f7f7f"}


@dataclass(frozen=True)
class FootprintChoice:
    product: str
    grade: str
    region: str
    plant_type: str | None
    grid_basis: str
    unit: str  # "kg" or "t": how emissions are shown, never how they are stored


def choose(name: str, label: str, options: list, default, names: dict) -> object:
    """A selectbox bound to ``name``; a value no longer offered falls back."""
    if get(name) not in options:
        put(name, default)
    return bound(
        st.selectbox,
        name,
        label,
        default,
        options=options,
        format_func=lambda o: names.get(o, str(o)),
    )


def footprint_ui() -> FootprintChoice:
    lang = language()
    models = loaders.products()
    columns = st.columns(4)
    with columns[0]:
        product = choose(
            "fp.product",
            t("common.product"),
            list(models),
            "cement",
            {k: named(m.label, m.label_zh, lang) for k, m in models.items()},
        )
    spec = models[product]
    with columns[1]:
        grade = choose(
            "fp.grade",
            t("common.grade"),
            list(spec.grades),
            spec.default_grade,
            {k: named(g.label, g.label_zh, lang) for k, g in spec.grades.items()},
        )
    regions = loaders.factors().regions
    with columns[2]:
        region = choose(
            "fp.region",
            t("common.region"),
            list(regions),
            "guangdong",
            {k: named(r.label, r.label_zh, lang) for k, r in regions.items()},
        )
    plant_type = None
    if spec.plant_types:
        with columns[3]:
            plant_type = choose(
                "fp.plant_type",
                t("common.plant_type"),
                list(spec.plant_types),
                spec.default_plant_type or next(iter(spec.plant_types)),
                {
                    k: named(p.label, p.label_zh, lang)
                    for k, p in spec.plant_types.items()
                },
            )
    left, right = st.columns(2)
    with left:
        grid_basis = choose(
            "fp.grid_basis",
            t("fp.grid_basis"),
            ["latest", "regional_2012"],
            "latest",
            {
                "latest": t("fp.grid.latest"),
                "regional_2012": t("fp.grid.regional_2012"),
            },
        )
    with right:
        unit = choose(
            "fp.unit",
            t("common.display_unit"),
            ["kg", "t"],
            "kg",
            {"kg": t("common.unit_kg"), "t": t("common.unit_t")},
        )
    return FootprintChoice(product, grade, region, plant_type, grid_basis, unit)


def footprint_page() -> None:
    st.header(t("fp.heading"))
    choice = footprint_ui()
    try:
        result = loaders.baseline_footprint(
            choice.product,
            choice.grade,
            choice.region,
            choice.plant_type,
            choice.grid_basis,
        )
    except MitigationError as err:
        show_error(err)
        return
    spec = loaders.products()[choice.product]
    scale = 1.0 if choice.unit == "kg" else 0.001
    unit = t("common.kg_short") if choice.unit == "kg" else t("common.t_short")
    left, right = st.columns([2, 1])
    with left:
        st.plotly_chart(
            stage_chart(result["by_stage_scope"], spec, scale, unit), key="fp.chart"
        )
    with right:
        st.metric(
            f"{t('fp.total')} ({t('fp.functional_unit')}: {result['functional_unit']})",
            f"{result['total_kg'] * scale:,.{3 if scale < 1 else 1}f} {unit}",
        )
        st.metric(t("fp.energy"), f"{result['energy_kgce']:,.2f} kgce")
        label_ui(choice, result["total_kg"], scale, unit)
    st.subheader(t("fp.table"))
    st.dataframe(
        stage_table(result["by_stage_scope"], spec, scale).round(4 if scale < 1 else 2)
    )
    quota_ui(choice.product)
    upload_ui()


def stage_names(spec) -> dict[str, str]:
    lang = language()
    return {
        k: named(v, spec.stages_zh.get(k, ""), lang) for k, v in spec.stages.items()
    }


def stage_chart(table: pd.DataFrame, spec, scale: float, unit: str) -> go.Figure:
    names = stage_names(spec)
    figure = go.Figure()
    for scope in table.columns:
        figure.add_bar(
            x=[names.get(s, s) for s in table.index],
            y=table[scope] * scale,
            name=t(f"scope.{scope}"),
            marker_color=SCOPE_COLOURS.get(scope),
        )
    figure.update_layout(
        barmode="stack",
        title=t("fp.chart_title"),
        yaxis_title=f"{unit} / {t('fp.per_fu')}",
        xaxis_title=t("common.stage"),
        legend_title=t("common.scope"),
        height=420,
    )
    return figure


def stage_table(table: pd.DataFrame, spec, scale: float) -> pd.DataFrame:
    names = stage_names(spec)
    shown = table * scale
    shown.index = [names.get(s, s) for s in shown.index]
    shown.columns = [t(f"scope.{c}") for c in shown.columns]
    shown.loc[t("fp.total_row")] = shown.sum(axis=0)
    shown.index.name = t("common.stage")
    return shown


def label_ui(choice: FootprintChoice, total_kg: float, scale: float, unit: str) -> None:
    st.subheader(t("fp.label_heading"))
    table = loaders.label_thresholds()
    rows = table[
        (table["product"] == choice.product) & (table["grade"] == choice.grade)
    ]
    if rows.empty:
        st.info(t("fp.no_threshold"))
        return
    row = rows.iloc[0]
    threshold = float(row["value"])
    gap = total_kg - threshold
    st.metric(t("fp.threshold"), f"{threshold * scale:,.1f} {unit}")
    st.metric(t("fp.distance"), f"{gap * scale:+,.1f} {unit}")
    if gap <= 0:
        st.success(t("fp.qualifies"))
    else:
        st.warning(t("fp.misses", gap=f"{gap * scale:,.1f}", unit=unit))
    st.caption(f"{t('fp.threshold_source')}: {row['source']}")


def quota_ui(product: str) -> None:
    st.subheader(t("fp.quota_heading"))
    table = loaders.quotas(product)
    if table.empty:
        st.info(t("fp.no_quota"))
        return
    shown = table[["standard", "indicator", "plant_class", "level", "value", "unit"]]
    shown = shown.rename(columns={c: t(f"col.{c}") for c in shown.columns})
    st.dataframe(shown, hide_index=True)


def upload_ui() -> None:
    """An enterprise's own activity data, in the template of ``mitigation template``
    (Excel or CSV), certified as the ``certify`` command does."""
    st.subheader(t("fp.upload_heading"))
    upload = st.file_uploader(t("fp.upload"), type=["csv", "xlsx"], key="w.fp.upload")
    if upload is None:
        return
    show_uploaded(upload.name, upload.getvalue())


def show_uploaded(name: str, content: bytes) -> None:
    """The footprint of an uploaded template and its verdict; problems in the page."""
    from mitigation.certification.check import certify
    from mitigation.certification.filled import read_uploaded

    try:
        filled = read_uploaded(name, content, loaders.root(), language())
        result = certify(loaders.root(), filled)
    except MitigationError as err:
        show_error(err)
        return
    spec = loaders.products()[filled.layout.product]
    unit = t("common.kg_short")
    left, right = st.columns([2, 1])
    with left:
        chart = stage_chart(result.footprint.by_stage_scope, spec, 1.0, unit)
        st.plotly_chart(chart, key="fp.own_chart")
    with right:
        st.metric(
            f"{t('fp.own_footprint')}: {filled.plant} {filled.year}",
            f"{result.footprint.total_kg:,.1f} {unit}",
        )
        if result.passed is None:
            st.info(t("fp.no_threshold"))
        elif result.certified:
            st.success(t("fp.qualifies"))
        elif result.passed:
            st.warning(t("fp.upload_gaps", count=len(result.gaps)))
        else:
            gap = -result.margin_kg_per_fu
            st.warning(t("fp.misses", gap=f"{gap:,.1f}", unit=unit))
    if result.gaps and not result.passed:
        st.warning(t("fp.upload_gaps", count=len(result.gaps)))
