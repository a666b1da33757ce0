"""Certification and monitoring reports: terminal, Excel and HTML, in English or
Chinese.

Each report is first a set of tables with headings in the chosen language
(:func:`certification_tables`, :func:`monitoring_tables`); the terminal, the
workbook and the HTML page all show those tables, so they never disagree.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from rich.console import Group
from rich.table import Table
from rich.text import Text

from mitigation.certification.check import Certification
from mitigation.certification.layout import commodity_label, process_label
from mitigation.certification.monitor import Monitoring
from mitigation.inputs.model_file import load_model_file
from mitigation.report.files import atomic_write
from mitigation.report.translations import Language, term


def _verdict(cert: Certification, lang: Language) -> str:
    if cert.passed is None:
        return term("report.no_threshold", lang)
    if cert.passed and cert.gaps:
        return term("report.gaps", lang, count=len(cert.gaps))
    return term("report.pass" if cert.passed else "report.fail", lang)


def summary_lines(cert: Certification, lang: Language) -> list[tuple[str, str]]:
    filled, fu = cert.filled, cert.network.functional_unit
    lines = [
        (term("report.plant", lang), filled.plant),
        (term("report.year", lang), str(filled.year)),
        (
            term("report.footprint", lang),
            f"{cert.footprint.total_kg:,.1f} kg CO2e / {fu}",
        ),
    ]
    if cert.threshold_kg_per_fu is not None:
        lines += [
            (
                term("report.threshold", lang),
                f"{cert.threshold_kg_per_fu:,.1f} kg CO2e / {fu} ({cert.threshold_source})",
            ),
            (
                term("report.margin", lang),
                f"{cert.margin_kg_per_fu:+,.1f} kg CO2e / {fu}",
            ),
        ]
    lines.append(("", _verdict(cert, lang)))
    return lines


def certification_tables(
    cert: Certification, lang: Language
) -> dict[str, pd.DataFrame]:
    """The report's tables, with headings in ``lang``."""
    layout = cert.filled.layout
    stage = {s: layout.stage_label(s, lang) for s in cert.network.stages}
    by_stage = cert.footprint.by_stage_scope.rename(index=stage)
    by_stage.columns = [term(f"scope.{c}", lang) for c in by_stage.columns]
    by_stage[term("col.total", lang)] = by_stage.sum(axis=1)
    by_stage.loc[term("col.total", lang)] = by_stage.sum(axis=0)
    trail = pd.DataFrame(
        {
            term("col.stage", lang): [stage[s] for s in cert.trail.get("stage", [])],
            term("col.datum", lang): cert.trail.get(
                "datum_zh" if lang == "zh" else "datum", []
            ),
            term("col.reported", lang): cert.trail.get("reported", []),
            term("col.amount", lang): cert.trail.get("amount", []),
            term("col.unit", lang): cert.trail.get("unit", []),
            term("col.factor", lang): cert.trail.get("factor_kg_per_unit", []),
            term("col.emission", lang): cert.trail.get("emission_kg", []),
            term("col.per_fu", lang): cert.trail.get("kg_per_fu", []),
            term("col.scope", lang): cert.trail.get("scope", []),
            term("col.source", lang): cert.trail.get("source", []),
        }
    )
    tables = {
        "summary": pd.DataFrame(summary_lines(cert, lang), columns=["", " "]),
        "by_stage": by_stage.rename_axis(term("col.stage", lang)).reset_index(),
        "trail": trail,
        "checks": _checks_table(cert, lang),
        "quality": pd.DataFrame(
            {
                term("col.quality", lang): [
                    term(f"quality.{q}", lang) if q != "not stated" else "-"
                    for q in cert.quality.index
                ],
                term("col.share_percent", lang): _percent(cert.quality.to_numpy()),
            }
        ),
    }
    if cert.closing is not None:
        tables["closing"] = _closing_table(cert, lang)
    if cert.filled.outside_range:
        tables["outside_range"] = pd.DataFrame(
            [(p.where, p.what) for p in cert.filled.outside_range],
            columns=[term("col.field", lang), term("report.outside_range", lang)],
        )
    return tables


def _checks_table(cert: Certification, lang: Language) -> pd.DataFrame:
    spec = cert.filled.layout.spec
    rows = []
    for check in cert.checks:
        name = commodity_label(spec, check.commodity, lang)
        key = "check.balance" if check.kind == "balance" else "check.meter"
        status = (
            term("check.ok", lang)
            if check.within_tolerance
            else term("check.gap", lang, tolerance="5 %")
        )
        rows.append(
            {
                term("col.check", lang): term(key, lang, commodity=name),
                term("col.expected", lang): check.expected,
                term("col.reported", lang): check.reported,
                term("col.unit", lang): check.unit,
                term("col.gap_percent", lang): round(check.gap_share * 100.0, 1),
                term("col.status", lang): status,
            }
        )
    return pd.DataFrame(rows)


def _closing_table(cert: Certification, lang: Language) -> pd.DataFrame:
    closing, spec = cert.closing, cert.filled.layout.spec
    if closing.lowest_kg_per_fu is not None:
        text = term(
            "report.closing_none",
            lang,
            lowest=f"{closing.lowest_kg_per_fu:,.1f}",
            unit=f"kg CO2e / {cert.network.functional_unit}",
        )
        return pd.DataFrame({term("report.closing", lang): [text]})
    frame = pd.DataFrame(
        {
            term("col.option", lang): [
                process_label(spec, name, lang) for name in closing.options.index
            ],
            term("col.share_percent", lang): _percent(closing.options.to_numpy()),
        }
    )
    cost = term(
        "report.closing_cost",
        lang,
        cost=f"{closing.cost_vs_baseline_mcny_per_year:,.2f}",
    )
    frame.loc[len(frame)] = [cost, None]
    return frame


def certification_view(cert: Certification, lang: Language) -> Group:
    """What the terminal shows of a certification check."""
    tables = certification_tables(cert, lang)
    parts = [
        Text(
            term("report.title", lang, product=cert.filled.layout.product_label(lang)),
            style="bold",
        )
    ]
    for label, value in summary_lines(cert, lang):
        style = (
            "bold green"
            if cert.certified
            else "bold red"
            if cert.certified is False
            else ""
        )
        parts.append(
            Text(
                f"  {label}: {value}" if label else f"  {value}",
                style=style if not label else "",
            )
        )
    for name, title in (
        ("by_stage", "report.by_stage"),
        ("checks", "report.checks"),
        ("quality", "report.quality"),
        ("closing", "report.closing"),
        ("outside_range", "report.outside_range"),
    ):
        if name in tables and not tables[name].empty:
            parts.append(_rich(tables[name], term(title, lang)))
    return Group(*parts)


def _rich(frame: pd.DataFrame, title: str) -> Table:
    table = Table(title=title)
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        table.add_column(str(column), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    return table


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, int | np.integer):  # years and counts
        return str(value)
    if isinstance(value, float | np.floating):
        if abs(value) < 1e-6:  # solver noise, not a figure
            return "0"
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.1f}"
    return str(value)


def _write_workbook(tables: dict[str, pd.DataFrame], path: Path) -> None:
    def write(temporary: Path) -> None:
        with pd.ExcelWriter(temporary, engine="openpyxl") as writer:
            for name, frame in tables.items():
                frame.to_excel(writer, sheet_name=name[:31], index=False)

    atomic_write(path, write)


def _page(title: str, sections: list[tuple[str, str]], lang: Language) -> str:
    body = "".join(f"<h2>{html.escape(h)}</h2>{content}" for h, content in sections)
    return (
        f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head>"
        "<meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;"
        "margin:2em;max-width:80em}table{border-collapse:collapse}td,th{border:1px "
        "solid #ccc;padding:0.2em 0.5em}.pass{color:#080}.fail{color:#b00}</style>"
        f"</head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )


def _html_table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, na_rep="", float_format=lambda v: f"{v:,.4g}")


def export_certification(
    cert: Certification, directory: Path, stem: str, lang: Language
) -> list[Path]:
    """Write the report as an HTML page and an Excel workbook."""
    tables = certification_tables(cert, lang)
    workbook = directory / f"{stem}.xlsx"
    _write_workbook(tables, workbook)
    chart = _stage_chart(cert, lang)
    verdict = "pass" if cert.certified else "fail" if cert.certified is False else ""
    summary = "".join(
        f"<p class='{verdict if not label else ''}'><b>{html.escape(label)}</b> "
        f"{html.escape(value)}</p>"
        for label, value in summary_lines(cert, lang)
    )
    sections = [
        (term("report.footprint", lang), summary),
        (term("report.by_stage", lang), chart + _html_table(tables["by_stage"])),
        (term("report.trail", lang), _html_table(tables["trail"])),
        (term("report.checks", lang), _html_table(tables["checks"])),
        (term("report.quality", lang), _html_table(tables["quality"])),
    ]
    if "closing" in tables:
        sections.append((term("report.closing", lang), _html_table(tables["closing"])))
    if "outside_range" in tables:
        sections.append(
            (term("report.outside_range", lang), _html_table(tables["outside_range"]))
        )
    title = term("report.title", lang, product=cert.filled.layout.product_label(lang))
    page = directory / f"{stem}.html"
    atomic_write(
        page, lambda p: p.write_text(_page(title, sections, lang), encoding="utf-8")
    )
    return [page, workbook]


def _stage_chart(cert: Certification, lang: Language) -> str:
    layout = cert.filled.layout
    frame = cert.footprint.by_stage_scope
    figure = go.Figure(
        [
            go.Bar(
                name=term(f"scope.{scope}", lang),
                x=[layout.stage_label(s, lang) for s in frame.index],
                y=frame[scope],
            )
            for scope in frame.columns
        ]
    )
    figure.update_layout(
        barmode="stack",
        title=term("report.by_stage", lang),
        yaxis_title=f"kg CO2e / {cert.network.functional_unit}",
    )
    return figure.to_html(full_html=False, include_plotlyjs="inline")


def _percent(shares) -> np.ndarray:
    """Shares as percentages, rounded to a tenth: 0.3102 is 31.0."""
    return np.round(np.asarray(shares, dtype=float) * 100.0, 1)


def monitoring_tables(
    mon: Monitoring, root: Path, lang: Language
) -> dict[str, pd.DataFrame]:
    spec = load_model_file(root / "models" / f"{mon.product}.yaml")
    years = mon.years.reset_index()
    years["measured_share"] = _percent(years["measured_share"].to_numpy())
    years.columns = [
        term("col.year", lang),
        term("col.intensity", lang),
        term("col.target", lang),
        term("col.to_target", lang),
        term("report.threshold", lang),
        term("col.measured_share", lang),
    ]
    measures = mon.measures.copy()
    measures["option"] = [process_label(spec, o, lang) for o in measures["option"]]
    for column in ("implemented_share", "planned_share"):
        measures[column] = _percent(measures[column].to_numpy(dtype=float))
    measures.columns = [
        term("col.option", lang),
        term("col.year", lang),
        term("col.implemented", lang),
        term("col.planned", lang),
    ]
    return {"years": years, "measures": measures}


def monitoring_view(mon: Monitoring, root: Path, lang: Language) -> Group:
    tables = monitoring_tables(mon, root, lang)
    spec = load_model_file(root / "models" / f"{mon.product}.yaml")
    product = spec.label_zh if lang == "zh" and spec.label_zh else spec.label
    parts = [
        Text(
            term("monitor.title", lang, plant=mon.plant, product=product), style="bold"
        ),
        _rich(
            tables["years"],
            f"{term('monitor.trend', lang)} (kg CO2e / {mon.functional_unit})",
        ),
    ]
    if mon.plan is None:
        parts.append(Text(term("monitor.no_plan", lang)))
    if not tables["measures"].empty:
        parts.append(_rich(tables["measures"], term("monitor.measures", lang)))
    return Group(*parts)


def export_monitoring(
    mon: Monitoring, root: Path, directory: Path, stem: str, lang: Language
) -> list[Path]:
    tables = monitoring_tables(mon, root, lang)
    workbook = directory / f"{stem}.xlsx"
    _write_workbook(tables, workbook)
    csvs = []
    for name, frame in tables.items():
        path = directory / f"{stem}_{name}.csv"
        atomic_write(
            path, lambda p, f=frame: f.to_csv(p, index=False, encoding="utf-8-sig")
        )
        csvs.append(path)
    figure = go.Figure()
    years = mon.years
    figure.add_trace(
        go.Scatter(
            x=years.index,
            y=years["footprint_kg_per_fu"],
            mode="lines+markers",
            name=term("col.intensity", lang),
        )
    )
    for column, dash, name in (
        ("target_kg_per_fu", "dash", "col.target"),
        ("threshold_kg_per_fu", "dot", "report.threshold"),
    ):
        if years[column].notna().any():
            figure.add_trace(
                go.Scatter(
                    x=years.index,
                    y=years[column],
                    mode="lines",
                    line={"dash": dash},
                    name=term(name, lang),
                )
            )
    figure.update_layout(
        title=term("monitor.chart", lang),
        xaxis_title=term("col.year", lang),
        yaxis_title=f"kg CO2e / {mon.functional_unit}",
    )
    sections = [
        (
            term("monitor.trend", lang),
            figure.to_html(full_html=False, include_plotlyjs="inline")
            + _html_table(tables["years"]),
        ),
        (term("monitor.measures", lang), _html_table(tables["measures"])),
    ]
    spec = load_model_file(root / "models" / f"{mon.product}.yaml")
    product = spec.label_zh if lang == "zh" and spec.label_zh else spec.label
    title = term("monitor.title", lang, plant=mon.plant, product=product)
    page = directory / f"{stem}.html"
    atomic_write(
        page, lambda p: p.write_text(_page(title, sections, lang), encoding="utf-8")
    )
    return [page, workbook, *csvs]
