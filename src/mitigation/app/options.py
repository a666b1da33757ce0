"""Options and pathway: which options, and when, under a scenario's targets?"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from mitigation.app import charts, loaders
from mitigation.app.errors import show_error
from mitigation.app.footprint import choose
from mitigation.app.names import plant_name
from mitigation.app.state import bound, t
from mitigation.exceptions import MitigationError

CATALOGUE_COLUMNS = [
    "option",
    "parameter",
    "region",
    "value",
    "unit",
    "source",
    "read_in",
]
PERIOD_COLUMNS = [
    "intensity_kg_per_fu",
    "target_kg_per_fu",
    "abatement_t_per_yr",
    "total_cost_cny_per_yr",
    "capital_annuity_cny_per_yr",
    "shadow_price_cny_per_t",
]


@dataclass(frozen=True)
class PathwayChoice:
    scenario: str  # path under the project folder
    target_scale: float  # 1.0 is the scenario's own targets


def options_ui() -> PathwayChoice:
    stems = loaders.shipped_scenarios()
    stem = choose(
        "opt.scenario",
        t("opt.scenario"),
        stems,
        "cement_guangdong" if "cement_guangdong" in stems else stems[0],
        {s: plant_name(loaders.scenario(f"scenarios/{s}.yaml")) for s in stems},
    )
    scale = bound(
        st.number_input,
        "opt.target_scale",
        t("opt.target_scale"),
        1.0,
        shown=lambda v: round(v * 100.0, 10),
        stored=lambda p: round(p / 100.0, 12),
        min_value=1.0,
        max_value=200.0,
        step=1.0,
    )
    return PathwayChoice(f"scenarios/{stem}.yaml", scale)


def options_page() -> None:
    st.header(t("opt.heading"))
    choice = options_ui()
    scenario = loaders.scenario(choice.scenario)
    spec = loaders.products()[scenario.product]
    st.subheader(t("opt.catalogue"))
    table = loaders.options_table(scenario.product)[CATALOGUE_COLUMNS].copy()
    names = charts.process_names(spec)
    table["option"] = table["option"].map(lambda o: names.get(o, o))
    st.dataframe(
        table.rename(
            columns={
                c: t(f"col.{c}") if c != "option" else t("common.option")
                for c in CATALOGUE_COLUMNS
            }
        ),
        hide_index=True,
        height=260,
    )
    try:
        pathway = loaders.pathway(choice.scenario, choice.target_scale)
    except MitigationError as err:
        show_error(err)
        return
    first, second = st.columns(2)
    first.metric(t("opt.cost"), f"{pathway.total_cost_mcny:,.1f} {t('opt.mcny')}")
    second.metric(
        t("opt.baseline"), f"{pathway.baseline.total_kg:,.1f} {t('common.kg_short')}"
    )
    left, right = st.columns(2)
    with left:
        if pathway.adoption.empty:
            st.info(t("opt.no_adoption"))
        else:
            st.plotly_chart(
                charts.adoption_chart(pathway.adoption, spec), key="opt.adoption"
            )
    with right:
        periods = pathway.periods
        st.plotly_chart(
            charts.intensity_chart(
                {t("opt.intensity"): periods["intensity_kg_per_fu"]},
                periods["target_kg_per_fu"],
            ),
            key="opt.intensity",
        )
    st.plotly_chart(charts.cost_chart(pathway.periods), key="opt.costs")
    st.subheader(t("opt.periods"))
    periods = pathway.periods[PERIOD_COLUMNS].round(2)
    st.dataframe(
        periods.rename(columns={c: t(f"col.{c}") for c in PERIOD_COLUMNS}).rename_axis(
            t("common.year")
        )
    )
    macc_ui(choice.scenario, spec)


def macc_ui(relative: str, spec) -> None:
    st.subheader(t("opt.macc_heading"))
    st.caption(t("opt.macc_note"))
    wanted = st.session_state.get("v.opt.macc_for") == relative
    if st.button(t("opt.macc_button"), key="opt.macc_button"):
        st.session_state["v.opt.macc_for"] = relative
        wanted = True
    if not wanted:
        return
    try:
        options, steps = loaders.abatement_curves(relative)
    except MitigationError as err:
        show_error(err)
        return
    left, right = st.columns(2)
    left.plotly_chart(charts.option_macc_chart(options, spec), key="opt.macc_options")
    right.plotly_chart(charts.optimisation_macc_chart(steps), key="opt.macc_optim")
