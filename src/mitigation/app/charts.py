"""Plotly figures of the pages, every title and axis in the session's language."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from mitigation.app.i18n import named
from mitigation.app.state import language, t

COST_KINDS = (
    "purchases_cny_per_yr",
    "surcharges_cny_per_yr",
    "option_variable_cny_per_yr",
    "fixed_om_cny_per_yr",
    "capital_annuity_cny_per_yr",
    "carbon_payments_cny_per_yr",
)


def process_names(spec) -> dict[str, str]:
    lang = language()
    return {k: named(p.label or k, p.label_zh, lang) for k, p in spec.processes.items()}


def adoption_chart(adoption: pd.DataFrame, spec) -> go.Figure:
    names = process_names(spec)
    figure = go.Figure()
    for option, shares in adoption.iterrows():
        figure.add_scatter(
            x=list(shares.index),
            y=shares.to_numpy() * 100.0,
            mode="lines+markers",
            name=names.get(option, option),
            line_shape="hv",
        )
    figure.update_layout(
        title=t("opt.adoption_title"),
        legend={"orientation": "h", "yanchor": "top", "y": -0.25},
        xaxis_title=t("common.year"),
        yaxis_title=f"{t('opt.share')} (%)",
        height=480,
    )
    return figure


def intensity_chart(
    series: dict[str, pd.Series], target: pd.Series | None, title: str = ""
) -> go.Figure:
    figure = go.Figure()
    for name, values in series.items():
        figure.add_scatter(
            x=list(values.index), y=values.to_numpy(), mode="lines+markers", name=name
        )
    if target is not None and target.notna().any():
        figure.add_scatter(
            x=list(target.index),
            y=target.to_numpy(),
            mode="lines",
            name=t("opt.target"),
            line={"dash": "dash", "color": "black"},
            line_shape="hv",
        )
    figure.update_layout(
        title=title or t("opt.intensity_title"),
        xaxis_title=t("common.year"),
        yaxis_title=f"{t('common.unit_kg')} / {t('fp.per_fu')}",
        height=380,
    )
    return figure


def cost_chart(periods: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    for kind in COST_KINDS:
        if kind in periods and (periods[kind].abs() > 0).any():
            figure.add_bar(
                x=list(periods.index), y=periods[kind], name=t(f"cost.{kind}")
            )
    figure.update_layout(
        barmode="relative",
        title=t("opt.costs_title"),
        xaxis_title=t("common.year"),
        yaxis_title=t("opt.cny_per_yr"),
        height=380,
    )
    return figure


def option_macc_chart(options: pd.DataFrame, spec) -> go.Figure:
    """Bars as wide as each option's potential, as high as its cost per t."""
    names = process_names(spec)
    abating = options[options["abates"]].sort_values("cost_cny_per_t")
    widths = abating["potential_t_per_yr"].to_numpy()
    starts = widths.cumsum() - widths
    figure = go.Figure(
        go.Bar(
            x=starts + widths / 2,
            y=abating["cost_cny_per_t"],
            width=widths,
            text=[names.get(o, o) for o in abating.index],
            hovertext=[names.get(o, o) for o in abating.index],
        )
    )
    figure.update_layout(
        title=t("opt.macc_option_title"),
        xaxis_title=t("opt.abatement_t"),
        yaxis_title=t("opt.cny_per_t"),
        height=400,
    )
    return figure


def optimisation_macc_chart(steps: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    if not steps.empty:
        widths = steps["abatement_t_per_yr"].to_numpy()
        starts = steps["cumulative_t_per_yr"].to_numpy() - widths
        figure.add_bar(
            x=starts + widths / 2,
            y=steps["price_cny_per_t"],
            width=widths,
            hovertext=steps["options"],
        )
    figure.update_layout(
        title=t("opt.macc_optim_title"),
        xaxis_title=t("opt.abatement_t"),
        yaxis_title=t("opt.cny_per_t"),
        height=400,
    )
    return figure


def comparison_bars(summary: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Enterprise, public and resource cost of each scenario, side by side."""
    figure = go.Figure()
    for column in ("enterprise_cost_mcny", "public_cost_mcny", "resource_cost_mcny"):
        figure.add_bar(
            x=[names.get(s, s) for s in summary.index],
            y=summary[column],
            name=t(f"m.{column}"),
        )
    figure.update_layout(
        barmode="group",
        title=t("pol.bars_title"),
        yaxis_title=t("unit.mcny"),
        height=380,
    )
    return figure


def saved_chart(table: pd.DataFrame) -> go.Figure:
    """Abatement beside enterprise and public cost of each saved scenario."""
    figure = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            f"{t('m.abatement_t')} ({t('unit.t')})",
            f"{t('pol.bars_title')} ({t('unit.mcny')})",
        ),
    )
    names = [str(n) for n in table.index]
    figure.add_bar(
        x=names, y=table["abatement_t"], name=t("m.abatement_t"), row=1, col=1
    )
    for column in ("enterprise_cost_mcny", "public_cost_mcny"):
        figure.add_bar(x=names, y=table[column], name=t(f"m.{column}"), row=1, col=2)
    figure.update_layout(title=t("ws.compare_title"), barmode="group", height=420)
    return figure
