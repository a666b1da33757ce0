"""From a scenario to its least-cost pathway.

:func:`prepare` resolves a scenario against a product model and the data;
:func:`solve_pathway` builds, solves and reads the result, and explains an
unreachable target by solving for the lowest intensity reachable.
"""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path

import pandas as pd
import pyomo.environ as pyo

from mitigation.exceptions import TargetUnreachableError, input_error
from mitigation.inputs.scenario import Scenario, check_scenario
from mitigation.optimise.finance import capital_recovery_factor, discount_factor
from mitigation.optimise.model import MILLION, PathwayData, build_model
from mitigation.optimise.results import Pathway
from mitigation.optimise.solve import CompiledModel, SolveStatus, require_optimal
from mitigation.optimise.terms import option_terms
from mitigation.process.footprint import footprint
from mitigation.process.network import Network, Setting, build_network
from mitigation.units import convert, parse_quantity, read_quantity

logger = logging.getLogger(__name__)

INTENSITY_UNIT = "kg CO2e"
BINDING_TOLERANCE = 1e-6


def prepare(scenario: Scenario, root: Path, where: str = "scenario") -> PathwayData:
    """Check a scenario against the data and its product model, and resolve it.

    Raises
    ------
    InputError
        Listing every problem of the scenario, the model or the data it uses.
    """
    data, spec = check_scenario(scenario, root, where)
    setting = Setting(
        region=scenario.region,
        grid_basis=scenario.grid_basis,
        fuel_dataset=scenario.fuel_dataset,
        gwp_set=scenario.gwp_set,
        price_overrides=dict(scenario.price_overrides),
        plant_type=scenario.plant_type,
    )
    network = build_network(spec, data, setting, scenario.grade)
    table = root / "data" / "options" / f"{scenario.product}.csv"
    declared = {
        name for name, process in spec.processes.items() if not process.baseline
    }
    rows = data.options_table(scenario.product)
    terms = option_terms(network, rows, str(table), declared)
    return PathwayData(
        network=network,
        terms=terms,
        years=list(scenario.years),
        lengths=scenario.period_lengths(),
        production=_production(scenario, network, where),
        targets=_targets(scenario, network, where),
        discount_rate=scenario.discount_rate,
        excluded=frozenset(scenario.excluded_options),
    )


def _production(scenario: Scenario, network: Network, where: str) -> list[float]:
    unit = f"({network.commodity_units[network.product_commodity]})/yr"
    given = scenario.production
    texts = (
        given if isinstance(given, dict) else {year: given for year in scenario.years}
    )
    amounts = []
    for year in scenario.years:
        here = f"{where}, field 'production'"
        value = parse_quantity(texts[year], unit, here)
        if not value > 0:
            raise input_error(
                here,
                f"production in {year} must be positive",
                "give the plant's output per year, e.g. '1.9 Mt/yr'",
            )
        amounts.append(value)
    return amounts


def _targets(scenario: Scenario, network: Network, where: str) -> list[float | None]:
    """The ceiling in force in each period, in kg CO2e per functional unit."""
    if scenario.targets is None:
        return [None] * len(scenario.years)
    unit = scenario.targets.unit
    here = f"{where}, field 'targets.unit'"
    functional_unit = read_quantity(network.functional_unit_quantity, here)
    probe = read_quantity(f"1 {unit}", here)
    per_fu = probe if probe.check("[mass]") else probe * functional_unit
    kg_per_given = convert(per_fu, "kg", here)
    ceilings = scenario.targets.ceilings
    in_force = []
    for year in scenario.years:
        set_before = [y for y in ceilings if y <= year]
        in_force.append(
            ceilings[max(set_before)] * kg_per_given if set_before else None
        )
    return in_force


def solve_pathway(data: PathwayData, scenario_name: str = "") -> Pathway:
    """Find the least-cost pathway; raise if a target cannot be met.

    Raises
    ------
    TargetUnreachableError
        When no combination of options meets a target, naming each such period with
        the lowest intensity reachable.
    SolverError
        When HiGHS ends without an optimum for another reason.
    """
    started = time.perf_counter()
    model = build_model(data)
    result = CompiledModel(model).solve()
    if result.status in (SolveStatus.INFEASIBLE, SolveStatus.INFEASIBLE_OR_UNBOUNDED):
        _explain_infeasibility(data)
    require_optimal(result, f"scenario '{scenario_name}'")
    pathway = _read_pathway(data, model, result, scenario_name)
    logger.info(
        "Pathway | %s | solved in %.3f s", scenario_name, time.perf_counter() - started
    )
    return pathway


def lowest_intensities(data: PathwayData) -> list[float]:
    """Lowest intensity each period can reach with every option, kg CO2e per FU."""
    model = build_model(data, emission_objective=True)
    result = require_optimal(CompiledModel(model).solve(), "lowest reachable intensity")
    del result
    return [
        pyo.value(model.emissions_t[t]) * 1000.0 / data.functional_units(t)
        for t in range(len(data.years))
    ]


def _explain_infeasibility(data: PathwayData) -> None:
    lowest = lowest_intensities(data)
    shortfalls = [
        (data.years[t], target, lowest[t])
        for t, target in enumerate(data.targets)
        if target is not None and target < lowest[t] * (1 - 1e-9)
    ]
    if shortfalls:
        unit = f"{INTENSITY_UNIT} per {data.network.functional_unit}"
        raise TargetUnreachableError(shortfalls, unit)


def _read_pathway(data: PathwayData, model, result, scenario_name: str) -> Pathway:
    network = data.network
    periods = range(len(data.years))
    names = [p for p in network.processes if p not in data.excluded]
    activity = pd.DataFrame(
        {
            data.years[t]: [pyo.value(model.activity[p, t]) for p in names]
            for t in periods
        },
        index=names,
    ).clip(lower=0.0)
    baseline = footprint(network, network.baseline_activity())
    footprints = {
        data.years[t]: footprint(
            network, activity[data.years[t]], per=data.production[t]
        )
        for t in periods
    }
    rows = []
    for t in periods:
        year = data.years[t]
        units = data.functional_units(t)
        emissions_t = pyo.value(model.emissions_t[t])
        weight = data.period_weight(t)
        constraint = model.intensity[t] if t in model.intensity else None
        dual = result.duals.get(constraint, 0.0) if constraint is not None else 0.0
        shadow = -dual / weight
        intensity = emissions_t * 1000.0 / units
        target = data.targets[t]
        binding = target is not None and shadow > BINDING_TOLERANCE
        rows.append(
            {
                "year": year,
                "years_in_period": data.lengths[t],
                "production": data.production[t],
                "emissions_t_per_yr": emissions_t,
                "intensity_kg_per_fu": intensity,
                "target_kg_per_fu": target if target is not None else math.nan,
                "baseline_kg_per_fu": baseline.total_kg,
                "abatement_t_per_yr": (baseline.total_kg - intensity) * units / 1000.0,
                **_annual_costs(data, activity[year], model, t),
                "binding": binding,
                "shadow_price_cny_per_t": shadow if binding else math.nan,
            }
        )
    table = pd.DataFrame(rows).set_index("year")
    adoption, capacity = _adoption(data, model, activity)
    return Pathway(
        scenario=scenario_name,
        product=network.product,
        grade=network.grade,
        region=network.setting.region,
        functional_unit=network.functional_unit,
        intensity_unit=f"{INTENSITY_UNIT} per {network.functional_unit}",
        periods=table,
        adoption=adoption,
        capacity=capacity,
        activity=activity,
        footprints=footprints,
        baseline=baseline,
        total_cost_mcny=result.objective / MILLION,
        salvage_value_mcny=_salvage_value(data, model) / MILLION,
        discount_rate=data.discount_rate,
        solve_seconds=result.runtime_s,
    )


def _annual_costs(
    data: PathwayData, activity: pd.Series, model, t: int
) -> dict[str, float]:
    network = data.network
    energy = sum(
        network.processes[p].price_cny * level
        for p, level in activity.items()
        if network.processes[p].is_purchase
    )
    variable = sum(
        data.terms[p].variable_cost * level
        for p, level in activity.items()
        if network.processes[p].is_option
    )
    capital = fixed = 0.0
    for o in model.O:
        stock = sum(
            pyo.value(model.new_capacity[o, b])
            for b in range(len(data.years))
            if data.alive(o, b, t)
        )
        terms = data.terms[o]
        capital += (
            capital_recovery_factor(data.discount_rate, terms.lifetime_years)
            * terms.capex
            * stock
        )
        fixed += terms.fixed_om * stock
    return {
        "purchases_cny_per_yr": energy,
        "option_variable_cny_per_yr": variable,
        "capital_annuity_cny_per_yr": capital,
        "fixed_om_cny_per_yr": fixed,
        "total_cost_cny_per_yr": energy + variable + capital + fixed,
    }


def _adoption(data: PathwayData, model, activity: pd.DataFrame):
    network = data.network
    shares, stocks = {}, {}
    for o in network.options:
        if o in data.excluded:
            continue
        commodity = network.processes[o].reference_output
        made = activity.loc[o] * network.processes[o].outputs[commodity]
        total = sum(
            activity.loc[p] * network.processes[p].outputs[commodity]
            for p in activity.index
            if commodity in network.processes[p].outputs
        )
        share = (made / total.where(total > 0)).fillna(0.0)
        if (share > 1e-9).any():
            shares[o] = share
        if o in model.O:
            stocks[o] = pd.Series(
                {
                    data.years[t]: sum(
                        pyo.value(model.new_capacity[o, b])
                        for b in range(len(data.years))
                        if data.alive(o, b, t)
                    )
                    for t in range(len(data.years))
                }
            )
    adoption = pd.DataFrame(shares).T if shares else pd.DataFrame(columns=data.years)
    capacity = pd.DataFrame(stocks).T if stocks else pd.DataFrame(columns=data.years)
    capacity = capacity[(capacity > 1e-9).any(axis=1)] if len(capacity) else capacity
    return adoption, capacity


def _salvage_value(data: PathwayData, model) -> float:
    """Present value of the annuities due after the horizon on capacity still serving.

    Cost in the objective already excludes them; this is what the capacity left at
    the end of the horizon is worth.
    """
    total = 0.0
    for o in model.O:
        terms = data.terms[o]
        crf = capital_recovery_factor(data.discount_rate, terms.lifetime_years)
        for b, year in enumerate(data.years):
            built = pyo.value(model.new_capacity[o, b])
            if built <= 0:
                continue
            remaining = range(data.end_year, int(year + terms.lifetime_years))
            total += (
                built
                * terms.capex
                * crf
                * sum(
                    discount_factor(data.discount_rate, y, data.base_year)
                    for y in remaining
                )
            )
    return total
