"""Policy instruments: which instrument works best, and at what public cost?

Every change of a level re-solves the plant's model, built once per session for
the instruments switched on (:class:`mitigation.policy.live.LiveComparison`), and
redraws the comparison with the reference.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import pandas as pd
import streamlit as st
import yaml

from mitigation.app import charts, loaders
from mitigation.app.errors import show_error
from mitigation.app.footprint import choose
from mitigation.app.names import file_name, plant_name
from mitigation.app.state import bound, get, percent_shown, put, share_stored, t
from mitigation.exceptions import MitigationError
from mitigation.inputs.policy import Instruments
from mitigation.inputs.scenario import Scenario
from mitigation.policy.live import (
    ALLOCATIONS,
    SWITCH_LEVELS,
    SWITCHES,
    LiveComparison,
    PolicySettings,
    scenario_with,
    scenario_yaml,
    settings_from,
)

IMPORTED = "imported"
LIVE = "pol.live"  # session key of the models built in this session
KEPT_MODELS = 4
DEFAULT_PLANT = "cement_guangdong"

# Level: (widget, lowest, highest, step, shown as a percentage)
LEVEL_WIDGETS = {
    "carbon_price_cny_per_t": ("slider", 0.0, 3000.0, 0.5, False),
    "free_allocation_kg_per_fu": ("number", 0.0, None, 1.0, False),
    "subsidy_share": ("slider", 0.0, 100.0, 1.0, True),
    "reward_cny_per_tce": ("slider", 0.0, 2000.0, 10.0, False),
    "surcharge_cny_per_kwh": ("slider", 0.0, 1.0, 0.01, False),
    "standard_kg_per_fu": ("number", 0.0, None, 1.0, False),
    "label_threshold_kg_per_fu": ("number", 0.0, None, 1.0, False),
    "label_premium_cny_per_fu": ("number", 0.0, None, 1.0, False),
    "loan_rate": ("slider", 0.0, 20.0, 0.1, True),
    "hurdle_rate": ("slider", 0.0, 50.0, 0.5, True),
    "max_payback_years": ("slider", 0.5, 20.0, 0.1, False),
    "capital_budget_mcny": ("number", 0.0, None, 1.0, False),
}
BARRIERS = ("hurdle_rate", "max_payback", "capital_budget")
METRICS = (
    ("abatement_t", "unit.t", 0),
    ("enterprise_cost_mcny", "unit.mcny", 2),
    ("public_cost_mcny", "unit.mcny", 2),
    ("public_cost_cny_per_t", "unit.cny_per_t", 1),
    ("social_cost_cny_per_t", "unit.cny_per_t", 1),
    ("free_rider_share", "unit.share", 1),
)


@dataclass(frozen=True)
class Evaluation:
    """The current settings solved and compared with the reference."""

    plant: str
    reference: Scenario
    reference_yaml: str
    settings: PolicySettings
    scenario: Scenario
    summary: pd.DataFrame
    periods: dict[str, pd.Series]
    target: pd.Series
    seconds: float


def reference_scenario() -> tuple[Scenario, str]:
    """The reference of the chosen plant and its YAML."""
    if get("pol.plant") == IMPORTED and get("pol.imported_yaml"):
        text = get("pol.imported_yaml")
        return loaders.scenario_from_text(text, "imported.yaml"), text
    relative = f"scenarios/policy/{get('pol.plant')}/reference.yaml"
    reference = loaders.scenario(relative)
    return reference, scenario_yaml(reference)


def as_reference(scenario: Scenario) -> Scenario:
    """An imported scenario as a reference: its plant and barriers, no instruments."""
    return scenario.model_copy(update={"instruments": Instruments(), "targets": None})


def put_settings(settings: PolicySettings) -> None:
    """Set every policy value from ``settings``; the widgets follow."""
    for switch in SWITCHES:
        put(f"pol.sw.{switch}", switch in settings.on)
    for level, value in settings.levels.items():
        put(f"pol.lv.{level}", float(value))
    put("pol.allocation", settings.allocation)
    put("pol.scopes", list(settings.covered_scopes))
    put("pol.tenor", float(settings.loan_tenor_years))
    put("pol.template", settings.template)


def current_settings() -> PolicySettings:
    levels = {name: get(f"pol.lv.{name}") for name in LEVEL_WIDGETS}
    return PolicySettings(
        frozenset(s for s in SWITCHES if get(f"pol.sw.{s}")),
        {k: v for k, v in levels.items() if v is not None},
        get("pol.allocation", "baseline"),
        tuple(get("pol.scopes", [1])),
        get("pol.tenor", 10.0),
        get("pol.template", Instruments()),
    )


def settings_record() -> dict:
    """The policy values as saved in the store (JSON keeps every float exactly)."""
    settings = current_settings()
    return {
        "plant": get("pol.plant"),
        "on": sorted(settings.on),
        "levels": dict(settings.levels),
        "allocation": settings.allocation,
        "covered_scopes": list(settings.covered_scopes),
        "loan_tenor_years": settings.loan_tenor_years,
        "template_yaml": yaml.safe_dump(
            settings.template.model_dump(exclude_defaults=True), allow_unicode=True
        ),
    }


def put_record(record: dict, reference_yaml: str) -> None:
    """Set the policy values from a saved record (the reverse of settings_record)."""
    put("pol.plant", record["plant"])
    if record["plant"] == IMPORTED:
        put("pol.imported_yaml", reference_yaml)
    put_settings(
        PolicySettings(
            frozenset(record["on"]),
            record["levels"],
            record["allocation"],
            tuple(record["covered_scopes"]),
            record["loan_tenor_years"],
            Instruments(**(yaml.safe_load(record.get("template_yaml", "")) or {})),
        )
    )


def start_from(relative: str) -> None:
    """Take the instruments of a shipped scenario file (a button's callback)."""
    settings, _ = settings_from(loaders.scenario(relative), loaders.factors())
    put_settings(settings)


def ensure_defaults() -> None:
    plants = list(loaders.policy_plants())
    if get("pol.plant") not in [*plants, IMPORTED]:
        put("pol.plant", default_plant(plants))
    if get("pol.sw.carbon_price") is None:
        reference, _ = reference_scenario()
        put_settings(settings_from(reference, loaders.factors())[0])


def default_plant(plants: list[str]) -> str:
    return DEFAULT_PLANT if DEFAULT_PLANT in plants else plants[0]


def plant_ui() -> str:
    plants = list(loaders.policy_plants())
    options = [*plants, IMPORTED] if get("pol.imported_yaml") else plants
    names = {
        p: plant_name(loaders.scenario(f"scenarios/policy/{p}/reference.yaml"))
        for p in plants
    }
    if get("pol.imported_yaml"):
        imported = loaders.scenario_from_text(get("pol.imported_yaml"), "imported.yaml")
        names[IMPORTED] = imported.name
    plant = choose(
        "pol.plant", t("common.plant"), options, default_plant(plants), names
    )
    if plant != IMPORTED:
        files = loaders.policy_plants()[plant]
        left, right = st.columns([3, 1])
        with left:
            stem = choose(
                "pol.start",
                t("pol.start"),
                files,
                "reference",
                {
                    f: file_name(
                        loaders.scenario(f"scenarios/policy/{plant}/{f}.yaml"), f
                    )
                    for f in files
                },
            )
        with right:
            st.button(
                t("pol.start_button"),
                key="pol.start_button",
                on_click=start_from,
                args=(f"scenarios/policy/{plant}/{stem}.yaml",),
            )
    return plant


def level_ui(level: str) -> float:
    kind, low, high, step, percent = LEVEL_WIDGETS[level]
    widget = st.slider if kind == "slider" else st.number_input
    options = {"min_value": low, "step": step}
    if high is not None:
        options["max_value"] = high
    if percent:
        return bound(
            widget,
            f"pol.lv.{level}",
            t(f"lv.{level}"),
            0.0,
            shown=percent_shown,
            stored=share_stored,
            **options,
        )
    return bound(
        widget,
        f"pol.lv.{level}",
        t(f"lv.{level}"),
        0.0,
        shown=float,
        stored=float,
        **options,
    )


def settings_ui(baseline_kg: float) -> PolicySettings:
    """Switches and levels of every instrument and barrier."""
    st.subheader(t("pol.instruments"))
    for switch in SWITCHES:
        if switch == BARRIERS[0]:
            st.subheader(t("pol.barriers"))
        on = bound(st.toggle, f"pol.sw.{switch}", t(f"sw.{switch}"), False)
        if not on:
            continue
        for level in SWITCH_LEVELS[switch]:
            if level.endswith("_kg_per_fu") and not get(f"pol.lv.{level}"):
                put(f"pol.lv.{level}", float(round(baseline_kg)))
            level_ui(level)
        if switch == "carbon_price":
            allocation_ui()
        if switch == "green_loan":
            bound(
                st.number_input,
                "pol.tenor",
                t("lv.loan_tenor_years"),
                10.0,
                shown=float,
                stored=float,
                min_value=1.0,
                max_value=40.0,
                step=1.0,
            )
    return current_settings()


def allocation_ui() -> None:
    allocation = choose(
        "pol.allocation",
        t("lv.allocation"),
        list(ALLOCATIONS),
        "baseline",
        {a: t(f"alloc.{a}") for a in ALLOCATIONS},
    )
    if allocation == "benchmark":
        level_ui("free_allocation_kg_per_fu")
    bound(
        st.multiselect,
        "pol.scopes",
        t("lv.covered_scopes"),
        [1],
        options=[1, 2, 3],
        format_func={s: t(f"scope.{s}") for s in (1, 2, 3)}.get,
    )


def live_model(
    reference: Scenario, key: str, settings: PolicySettings
) -> LiveComparison:
    """This session's model for the reference and the instruments switched on."""
    models = st.session_state.setdefault(LIVE, {})
    wanted = (key, settings.structure)
    if wanted not in models:
        while len(models) >= KEPT_MODELS:
            models.pop(next(iter(models)))
        models[wanted] = LiveComparison(reference, settings, loaders.root(), key)
    return models[wanted]


def evaluate() -> Evaluation:
    """Solve the current settings against the reference (re-solving if built)."""
    ensure_defaults()
    reference, text = reference_scenario()
    if get("pol.plant") == IMPORTED:
        reference = as_reference(reference)
    settings = current_settings()
    return evaluate_settings(reference, text, settings)


def evaluate_settings(
    reference: Scenario, text: str, settings: PolicySettings
) -> Evaluation:
    started = time.perf_counter()
    live = live_model(reference, f"{get('pol.plant')}:{hash(text)}", settings)
    outcome = live.outcome(dict(settings.levels), t("common.current"))
    summary = live.comparison(outcome)["summary"]
    summary = add_label_year(summary, live, outcome)
    periods = {
        t("common.reference"): live.reference_outcome.pathway.periods[
            "intensity_kg_per_fu"
        ],
        t("common.current"): outcome.pathway.periods["intensity_kg_per_fu"],
    }
    target = outcome.pathway.periods["standard_kg_per_fu"]
    return Evaluation(
        get("pol.plant"),
        reference,
        text,
        settings,
        scenario_with(reference, settings, reference.name),
        summary,
        periods,
        target,
        time.perf_counter() - started,
    )


def add_label_year(summary: pd.DataFrame, live, outcome) -> pd.DataFrame:
    """First year at or under the label threshold: the premium's, else the product's
    threshold of data/label_thresholds.csv, if it has one."""
    if outcome.data.economics.label is not None:
        return summary
    scenario = live.reference
    table = loaders.label_thresholds()
    grade = outcome.pathway.grade
    rows = table[(table["product"] == scenario.product) & (table["grade"] == grade)]
    if rows.empty:
        return summary
    threshold = float(rows.iloc[0]["value"])
    summary = summary.copy()
    for name, pathway in (
        (live.reference_outcome.name, live.reference_outcome.pathway),
        (outcome.name, outcome.pathway),
    ):
        met = pathway.periods.index[
            pathway.periods["intensity_kg_per_fu"] <= threshold + 1e-9
        ]
        summary.loc[name, "first_labelled_year"] = int(met[0]) if len(met) else None
    return summary


def shown_value(column: str, value: object, digits: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if column == "free_rider_share":
        return f"{value * 100:.{digits}f} %"
    return f"{value:,.{digits}f}"


def comparison_ui(evaluation: Evaluation) -> None:
    st.subheader(t("pol.comparison"))
    summary = evaluation.summary
    reference_row, current_row = summary.iloc[0], summary.iloc[1]
    columns = [*st.columns(4), *st.columns(4)]
    for column, (name, unit, digits) in zip(columns, METRICS, strict=False):
        value = current_row[name]
        before = reference_row[name]
        delta = None
        if (
            name != "abatement_t"
            and isinstance(value, float)
            and isinstance(before, float)
        ):
            change = value - before
            if not math.isnan(change) and round(change, digits) != 0:
                delta = f"{change:+,.{digits}f}"
        column.metric(
            f"{t(f'm.{name}')} ({t(unit)})",
            shown_value(name, value, digits),
            delta=delta,
            delta_color="inverse",
        )
    year = current_row["first_labelled_year"]
    columns[len(METRICS)].metric(
        t("m.first_labelled_year"),
        t("pol.never")
        if year is None or (isinstance(year, float) and math.isnan(year))
        else str(int(year)),
    )
    left, right = st.columns(2)
    names = {
        summary.index[0]: t("common.reference"),
        summary.index[1]: t("common.current"),
    }
    left.plotly_chart(
        charts.intensity_chart(
            evaluation.periods, evaluation.target, t("pol.chart_title")
        ),
        key="pol.intensity",
    )
    right.plotly_chart(charts.comparison_bars(summary, names), key="pol.bars")
    shown = (
        summary.drop(columns=["instruments"])
        .rename(index=names, columns={c: t(f"m.{c}") for c in summary.columns})
        .rename_axis(t("common.scenario"))
    )
    st.dataframe(shown.round(1), key="pol.table")
    st.caption(t("pol.solve_time", ms=f"{evaluation.seconds * 1000:.0f}"))


def policy_page() -> None:
    st.header(t("pol.heading"))
    ensure_defaults()
    plant_ui()
    try:
        reference, _ = reference_scenario()
        baseline = loaders.baseline_footprint(
            reference.product,
            reference.grade or loaders.products()[reference.product].default_grade,
            reference.region,
            reference.plant_type,
            reference.grid_basis,
        )["total_kg"]
    except MitigationError as err:
        show_error(err)
        return
    controls, results = st.columns([1, 2.4])
    with controls:
        settings_ui(baseline)
    with results:
        try:
            evaluation = evaluate()
        except MitigationError as err:
            show_error(err)
            return
        st.session_state["pol.evaluation"] = evaluation
        comparison_ui(evaluation)
