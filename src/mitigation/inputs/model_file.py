"""Schema of a product's process model file (``models/<product>.yaml``).

The file format is described for users in ``models/README.md``. Cross-references
(commodities named by processes, stages, grades) are checked here, all at once, so
that a new product's author sees every mistake in one run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pint
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    model_validator,
)

from mitigation.exceptions import InputError, Problem
from mitigation.inputs.data import FactorData
from mitigation.inputs.errors import FieldError, not_a_yes_no, read_yaml, validate
from mitigation.units import Quantity, parse_unit, read_quantity


def _amount(value: object) -> object:
    """A number, or text with a unit; never a YAML yes/no word or an empty value."""
    not_a_yes_no(value)
    if value is None:
        raise FieldError(
            "no amount given", "write a number, or an amount with its unit in quotes"
        )
    return value


# A coefficient: a bare number in the commodity's unit, or text such as "109 kgce".
Amount = Annotated[float | StrictStr, BeforeValidator(_amount)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FunctionalUnit(Strict):
    amount: Annotated[float, BeforeValidator(not_a_yes_no)] = Field(gt=0)
    unit: StrictStr
    label: StrictStr = ""  # how to name one unit in reports when the unit is a count


class Grade(Strict):
    commodity: StrictStr
    label: StrictStr
    label_zh: StrictStr = ""


class Purchase(Strict):
    """How a purchased commodity enters the boundary; exactly one origin is given."""

    fuel: StrictStr | None = None
    grid: StrictBool = False
    material: StrictStr | None = None
    price: StrictStr | None = None

    @model_validator(mode="after")
    def _one_origin(self) -> Purchase:
        given = [self.fuel is not None, self.grid, self.material is not None]
        if sum(given) != 1:
            msg = "say exactly one of fuel: <id>, grid: true or material: <id>|none"
            raise ValueError(msg)
        return self


class CommoditySpec(Strict):
    unit: StrictStr
    label: StrictStr = ""
    label_zh: StrictStr = ""
    purchased: Purchase | None = None
    note: StrictStr = ""


class ProcessSpec(Strict):
    label: StrictStr = ""
    label_zh: StrictStr = ""
    stage: StrictStr
    baseline: StrictBool
    description: StrictStr = ""
    inputs: dict[StrictStr, Amount] = {}
    outputs: dict[StrictStr, Amount] = {}
    emissions: dict[StrictStr, Amount] = {}
    source: StrictStr = ""
    note: StrictStr = ""

    @model_validator(mode="after")
    def _has_flows(self) -> ProcessSpec:
        if not self.inputs and not self.outputs:
            msg = "a process needs at least one input or output"
            raise ValueError(msg)
        return self


class PlantType(Strict):
    """A kind of plant: processes that exist only in plants of this kind."""

    label: StrictStr
    label_zh: StrictStr = ""
    processes: list[StrictStr] = Field(min_length=1)


class ModelFile(Strict):
    product: StrictStr
    label: StrictStr
    label_zh: StrictStr = ""
    description: StrictStr = ""
    functional_unit: FunctionalUnit
    grades: dict[StrictStr, Grade]
    default_grade: StrictStr
    stages: dict[StrictStr, StrictStr]
    # Chinese names of the stages, as Chinese standards name them; any may be left out.
    stages_zh: dict[StrictStr, StrictStr] = {}
    commodities: dict[StrictStr, CommoditySpec]
    processes: dict[StrictStr, ProcessSpec]
    plant_types: dict[StrictStr, PlantType] = {}
    default_plant_type: StrictStr | None = None

    def processes_of(self, plant_type: str | None) -> list[str]:
        """Processes of a plant of ``plant_type``: the common ones and its own."""
        plant_type = plant_type or self.default_plant_type
        elsewhere = {
            name
            for kind, spec in self.plant_types.items()
            if kind != plant_type
            for name in spec.processes
        }
        return [name for name in self.processes if name not in elsewhere]


def plant_type_problems(
    spec: ModelFile, plant_type: str | None, where: str
) -> list[Problem]:
    """A plant type the model does not declare, reported at ``where``."""
    if plant_type is None or plant_type in spec.plant_types:
        return []
    known = ", ".join(spec.plant_types) or "none: the model declares no plant types"
    return [
        Problem(
            where,
            f"unknown plant type '{plant_type}' of {spec.product}",
            f"plant types: {known}",
        )
    ]


def _plant_type_problems(spec: ModelFile, path: Path) -> list[Problem]:
    problems = []
    if spec.plant_types and spec.default_plant_type not in spec.plant_types:
        problems.append(
            Problem(
                f"{path}, field 'default_plant_type'",
                f"'{spec.default_plant_type}' is not one of the plant types",
                f"choose one of {', '.join(spec.plant_types)}",
            )
        )
    if spec.default_plant_type is not None and not spec.plant_types:
        problems.append(
            Problem(
                f"{path}, field 'default_plant_type'",
                "is given but no plant_types are declared",
                "declare plant_types or remove the field",
            )
        )
    owner: dict[str, str] = {}
    for kind, plant in spec.plant_types.items():
        for name in plant.processes:
            where = f"{path}, field 'plant_types.{kind}.processes'"
            if name not in spec.processes:
                problems.append(
                    Problem(
                        where,
                        f"'{name}' is not a process of the model",
                        "list processes declared under processes",
                    )
                )
            elif name in owner:
                problems.append(
                    Problem(
                        where,
                        f"'{name}' is also listed under '{owner[name]}'",
                        "a process belongs to one plant type at most",
                    )
                )
            owner[name] = kind
    return problems


def load_model_file(path: Path) -> ModelFile:
    """Read and check a process model file."""
    spec = validate(ModelFile, read_yaml(path), str(path))
    problems = _cross_reference_problems(spec, path) + _unit_problems(spec, path)
    if problems:
        raise InputError(problems)
    return spec


def data_problems(spec: ModelFile, path: Path, data: FactorData) -> list[Problem]:
    """Fuels, materials, prices and process emission factors missing from ``data/``.

    Each is reported at the model field that names it, with the ids the data file
    has.
    """
    problems = []
    directory = data.directory

    def unknown(field: str, what: str, file: str, known: set[str]) -> None:
        problems.append(
            Problem(
                f"{path}, field '{field}'",
                what,
                f"ids in {directory / file}: {', '.join(sorted(known))}",
            )
        )

    fuels = {row.fuel for row in data.fuels}
    prices = {row.commodity for row in data.prices}
    for name, commodity in spec.commodities.items():
        bought = commodity.purchased
        if bought is None:
            continue
        here = f"commodities.{name}.purchased"
        if bought.fuel is not None and bought.fuel not in fuels:
            what = f"unknown fuel '{bought.fuel}'"
            unknown(f"{here}.fuel", what, "fuels.csv", fuels)
        material = bought.material
        if material not in (None, "none") and material not in data.materials:
            what = f"unknown material '{material}'"
            unknown(f"{here}.material", what, "materials.csv", set(data.materials))
        if bought.price is not None and bought.price not in prices:
            what = f"unknown price '{bought.price}'"
            unknown(f"{here}.price", what, "prices.csv", prices)
    factors = set(data.process_emissions)
    for name, process in spec.processes.items():
        for factor in process.emissions:
            if factor not in factors:
                what = f"unknown process emission factor '{factor}'"
                field = f"processes.{name}.emissions.{factor}"
                unknown(field, what, "process_emissions.csv", factors)
    return problems


def _cross_reference_problems(spec: ModelFile, path: Path) -> list[Problem]:
    problems = _plant_type_problems(spec, path)
    if spec.product != path.stem:
        problems.append(
            Problem(
                f"{path}, field 'product'",
                f"'{spec.product}' differs from the file name '{path.stem}'",
                "make them equal",
            )
        )
    if spec.default_grade not in spec.grades:
        problems.append(
            Problem(
                f"{path}, field 'default_grade'",
                f"'{spec.default_grade}' is not one of the grades",
                f"choose one of {', '.join(spec.grades)}",
            )
        )
    for name, grade in spec.grades.items():
        if grade.commodity not in spec.commodities:
            problems.append(
                Problem(
                    f"{path}, field 'grades.{name}.commodity'",
                    f"commodity '{grade.commodity}' is not declared",
                    "add it under commodities",
                )
            )
    for stage in spec.stages_zh:
        if stage not in spec.stages:
            problems.append(
                Problem(
                    f"{path}, field 'stages_zh.{stage}'",
                    f"stage '{stage}' is not declared under stages",
                    f"use one of {', '.join(spec.stages)}",
                )
            )
    for name, process in spec.processes.items():
        here = f"processes.{name}"
        if process.stage not in spec.stages:
            problems.append(
                Problem(
                    f"{path}, field '{here}.stage'",
                    f"stage '{process.stage}' is not declared",
                    f"use one of {', '.join(spec.stages)}",
                )
            )
        for side, flows in (("inputs", process.inputs), ("outputs", process.outputs)):
            for flow in flows:
                if flow in spec.commodities:
                    continue
                problems.append(
                    Problem(
                        f"{path}, field '{here}.{side}.{flow}'",
                        f"commodity '{flow}' is not declared",
                        "add it under commodities or fix the spelling",
                    )
                )
        if name.startswith("purchase:"):
            problems.append(
                Problem(
                    f"{path}, field '{here}'",
                    "names starting with 'purchase:' are reserved",
                    "rename the process",
                )
            )
    return problems


def _unit_problems(spec: ModelFile, path: Path) -> list[Problem]:
    """Units that pint cannot read, and amounts that cannot be in their commodity's.

    A fuel counted in mass or volume may be given in energy (``"109 kgce"``); that
    conversion needs the data and is checked when the network is built.
    """
    problems = []

    def problem(field: str, err: InputError) -> None:
        first = err.problems[0]
        problems.append(Problem(f"{path}, field '{field}'", first.what, first.fix))

    units = {}
    for name, commodity in spec.commodities.items():
        try:
            units[name] = parse_unit(commodity.unit, "")
        except InputError as err:
            problem(f"commodities.{name}.unit", err)
    try:
        parse_unit(spec.functional_unit.unit, "")
    except InputError as err:
        problem("functional_unit.unit", err)
    for name, process in spec.processes.items():
        for side in ("inputs", "outputs", "emissions"):
            for flow, amount in getattr(process, side).items():
                field = f"processes.{name}.{side}.{flow}"
                try:
                    quantity = (
                        Quantity(float(amount))
                        if isinstance(amount, int | float)
                        else read_quantity(amount, "")
                    )
                except InputError as err:
                    problem(field, err)
                    continue
                if quantity.magnitude < 0:
                    problems.append(
                        Problem(
                            f"{path}, field '{field}'",
                            f"the amount {amount} is negative",
                            "write inputs under inputs and outputs under outputs",
                        )
                    )
                elif side != "emissions" and flow in units:
                    problems += _dimension_problems(
                        spec, path, field, flow, amount, quantity, units[flow]
                    )
    return problems


def _dimension_problems(
    spec: ModelFile,
    path: Path,
    field: str,
    flow: str,
    amount: float | str,
    quantity: pint.Quantity,
    unit: pint.Unit,
) -> list[Problem]:
    if isinstance(amount, int | float) or quantity.is_compatible_with(unit):
        return []
    bought = spec.commodities[flow].purchased
    if bought is not None and bought.fuel is not None and quantity.check("[energy]"):
        return []  # energy of a fuel counted in mass: converted with its NCV
    return [
        Problem(
            f"{path}, field '{field}'",
            f"'{amount}' cannot be expressed in {spec.commodities[flow].unit}, the "
            f"unit of {flow}",
            "give the amount in a unit of the same kind, or a bare number",
        )
    ]
