"""Presenting a policy comparison: terminal table, CSV, Excel and an HTML report."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from rich.table import Table

from mitigation.report.files import atomic_write

# Terminal columns; the CSV, Excel and HTML outputs carry every column.
COLUMNS = [
    ("abatement_t", "Abated\nt CO2e", 0),
    ("enterprise_cost_mcny", "Enterprise\nM CNY", 1),
    ("public_cost_mcny", "Public\nM CNY", 1),
    ("resource_cost_mcny", "Resource\nM CNY", 1),
    ("public_cost_cny_per_t", "Public\nCNY/t", 0),
    ("social_cost_cny_per_t", "Social\nCNY/t", 0),
    ("free_rider_share", "Free\nriders", "%"),
    ("first_labelled_year", "Label\nfrom", None),
]


def comparison_table(
    summary: pd.DataFrame, reference: str, social_rate: float, plant: str = ""
) -> Table:
    heading = f"{plant}\n" if plant else ""
    table = Table(
        title=f"{heading}Instruments compared with '{reference}', "
        "cumulative over the horizon",
        caption=(
            "Enterprise cost at each scenario's own discount rate, transfers included; "
            f"public and resource cost at the social rate {social_rate:.1%}. "
            "Per t: against the abatement relative to the reference."
        ),
    )
    # A column no scenario fills (no grants, no label) only takes width.
    shown = [
        (key, title, fmt)
        for key, title, fmt in COLUMNS
        if any(_cell(v, fmt) for v in summary[key])
    ]
    table.add_column("Scenario", no_wrap=True)
    for _, title, _ in shown:
        table.add_column(title, justify="right")
    for name, row in summary.iterrows():
        table.add_row(str(name), *(_cell(row[key], fmt) for key, _, fmt in shown))
    return table


def _cell(value, fmt) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if fmt is None:
        return str(int(value)) if isinstance(value, float) else str(value)
    if fmt == "%":
        return f"{value:.0%}"
    if abs(value) < 0.5 * 10.0**-fmt:
        value = 0.0  # no "-0.0" for a rounding residue
    return f"{value:,.{fmt}f}"


def export_comparison(tables: dict, directory: Path, stem: str) -> list[Path]:
    """CSV files, one Excel workbook and one HTML report."""
    written = []
    for name, frame in tables.items():
        path = directory / f"{stem}_{name}.csv"
        atomic_write(path, lambda p, f=frame: f.to_csv(p))
        written.append(path)

    def workbook(path: Path) -> None:
        with pd.ExcelWriter(path, engine="openpyxl") as excel:
            for name, frame in tables.items():
                frame.to_excel(excel, sheet_name=name[:31])

    atomic_write(directory / f"{stem}.xlsx", workbook)
    written.append(directory / f"{stem}.xlsx")
    html = directory / f"{stem}.html"
    atomic_write(
        html, lambda p: p.write_text(comparison_html(tables), encoding="utf-8")
    )
    written.append(html)
    return written


def comparison_html(tables: dict) -> str:
    """A self-contained page: instrument bars, then intensity pathways."""
    summary, periods = tables["summary"], tables["periods"]
    bars = make_subplots(
        rows=1,
        cols=3,
        subplot_titles=(
            "Abatement (t CO2e)",
            "Public cost (M CNY)",
            "Cost per t abated (CNY)",
        ),
    )
    names = list(summary.index)
    bars.add_trace(go.Bar(x=names, y=summary["abatement_t"], name="abatement"), 1, 1)
    bars.add_trace(
        go.Bar(x=names, y=summary["public_cost_mcny"], name="public cost"), 1, 2
    )
    bars.add_trace(
        go.Bar(x=names, y=summary["public_cost_cny_per_t"], name="public CNY/t"), 1, 3
    )
    bars.add_trace(
        go.Bar(x=names, y=summary["social_cost_cny_per_t"], name="social CNY/t"), 1, 3
    )
    bars.update_layout(title="Instruments compared", barmode="group", height=450)
    lines = go.Figure()
    for name, rows in periods.groupby("scenario", sort=False):
        lines.add_trace(
            go.Scatter(
                x=rows["year"],
                y=rows["intensity_kg_per_fu"],
                mode="lines+markers",
                name=name,
            )
        )
    targets = periods.dropna(subset=["target_kg_per_fu"]).drop_duplicates("year")
    if not targets.empty:
        lines.add_trace(
            go.Scatter(
                x=targets["year"],
                y=targets["target_kg_per_fu"],
                mode="lines",
                name="target",
                line={"dash": "dash"},
            )
        )
    lines.update_layout(
        title="Intensity pathways (kg CO2e per functional unit)",
        xaxis_title="year",
        yaxis_title="kg CO2e per functional unit",
        height=450,
    )
    parts = [
        bars.to_html(full_html=False, include_plotlyjs="inline"),
        lines.to_html(full_html=False, include_plotlyjs=False),
        summary.to_html(float_format=lambda v: f"{v:,.2f}"),
    ]
    body = "\n".join(parts)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<title>Instrument comparison</title></head><body>"
        f"<h1>Instrument comparison</h1>{body}</body></html>"
    )
