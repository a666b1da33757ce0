"""Presenting a sensitivity study: terminal tables, CSV, Excel and plotly charts.

Charts by method: Sobol first-order and total indices as bars with their confidence
intervals; Morris mu* against sigma; a tornado of the one-at-a-time swings.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from rich.console import Group
from rich.table import Table
from rich.text import Text

from mitigation.analysis.design import Design, Method
from mitigation.analysis.sensitivity import Analysis
from mitigation.report.files import atomic_write

# What the terminal shows per method; the files carry every column.
SHOWN = {
    Method.SOBOL: ["S1", "S1_conf", "ST", "ST_conf"],
    Method.MORRIS: ["mu_star", "mu_star_conf", "sigma"],
    Method.OAT: ["low_value", "high_value", "output_at_low", "output_at_high", "swing"],
}


def study_view(
    design: Design, analysis: Analysis, outputs: list[str] | None = None
) -> Group:
    parts = [
        Text(
            f"{design.method.value} design: {len(design.parameters)} parameters, "
            f"{len(design.samples)} evaluations, N = {design.base_samples}, seed "
            f"{design.seed}",
            style="bold",
        )
    ]
    parts += [Text(f"  {note}") for note in design.notes]
    if analysis.failed:
        parts.append(
            Text(
                f"  {analysis.failed} of {len(design.samples)} evaluations have no "
                "optimal pathway: indices withheld. Narrow the parameters' ranges.",
                style="bold red",
            )
        )
    indices = analysis.indices
    chosen = outputs or list(dict.fromkeys(indices.get("output", [])))
    for output in chosen:
        rows = indices[indices["output"] == output]
        if rows.empty:
            continue
        table = Table(title=output)
        table.add_column("Parameter")
        for column in SHOWN[design.method]:
            table.add_column(column, justify="right")
        for _, row in rows.iterrows():
            table.add_row(
                row["parameter"], *(_number(row[c]) for c in SHOWN[design.method])
            )
        parts.append(table)
    if analysis.failed:
        return Group(*parts)
    for output, reason in analysis.withheld.items():
        if outputs is None or output in outputs:
            parts.append(Text(f"  {output}: no indices ({reason})"))
    return Group(*parts)


def _number(value: float) -> str:
    """An index as printed: estimates below 1e-12 are the sampling's zero."""
    return "0" if abs(value) < 1e-12 else f"{value:,.4g}"


def study_figures(design: Design, analysis: Analysis) -> dict[str, go.Figure]:
    """One chart per output."""
    figures = {}
    indices = analysis.indices
    for output in dict.fromkeys(indices.get("output", [])):
        rows = indices[indices["output"] == output]
        if design.method is Method.SOBOL:
            figure = go.Figure(
                [
                    go.Bar(
                        name=name,
                        x=rows["parameter"],
                        y=rows[name],
                        error_y={"type": "data", "array": rows[f"{name}_conf"]},
                    )
                    for name in ("S1", "ST")
                ]
            )
            figure.update_layout(
                barmode="group",
                title=f"Sobol indices of {output} (95 % intervals)",
                yaxis_title="share of the output's variance",
            )
        elif design.method is Method.MORRIS:
            figure = go.Figure(
                go.Scatter(
                    x=rows["mu_star"],
                    y=rows["sigma"],
                    mode="markers+text",
                    text=rows["parameter"],
                    textposition="top center",
                )
            )
            figure.update_layout(
                title=f"Morris screening of {output}",
                xaxis_title="mu* (mean absolute elementary effect)",
                yaxis_title="sigma (spread: interactions, non-linearity)",
            )
        else:
            ordered = rows.iloc[::-1]
            centre = float(ordered["output_at_centre"].iloc[0])
            figure = go.Figure(
                [
                    go.Bar(
                        name="low",
                        y=ordered["parameter"],
                        x=ordered["output_at_low"] - centre,
                        base=centre,
                        orientation="h",
                    ),
                    go.Bar(
                        name="high",
                        y=ordered["parameter"],
                        x=ordered["output_at_high"] - centre,
                        base=centre,
                        orientation="h",
                    ),
                ]
            )
            figure.update_layout(
                barmode="overlay",
                title=f"Tornado of {output}: each parameter at its 5th and 95th percentile",
                xaxis_title=output,
            )
        figures[output] = figure
    return figures


def export_study(
    design: Design, evaluations: pd.DataFrame, analysis: Analysis, directory: Path
) -> list[Path]:
    """Indices as CSV, everything in one workbook, and an HTML page of charts."""
    written = []
    tables = {
        "indices": analysis.indices,
        "second_order": analysis.second_order,
        "withheld": pd.DataFrame(
            {
                "output": list(analysis.withheld),
                "reason": list(analysis.withheld.values()),
            }
        ),
    }
    for name, frame in tables.items():
        path = directory / f"{name}.csv"
        atomic_write(path, lambda p, f=frame: f.to_csv(p, index=False))
        written.append(path)

    def workbook(path: Path) -> None:
        settings = pd.DataFrame(
            {
                "item": list(design.settings()),
                "value": [str(v) for v in design.settings().values()],
            }
        )
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            settings.to_excel(writer, sheet_name="settings", index=False)
            for name, frame in tables.items():
                frame.to_excel(writer, sheet_name=name, index=False)
            design.samples.to_excel(writer, sheet_name="design", index=False)
            evaluations.to_excel(writer, sheet_name="evaluations", index=False)

    book = directory / "sensitivity.xlsx"
    atomic_write(book, workbook)
    written.append(book)
    figures = study_figures(design, analysis)
    body = "".join(
        figure.to_html(full_html=False, include_plotlyjs="inline" if i == 0 else False)
        for i, figure in enumerate(figures.values())
    )
    page = directory / "sensitivity.html"
    html = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Sensitivity</title>"
        f"</head><body><h1>Sensitivity: {design.method.value}</h1>{body}</body></html>"
    )
    atomic_write(page, lambda p: p.write_text(html, encoding="utf-8"))
    written.append(page)
    return written
