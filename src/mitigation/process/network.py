"""The process network of one product, resolved against data for one setting.

A :class:`Network` holds every process of a product model, each with its input and
output coefficients per unit of activity (in the commodities' units), its emissions
per unit of activity in kg CO2e and the scope they belong to. Purchased commodities
get an implicit supply process ``purchase:<commodity>`` whose emission factor (fuel
combustion, grid electricity or cradle-to-gate material) and price come from
``data/`` for the chosen region and data sets.

The network is linear: emissions and flows scale with activity. The optimiser chooses
activities; :func:`mitigation.process.footprint.footprint` evaluates any set of
activities. Both read the same coefficients, so an option can only change emissions
through the flows it changes, never by a separately stated saving.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path

import numpy as np
import pandas as pd

from mitigation.exceptions import InputError, Problem, input_error
from mitigation.inputs.data import Factor, FactorData
from mitigation.inputs.model_file import (
    ModelFile,
    data_problems,
    load_model_file,
    plant_type_problems,
)
from mitigation.units import Quantity, convert, parse_quantity, read_quantity

logger = logging.getLogger(__name__)

PURCHASE_PREFIX = "purchase:"


class Scope(IntEnum):
    """GHG Protocol scopes as the footprint reports them."""

    DIRECT = 1  # fuel combustion and process chemistry on site
    ENERGY = 2  # purchased electricity and heat
    VALUE_CHAIN = 3  # purchased materials, cradle to gate


@dataclass(frozen=True)
class Setting:
    """Where and on which data basis a network is evaluated."""

    region: str
    grid_basis: str = "latest"
    fuel_dataset: str = "cn_default"
    gwp_set: str = "AR5"
    price_overrides: Mapping[str, str] = field(default_factory=dict)
    plant_type: str | None = None  # the model's default when None


@dataclass(frozen=True)
class Process:
    """One process with coefficients per unit of activity.

    Attributes
    ----------
    inputs, outputs
        Amount of each commodity, in the commodity's unit, per unit of activity.
    emission_kg
        kg CO2e emitted per unit of activity, in ``scope``. For a purchase this is the
        emission factor of the commodity bought.
    price_cny
        CNY per unit of activity; non-zero only for priced purchases.
    """

    name: str
    label: str
    stage: str
    baseline: bool
    inputs: Mapping[str, float]
    outputs: Mapping[str, float]
    emission_kg: float
    scope: Scope
    activity_unit: str
    price_cny: float = 0.0
    supplies: str | None = None
    factors: tuple[Factor, ...] = ()
    energy_gj: float = 0.0  # net calorific energy bought per unit, for purchases
    description: str = ""

    @property
    def is_purchase(self) -> bool:
        return self.supplies is not None

    @property
    def is_option(self) -> bool:
        return not self.baseline and not self.is_purchase

    @property
    def reference_output(self) -> str | None:
        return next(iter(self.outputs), None)


@dataclass(frozen=True)
class Network:
    """A product's processes for one grade and setting."""

    product: str
    plant_type: str | None
    plant_type_label: str
    label: str
    grade: str
    grade_label: str
    product_commodity: str
    functional_unit: str  # as reports name it, e.g. "1 t" or "1 motorcycle"
    functional_unit_quantity: str  # as pint reads it, e.g. "1 t" or "1 dimensionless"
    functional_unit_amount: float  # in the product commodity's unit
    stages: Mapping[str, str]
    commodity_units: Mapping[str, str]
    processes: Mapping[str, Process]
    setting: Setting

    @property
    def commodities(self) -> list[str]:
        return list(self.commodity_units)

    @property
    def options(self) -> list[str]:
        return [name for name, p in self.processes.items() if p.is_option]

    def net_output_matrix(self, names: list[str]) -> np.ndarray:
        """Matrix of outputs minus inputs, commodities by the processes ``names``."""
        index = {commodity: i for i, commodity in enumerate(self.commodities)}
        matrix = np.zeros((len(index), len(names)))
        for j, name in enumerate(names):
            process = self.processes[name]
            for commodity, amount in process.outputs.items():
                matrix[index[commodity], j] += amount
            for commodity, amount in process.inputs.items():
                matrix[index[commodity], j] -= amount
        return matrix

    def baseline_activity(self) -> pd.Series:
        """Activity of every process per functional unit in the plant as it is.

        Solves the square system of the baseline processes and the purchases they
        need: net output equals the functional unit for the grade's commodity and zero
        for every other commodity. The network never changes, so the answer is kept
        (a re-solve reads it for every period) and a copy returned.
        """
        kept = self.__dict__.get("_baseline_activity")
        if kept is None:
            kept = self._solve_baseline_activity()
            object.__setattr__(self, "_baseline_activity", kept)
        return kept.copy()

    def _solve_baseline_activity(self) -> pd.Series:
        names = self._baseline_processes()
        touched = sorted(
            {
                c
                for n in names
                for c in (*self.processes[n].inputs, *self.processes[n].outputs)
            },
            key=self.commodities.index,
        )
        rows = [self.commodities.index(c) for c in touched]
        matrix = self.net_output_matrix(names)[rows, :]
        if matrix.shape[0] != matrix.shape[1] or np.linalg.matrix_rank(matrix) < len(
            names
        ):
            raise _baseline_error(self, names, touched)
        demand = np.array(
            [
                self.functional_unit_amount if c == self.product_commodity else 0.0
                for c in touched
            ]
        )
        solution = np.linalg.solve(matrix, demand)
        activity = pd.Series(0.0, index=list(self.processes))
        activity[names] = solution
        if (activity < -1e-9).any():
            negative = ", ".join(activity[activity < -1e-9].index)
            msg = f"the baseline needs negative activity of {negative}"
            fix = "a by-product is made faster than its baseline consumer can take it"
            raise input_error(f"models/{self.product}.yaml", msg, fix)
        return activity.clip(lower=0.0)

    def _baseline_processes(self) -> list[str]:
        regular = [
            n for n, p in self.processes.items() if p.baseline and not p.is_purchase
        ]
        used = {c for n in regular for c in self.processes[n].inputs}
        used |= {c for n in regular for c in self.processes[n].outputs}
        purchases = [
            n for n, p in self.processes.items() if p.is_purchase and p.supplies in used
        ]
        return regular + purchases

    def emission_vector(self, names: list[str]) -> np.ndarray:
        return np.array([self.processes[n].emission_kg for n in names])


def _baseline_error(
    network: Network, names: list[str], touched: list[str]
) -> InputError:
    producers = {c: 0 for c in touched}
    consumers = {c: 0 for c in touched}
    for name in names:
        for c in network.processes[name].outputs:
            producers[c] += 1
        for c in network.processes[name].inputs:
            consumers[c] += 1
    hints = [
        f"'{c}' has {producers[c]} baseline producers and {consumers[c]} consumers"
        for c in touched
        if producers[c] != 1
    ]
    what = (
        f"the baseline processes do not determine one activity each "
        f"({len(names)} processes for {len(touched)} commodities)"
    )
    fix = "; ".join(hints) or "check that no two baseline processes make the same thing"
    return input_error(f"models/{network.product}.yaml", what, fix)


def load_network(
    root: Path,
    product: str,
    setting: Setting,
    grade: str | None = None,
    where: Callable[[str], str] = str,
) -> Network:
    """Read a product's model and the data, check them together and build the network.

    ``where`` names the place the user set each of ``region``, ``grid_basis``,
    ``fuel_dataset``, ``gwp_set`` and ``grade`` (a scenario field, a command-line
    option), so that a wrong name is reported there. Every problem is reported at
    once.
    """
    path = root / "models" / f"{product}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in (root / "models").glob("*.yaml")))
        raise input_error(
            str(path),
            f"unknown product '{product}': no such model file",
            f"products with a model: {known}",
        )
    spec = load_model_file(path)
    data = FactorData(root / "data")
    problems = data_problems(spec, path, data)
    problems += data.setting_problems(
        setting.region, setting.grid_basis, setting.fuel_dataset, setting.gwp_set, where
    )
    if grade is not None and grade not in spec.grades:
        problems.append(
            Problem(
                where("grade"),
                f"unknown grade '{grade}' of {product}",
                f"choose one of {', '.join(spec.grades)}",
            )
        )
    problems += plant_type_problems(spec, setting.plant_type, where("plant_type"))
    if problems:
        raise InputError(problems)
    return build_network(spec, data, setting, grade)


def build_network(
    spec: ModelFile, data: FactorData, setting: Setting, grade: str | None = None
) -> Network:
    """Resolve a product model against the data for one setting and grade."""
    grade = grade or spec.default_grade
    if grade not in spec.grades:
        fix = f"choose one of {', '.join(spec.grades)}"
        raise input_error(
            f"models/{spec.product}.yaml", f"unknown grade '{grade}'", fix
        )
    data.region(setting.region)  # fail early on an unknown region
    where = f"models/{spec.product}.yaml"
    processes: dict[str, Process] = {}
    problems: list[Problem] = []
    for name in spec.processes_of(setting.plant_type):
        try:
            processes[name] = _resolve_process(spec, name, data, setting, where)
        except InputError as err:
            problems += err.problems
    for name, commodity in spec.commodities.items():
        if commodity.purchased is not None:
            try:
                purchase = _purchase(spec, name, data, setting)
            except InputError as err:
                problems += err.problems
            else:
                processes[purchase.name] = purchase
    if problems:
        raise InputError(problems)
    product_commodity = spec.grades[grade].commodity
    fu = spec.functional_unit
    fu_amount = parse_quantity(
        f"{fu.amount} {fu.unit}",
        spec.commodities[product_commodity].unit,
        f"{where}, functional_unit",
    )
    plant_type = setting.plant_type or spec.default_plant_type
    network = Network(
        product=spec.product,
        plant_type=plant_type,
        plant_type_label=spec.plant_types[plant_type].label if plant_type else "",
        label=spec.label,
        grade=grade,
        grade_label=spec.grades[grade].label,
        product_commodity=product_commodity,
        functional_unit=f"{fu.amount:g} {fu.label or fu.unit}",
        functional_unit_quantity=f"{fu.amount!r} {fu.unit}",
        functional_unit_amount=fu_amount,
        stages=dict(spec.stages),
        commodity_units={name: c.unit for name, c in spec.commodities.items()},
        processes=processes,
        setting=setting,
    )
    logger.debug(
        "Network | %s %s | %d processes, %d options",
        spec.product,
        grade,
        len(processes),
        len(network.options),
    )
    return network


def _resolve_process(
    spec: ModelFile, name: str, data: FactorData, setting: Setting, where: str
) -> Process:
    process = spec.processes[name]
    here = f"{where}, processes.{name}"

    def amounts(flows: Mapping[str, object]) -> dict[str, float]:
        resolved = {}
        for commodity, amount in flows.items():
            value = _amount(
                spec, commodity, amount, data, setting, f"{here}.{commodity}"
            )
            if value < 0:
                raise input_error(
                    f"{here}.{commodity}",
                    "amounts must not be negative",
                    "write inputs under inputs and outputs under outputs",
                )
            resolved[commodity] = value
        return resolved

    inputs, outputs = amounts(process.inputs), amounts(process.outputs)
    emission, factors = 0.0, []
    for factor_name, amount in process.emissions.items():
        factor, denominator = data.process_factor(factor_name, setting.gwp_set)
        emission += factor.value * parse_quantity(
            amount, denominator, f"{here}.emissions"
        )
        factors.append(factor)
    reference = next(iter(outputs or inputs))
    return Process(
        name=name,
        label=process.label or name,
        stage=process.stage,
        baseline=process.baseline,
        inputs=inputs,
        outputs=outputs,
        emission_kg=emission,
        scope=Scope.DIRECT,
        activity_unit=spec.commodities[reference].unit,
        factors=tuple(factors),
        description=process.description,
    )


def _amount(
    spec: ModelFile,
    commodity: str,
    amount: object,
    data: FactorData,
    setting: Setting,
    where: str,
) -> float:
    """An amount in the commodity's unit.

    A fuel counted in mass or volume may be written as energy (``"109 kgce"``); it is
    converted with the fuel's net calorific value in the scenario's data set.
    """
    unit = spec.commodities[commodity].unit
    bought = spec.commodities[commodity].purchased
    if bought is not None and bought.fuel is not None and isinstance(amount, str):
        quantity = read_quantity(amount, where)
        in_energy = not Quantity(1, unit).check("[energy]")
        if quantity.check("[energy]") and in_energy:
            gigajoules = convert(quantity, "GJ", where)
            per_unit, _ = data.fuel_energy_per_unit(
                bought.fuel, setting.fuel_dataset, unit
            )
            return gigajoules / per_unit
    return parse_quantity(amount, unit, where)


def _purchase(
    spec: ModelFile, commodity: str, data: FactorData, setting: Setting
) -> Process:
    spec_c = spec.commodities[commodity]
    bought = spec_c.purchased
    unit = spec_c.unit
    energy_gj = 0.0
    if bought.fuel is not None:
        factor = data.fuel_co2_per_unit(bought.fuel, setting.fuel_dataset, unit)
        energy_gj, _ = data.fuel_energy_per_unit(
            bought.fuel, setting.fuel_dataset, unit
        )
        scope = Scope.DIRECT
    elif bought.grid:
        per_kwh = data.grid_factor(setting.region, setting.grid_basis)
        kwh = parse_quantity(
            f"1 {unit}", "kWh", f"models/{spec.product}.yaml, {commodity}"
        )
        factor = Factor(per_kwh.value * kwh, f"kg/{unit}", per_kwh.figures)
        # Calorific equivalent, 3.6 MJ per kWh, as GB/T 2589 counts electricity
        # by default; the coal-equivalent of generation is a policy choice left out.
        energy_gj = kwh * 0.0036
        scope = Scope.ENERGY
    elif bought.material == "none":
        factor = Factor(0.0, f"kg/{unit}", ())
        scope = Scope.VALUE_CHAIN
    else:
        factor = data.material_factor(bought.material, unit)
        scope = Scope.VALUE_CHAIN
    price = 0.0
    factors = [factor]
    if bought.price is not None:
        if bought.price in setting.price_overrides:
            price = parse_quantity(
                setting.price_overrides[bought.price],
                f"CNY/({unit})",
                f"price_overrides.{bought.price}",
            )
        else:
            price_factor = data.price(bought.price, setting.region, unit)
            price = price_factor.value
            factors.append(price_factor)
    return Process(
        name=f"{PURCHASE_PREFIX}{commodity}",
        label=f"Purchased {spec_c.label or commodity}",
        stage="",
        baseline=True,
        inputs={},
        outputs={commodity: 1.0},
        emission_kg=factor.value,
        scope=scope,
        activity_unit=unit,
        price_cny=price,
        supplies=commodity,
        factors=tuple(factors),
        energy_gj=energy_gj,
    )
