"""Schema of a fleet file (``scenarios/fleet/*.yaml``) and its table of plants.

A fleet is many plants in one province sharing a horizon, a discount rate and a
province-wide setting: an intensity target over all plants' output, or a carbon
price every plant pays. Its plants are listed in a CSV file (one row per plant) or
generated from archetype classes with a seed; see ``scenarios/fleet/README.md``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from mitigation.exceptions import InputError, Problem, input_error
from mitigation.inputs.data import FactorData
from mitigation.inputs.errors import FieldError, read_yaml, validate
from mitigation.inputs.model_file import ModelFile, load_model_file
from mitigation.inputs.policy import CarbonPrice
from mitigation.inputs.scenario import FIELD_FIXES as SCENARIO_FIXES
from mitigation.inputs.scenario import Targets
from mitigation.inputs.tables import read_table
from mitigation.units import convert, read_quantity

FLEET_FIXES = {
    **SCENARIO_FIXES,
    "province": "give intensity_target or carbon_price (or neither) under province",
    "plants": "give plants.csv (a file of plants) or plants.generate (archetypes)",
}


class Province(BaseModel):
    """What couples the plants, or prices them alike: at most one of the two."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    intensity_target: Targets | None = None
    carbon_price: CarbonPrice | None = None

    @model_validator(mode="after")
    def _one_instrument(self) -> Province:
        if self.intensity_target is not None and self.carbon_price is not None:
            raise FieldError(
                "gives both an intensity target and a carbon price",
                "keep one: a fleet is either held to a province-wide intensity or "
                "priced",
            )
        return self


class PlantClass(BaseModel):
    """One archetype: a kind of plant and the range its output is drawn from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    plant_type: StrictStr | None = None
    grade: StrictStr | None = None
    share: float = Field(gt=0, le=1)  # of the province's output, not of plants
    production: tuple[StrictStr, StrictStr]  # uniform between the two amounts
    vintage: tuple[StrictInt, StrictInt] | None = None  # commissioning years
    source: StrictStr = ""


class Generate(BaseModel):
    """Plants drawn from archetype classes with a seed.

    Each plant's class is drawn with probability proportional to the class's share
    of output divided by its mean output, so that the expected shares of output
    match the shares given; its output is then drawn uniformly in the class's range
    and its commissioning year uniformly in the class's vintage range.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: StrictInt
    count: StrictInt = Field(gt=0)
    product: StrictStr
    name_prefix: StrictStr = "plant"
    classes: list[PlantClass] = Field(min_length=1)
    source: StrictStr = ""

    @field_validator("classes")
    @classmethod
    def _shares_add_up(cls, classes: list[PlantClass]) -> list[PlantClass]:
        total = sum(c.share for c in classes)
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            raise FieldError(
                f"the class shares add up to {total:g}, not 1",
                "give each class its share of the province's output, adding to 1",
            )
        return classes


class Plants(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    csv: StrictStr | None = None
    generate: Generate | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Plants:
        if (self.csv is None) == (self.generate is None):
            raise FieldError(
                "needs exactly one of csv and generate",
                "give csv: a file of plants, or generate: archetype classes",
            )
        return self


class Fleet(BaseModel):
    """A province's plants and the setting they share."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: StrictStr
    region: StrictStr  # each plant's region unless its row names another
    grid_basis: Literal["latest", "regional_2012"] = "latest"
    fuel_dataset: StrictStr = "cn_default"
    gwp_set: StrictStr = "AR5"
    discount_rate: float = Field(ge=0, le=1)
    years: list[StrictInt] = Field(min_length=1)
    last_period_years: StrictInt = Field(default=1, gt=0)
    province: Province = Province()
    plants: Plants
    notes: StrictStr = ""

    @field_validator("years")
    @classmethod
    def _increasing(cls, years: list[int]) -> list[int]:
        if any(b <= a for a, b in zip(years, years[1:], strict=False)):
            msg = "years must increase strictly"
            raise ValueError(msg)
        return years

    @property
    def end_year(self) -> int:
        return self.years[-1] + self.last_period_years


class PlantRow(BaseModel):
    """One plant of a fleet: a row of the plants CSV, or one drawn from archetypes.

    ``production`` is the output of the product's functional-unit commodity a year
    with its unit (``"1.55 Mt/yr"``); ``vintage`` the year the line was
    commissioned, recorded with the results. Empty ``grade``, ``plant_type`` and
    ``region`` take the model's default grade and plant type and the fleet's
    region.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    key_fields: ClassVar[tuple[str, ...]] = ("name",)
    _line: int = PrivateAttr(default=0)

    name: StrictStr
    product: StrictStr
    grade: StrictStr | None = None
    plant_type: StrictStr | None = None
    region: StrictStr | None = None
    production: StrictStr
    vintage: int | None = None

    def key(self) -> tuple:
        return (self.name,)


def load_fleet(path: Path) -> Fleet:
    """Read a fleet file and check what can be checked without its plants."""
    fleet = validate(
        Fleet, read_yaml(path), str(path), FLEET_FIXES, hidden=("ceilings",)
    )
    target = fleet.province.intensity_target
    if target is not None:
        for year in target.ceilings:
            if year not in fleet.years:
                raise input_error(
                    f"{path}, field 'province.intensity_target.{year}'",
                    f"{year} is not the first year of a period",
                    "a target holds for whole periods: give it at one of "
                    f"{', '.join(map(str, fleet.years))}",
                )
    return fleet


def read_plant_table(path: Path) -> list[PlantRow]:
    """The plants of a CSV file, every bad row reported with its row and field."""
    return read_table(path, PlantRow)


def plant_problems(
    rows: list[PlantRow], root: Path, where_rows: str, region: str
) -> list[Problem]:
    """Names and amounts of each plant checked against the models and the data.

    ``where_rows`` is the file the rows come from; a problem is located at its row
    (``file, row 3, field 'grade'``), or at the plant's name for generated plants.
    """
    data = FactorData(root / "data")
    models: dict[str, ModelFile | None] = {}
    problems = []
    for index, row in enumerate(rows):
        where = (
            f"{where_rows}, row {row._line}"
            if row._line
            else f"{where_rows}, plant '{row.name}' (number {index + 1})"
        )
        if row.product not in models:
            model_path = root / "models" / f"{row.product}.yaml"
            models[row.product] = (
                load_model_file(model_path) if model_path.is_file() else None
            )
        spec = models[row.product]
        problems += _row_problems(row, spec, data, region, where, root)
    return problems


def _row_problems(
    row: PlantRow,
    spec: ModelFile | None,
    data: FactorData,
    region: str,
    where: str,
    root: Path,
) -> list[Problem]:
    def field(name: str) -> str:
        return f"{where}, field '{name}'"

    problems = []
    if (row.region or region) not in data.regions:
        problems.append(
            Problem(
                field("region"),
                f"unknown region '{row.region or region}'",
                f"known regions: {', '.join(sorted(data.regions))}",
            )
        )
    if spec is None:
        known = ", ".join(sorted(p.stem for p in (root / "models").glob("*.yaml")))
        problems.append(
            Problem(
                field("product"),
                f"unknown product '{row.product}'",
                f"products with a model: {known}",
            )
        )
        return problems
    if row.grade is not None and row.grade not in spec.grades:
        problems.append(
            Problem(
                field("grade"),
                f"unknown grade '{row.grade}' of {row.product}",
                f"choose one of {', '.join(spec.grades)}, or leave the cell empty",
            )
        )
    if row.plant_type is not None and row.plant_type not in spec.plant_types:
        known = ", ".join(spec.plant_types) or "none"
        problems.append(
            Problem(
                field("plant_type"),
                f"unknown plant type '{row.plant_type}' of {row.product}",
                f"plant types of {row.product}: {known}; or leave the cell empty",
            )
        )
    problems += _production_problems(row, spec, field("production"))
    return problems


def _production_problems(row: PlantRow, spec: ModelFile, where: str) -> list[Problem]:
    grade = row.grade if row.grade in spec.grades else spec.default_grade
    commodity = spec.grades[grade].commodity
    unit = spec.commodities[commodity].unit
    example = (
        f'write the output of {commodity} a year with its unit, e.g. "1 M{unit}/yr"'
    )
    try:
        amount = convert(
            read_quantity(row.production, where, example), f"{unit}/yr", where
        )
    except InputError as err:
        return [Problem(where, err.problems[0].what, example)]
    if not amount > 0 or math.isinf(amount):
        return [
            Problem(
                where, f"production must be positive, found '{row.production}'", example
            )
        ]
    return []
