"""Schema of a scenario file (``scenarios/*.yaml``); see ``scenarios/README.md``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from mitigation.exceptions import input_error
from mitigation.inputs.errors import read_yaml, validate


class Targets(BaseModel):
    """Intensity ceilings per functional unit, each holding until the next year.

    Written in the file as ``unit`` plus one ``year: value`` entry per ceiling.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    unit: StrictStr
    ceilings: dict[StrictInt, StrictFloat | StrictInt] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _gather_years(cls, data: object) -> object:
        if isinstance(data, dict) and "ceilings" not in data:
            years = {key: value for key, value in data.items() if key != "unit"}
            return {"unit": data.get("unit"), "ceilings": years}
        return data

    @field_validator("ceilings")
    @classmethod
    def _non_negative(cls, ceilings: dict[int, float]) -> dict[int, float]:
        for year, value in ceilings.items():
            if not value >= 0 or value == float("inf"):  # also rejects NaN
                msg = f"target for {year} must be a finite non-negative number"
                raise ValueError(msg)
        return {year: float(value) for year, value in sorted(ceilings.items())}


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: StrictStr
    product: StrictStr
    grade: StrictStr | None = None
    region: StrictStr
    grid_basis: Literal["latest", "regional_2012"] = "latest"
    fuel_dataset: StrictStr = "cn_default"
    gwp_set: StrictStr = "AR5"
    discount_rate: float = Field(ge=0, le=1)
    years: list[StrictInt] = Field(min_length=1)
    last_period_years: StrictInt = Field(default=1, gt=0)
    production: StrictStr | dict[StrictInt, StrictStr]
    targets: Targets | None = None
    price_overrides: dict[StrictStr, StrictStr] = {}
    excluded_options: list[StrictStr] = []
    notes: StrictStr = ""

    @field_validator("years")
    @classmethod
    def _increasing(cls, years: list[int]) -> list[int]:
        if any(b <= a for a, b in zip(years, years[1:], strict=False)):
            msg = "years must increase strictly"
            raise ValueError(msg)
        return years

    @field_validator("discount_rate")
    @classmethod
    def _finite_rate(cls, rate: float) -> float:
        if rate != rate:
            msg = "discount rate is NaN"
            raise ValueError(msg)
        return rate

    @property
    def end_year(self) -> int:
        """First year after the horizon."""
        return self.years[-1] + self.last_period_years

    def period_lengths(self) -> list[int]:
        return [
            b - a
            for a, b in zip(self.years, [*self.years[1:], self.end_year], strict=True)
        ]


def load_scenario(path: Path) -> Scenario:
    """Read a scenario and check what can be checked without the product model."""
    scenario = validate(Scenario, read_yaml(path), str(path))
    if scenario.targets is not None:
        for year in scenario.targets.ceilings:
            if not scenario.years[0] <= year < scenario.end_year:
                raise input_error(
                    f"{path}, field 'targets.{year}'",
                    f"target year {year} is outside the horizon "
                    f"{scenario.years[0]}-{scenario.end_year - 1}",
                    "move the target into the horizon or extend 'years'",
                )
    if isinstance(scenario.production, dict):
        missing = [year for year in scenario.years if year not in scenario.production]
        if missing:
            raise input_error(
                f"{path}, field 'production'",
                f"no production given for {', '.join(map(str, missing))}",
                "give one amount for every year in 'years', or a single amount",
            )
    return scenario
