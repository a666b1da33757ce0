"""Reading a filled template back, with every problem listed at once.

A filled template is read by its keys, never by row position, so rows a user moved
are still found. What is checked: the sheets and rows are all there, the cover names
a known product, grade, kind of plant and region and a year, every number cell holds
a number of zero or more (a share at most one), required values are filled, units are
the template's, data-quality words are one of the three choices (in either
language), and every amount per functional unit lies in its plausible range. The
messages are in the language asked for, each naming the sheet and cell (or the CSV
row).
"""

from __future__ import annotations

import csv
import dataclasses
import logging
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from mitigation.certification.layout import (
    COVER_SHEET,
    QUALITIES,
    Datum,
    Kind,
    Layout,
    load_layout,
)
from mitigation.certification.template import COLUMNS, CSV_COLUMNS, HEADER_ROW
from mitigation.exceptions import InputError, Problem
from mitigation.inputs.model_file import load_model_file
from mitigation.report.translations import LANGUAGES, Language, every_language, term

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cell:
    """What was found at one place of the filled file."""

    where: str
    value: object


@dataclass(frozen=True)
class FilledTemplate:
    """The data one plant reported for one year, checked."""

    path: Path
    layout: Layout
    plant: str
    region: str
    year: int
    values: dict[str, float]  # by datum key; an empty optional value is absent
    quality: dict[str, str]  # by datum key: measured, calculated, estimated
    places: dict[str, str]  # by datum key: sheet and cell, for reports
    outside_range: list[Problem] = field(default_factory=list)
    language: Language = "en"  # of the messages, and of reports unless asked otherwise

    @property
    def product_output(self) -> float:
        return self.values[self.layout.product_key()]

    @property
    def functional_units(self) -> float:
        """The number of functional units the plant made in the year."""
        return self.product_output / self.layout.network.functional_unit_amount


def read_filled(
    path: Path,
    root: Path,
    lang: Language | None = None,
    accept_outside_range: bool = False,
) -> FilledTemplate:
    """Read and check a filled template (``.xlsx`` or ``.csv``).

    Raises
    ------
    InputError
        Listing every problem found, in ``lang`` (the template's own language when
        None), each with its sheet and cell or CSV row.
    """
    language: Language = lang or "en"
    sheets = _read_sheets(path, language)
    cover = {
        key: cells.get("value") for key, cells in sheets.get(COVER_SHEET, {}).items()
    }
    if lang is None:
        stated = str(_cell_value(cover.get("language")) or "en").strip()
        language = stated if stated in LANGUAGES else "en"
    reader = _Reader(path, root, language, sheets)
    return reader.read(accept_outside_range)


def read_uploaded(
    name: str,
    content: bytes,
    root: Path,
    lang: Language | None = None,
    accept_outside_range: bool = False,
) -> FilledTemplate:
    """:func:`read_filled` for a file's bytes (an upload), named as the user named
    it in every message."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(content)
        filled = read_filled(path, root, lang, accept_outside_range)
    return dataclasses.replace(filled, path=Path(name))


def _cell_value(cell: Cell | None) -> object:
    return None if cell is None else cell.value


# Rows of the file: sheet -> key -> (cells by column name, where each is)
Rows = dict[str, dict[str, dict[str, Cell]]]


def _read_sheets(path: Path, lang: Language) -> Rows:
    if not path.is_file():
        raise InputError([Problem(str(path), term("problem.no_file", lang))])
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv"):
        raise InputError(
            [
                Problem(
                    str(path),
                    term("problem.not_a_template_file", lang),
                    term("fix.not_a_workbook", lang),
                )
            ]
        )
    try:
        if path.suffix.lower() == ".csv":
            return _read_csv(path, lang)
        return _read_workbook(path, lang)
    except UnicodeDecodeError as err:
        raise InputError(
            [
                Problem(
                    str(path),
                    term("problem.not_utf8", lang),
                    term("fix.not_utf8", lang),
                )
            ]
        ) from err
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as err:
        raise InputError(
            [
                Problem(
                    str(path),
                    term("problem.not_a_workbook", lang, reason=type(err).__name__),
                    term("fix.not_a_workbook", lang),
                )
            ]
        ) from err


_COVER_COLUMNS = {"key": 0, "datum": 1, "value": 2}
_DATA_COLUMNS = {name: i for i, name in enumerate(COLUMNS)}


def _read_workbook(path: Path, lang: Language) -> Rows:
    book = load_workbook(path, data_only=True, read_only=True)
    rows: Rows = {}
    for sheet in book.worksheets:
        is_cover = sheet.title == COVER_SHEET
        columns = _COVER_COLUMNS if is_cover else _DATA_COLUMNS
        start = 5 if is_cover else HEADER_ROW + 1
        found: dict[str, dict[str, Cell]] = {}
        for number, row in enumerate(
            sheet.iter_rows(min_row=start, values_only=True), start=start
        ):
            if not row or row[0] in (None, ""):
                continue
            cells = {
                name: Cell(
                    term(
                        "where.cell",
                        lang,
                        file=path.name,
                        sheet=sheet.title,
                        cell=f"{chr(ord('A') + i)}{number}",
                    ),
                    row[i] if i < len(row) else None,
                )
                for name, i in columns.items()
            }
            _add_row(found, str(row[0]).strip(), number, cells)
        rows[sheet.title] = found
    book.close()
    return rows


def _add_row(
    found: dict[str, dict[str, Cell]], key: str, number: int, cells: dict[str, Cell]
) -> None:
    """Keep the first row of a key; a repeat is kept apart and reported."""
    if key in found:
        cells["duplicate_of"] = found[key]["key"]
        key = f"{key}#{number}"
    found[key] = cells


def _read_csv(path: Path, lang: Language) -> Rows:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        needed = ("sheet", "key", "unit", "value", "quality")
        missing = [c for c in needed if c not in header]
        if missing:
            raise InputError(
                [
                    Problem(
                        str(path),
                        term("problem.csv_columns", lang, columns=", ".join(missing)),
                        term("fix.csv_columns", lang),
                    )
                ]
            )
        rows: Rows = {}
        for number, record in enumerate(reader, start=2):
            key = (record.get("key") or "").strip()
            if not key:
                continue
            where = term("where.row", lang, file=path.name, row=number)
            cells = {c: Cell(where, record.get(c)) for c in CSV_COLUMNS if c in record}
            sheet = (record.get("sheet") or "").strip()
            _add_row(rows.setdefault(sheet, {}), key, number, cells)
    return rows


class _Reader:
    """Checks the rows read from one file against the layout of its product."""

    def __init__(self, path: Path, root: Path, lang: Language, rows: Rows) -> None:
        self.path, self.root, self.lang, self.rows = path, root, lang, rows
        self.problems: list[Problem] = []

    def problem(self, where: str, what: str, fix: str = "") -> None:
        self.problems.append(Problem(where, what, fix))

    def fail(self) -> InputError:
        heading = term("problems.heading", self.lang, count=len(self.problems))
        return InputError(self.problems, heading)

    def read(self, accept_outside_range: bool) -> FilledTemplate:
        layout, cover = self._cover()
        if layout is None:
            raise self.fail()
        values, quality, places = self._data(layout)
        plant = str(_cell_value(cover.get("plant")) or "").strip()
        region = str(_cell_value(cover.get("region")) or "").strip()
        if region not in layout.regions:
            where = (
                cover["region"].where
                if "region" in cover
                else self._sheet_where(COVER_SHEET)
            )
            self.problem(
                where,
                term("problem.unknown_region", self.lang, given=region),
                term("fix.choose", self.lang, choices=", ".join(layout.regions)),
            )
        year = self._year(cover.get("year"))
        self._shares_add_up(layout, values, places)
        self._generation_within_use(layout, values, places)
        outside = self._ranges(layout, values, places) if not self.problems else []
        if outside and not accept_outside_range:
            self.problems += outside
        if self.problems:
            raise self.fail()
        logger.info(
            "Filled template | %s | %s %s %s, %d data",
            self.path.name,
            plant,
            layout.product,
            year,
            len(values),
        )
        return FilledTemplate(
            self.path,
            layout,
            plant,
            region,
            year,
            values,
            quality,
            places,
            outside,
            self.lang,
        )

    def _shares_add_up(
        self, layout: Layout, values: dict[str, float], places: dict[str, str]
    ) -> None:
        """The measures that make one commodity share it: at most 1 in all."""
        by_output: dict[str, list[Datum]] = {}
        for datum in layout.data:
            if datum.kind is Kind.SHARE and values.get(datum.key, 0.0) > 0:
                by_output.setdefault(datum.commodity, []).append(datum)
        for data in by_output.values():
            total = sum(values[d.key] for d in data)
            if total > 1.0 + 1e-9:
                self.problem(
                    ", ".join(places[d.key] for d in data),
                    term(
                        "problem.shares_above_one",
                        self.lang,
                        total=f"{total:g}",
                        datum=", ".join(d.text(self.lang) for d in data),
                    ),
                    term("fix.shares_above_one", self.lang),
                )

    def _generation_within_use(
        self, layout: Layout, values: dict[str, float], places: dict[str, str]
    ) -> None:
        """What is made on site is used by the stages: no more than they use."""
        for datum in layout.data:
            if datum.kind is not Kind.GENERATED or datum.key not in values:
                continue
            used = sum(
                values.get(d.key, 0.0)
                for d in layout.data
                if d.kind is Kind.PURCHASE and d.commodity == datum.commodity
            )
            if values[datum.key] > used * (1 + 1e-9):
                self.problem(
                    places[datum.key],
                    term(
                        "problem.generated_above_use",
                        self.lang,
                        datum=datum.text(self.lang),
                        given=f"{values[datum.key]:,.6g}",
                        used=f"{used:,.6g}",
                    ),
                    term("fix.generated_above_use", self.lang),
                )

    def _sheet_where(self, sheet: str) -> str:
        return term("where.sheet", self.lang, file=self.path.name, sheet=sheet)

    def _cover(self) -> tuple[Layout | None, dict[str, Cell]]:
        if COVER_SHEET not in self.rows:
            self.problem(
                self._sheet_where(COVER_SHEET),
                term("problem.missing_sheet", self.lang),
                term("fix.missing_sheet", self.lang),
            )
            return None, {}
        cover = {
            k: cells["value"]
            for k, cells in self.rows[COVER_SHEET].items()
            if "value" in cells
        }
        products = sorted(p.stem for p in (self.root / "models").glob("*.yaml"))
        product = str(_cell_value(cover.get("product")) or "").strip()
        if product not in products:
            where = (
                cover["product"].where
                if "product" in cover
                else self._sheet_where(COVER_SHEET)
            )
            self.problem(
                where,
                term("problem.unknown_product", self.lang, given=product),
                term("fix.unknown_product", self.lang, choices=", ".join(products)),
            )
            return None, cover
        grade = str(_cell_value(cover.get("grade")) or "").strip() or None
        plant_type = str(_cell_value(cover.get("plant_type")) or "").strip() or None
        spec = load_model_file(self.root / "models" / f"{product}.yaml")
        if grade is not None and grade not in spec.grades:
            self.problem(
                cover["grade"].where,
                term("problem.unknown_grade", self.lang, given=grade),
                term("fix.choose", self.lang, choices=", ".join(spec.grades)),
            )
            return None, cover
        if plant_type is not None and plant_type not in spec.plant_types:
            self.problem(
                cover["plant_type"].where,
                term("problem.unknown_plant_type", self.lang, given=plant_type),
                term(
                    "fix.choose", self.lang, choices=", ".join(spec.plant_types) or "-"
                ),
            )
            return None, cover
        return load_layout(self.root, product, grade, plant_type), cover

    def _year(self, cell: Cell | None) -> int:
        given = _cell_value(cell)
        try:
            year = int(float(str(given).strip()))
            if float(str(given).strip()) != year or not 1990 <= year <= 2100:
                raise ValueError
        except (TypeError, ValueError):
            where = cell.where if cell else self._sheet_where(COVER_SHEET)
            self.problem(
                where,
                term(
                    "problem.bad_year", self.lang, given="" if given is None else given
                ),
                term("fix.bad_year", self.lang),
            )
            return 0
        return year

    def _data(
        self, layout: Layout
    ) -> tuple[dict[str, float], dict[str, str], dict[str, str]]:
        values: dict[str, float] = {}
        quality: dict[str, str] = {}
        places: dict[str, str] = {}
        for sheet in layout.sheets:
            if sheet not in self.rows:
                self.problem(
                    self._sheet_where(sheet),
                    term("problem.missing_sheet", self.lang),
                    term("fix.missing_sheet", self.lang),
                )
                continue
            found = self.rows[sheet]
            for key, cells in found.items():
                if "duplicate_of" in cells:
                    self.problem(
                        cells["key"].where,
                        term(
                            "problem.duplicate_row",
                            self.lang,
                            key=key.split("#")[0],
                            first=cells["duplicate_of"].where,
                        ),
                        term("fix.duplicate_row", self.lang),
                    )
            known = {d.key for d in layout.on_sheet(sheet)}
            for key, cells in found.items():
                if key not in known and "duplicate_of" not in cells:
                    self.problem(
                        cells["key"].where,
                        term("problem.unknown_row", self.lang, key=key),
                        term("fix.unknown_row", self.lang),
                    )
            for datum in layout.on_sheet(sheet):
                if datum.key not in found:
                    self.problem(
                        self._sheet_where(sheet),
                        term("problem.missing_row", self.lang, key=datum.key),
                        term("fix.missing_row", self.lang),
                    )
                    continue
                cells = found[datum.key]
                places[datum.key] = cells["value"].where
                value = self._number(datum, cells)
                if value is not None:
                    values[datum.key] = value
                stated = self._quality(cells.get("quality"))
                if stated:
                    quality[datum.key] = stated
        return values, quality, places

    def _number(self, datum: Datum, cells: dict[str, Cell]) -> float | None:
        shown = datum.text(self.lang)
        unit = cells.get("unit")
        if unit is not None and str(unit.value or "").strip() != datum.unit:
            self.problem(
                unit.where,
                term(
                    "problem.unit_changed",
                    self.lang,
                    datum=shown,
                    given=unit.value or "",
                ),
                term("fix.unit_changed", self.lang, unit=datum.unit),
            )
            return None
        cell = cells["value"]
        given = cell.value
        if given is None or (isinstance(given, str) and not given.strip()):
            if datum.required:
                self.problem(
                    cell.where,
                    term("problem.missing_value", self.lang, datum=shown),
                    term("fix.missing_value", self.lang),
                )
            return None
        if isinstance(given, bool):
            value = math.nan
        else:
            try:
                value = (
                    float(str(given).strip())
                    if isinstance(given, str)
                    else float(given)
                )
            except ValueError:
                value = math.nan
        if not math.isfinite(value):
            self.problem(
                cell.where,
                term("problem.not_a_number", self.lang, given=given, datum=shown),
                term("fix.not_a_number", self.lang),
            )
            return None
        if value < 0:
            self.problem(
                cell.where,
                term("problem.negative", self.lang, given=f"{value:g}", datum=shown),
                term("fix.negative", self.lang),
            )
            return None
        if datum.kind is Kind.SHARE and value > 1:
            self.problem(
                cell.where,
                term("problem.share_range", self.lang, given=f"{value:g}", datum=shown),
                term("fix.share_range", self.lang),
            )
            return None
        return value

    def _quality(self, cell: Cell | None) -> str:
        given = str(_cell_value(cell) or "").strip()
        if not given:
            return ""
        for name in QUALITIES:
            if given.lower() in {t.lower() for t in every_language(f"quality.{name}")}:
                return name
        choices = ", ".join(term(f"quality.{q}", self.lang) for q in QUALITIES)
        self.problem(
            cell.where,
            term("problem.bad_quality", self.lang, given=given),
            term("fix.bad_quality", self.lang, choices=choices),
        )
        return ""

    def _ranges(
        self, layout: Layout, values: dict[str, float], places: dict[str, str]
    ) -> list[Problem]:
        """Amounts per functional unit outside their plausible range."""
        product = values.get(layout.product_key(), 0.0)
        if product <= 0:
            self.problem(
                places.get(layout.product_key(), self._sheet_where(COVER_SHEET)),
                term("problem.product_output_zero", self.lang),
                term("fix.missing_value", self.lang),
            )
            return []
        units = product / layout.network.functional_unit_amount
        outside = []
        for datum in layout.data:
            if datum.key not in values or datum.high_per_fu is None:
                continue
            if datum.commodity == layout.network.product_commodity:
                continue
            per_fu = values[datum.key] / units
            if datum.low_per_fu <= per_fu <= datum.high_per_fu:
                continue
            outside.append(
                Problem(
                    places[datum.key],
                    term(
                        "problem.out_of_range",
                        self.lang,
                        datum=datum.text(self.lang),
                        per_fu=f"{per_fu:.4g}",
                        unit=datum.unit,
                        fu=layout.network.functional_unit,
                        low=f"{datum.low_per_fu:.3g}",
                        high=f"{datum.high_per_fu:.3g}",
                    ),
                    term("fix.out_of_range", self.lang),
                )
            )
        return outside
