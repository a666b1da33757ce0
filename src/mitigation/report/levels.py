"""Presenting break-even levels, calibrations and abatement cost curves."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from rich.table import Table

from mitigation.report.files import atomic_write


def _number(value, digits: int = 1, percent: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "never"
    if percent:
        return f"{value:.1%}"
    return f"{value:,.{digits}f}"


def break_even_table(frame: pd.DataFrame, columns: dict[str, tuple]) -> Table:
    """``columns`` maps a column of ``frame`` to (title, digits, percent)."""
    table = Table(
        title="Break-even levels: where each option enters the least-cost plan",
        caption=(
            "Levelised cost: the option alone against the plant as it is. Other "
            "columns: the lowest level of the instrument at which the optimiser "
            "adopts the option, the others in play; 'never': not up to the highest "
            "level searched."
        ),
    )
    table.add_column("Option", no_wrap=True)
    table.add_column("Adopted\nanyway")
    for _, (title, _, _) in columns.items():
        table.add_column(title, justify="right")
    for option, row in frame.iterrows():
        cells = [
            "n/a"
            if key == "levelised_cny_per_t" and pd.isna(row[key])
            else _number(row[key], digits, percent)
            for key, (_, digits, percent) in columns.items()
        ]
        table.add_row(str(option), "yes" if row["adopted_without"] else "", *cells)
    return table


def macc_tables(options: pd.DataFrame, steps: pd.DataFrame) -> list[Table]:
    first = Table(title="Option by option: each alone against the plant as it is")
    for title in ("Option", "CNY/t CO2e", "Potential t/yr"):
        first.add_column(title, justify="left" if title == "Option" else "right")
    apart = []
    for option, row in options.iterrows():
        if row["abates"]:
            first.add_row(
                str(option),
                _number(row["cost_cny_per_t"], 0),
                _number(row["potential_t_per_yr"], 0),
            )
        else:
            apart.append(f"{option} ({row['why']})")
    if apart:
        first.caption = "Not on the curve: " + "; ".join(apart)
    second = Table(
        title="From the optimisation: abatement as a price on the footprint rises",
        caption="Each step: the price at which it happens and the options that grow.",
    )
    for title in ("CNY/t CO2e", "Adds t/yr", "Cumulative t/yr", "Options"):
        second.add_column(title, justify="left" if title == "Options" else "right")
    for _, row in steps.iterrows():
        second.add_row(
            _number(row["price_cny_per_t"], 1),
            _number(row["abatement_t_per_yr"], 0),
            _number(row["cumulative_t_per_yr"], 0),
            row["options"],
        )
    return [first, second]


def macc_html(options: pd.DataFrame, steps: pd.DataFrame, title: str) -> str:
    """Both curves as bar charts whose widths are the abatement of each bar."""
    figure = make_subplots(
        rows=2,
        cols=1,
        subplot_titles=(
            "Option by option (each alone; widths may double count)",
            "From the optimisation (interactions counted)",
        ),
        vertical_spacing=0.15,
    )
    on_curve = options[options["abates"]]
    _width_bars(
        figure,
        1,
        on_curve["potential_t_per_yr"].tolist(),
        on_curve["cost_cny_per_t"].tolist(),
        [str(o) for o in on_curve.index],
    )
    if not steps.empty:
        _width_bars(
            figure,
            2,
            steps["abatement_t_per_yr"].tolist(),
            steps["price_cny_per_t"].tolist(),
            steps["options"].tolist(),
        )
    for row in (1, 2):
        figure.update_xaxes(title_text="abatement, t CO2e a year", row=row, col=1)
        figure.update_yaxes(title_text="CNY per t CO2e", row=row, col=1)
    figure.update_layout(title=title, height=800, showlegend=False)
    apart = options[~options["abates"]]
    listed = "".join(f"<li>{o}: {r['why']}</li>" for o, r in apart.iterrows())
    note = f"<h2>Not on the curves</h2><ul>{listed}</ul>" if listed else ""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title></head><body>"
        f"{figure.to_html(full_html=False, include_plotlyjs='inline')}{note}"
        f"{steps.to_html(index=False, float_format=lambda v: f'{v:,.2f}')}"
        "</body></html>"
    )


def _width_bars(figure, row: int, widths, heights, labels) -> None:
    left, centres = 0.0, []
    for width in widths:
        centres.append(left + width / 2)
        left += width
    figure.add_trace(
        go.Bar(
            x=centres,
            y=heights,
            width=widths,
            text=labels,
            hovertemplate="%{text}<br>%{y:,.1f} CNY/t<extra></extra>",
        ),
        row,
        1,
    )


def export_macc(
    options: pd.DataFrame, steps: pd.DataFrame, directory: Path, stem: str, title: str
) -> list[Path]:
    written = [directory / f"{stem}_options.csv", directory / f"{stem}_steps.csv"]
    atomic_write(written[0], lambda p: options.to_csv(p))
    atomic_write(written[1], lambda p: steps.to_csv(p, index=False))
    html = directory / f"{stem}.html"
    atomic_write(
        html,
        lambda p: p.write_text(macc_html(options, steps, title), encoding="utf-8"),
    )
    return [*written, html]


def certification_view(plan) -> list:
    """A table of the plan year by year, then what it costs and what comes next."""
    periods = plan.plan.periods
    unit = plan.plan.intensity_unit
    threshold = plan.threshold_kg_per_fu
    table = Table(
        title=f"Label plan: under {threshold:,.1f} {unit} from {plan.by_year}",
        caption=(
            "Distance: intensity less threshold (below zero: the label is met). "
            "Added: options the plan takes beyond the scenario's own pathway."
        ),
    )
    for title in ("Year", "Without label", "With plan", "Distance", "Added"):
        table.add_column(title, justify="left" if title == "Added" else "right")
    without = plan.without_label
    for year, row in periods.iterrows():
        intensity = row["intensity_kg_per_fu"]
        table.add_row(
            str(year),
            f"{without.periods.loc[year, 'intensity_kg_per_fu']:,.1f}",
            f"{intensity:,.1f}",
            f"{intensity - threshold:+,.1f}",
            _added(without.adoption, plan.plan.adoption, year),
        )
    lines = [
        f"The label adds {plan.extra_cost_mcny:,.2f} M CNY to the discounted cost of "
        "the scenario's own pathway."
    ]
    row = periods.loc[plan.by_year]
    own_target = without.periods.loc[plan.by_year, "target_kg_per_fu"]
    threshold_binds = math.isnan(own_target) or threshold < own_target
    if threshold_binds and not math.isnan(row["shadow_price_cny_per_t"]):
        lines.append(
            f"In {plan.by_year} the threshold binds at "
            f"{row['shadow_price_cny_per_t']:,.0f} CNY per t CO2e: the cost of each "
            "further tonne."
        )
    if plan.next_step is not None:
        extra = plan.next_step.total_cost_mcny - plan.plan.total_cost_mcny
        grown = ", ".join(plan.next_options())
        lines.append(
            f"A threshold 1 % lower would call next for {grown} (+{extra:,.2f} M CNY)."
            if grown
            else "A threshold 1 % lower would be met by the plan as it is."
        )
    else:
        lowest = ", ".join(f"{v:,.1f}" for v in plan.next_step_lowest or [])
        lines.append(
            "A threshold 1 % lower could not be met with every option "
            f"(lowest reachable: {lowest} {unit})."
        )
    return [table, "\n".join(lines)]


def _added(before: pd.DataFrame, after: pd.DataFrame, year: int) -> str:
    shares = []
    for option in after.index:
        was = before.loc[option, year] if option in before.index else 0.0
        now = after.loc[option, year]
        if now - was > 1e-6:
            shares.append(f"{option} {was:.0%}→{now:.0%}")
    return ", ".join(shares)
