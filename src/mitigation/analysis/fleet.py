"""A province's fleet of plants: resolution, solving on a task runner, results.

Plants of one archetype (product, grade, plant type, region) share a network and
options, so each archetype is resolved once and each plant gets its own output;
the carbon price, the only instrument a fleet applies, scales with output too.
With a province carbon price the plants are independent and each is solved once;
with a province-wide intensity target the coordinator of
:mod:`mitigation.analysis.decomposition` prices the shared rows, and every price
iteration solves every plant. Plants go to the runner in batches; a worker keeps
the compiled models of its batches between iterations (see :func:`respond_batch`).
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from mitigation.analysis.archetypes import generate_plants
from mitigation.analysis.decomposition import (
    Coordination,
    PlanColumn,
    PricedPlant,
    coordinate,
)
from mitigation.analysis.distributed import Progress, TaskRunner
from mitigation.exceptions import InputError, TargetUnreachableError, input_error
from mitigation.inputs.fleet import Fleet, PlantRow, plant_problems, read_plant_table
from mitigation.inputs.scenario import Scenario
from mitigation.optimise.model import PathwayData
from mitigation.optimise.pathway import held, lowest_intensities, per_functional_unit
from mitigation.policy.compare import prepare_with_policy
from mitigation.process.footprint import footprint
from mitigation.units import parse_quantity

logger = logging.getLogger(__name__)

ArchetypeKey = tuple[str, str | None, str | None, str]
BATCHES_PER_WORKER = 4


@dataclass(frozen=True)
class FleetData:
    """A fleet resolved against the models and data.

    ``archetypes`` maps each archetype to its pathway data (at the output of the
    first plant of that kind); ``plants[i]`` is plant i's row, ``kinds[i]`` its
    archetype and ``production[i]`` its output a year in the product's unit.
    ``caps_t`` is the province's emissions allowed a year per period (t CO2e), or
    None per period without a target.
    """

    fleet: Fleet
    path: str
    source: str
    archetypes: dict[ArchetypeKey, PathwayData]
    plants: list[PlantRow]
    kinds: list[ArchetypeKey]
    production: list[float]
    targets_kg_per_fu: list[float | None]
    caps_t: list[float | None]

    @property
    def years(self) -> list[int]:
        return list(self.fleet.years)

    def plant_data(self, i: int) -> PathwayData:
        data = self.archetypes[self.kinds[i]]
        return dataclasses.replace(
            data, production=[self.production[i]] * len(data.years)
        )

    def functional_units(self, i: int) -> float:
        network = self.archetypes[self.kinds[i]].network
        return self.production[i] / network.functional_unit_amount

    @property
    def has_target(self) -> bool:
        return any(cap is not None for cap in self.caps_t)


def fleet_plants(fleet: Fleet, path: Path) -> tuple[list[PlantRow], str]:
    """The fleet's plants, from its CSV (relative to the fleet file) or generated."""
    if fleet.plants.csv is not None:
        table = (path.parent / fleet.plants.csv).resolve()
        return read_plant_table(table), str(table)
    return generate_plants(fleet.plants.generate, str(path)), str(path)


def resolve_fleet(fleet: Fleet, path: Path, root: Path) -> FleetData:
    """Check every plant and resolve each archetype once.

    Raises
    ------
    InputError
        Listing every bad plant at its row and field, or a bad fleet setting.
    """
    plants, source = fleet_plants(fleet, path)
    problems = plant_problems(plants, root, source, fleet.region)
    if problems:
        raise InputError(problems)
    kinds = [
        (p.product, p.grade, p.plant_type, p.region or fleet.region) for p in plants
    ]
    archetypes = {}
    for kind in dict.fromkeys(kinds):
        first = plants[kinds.index(kind)]
        archetypes[kind] = _archetype(fleet, kind, first, path, root)
    production = []
    for plant, kind in zip(plants, kinds, strict=True):
        archetype = archetypes[kind]
        unit = archetype.network.commodity_units[archetype.network.product_commodity]
        production.append(_amount(plant.production, f"({unit})/yr"))
    targets, caps = _caps(fleet, path, plants, kinds, archetypes, production)
    logger.info(
        "Fleet | %s | %d plants of %d kinds", fleet.name, len(plants), len(archetypes)
    )
    return FleetData(
        fleet, str(path), source, archetypes, plants, kinds, production, targets, caps
    )


def _amount(text: str, unit: str) -> float:
    return parse_quantity(text, unit, "production")


def _archetype(
    fleet: Fleet, kind: ArchetypeKey, first: PlantRow, path: Path, root: Path
) -> PathwayData:
    product, grade, plant_type, region = kind
    fields = {
        "name": f"{fleet.name}: {product} {grade or ''} {plant_type or ''} {region}",
        "product": product,
        "grade": grade,
        "plant_type": plant_type,
        "region": region,
        "grid_basis": fleet.grid_basis,
        "fuel_dataset": fleet.fuel_dataset,
        "gwp_set": fleet.gwp_set,
        "discount_rate": fleet.discount_rate,
        "years": fleet.years,
        "last_period_years": fleet.last_period_years,
        "production": first.production,
    }
    if fleet.province.carbon_price is not None:
        fields["instruments"] = {"carbon_price": fleet.province.carbon_price}
    scenario = Scenario.model_validate(fields)
    return prepare_with_policy(scenario, root, str(path))


def _caps(
    fleet: Fleet,
    path: Path,
    plants: list[PlantRow],
    kinds: list[ArchetypeKey],
    archetypes: dict[ArchetypeKey, PathwayData],
    production: list[float],
) -> tuple[list[float | None], list[float | None]]:
    """Targets per period in kg CO2e per functional unit, and the caps they make."""
    target = fleet.province.intensity_target
    periods = len(fleet.years)
    products = sorted({p.product for p in plants})
    if len(products) > 1:
        # The province's intensity adds the fleet's output, which must be counted in
        # one functional unit (tonnes of cement and motorcycles do not add up).
        raise input_error(
            f"{path}, field 'plants'",
            f"a fleet holds plants of one product, found {', '.join(products)}",
            "make one fleet file per product",
        )
    if target is None:
        return [None] * periods, [None] * periods
    network = archetypes[kinds[0]].network
    here = f"{path}, field 'province.intensity_target.unit'"
    kg = per_functional_unit(f"1 {target.unit}", network, "kg", here)
    targets = [
        None if c is None else c * kg for c in held(target.ceilings, fleet.years)
    ]
    units = sum(
        amount / archetypes[kind].network.functional_unit_amount
        for amount, kind in zip(production, kinds, strict=True)
    )
    caps = [None if c is None else c * units / 1000.0 for c in targets]
    return targets, caps


@dataclass(frozen=True)
class PlantBatch:
    """Plants a task solves at one set of prices.

    ``token`` names the fleet run, so that a worker's kept models serve only it.
    """

    token: str
    archetypes: dict[ArchetypeKey, PathwayData]
    plants: list[tuple[int, ArchetypeKey, float]]  # index, kind, production
    prices_cny_per_t: tuple[float, ...]


# Compiled plant models a worker process keeps between price iterations, for the
# fleet run named by _KEPT_TOKEN only.
_KEPT: dict[int, PricedPlant] = {}
_KEPT_TOKEN: list[str] = [""]


def respond_batch(batch: PlantBatch) -> list[tuple[int, PlanColumn]]:
    """Each plant's plan at the batch's prices (runs on a worker)."""
    if _KEPT_TOKEN[0] != batch.token:
        _KEPT.clear()
        _KEPT_TOKEN[0] = batch.token
    prices = np.asarray(batch.prices_cny_per_t)
    answers = []
    for index, kind, production in batch.plants:
        plant = _KEPT.get(index)
        if plant is None:
            data = batch.archetypes[kind]
            data = dataclasses.replace(data, production=[production] * len(data.years))
            plant = PricedPlant(data)
            _KEPT[index] = plant
        answers.append((index, plant.respond(prices)))
    return answers


def _batches(data: FleetData, runner: TaskRunner) -> list[list[int]]:
    workers = max(1, len(runner.worker_addresses))
    count = min(len(data.plants), BATCHES_PER_WORKER * workers)
    size = math.ceil(len(data.plants) / count)
    return [
        list(range(start, min(start + size, len(data.plants))))
        for start in range(0, len(data.plants), size)
    ]


_tokens = itertools.count()


def solve_fleet(
    data: FleetData,
    runner: TaskRunner,
    on_progress: Progress | None = None,
    tolerance: float = 1e-9,
) -> FleetResult:
    """Every plant's plan, and the province's prices when a target couples them.

    Raises
    ------
    TargetUnreachableError
        When the fleet cannot meet the province's target in some period even with
        every option in every plant, naming the lowest intensity it can reach.
    """
    token = f"{data.fleet.name}-{id(data)}-{next(_tokens)}"
    batches = _batches(data, runner)
    weights = [data.plant_data(0).period_weight(t) for t in range(len(data.years))]

    def respond(prices: np.ndarray) -> list[PlanColumn]:
        items = [
            PlantBatch(
                token,
                {data.kinds[i]: data.archetypes[data.kinds[i]] for i in batch},
                [(i, data.kinds[i], data.production[i]) for i in batch],
                tuple(float(p) for p in prices),
            )
            for batch in batches
        ]
        answers = runner.map(respond_batch, items, on_progress, pin=True)
        plans: list[PlanColumn | None] = [None] * len(data.plants)
        for batch_answers in answers:
            for index, plan in batch_answers:
                plans[index] = plan
        return plans

    if not data.has_target:
        plans = respond(np.zeros(len(data.years)))
        coordination = None
    else:
        coordination = coordinate(data.caps_t, weights, respond, tolerance)
        if coordination.excess_t.any():
            _raise_unreachable(data, coordination)
        plans = coordination.plans
    return fleet_result(data, plans, coordination, runner)


def _raise_unreachable(data: FleetData, coordination: Coordination) -> None:
    lowest = np.zeros(len(data.years))
    units = sum(data.functional_units(i) for i in range(len(data.plants)))
    for i in range(len(data.plants)):
        per_fu = lowest_intensities(data.plant_data(i))
        lowest += np.array(per_fu) * data.functional_units(i)
    shortfalls = [
        (data.years[t], data.targets_kg_per_fu[t], lowest[t] / units)
        for t in range(len(data.years))
        if coordination.excess_t[t] > 0
    ]
    network = data.archetypes[data.kinds[0]].network
    raise TargetUnreachableError(
        shortfalls,
        f"kg CO2e per {network.functional_unit}",
        data.path,
        "province.intensity_target",
    )


@dataclass(frozen=True)
class FleetResult:
    """Plans of every plant and the province's totals, as tables.

    ``plants``: one row per plant (discounted cost, cumulative emissions, intensity
    in the first and last period, options adopted in the last period);
    ``plant_periods``: emissions and intensity per plant and period;
    ``adoption``: each option's share of its commodity per plant and period;
    ``periods``: the province's output, emissions, intensity, target and price per
    period; ``summary``: the settings and the search's outcome.
    """

    name: str
    plants: pd.DataFrame
    plant_periods: pd.DataFrame
    adoption: pd.DataFrame
    periods: pd.DataFrame
    summary: dict[str, object]

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "summary": pd.DataFrame(
                {"item": list(self.summary), "value": list(self.summary.values())}
            ),
            "periods": self.periods.reset_index(),
            "plants": self.plants.reset_index(),
            "plant_periods": self.plant_periods,
            "adoption": self.adoption,
        }


def fleet_result(
    data: FleetData,
    plans: list[PlanColumn],
    coordination: Coordination | None,
    runner: TaskRunner,
) -> FleetResult:
    years = data.years
    lengths = data.plant_data(0).lengths
    plant_rows, period_rows, adoption_rows = [], [], []
    baseline = {
        kind: footprint(d.network, d.network.baseline_activity()).total_kg
        for kind, d in data.archetypes.items()
    }
    split = set(coordination.split_plants) if coordination else set()
    for i, (plant, plan) in enumerate(zip(data.plants, plans, strict=True)):
        network = data.archetypes[data.kinds[i]].network
        units = data.functional_units(i)
        intensity = plan.emissions_t * 1000.0 / units
        options = [o for o in network.options if o in _options_of(data, i)]
        shares = np.divide(
            plan.made, plan.supply, out=np.zeros_like(plan.made), where=plan.supply > 0
        )
        last = {o: shares[k, -1] for k, o in enumerate(options) if shares[k, -1] > 1e-6}
        plant_rows.append(
            {
                "plant": plant.name,
                "product": plant.product,
                "grade": network.grade,
                "plant_type": network.plant_type or "",
                "region": network.setting.region,
                "vintage": plant.vintage,
                "production": data.production[i],
                "baseline_kg_per_fu": baseline[data.kinds[i]],
                f"intensity_{years[0]}_kg_per_fu": intensity[0],
                f"intensity_{years[-1]}_kg_per_fu": intensity[-1],
                "cumulative_emissions_t": float(plan.emissions_t @ np.array(lengths)),
                "cost_mcny": plan.cost_cny / 1e6,
                "mixed_plans": i in split,
                f"options_{years[-1]}": "; ".join(
                    f"{o} {share:.0%}" for o, share in last.items()
                ),
            }
        )
        for t, year in enumerate(years):
            period_rows.append(
                {
                    "plant": plant.name,
                    "year": year,
                    "emissions_t_per_yr": plan.emissions_t[t],
                    "intensity_kg_per_fu": intensity[t],
                }
            )
            for k, o in enumerate(options):
                if shares[k, t] > 1e-9:
                    adoption_rows.append(
                        {
                            "plant": plant.name,
                            "option": o,
                            "year": year,
                            "share": shares[k, t],
                        }
                    )
    plants = pd.DataFrame(plant_rows).set_index("plant")
    periods = _province_periods(data, plans, coordination)
    summary = {
        "fleet": data.fleet.name,
        "plants": len(data.plants),
        "kinds_of_plant": len(data.archetypes),
        "province_setting": _setting(data),
        "discounted_cost_mcny": float(plants["cost_mcny"].sum()),
        "cumulative_emissions_t": float(plants["cumulative_emissions_t"].sum()),
        "ran_on": runner.report.where,
        "tasks": runner.report.tasks,
        "tasks_retried": runner.report.retried,
    }
    if coordination is not None:
        summary |= {
            "price_iterations": coordination.iterations,
            "bound_gap": coordination.gap,
            "plants_with_mixed_plans": len(coordination.split_plants),
        }
    return FleetResult(
        data.fleet.name,
        plants,
        pd.DataFrame(period_rows),
        pd.DataFrame(adoption_rows, columns=["plant", "option", "year", "share"]),
        periods,
        summary,
    )


def _options_of(data: FleetData, i: int) -> list[str]:
    archetype = data.archetypes[data.kinds[i]]
    return [o for o in archetype.network.options if o not in archetype.excluded]


def _setting(data: FleetData) -> str:
    province = data.fleet.province
    if province.intensity_target is not None:
        return f"intensity target ({province.intensity_target.unit})"
    if province.carbon_price is not None:
        return "carbon price"
    return "none"


def _province_periods(
    data: FleetData, plans: list[PlanColumn], coordination: Coordination | None
) -> pd.DataFrame:
    units = sum(data.functional_units(i) for i in range(len(data.plants)))
    emissions = sum(plan.emissions_t for plan in plans)
    rows = []
    for t, year in enumerate(data.years):
        target = data.targets_kg_per_fu[t]
        price = coordination.prices_cny_per_t[t] if coordination else 0.0
        rows.append(
            {
                "year": year,
                "functional_units": units,
                "emissions_t_per_yr": emissions[t],
                "intensity_kg_per_fu": emissions[t] * 1000.0 / units,
                "target_kg_per_fu": math.nan if target is None else target,
                "price_cny_per_t": price if target is not None else math.nan,
            }
        )
    return pd.DataFrame(rows).set_index("year")
