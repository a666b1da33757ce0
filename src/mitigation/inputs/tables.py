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
from typing import Literal, TypeVar

import pydantic
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from mitigation.exceptions import InputError, Problem, input_error
from mitigation.inputs.errors import problems_from_validation
from mitigation.units import parse_unit

Row = TypeVar("Row", bound=BaseModel)


class ReadIn(StrEnum):
    """How a figure was read: the provenance flag of every data row."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    DERIVED = "derived"
    RECALLED = "recalled"
    ILLUSTRATIVE = "illustrative"


class Figure(BaseModel):
    """A published (or derived, or illustrative) number with its unit and source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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
            msg = "must be a finite number, not NaN or infinity"
            raise ValueError(msg)
        return value

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        try:
            parse_unit(unit, "unit")
        except InputError as err:
            problem = err.problems[0]
            msg = f"{problem.what}; {problem.fix}"
            raise ValueError(msg) from err
        return unit

    @field_validator("source")
    @classmethod
    def _has_source(cls, source: str) -> str:
        if not source.strip():
            msg = "every figure needs its source (write 'none' for an illustrative one)"
            raise ValueError(msg)
        return source

    @model_validator(mode="after")
    def _range_holds_value(self) -> Figure:
        if self.low is not None and self.low > self.value:
            msg = f"low {self.low} is above the value {self.value}"
            raise ValueError(msg)
        if self.high is not None and self.high < self.value:
            msg = f"high {self.high} is below the value {self.value}"
            raise ValueError(msg)
        return self


class FuelRow(Figure):
    fuel: str
    dataset: str
    parameter: Literal["ncv", "carbon_content", "oxidation_rate", "co2_factor"]


class GridRow(Figure):
    grid: str
    year: int


class ProcessEmissionRow(Figure):
    factor: str
    gas: str


class GwpRow(Figure):
    gas: str
    gwp_set: str
    unit: str = "dimensionless"


class MaterialRow(Figure):
    material: str
    region: str = ""
    year: int | None = None
    boundary: str = ""


class PriceRow(Figure):
    commodity: str
    region: str
    year: int


class PolicyLevelRow(Figure):
    instrument: str
    parameter: str
    region: str = ""
    year: int | None = None


class QuotaRow(Figure):
    standard: str
    indicator: str
    plant_class: str = ""
    level: str


class OptionRow(Figure):
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


class RegionRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

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
        with path.open(newline="", encoding="utf-8") as handle:
            records = list(csv.DictReader(handle))
            header = records[0].keys() if records else []
    except (csv.Error, UnicodeDecodeError) as err:
        raise input_error(str(path), f"malformed CSV: {err}", "fix the file") from err
    if not records:
        raise input_error(str(path), "no rows", "the table needs a header and rows")
    missing = _missing_columns(row_model, header)
    if missing:
        msg = f"missing column(s) {', '.join(missing)}"
        raise input_error(str(path), msg, "add them to the header row")
    rows, problems = [], []
    for number, record in enumerate(records, start=2):
        if None in record:
            problems.append(
                Problem(f"{path}, row {number}", "has more cells than the header")
            )
            continue
        cleaned = {
            key: value for key, value in record.items() if value not in ("", None)
        }
        try:
            rows.append(row_model.model_validate(cleaned))
        except pydantic.ValidationError as err:
            problems += problems_from_validation(err, f"{path}, row {number}")
    if problems:
        raise InputError(problems)
    return rows


def _missing_columns(row_model: type[BaseModel], header: object) -> list[str]:
    required = [
        name for name, field in row_model.model_fields.items() if field.is_required()
    ]
    return [name for name in required if name not in header]
