"""The data-collection template as an Excel workbook or a CSV form.

The workbook has a cover sheet (plant, product, grade, kind of plant, region, year),
one sheet per stage of the product's model, a sheet of site totals and one of the
measures in place. Every data row carries its key (which the reader goes by), its
unit, the value to fill in, a data-quality choice (measured, calculated, estimated),
how it is measured, its plausible range per functional unit and an explanation.
Value cells only take numbers of zero or more, and the quality cells offer the three
choices. The CSV form holds the same rows, one per datum, with a ``sheet`` column.

Values may be filled in by :func:`prefill`, from a configuration of the model (the
plant as it is, or a year of an optimal plan); the shipped examples are made so.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from mitigation.certification.layout import (
    COVER_SHEET,
    QUALITIES,
    TEMPLATE_VERSION,
    Datum,
    Kind,
    Layout,
)
from mitigation.report.files import atomic_write
from mitigation.report.translations import Language, term

logger = logging.getLogger(__name__)

HEADER_ROW = 3  # row 1 title, row 2 hint, row 3 column names
COLUMNS = (
    "key",
    "datum",
    "unit",
    "value",
    "quality",
    "protocol",
    "range",
    "required",
    "explanation",
)
CSV_COLUMNS = ("sheet", *COLUMNS)
COVER_FIELDS = (
    "plant",
    "product",
    "grade",
    "plant_type",
    "region",
    "year",
    "language",
    "template_version",
)
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # the cells a plant fills in


@dataclass(frozen=True)
class Entries:
    """What is written into a template: cover fields, and per datum key its value
    and data quality."""

    cover: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, float] = field(default_factory=dict)
    quality: Mapping[str, str] = field(default_factory=dict)


def cover_values(layout: Layout, entries: Entries, lang: Language) -> dict[str, str]:
    values = {
        "plant": "",
        "product": layout.product,
        "grade": layout.grade,
        "plant_type": layout.plant_type,
        "region": "",
        "year": "",
        "language": lang,
        "template_version": TEMPLATE_VERSION,
    }
    values.update({k: str(v) for k, v in entries.cover.items()})
    return values


def _cover_help(layout: Layout, name: str, lang: Language) -> str:
    key = f"cover.{name}.help"
    if name == "region":
        return term(key, lang, choices=", ".join(layout.regions))
    if name in ("language", "template_version"):
        return ""
    return term(key, lang)


def range_text(layout: Layout, datum: Datum, lang: Language) -> str:
    if datum.kind not in (Kind.OUTPUT, Kind.PURCHASE) or datum.high_per_fu is None:
        return ""
    if datum.commodity == layout.network.product_commodity:
        return ""
    return term(
        "range.text",
        lang,
        low=f"{datum.low_per_fu:.3g}",
        high=f"{datum.high_per_fu:.3g}",
        unit=datum.unit,
        fu=layout.functional_unit(lang),
    )


def datum_cells(layout: Layout, datum: Datum, entries: Entries, lang: Language) -> dict:
    """The cells of one datum's row, by column name."""
    quality = entries.quality.get(datum.key, "")
    return {
        "key": datum.key,
        "datum": datum.text(lang),
        "unit": datum.unit,
        "value": entries.values.get(datum.key),
        "quality": term(f"quality.{quality}", lang) if quality else "",
        "protocol": term(f"protocol.{datum.protocol.value}", lang),
        "range": range_text(layout, datum, lang),
        "required": term("yes" if datum.required else "no", lang),
        "explanation": datum.explain(lang),
    }


def write_workbook(
    layout: Layout, path: Path, lang: Language, entries: Entries = Entries()
) -> None:
    """Write the template as an Excel workbook (atomically)."""
    book = Workbook()
    cover = book.active
    cover.title = COVER_SHEET
    _write_cover(layout, cover, entries, lang)
    for sheet in layout.sheets:
        _write_data_sheet(layout, book.create_sheet(sheet), sheet, entries, lang)
    atomic_write(path, lambda temporary: book.save(temporary))
    logger.info("Template | %s | written to %s", layout.product, path)


def _write_cover(layout: Layout, sheet, entries: Entries, lang: Language) -> None:
    sheet["A1"] = term("cover.title", lang, product=layout.product_label(lang))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = term("cover.hint", lang)
    sheet.append([])
    sheet.append(
        [term("col.key", lang), term("col.field", lang), term("col.value", lang), ""]
    )
    _bold_row(sheet, 4)
    values = cover_values(layout, entries, lang)
    for name in COVER_FIELDS:
        sheet.append(
            [
                name,
                term(f"cover.{name}", lang),
                values[name],
                _cover_help(layout, name, lang),
            ]
        )
        if name in ("plant", "region", "year"):
            sheet.cell(sheet.max_row, 3).fill = _INPUT_FILL
    regions = DataValidation(
        type="list", formula1=f'"{",".join(layout.regions)}"', allow_blank=True
    )
    years = DataValidation(
        type="whole", operator="between", formula1="1990", formula2="2100"
    )
    sheet.add_data_validation(regions)
    sheet.add_data_validation(years)
    regions.add(f"C{5 + COVER_FIELDS.index('region')}")
    years.add(f"C{5 + COVER_FIELDS.index('year')}")
    for column, width in zip("ABCD", (18, 34, 30, 60), strict=True):
        sheet.column_dimensions[column].width = width


def _write_data_sheet(
    layout: Layout, sheet, name: str, entries: Entries, lang: Language
) -> None:
    sheet["A1"] = layout.sheet_title(name, lang)
    sheet["A1"].font = Font(bold=True, size=13)
    hints = {"site": "site.hint", "options": "options.hint"}
    sheet["A2"] = term(hints.get(name, "stage.hint"), lang)
    sheet.append([term(f"col.{column}", lang) for column in _column_terms()])
    _bold_row(sheet, HEADER_ROW)
    data = layout.on_sheet(name)
    for datum in data:
        cells = datum_cells(layout, datum, entries, lang)
        sheet.append([cells[column] for column in COLUMNS])
        sheet.cell(sheet.max_row, COLUMNS.index("value") + 1).fill = _INPUT_FILL
    first, last = HEADER_ROW + 1, HEADER_ROW + len(data)
    value_column = "ABCDEFGHI"[COLUMNS.index("value")]
    quality_column = "ABCDEFGHI"[COLUMNS.index("quality")]
    if name == "options":
        numbers = DataValidation(
            type="decimal", operator="between", formula1="0", formula2="1"
        )
    else:
        numbers = DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1="0"
        )
    numbers.error = term("fix.not_a_number", lang)
    choices = ",".join(term(f"quality.{q}", lang) for q in QUALITIES)
    quality = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
    for check in (numbers, quality):
        sheet.add_data_validation(check)
    numbers.add(f"{value_column}{first}:{value_column}{last}")
    quality.add(f"{quality_column}{first}:{quality_column}{last}")
    widths = (34, 44, 12, 16, 14, 30, 30, 9, 70)
    for column, width in zip("ABCDEFGHI", widths, strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=first, max_row=last):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = f"A{first}"


def _column_terms() -> tuple[str, ...]:
    return tuple("datum" if c == "datum" else c for c in COLUMNS)


def _bold_row(sheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font = Font(bold=True)


def write_csv(
    layout: Layout, path: Path, lang: Language, entries: Entries = Entries()
) -> None:
    """Write the template as one CSV form: the cover fields, then a row per datum."""
    rows = [
        {
            "sheet": COVER_SHEET,
            "key": name,
            "datum": term(f"cover.{name}", lang),
            "value": value,
            "explanation": _cover_help(layout, name, lang),
        }
        for name, value in cover_values(layout, entries, lang).items()
    ]
    for sheet in layout.sheets:
        for datum in layout.on_sheet(sheet):
            cells = datum_cells(layout, datum, entries, lang)
            rows.append({"sheet": sheet, **cells})

    def write(temporary: Path) -> None:
        with temporary.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: ("" if v is None else v) for k, v in row.items()})

    atomic_write(path, write)
    logger.info("Template | %s | written to %s", layout.product, path)


def prefill(
    layout: Layout,
    activity_per_year: Mapping[str, float],
    shares: Mapping[str, float] | None = None,
    quality: str = "calculated",
) -> tuple[dict[str, float], dict[str, str]]:
    """Values of every datum for a configuration of the model.

    ``activity_per_year`` is the activity of each process over the year; outputs,
    purchases by stage and site totals follow from the model's coefficients, and
    ``shares`` (share of its output per option) fill the measures sheet.
    """
    network = layout.network
    values: dict[str, float] = {}
    for datum in layout.data:
        if datum.kind is Kind.OUTPUT:
            values[datum.key] = _made(network, activity_per_year, datum.commodity)
        elif datum.kind is Kind.PURCHASE:
            values[datum.key] = sum(
                level * network.processes[name].inputs.get(datum.commodity, 0.0)
                for name, level in activity_per_year.items()
                if network.processes[name].stage == datum.sheet
            )
        elif datum.kind is Kind.GENERATED:
            values[datum.key] = _made(network, activity_per_year, datum.commodity)
    for datum in layout.data:
        if datum.kind is Kind.TOTAL:
            used = sum(
                values[d.key]
                for d in layout.data
                if d.kind is Kind.PURCHASE and d.commodity == datum.commodity
            )
            made = values.get(f"site.generated.{datum.commodity}", 0.0)
            values[datum.key] = used - made
        elif datum.kind is Kind.SHARE:
            values[datum.key] = float((shares or {}).get(datum.option, 0.0))
    # Ten significant digits: the model's arithmetic leaves 2192684.9999999995 where
    # a plant would write 2192685, and the footprint moves by less than 1e-9.
    values = {key: float(f"{value:.10g}") for key, value in values.items()}
    return values, {key: quality for key in values}


def _made(network, activity: Mapping[str, float], commodity: str) -> float:
    return sum(
        level * network.processes[name].outputs.get(commodity, 0.0)
        for name, level in activity.items()
        if not network.processes[name].is_purchase
    )
