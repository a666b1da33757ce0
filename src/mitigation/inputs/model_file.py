"""Schema of a product's process model file (``models/<product>.yaml``).

The file format is described for users in ``models/README.md``. Cross-references
(commodities named by processes, stages, grades) are checked here, all at once, so
that a new product's author sees every mistake in one run.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    model_validator,
)

from mitigation.exceptions import InputError, Problem
from mitigation.inputs.errors import read_yaml, validate

Amount = float | StrictStr


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FunctionalUnit(Strict):
    amount: float = Field(gt=0)
    unit: StrictStr
    label: StrictStr = ""  # how to name one unit in reports when the unit is a count


class Grade(Strict):
    commodity: StrictStr
    label: StrictStr


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
    purchased: Purchase | None = None
    note: StrictStr = ""


class ProcessSpec(Strict):
    label: StrictStr = ""
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


class ModelFile(Strict):
    product: StrictStr
    label: StrictStr
    label_zh: StrictStr = ""
    description: StrictStr = ""
    functional_unit: FunctionalUnit
    grades: dict[StrictStr, Grade]
    default_grade: StrictStr
    stages: dict[StrictStr, StrictStr]
    commodities: dict[StrictStr, CommoditySpec]
    processes: dict[StrictStr, ProcessSpec]


def load_model_file(path: Path) -> ModelFile:
    """Read and check a process model file."""
    spec = validate(ModelFile, read_yaml(path), str(path))
    problems = _cross_reference_problems(spec, path)
    if problems:
        raise InputError(problems)
    return spec


def _cross_reference_problems(spec: ModelFile, path: Path) -> list[Problem]:
    problems = []
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
                    f"{path}, grades.{name}",
                    f"commodity '{grade.commodity}' is not declared",
                    "add it under commodities",
                )
            )
    for name, process in spec.processes.items():
        where = f"{path}, processes.{name}"
        if process.stage not in spec.stages:
            problems.append(
                Problem(
                    where,
                    f"stage '{process.stage}' is not declared",
                    f"use one of {', '.join(spec.stages)}",
                )
            )
        for flow in (*process.inputs, *process.outputs):
            if flow not in spec.commodities:
                problems.append(
                    Problem(
                        where,
                        f"commodity '{flow}' is not declared",
                        "add it under commodities or fix the spelling",
                    )
                )
        if name.startswith("purchase:"):
            problems.append(
                Problem(
                    where,
                    "names starting with 'purchase:' are reserved",
                    "rename the process",
                )
            )
    return problems
