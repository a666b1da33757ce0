"""Schema of a scenario file (``scenarios/*.yaml``); see ``scenarios/README.md``."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from mitigation.exceptions import InputError, Problem, input_error
from mitigation.inputs.data import FactorData
from mitigation.inputs.errors import FieldError, read_yaml, validate
from mitigation.inputs.model_file import (
    ModelFile,
    data_problems,
    load_model_file,
    plant_type_problems,
)
from mitigation.inputs.policy import Barriers, Instruments
from mitigation.inputs.uncertainty import UncertainParameter
from mitigation.units import Quantity, convert, parse_unit, read_quantity

# The most functional units a scenario's plant may make in a year: 1e10 t is more than
# twice the world's cement output (about 4.1e9 t in 2023), and larger numbers only
# arise from a mistyped exponent or unit. Far larger ones also break the solve: HiGHS
# reads any bound of 1e20 or more as infinite.
MAX_FUNCTIONAL_UNITS_PER_YEAR = 1e10

# What to do about a field, where the error itself says nothing.
FIELD_FIXES = {
    "name": "give the scenario a name",
    "product": "name a model in models/, e.g. cement",
    "grade": "name a grade of the product's model, or leave the field out",
    "plant_type": "name a plant type of the product's model, or leave the field out",
    "region": "name a region of data/regions.csv, e.g. guangdong",
    "fuel_dataset": "cn_default or ipcc2006 (data/fuels.csv)",
    "gwp_set": "AR4, AR5 or AR6 (data/gwp.csv)",
    "discount_rate": "write the enterprise's real discount rate as a fraction "
    "between 0 and 1, e.g. 0.08",
    "years": "list the first year of each period in increasing order, "
    "e.g. [2025, 2030, 2035]",
    "last_period_years": "give the length of the last period in whole years, e.g. 1",
    "production": 'write the output per year with its unit, in quotes: "1.94 Mt/yr"',
    "targets": "write 'unit: kg/t' and one 'year: ceiling' line per target",
    "targets.unit": "write the unit the ceilings are in, e.g. kg/t",
    "price_overrides": 'map a price id to "value unit", e.g. electricity: '
    '"0.6 CNY/kWh"',
    "excluded_options": "list option processes of the product's model",
}


def _ceiling(value: object) -> float:
    """One intensity ceiling: a bare, finite, non-negative number."""
    fix = "write the ceiling as a bare number, e.g. 600; its unit goes once under "
    fix += "targets.unit"
    if isinstance(value, bool):
        raise FieldError(f"YAML read an unquoted word as the yes/no value {value}", fix)
    if value is None:
        raise FieldError("no ceiling given", fix)
    if not isinstance(value, int | float):
        raise FieldError(f"'{value}' is not a number", fix)
    if not math.isfinite(value) or value < 0:
        shown = "NaN" if math.isnan(value) else value
        raise FieldError(f"must be a finite non-negative number, not {shown}", fix)
    return float(value)


class Targets(BaseModel):
    """Intensity ceilings per functional unit, each holding until the next year.

    Written in the file as ``unit`` plus one ``year: value`` entry per ceiling.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    unit: StrictStr
    ceilings: dict[StrictInt, Annotated[float, BeforeValidator(_ceiling)]] = Field(
        min_length=1
    )

    @model_validator(mode="before")
    @classmethod
    def _gather_years(cls, data: object) -> object:
        if isinstance(data, dict) and "ceilings" not in data:
            years = {key: value for key, value in data.items() if key != "unit"}
            gathered = {"ceilings": years}
            if "unit" in data:
                gathered["unit"] = data["unit"]
            return gathered
        return data

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        try:
            parse_unit(unit, "targets.unit")
        except InputError as err:
            fix = "write kg/t for a product counted in mass, kg for one counted in "
            fix += "pieces"
            raise FieldError(err.problems[0].what, fix) from err
        return unit

    @field_validator("ceilings")
    @classmethod
    def _sorted(cls, ceilings: dict[int, float]) -> dict[int, float]:
        return dict(sorted(ceilings.items()))


def _production(value: object) -> object:
    """One amount with its unit, or one per year: never a bare number."""
    fix = FIELD_FIXES["production"]
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for year, amount in value.items():
            if isinstance(year, bool) or not isinstance(year, int):
                raise FieldError(f"'{year}' is not a year", "write years as 2025")
            if not isinstance(amount, str):
                raise FieldError(
                    f"the amount for {year} has no unit: found {amount}", fix
                )
        return value
    if isinstance(value, bool):
        msg = f"YAML read an unquoted word as the yes/no value {value}"
        raise FieldError(msg, fix)
    if isinstance(value, int | float):
        raise FieldError(f"the amount {value} has no unit", fix)
    raise FieldError("expected an amount with its unit", fix)


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: StrictStr
    product: StrictStr
    grade: StrictStr | None = None
    plant_type: StrictStr | None = None
    region: StrictStr
    grid_basis: Literal["latest", "regional_2012"] = "latest"
    fuel_dataset: StrictStr = "cn_default"
    gwp_set: StrictStr = "AR5"
    discount_rate: float
    years: list[StrictInt] = Field(min_length=1)
    last_period_years: StrictInt = Field(default=1, gt=0)
    production: Annotated[
        StrictStr | dict[StrictInt, StrictStr], BeforeValidator(_production)
    ]
    targets: Targets | None = None
    price_overrides: dict[StrictStr, StrictStr] = {}
    excluded_options: list[StrictStr] = []
    instruments: Instruments = Instruments()
    barriers: Barriers = Barriers()
    social_discount_rate: float | None = Field(default=None, ge=0, le=1)
    uncertain: list[UncertainParameter] = []
    notes: StrictStr = ""

    @field_validator("uncertain")
    @classmethod
    def _distinct_names(cls, uncertain: list[UncertainParameter]):
        names = [p.name for p in uncertain]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise FieldError(
                f"parameter names repeat: {', '.join(twice)}",
                "give each a name of its own",
            )
        return uncertain

    @field_validator("years")
    @classmethod
    def _increasing(cls, years: list[int]) -> list[int]:
        if any(b <= a for a, b in zip(years, years[1:], strict=False)):
            msg = "years must increase strictly"
            raise ValueError(msg)
        return years

    @field_validator("discount_rate", mode="before")
    @classmethod
    def _rate_is_a_number(cls, rate: object) -> object:
        if isinstance(rate, bool):
            msg = f"YAML read an unquoted word as the yes/no value {rate}"
            raise FieldError(msg, FIELD_FIXES["discount_rate"])
        return rate

    @field_validator("discount_rate")
    @classmethod
    def _rate_is_a_fraction(cls, rate: float) -> float:
        if not 0.0 <= rate <= 1.0:  # also rejects NaN
            shown = "NaN" if math.isnan(rate) else f"{rate:g}"
            raise FieldError(f"{shown} is not a fraction between 0 and 1")
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


def read_scenario_fields(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    """The fields of a scenario file, with those of its ``base`` file underneath.

    A scenario may name another as ``base`` and state only what differs: mappings
    are merged field by field, anything else (a list, a number, ``null``) replaces
    the base's value. The base is found relative to the file.
    """
    fields = read_yaml(path)
    base = fields.pop("base", None)
    if base is None:
        return fields
    where = f"{path}, field 'base'"
    if not isinstance(base, str):
        raise input_error(
            where,
            f"expected a file name, found {base!r}",
            "write the scenario file this one builds on, in quotes",
        )
    base_path = (path.parent / base).resolve()
    if base_path in seen or base_path == path.resolve():
        raise input_error(
            where,
            f"'{base}' leads back to this file",
            "a scenario cannot build on itself",
        )
    if not base_path.is_file():
        raise input_error(
            where,
            f"no scenario file '{base}' next to this one",
            "give the base file's name relative to this file",
        )
    return _merged(read_scenario_fields(base_path, (*seen, path.resolve())), fields)


def _merged(base: dict, changes: dict) -> dict:
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_scenario(path: Path) -> Scenario:
    """Read a scenario and check what can be checked without the product model."""
    scenario = validate(
        Scenario,
        read_scenario_fields(path),
        str(path),
        FIELD_FIXES,
        hidden=("ceilings", "[key]"),
    )
    if scenario.targets is not None:
        for year in scenario.targets.ceilings:
            if not scenario.years[0] <= year < scenario.end_year:
                raise input_error(
                    f"{path}, field 'targets.{year}'",
                    f"target year {year} is outside the horizon "
                    f"{scenario.years[0]}-{scenario.end_year - 1}",
                    "move the target into the horizon or extend 'years'",
                )
            if year not in scenario.years:
                period = max(y for y in scenario.years if y <= year)
                end = scenario.end_year - 1
                following = [y for y in scenario.years if y > period]
                end = following[0] - 1 if following else end
                raise input_error(
                    f"{path}, field 'targets.{year}'",
                    f"target year {year} falls inside the period {period}-{end}",
                    "a target holds for whole periods: give it at a period's first "
                    f"year ({', '.join(map(str, scenario.years))}) or add {year} "
                    "to 'years'",
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


def check_scenario(
    scenario: Scenario, root: Path, where: str
) -> tuple[FactorData, ModelFile]:
    """Check the names a scenario uses against ``data/`` and the product's model.

    Reports every unknown region, data set, product, grade, price or option at once,
    each at the scenario field that names it. Returns the data and the model file it
    read, so that they are read once.

    Raises
    ------
    InputError
        Listing every problem; also when a data or model file itself is wrong.
    """

    def field(name: str) -> str:
        return f"{where}, field '{name}'"

    data = FactorData(root / "data")
    problems = data.setting_problems(
        scenario.region,
        scenario.grid_basis,
        scenario.fuel_dataset,
        scenario.gwp_set,
        field,
    )
    model_path = root / "models" / f"{scenario.product}.yaml"
    if model_path.is_file():
        spec = load_model_file(model_path)
        problems += data_problems(spec, model_path, data)
        problems += _model_problems(scenario, spec, field)
    else:
        known = ", ".join(sorted(p.stem for p in (root / "models").glob("*.yaml")))
        problems.append(
            Problem(
                field("product"),
                f"unknown product '{scenario.product}'",
                f"products with a model: {known}",
            )
        )
    if problems:
        raise InputError(problems)
    return data, spec


def _model_problems(
    scenario: Scenario, spec: ModelFile, field: Callable[[str], str]
) -> list[Problem]:
    problems = []
    if scenario.grade is not None and scenario.grade not in spec.grades:
        problems.append(
            Problem(
                field("grade"),
                f"unknown grade '{scenario.grade}' of {spec.product}",
                f"choose one of {', '.join(spec.grades)}, or leave the field out",
            )
        )
    problems += plant_type_problems(spec, scenario.plant_type, field("plant_type"))
    grade = scenario.grade or spec.default_grade
    if grade in spec.grades:
        problems += _amount_problems(scenario, spec, grade, field)
    options = [name for name, p in spec.processes.items() if not p.baseline]
    unknown = [o for o in scenario.excluded_options if o not in options]
    if unknown:
        problems.append(
            Problem(
                field("excluded_options"),
                f"unknown option(s) {', '.join(unknown)}",
                f"options of {spec.product}: {', '.join(options)}",
            )
        )
    priced = {
        c.purchased.price: c.unit
        for c in spec.commodities.values()
        if c.purchased is not None and c.purchased.price is not None
    }
    for price, text in scenario.price_overrides.items():
        here = field(f"price_overrides.{price}")
        if price not in priced:
            problems.append(
                Problem(
                    here,
                    f"{spec.product} buys nothing at the price '{price}'",
                    f"prices of {spec.product}: {', '.join(sorted(priced))}",
                )
            )
            continue
        unit = priced[price]
        example = f'write it in CNY per {unit}, e.g. "0.6 CNY/{unit}"'
        try:
            quantity = read_quantity(text, here, example)
        except InputError as err:  # not a number and a unit: say why
            problems += err.problems
            continue
        try:
            value = convert(quantity, f"CNY/({unit})", here)
        except InputError:
            problems.append(
                Problem(here, f"'{text}' is not a price per {unit}", example)
            )
            continue
        if not value >= 0 or math.isinf(value):
            problems.append(
                Problem(here, f"'{text}' is not a price of zero or more", example)
            )
    return problems


def _functional_units(amount: float, spec: ModelFile, unit: str) -> float | None:
    """``amount`` of the product commodity (in ``unit``) in functional units."""
    fu = spec.functional_unit
    try:
        per_fu = convert(Quantity(fu.amount, parse_unit(fu.unit, "")), unit, "")
    except InputError:  # reported with the model file
        return None
    return amount / per_fu if per_fu > 0 else None


def _amount_problems(
    scenario: Scenario, spec: ModelFile, grade: str, field: Callable[[str], str]
) -> list[Problem]:
    """Production that is not an output per year, a target unit that is no emission."""
    problems = []
    commodity = spec.grades[grade].commodity
    unit = spec.commodities[commodity].unit
    given = scenario.production
    texts = given.values() if isinstance(given, dict) else [given]
    example = f'write the output of {commodity} per year, e.g. "1000 {unit}/yr"'
    for text in texts:
        here = field("production")
        try:
            quantity = read_quantity(text, here, example)
        except InputError as err:  # not a number and a unit: say why
            problems += err.problems
            continue
        try:
            amount = convert(quantity, f"({unit})/yr", here)
        except InputError:
            what = f"'{text}' is not an amount of {commodity} ({unit}) per year"
            problems.append(Problem(here, what, example))
            continue
        if not amount > 0 or math.isinf(amount):
            what = f"production must be positive, found '{text}'"
            problems.append(Problem(here, what, example))
            continue
        units_a_year = _functional_units(amount, spec, unit)
        if units_a_year is not None and units_a_year > MAX_FUNCTIONAL_UNITS_PER_YEAR:
            fu = spec.functional_unit
            what = (
                f"production '{text}' is {units_a_year:.3g} functional units "
                f"({fu.amount:g} {fu.label or fu.unit}) a year; more than "
                f"{MAX_FUNCTIONAL_UNITS_PER_YEAR:,.0f} a year is no plant's output"
            )
            fix = f"check the number's exponent and its unit: {example}"
            problems.append(Problem(here, what, fix))
    if scenario.targets is not None:
        here = field("targets.unit")
        fu = spec.functional_unit
        try:
            probe = read_quantity(f"1 {scenario.targets.unit}", here)
            if not probe.check("[mass]"):
                probe = probe * Quantity(fu.amount, parse_unit(fu.unit, here))
            convert(probe, "kg", here)
        except InputError:
            problems.append(
                Problem(
                    here,
                    f"'{scenario.targets.unit}' is not an emission per "
                    f"{fu.amount:g} {fu.label or fu.unit} of {spec.product}",
                    "write kg per the functional unit, e.g. kg/t, or kg for a "
                    "product counted in pieces",
                )
            )
    return problems
