"""Schemas and reading of the sourced CSV tables in ``data/``.

Every figure row carries its value, optional range, unit and provenance. Rows are
checked one by one and every problem in a file is reported at once, with its row
number as a spreadsheet would show it (the header is row 1).
"""

from __future__ import annotations

import csv
import math
from enum import StrEnum
from pathlib import Path
from typing import ClassVar, Literal, TypeVar

import pint
import pydantic
from pydantic import (
    BaseModel,
    ConfigDict,
    PrivateAttr,
    field_validator,
    model_validator,
)

from mitigation.exceptions import InputError, Problem, input_error
from mitigation.inputs.errors import FieldError, problems_from_validation
from mitigation.units import parse_unit, ureg

Row = TypeVar("Row", bound=BaseModel)

# What to do about a missing or wrong field of any table, where the error says nothing.
FIELD_FIXES = {
    "value": "write the figure as a plain number",
    "unit": "write the unit as pint reads it, 'dimensionless' for a pure number",
    "source": "every figure needs its source: name the publication, or write "
    "'none' for an illustrative figure",
    "read_in": "use primary, secondary, derived, recalled or illustrative",
    "year": "write the year as a whole number, e.g. 2021",
}


class ReadIn(StrEnum):
    """How a figure was read: the provenance flag of every data row."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    DERIVED = "derived"
    RECALLED = "recalled"
    ILLUSTRATIVE = "illustrative"


class Figure(BaseModel):
    """A published (or derived, or illustrative) number with its unit and source.

    ``non_negative`` is set by tables whose figures cannot be below zero (a calorific
    value, a grid factor, a price).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    non_negative: ClassVar[bool] = False
    # The fields that identify a row: no two rows of a file may share them.
    key_fields: ClassVar[tuple[str, ...]] = ()
    _line: int = PrivateAttr(default=0)

    value: float
    low: float | None = None
    high: float | None = None
    unit: str
    source: str
    locator: str = ""
    read_in: ReadIn
    note: str = ""

    @field_validator("value", "low", "high")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            shown = "NaN" if math.isnan(value) else value
            raise FieldError(
                f"must be a finite number, not {shown}",
                "write the published number; leave low and high empty when there "
                "is no range",
            )
        return value

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        try:
            parse_unit(unit, "unit")
        except InputError as err:
            problem = err.problems[0]
            raise FieldError(problem.what, problem.fix) from err
        return unit

    @field_validator("source")
    @classmethod
    def _has_source(cls, source: str) -> str:
        if not source.strip():
            raise FieldError("is empty", FIELD_FIXES["source"])
        return source

    @model_validator(mode="after")
    def _range_holds_value(self) -> Figure:
        fix = "check the value and its published range"
        if self.low is not None and self.low > self.value:
            msg = f"low {self.low:g} is above the value {self.value:g}"
            raise FieldError(msg, fix, field="low")
        if self.high is not None and self.high < self.value:
            msg = f"high {self.high:g} is below the value {self.value:g}"
            raise FieldError(msg, fix, field="high")
        if self.non_negative and self.value < 0:
            raise FieldError(
                f"must not be negative, found {self.value:g}",
                "write the published figure, which is zero or more",
                field="value",
            )
        return self

    def key(self) -> tuple:
        """What identifies the row; two rows of a file with the same key clash."""
        return tuple(getattr(self, name) for name in self.key_fields)

    def _check_fraction(self, name: str, fix: str) -> None:
        """Raise unless value, low and high all lie in [0, 1] (30 percent is 0.3)."""
        for field in ("value", "low", "high"):
            given = getattr(self, field)
            if given is not None and not 0 <= _dimensionless(given, self.unit) <= 1:
                raise FieldError(
                    f"{name} must lie between 0 and 1, found {given:g} {self.unit}",
                    fix,
                    field=field,
                )


class FuelRow(Figure):
    non_negative: ClassVar[bool] = True
    key_fields: ClassVar[tuple[str, ...]] = ("fuel", "dataset", "parameter")

    fuel: str
    dataset: str
    parameter: Literal["ncv", "carbon_content", "oxidation_rate", "co2_factor"]

    @model_validator(mode="after")
    def _oxidation_is_a_fraction(self) -> FuelRow:
        if self.parameter == "oxidation_rate":
            self._check_fraction(
                "oxidation_rate",
                "write the share of the carbon that is oxidised as a fraction, "
                "e.g. 0.98, or with the unit 'percent'",
            )
        return self


class GridRow(Figure):
    non_negative: ClassVar[bool] = True
    key_fields: ClassVar[tuple[str, ...]] = ("grid", "year")

    grid: str
    year: int


class ProcessEmissionRow(Figure):
    non_negative: ClassVar[bool] = True
    key_fields: ClassVar[tuple[str, ...]] = ("factor",)

    factor: str
    gas: str


class GwpRow(Figure):
    non_negative: ClassVar[bool] = True
    key_fields: ClassVar[tuple[str, ...]] = ("gas", "gwp_set")

    gas: str
    gwp_set: str
    unit: str = "dimensionless"


class MaterialRow(Figure):
    key_fields: ClassVar[tuple[str, ...]] = ("material",)

    material: str
    region: str = ""
    year: int | None = None
    boundary: str = ""


class PriceRow(Figure):
    """A price; one commodity may be priced in several currencies or per several
    kinds of amount (per t and per GJ of coal) in the same region and year."""

    non_negative: ClassVar[bool] = True
    key_fields: ClassVar[tuple[str, ...]] = ("commodity", "region", "year")

    commodity: str
    region: str
    year: int

    def key(self) -> tuple:
        return (*super().key(), _dimensionality(self.unit))


class PolicyLevelRow(Figure):
    key_fields: ClassVar[tuple[str, ...]] = (
        "instrument",
        "parameter",
        "region",
        "year",
    )

    instrument: str
    parameter: str
    region: str = ""
    year: int | None = None


class QuotaRow(Figure):
    non_negative: ClassVar[bool] = True
    key_fields: ClassVar[tuple[str, ...]] = (
        "standard",
        "indicator",
        "plant_class",
        "level",
    )

    standard: str
    indicator: str
    plant_class: str = ""
    level: str


class OptionRow(Figure):
    key_fields: ClassVar[tuple[str, ...]] = ("option", "parameter", "region")

    option: str
    parameter: Literal[
        "capex",
        "fixed_om",
        "variable_om",
        "non_energy_benefit",
        "lifetime",
        "max_share",
        "operating_hours",
        "max_capacity",
        "first_year",
    ]
    region: str = ""

    @model_validator(mode="after")
    def _value_fits_parameter(self) -> OptionRow:
        """Costs, capacities and lifetimes cannot be negative; a share is a fraction."""
        name, value = self.parameter, self.value
        if name in ("capex", "fixed_om", "max_capacity") and value < 0:
            raise FieldError(
                f"{name} must not be negative, found {value:g}",
                "write the cost or capacity as a positive number; a saving belongs "
                "in a non_energy_benefit row",
                field="value",
            )
        if name in ("lifetime", "operating_hours") and not value > 0:
            raise FieldError(
                f"{name} must be positive, found {value:g}",
                "write the option's technical lifetime or hours a year",
                field="value",
            )
        if name == "max_share":
            self._check_fraction(
                "max_share",
                "write the largest share of the output as a fraction, e.g. 0.3",
            )
        if name == "first_year" and (value != int(value) or value < 1900):
            raise FieldError(
                f"first_year must be a calendar year, found {value:g}",
                "write the first year the option is available, e.g. 2027",
                field="value",
            )
        return self


def _dimensionless(value: float, unit: str) -> float:
    """``value`` in ``unit`` as a pure number (30 percent is 0.3); as is otherwise."""
    try:
        return float(ureg.Quantity(value, unit).to("dimensionless").magnitude)
    except (pint.errors.PintError, ValueError):
        return value  # a wrong unit is reported where the option is resolved


def _dimensionality(unit: str) -> str:
    """The kind of amount a unit measures (``CNY/kWh`` and ``CNY/MWh`` are alike)."""
    try:
        return str(parse_unit(unit, "unit").dimensionality)
    except InputError:
        return unit  # reported by the unit check of the row


class RegionRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key_fields: ClassVar[tuple[str, ...]] = ("region",)
    _line: int = PrivateAttr(default=0)

    def key(self) -> tuple:
        return (self.region,)

    region: str
    label: str
    label_zh: str = ""
    province_grid: str
    regional_grid_2012: str = ""
    reward_zone: str = ""
    source: str
    locator: str = ""
    read_in: ReadIn
    note: str = ""


def read_table(path: Path, row_model: type[Row]) -> list[Row]:
    """Read a CSV file into validated rows of ``row_model``.

    Empty cells become missing values. Raises :class:`InputError` listing every bad
    row and field of the file.
    """
    if not path.is_file():
        raise input_error(str(path), "file not found", "restore it from the repository")
    try:
        # utf-8-sig: a spreadsheet program may start the file with a byte order mark
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            # The line a record ends on is its row in a spreadsheet (the header is
            # row 1), also when blank lines are skipped.
            records = [(reader.line_num, record) for record in reader]
            header = list(reader.fieldnames or [])
    except UnicodeDecodeError as err:
        raise input_error(
            str(path), "not UTF-8 text", "save the file as UTF-8 (CSV UTF-8)"
        ) from err
    except csv.Error as err:
        raise input_error(
            str(path),
            f"malformed CSV: {err}",
            "check the quotes: a quoted cell must end with a quote before the comma",
        ) from err
    if not records:
        raise input_error(str(path), "no rows", "the table needs a header and rows")
    missing = _missing_columns(row_model, header)
    columns = ", ".join(row_model.model_fields)
    if missing:
        msg = f"missing column(s) {', '.join(missing)}"
        fix = f"add them to the header row; the columns are {columns}"
        raise input_error(f"{path}, row 1", msg, fix)
    unknown = [name for name in header if name not in row_model.model_fields]
    if unknown:
        msg = f"unknown column(s) {', '.join(repr(name) for name in unknown)}"
        fix = f"check the spelling; the columns are {columns}"
        raise input_error(f"{path}, row 1", msg, fix)
    rows, problems = [], []
    for number, record in records:
        if None in record:
            problems.append(
                Problem(
                    f"{path}, row {number}",
                    f"has more cells than the header ({len(header)})",
                    "remove the extra cells, or put quotes around text that "
                    "contains a comma",
                )
            )
            continue
        if None in record.values():
            problems.append(
                Problem(
                    f"{path}, row {number}",
                    f"has fewer cells than the header ({len(header)})",
                    "add the missing cells; an empty cell still needs its comma",
                )
            )
            continue
        cleaned = {
            key: value for key, value in record.items() if value not in ("", None)
        }
        try:
            row = row_model.model_validate(cleaned)
        except pydantic.ValidationError as err:
            problems += problems_from_validation(
                err, f"{path}, row {number}", FIELD_FIXES
            )
        else:
            row._line = number
            rows.append(row)
    problems += _duplicate_problems(path, rows)
    if problems:
        raise InputError(problems)
    return rows


def _duplicate_problems(path: Path, rows: list[BaseModel]) -> list[Problem]:
    """A row whose key fields repeat an earlier row's; the later one is reported."""
    names = getattr(type(rows[0]), "key_fields", ()) if rows else ()
    if not names:
        return []
    problems = []
    first_of: dict[tuple, int] = {}
    for row in rows:
        key = row.key()
        if key not in first_of:
            first_of[key] = row._line
            continue
        shown = ", ".join(
            f"{name} '{getattr(row, name)}'"
            if getattr(row, name) not in ("", None)
            else f"{name} empty"
            for name in names
        )
        differ = names
        if len(key) > len(names):  # a price: the unit's kind is part of the key
            shown += ", and a unit of the same kind"
            differ = (*names, "kind of unit")
        problems.append(
            Problem(
                f"{path}, row {row._line}",
                f"repeats row {first_of[key]}: both give {shown}",
                "keep one of the two rows; a row must differ from every other in "
                f"{_listed(differ)}",
            )
        )
    return problems


def _listed(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _missing_columns(row_model: type[BaseModel], header: object) -> list[str]:
    required = [
        name for name, field in row_model.model_fields.items() if field.is_required()
    ]
    return [name for name in required if name not in header]
