"""From a scenario to its least-cost pathway.

:func:`prepare` resolves a scenario against a product model and the data;
:func:`solve_pathway` builds, solves and reads the result, and explains an
unreachable target by solving for the lowest intensity reachable.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyomo.environ as pyo

from mitigation.exceptions import TargetUnreachableError, input_error
from mitigation.inputs.scenario import Scenario, check_scenario
from mitigation.optimise.model import MILLION, PathwayData, build_model
from mitigation.optimise.results import Pathway
from mitigation.optimise.solve import CompiledModel, SolveStatus, require_optimal
from mitigation.optimise.terms import option_terms
from mitigation.process.footprint import footprint
from mitigation.process.network import Network, Setting, build_network
from mitigation.process.substitution import TCE_GJ
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
    terms = option_terms(network, rows, str(table), declared, set(data.regions))
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
    here = f"{where}, field 'targets.unit'"
    kg_per_given = per_functional_unit(
        f"1 {scenario.targets.unit}", network, "kg", here
    )
    ceilings = held(scenario.targets.ceilings, scenario.years)
    return [None if c is None else c * kg_per_given for c in ceilings]


def held(values: dict[int, float], years: list[int]) -> list[float | None]:
    """The value in force in each year: the latest set in or before it, else None."""
    in_force = []
    for year in years:
        set_before = [y for y in values if y <= year]
        in_force.append(values[max(set_before)] if set_before else None)
    return in_force


def per_functional_unit(text: str, network: Network, unit: str, where: str) -> float:
    """An amount per functional unit, in ``unit`` (``"600 kg/t"`` gives 600 kg for a
    1 t functional unit; ``"20 CNY/t"`` gives 20 CNY). An amount with no
    denominator (``"330 kg"`` for a motorcycle) is already per functional unit."""
    quantity = read_quantity(text, where)
    functional_unit = read_quantity(network.functional_unit_quantity, where)
    per_fu = (
        quantity
        if quantity.check(read_quantity(f"1 {unit}", where).dimensionality)
        else (quantity * functional_unit)
    )
    return convert(per_fu, unit, where)


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
        explain_infeasibility(data)
    require_optimal(result, f"scenario '{scenario_name}'")
    pathway = read_pathway(data, model, result, scenario_name)
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


def explain_infeasibility(data: PathwayData) -> None:
    """Raise :class:`TargetUnreachableError` naming each target below the lowest
    intensity reachable, if there is one."""
    lowest = lowest_intensities(data)
    shortfalls = [
        (data.years[t], target, lowest[t])
        for t, target in enumerate(data.targets)
        if target is not None and target < lowest[t] * (1 - 1e-9)
    ]
    if shortfalls:
        unit = f"{INTENSITY_UNIT} per {data.network.functional_unit}"
        raise TargetUnreachableError(shortfalls, unit)


def read_pathway(data: PathwayData, model, result, scenario_name: str) -> Pathway:
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
    at_baseline = baseline_costs(data)
    rows = [
        _period_row(data, model, result, t, activity, baseline, at_baseline[t])
        for t in periods
    ]
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
        settings=_settings(data),
    )


def _period_row(
    data: PathwayData, model, result, t: int, activity, baseline, baseline_cny: float
) -> dict:
    year = data.years[t]
    units = data.functional_units(t)
    emissions_t = emissions_t_per_yr(data, activity[year])
    intensity = emissions_t * 1000.0 / units
    target = data.targets[t]
    target_price = _shadow_price(data, model, result, "intensity", t)
    standard = data.economics.standard_kg_per_fu
    row = {
        "year": year,
        "years_in_period": data.lengths[t],
        "production": data.production[t],
        "emissions_t_per_yr": emissions_t,
        "intensity_kg_per_fu": intensity,
        "target_kg_per_fu": target if target is not None else math.nan,
        "standard_kg_per_fu": standard[t] if standard and standard[t] else math.nan,
        "baseline_kg_per_fu": baseline.total_kg,
        "abatement_t_per_yr": (baseline.total_kg - intensity) * units / 1000.0,
        "energy_kgce_per_fu": _energy_kgce(data, activity[year]) / units,
        **_annual_costs(data, activity[year], model, t),
        "baseline_cost_cny_per_yr": baseline_cny,
        "binding": target_price > BINDING_TOLERANCE,
        "shadow_price_cny_per_t": (
            target_price if target_price > BINDING_TOLERANCE else math.nan
        ),
    }
    standard_price = _shadow_price(data, model, result, "standard", t)
    row["standard_shadow_price_cny_per_t"] = (
        standard_price if standard_price > BINDING_TOLERANCE else math.nan
    )
    return row


def emissions_t_per_yr(
    data: PathwayData, activity: pd.Series, scopes: frozenset[int] | None = None
) -> float:
    """t CO2e a year of ``activity`` (of the given scopes, or all), at ``data``'s
    factors. Summed here rather than read from the model's expressions, which keep
    the factors of the build: a model re-solved with new factors
    (:mod:`mitigation.optimise.resolve`) still reports the right emissions."""
    processes = data.network.processes
    return (
        sum(
            level * processes[name].emission_kg
            for name, level in activity.items()
            if scopes is None or int(processes[name].scope) in scopes
        )
        / 1000.0
    )


def _energy_kgce(data: PathwayData, activity: pd.Series) -> float:
    """kgce of energy bought a year (net calorific value; electricity at 3.6 MJ/kWh)."""
    processes = data.network.processes
    return float(
        sum(level * processes[n].energy_gj for n, level in activity.items())
        / TCE_GJ
        * 1000.0
    )


def _settings(data: PathwayData) -> dict[str, str]:
    network, setting = data.network, data.network.setting
    settings = {
        "product": network.product,
        "grade": network.grade,
        "plant_type": network.plant_type or "",
        "region": setting.region,
        "grid_basis": setting.grid_basis,
        "fuel_dataset": setting.fuel_dataset,
        "gwp_set": setting.gwp_set,
        "discount_rate": f"{data.discount_rate:g}",
    }
    return {key: value for key, value in settings.items() if value}


def baseline_costs(
    data: PathwayData, baseline_per_fu: Mapping[str, float] | None = None
) -> list[float]:
    """CNY a year the plant as it is would cost in each period: purchases,
    surcharges and carbon payments, at the period's prices and instruments.

    ``baseline_per_fu`` is the network's baseline activity, when the caller has it
    (it depends on the network's coefficients only, not on prices or factors); a
    sensitivity sweep asks for this thousands of times.
    """
    network, economics = data.network, data.economics
    if baseline_per_fu is None:
        baseline_per_fu = network.baseline_activity().to_dict()
    running = [
        (network.processes[n], n, level)
        for n, level in baseline_per_fu.items()
        if level
    ]
    purchases = sum(p.price_cny * level for p, _, level in running)
    energy_tce = sum(p.energy_gj / TCE_GJ * level for p, _, level in running)
    covered_kg = sum(
        p.emission_kg * level
        for p, _, level in running
        if int(p.scope) in economics.covered_scopes
    )
    costs = []
    for t in data.periods:
        units = data.functional_units(t)
        quota = data.surcharge_quota(t)
        cost = purchases
        if quota is None or energy_tce > quota:
            cost += sum(
                economics.surcharges[name][t] * level
                for _, name, level in running
                if name in economics.surcharges
            )
        if economics.emission_price is not None:
            per_fu = economics.free_allocation_kg_per_fu
            allocated = per_fu[t] if per_fu else 0.0
            cost += economics.emission_price[t] * (covered_kg - allocated) / 1000.0
        costs.append(cost * units)
    return costs


def _shadow_price(data: PathwayData, model, result, name: str, t: int) -> float:
    """CNY per t CO2e a ceiling costs at the margin in period t, in that period's
    money; zero where the ceiling is absent or slack."""
    block = getattr(model, name, None)
    if block is None or t not in block:
        return 0.0
    return -result.duals.get(block[t], 0.0) / data.period_weight(t)


def _annual_costs(
    data: PathwayData, activity: pd.Series, model, t: int
) -> dict[str, float]:
    """The enterprise's costs of period t per year, by kind (CNY a year)."""
    network, economics = data.network, data.economics
    purchases = surcharges = variable = 0.0
    for name, level in activity.items():
        process = network.processes[name]
        if process.is_purchase:
            purchases += process.price_cny * level
        elif process.is_option:
            variable += data.terms[name].variable_cost * level
        surcharge = economics.surcharges.get(name)
        surcharges += surcharge[t] * level if surcharge else 0.0
    if data.surcharge_quota(t) is not None and economics.surcharges:
        surcharges = pyo.value(model.quota_surcharge[t])
    capital = relief = fixed = investment = grants = 0.0
    for o in model.O:
        for b in data.periods:
            built = pyo.value(model.new_capacity[o, b])
            grant = pyo.value(model.grant[o, b]) if (o, b) in model.grant else 0.0
            if data.alive(o, b, t):
                capital += data.capital_charge(o) * data.terms[o].capex * built
                relief += data.capital_charge(o) * grant
                fixed += data.terms[o].fixed_om * built
            if b == t:
                investment += data.terms[o].capex * built
                grants += grant
    carbon = covered = allocated = 0.0
    if economics.emission_price is not None:
        covered = emissions_t_per_yr(data, activity, economics.covered_scopes)
        per_fu = economics.free_allocation_kg_per_fu
        allocated = (per_fu[t] if per_fu else 0.0) * data.functional_units(t) / 1000.0
        carbon = economics.emission_price[t] * (covered - allocated)
    labelled = economics.label is not None and pyo.value(model.labelled[t]) > 0.5
    label_revenue = (
        economics.label.premium_cny_per_fu * data.functional_units(t)
        if labelled
        else 0.0
    )
    total = purchases + surcharges + variable + fixed + capital - relief + carbon
    return {
        "purchases_cny_per_yr": purchases,
        "surcharges_cny_per_yr": surcharges,
        "option_variable_cny_per_yr": variable,
        "fixed_om_cny_per_yr": fixed,
        "capital_annuity_cny_per_yr": capital,
        "grant_relief_cny_per_yr": relief,
        "covered_emissions_t_per_yr": covered,
        "free_allocation_t_per_yr": allocated,
        "carbon_payments_cny_per_yr": carbon,
        "label_revenue_cny_per_yr": label_revenue,
        "labelled": labelled,
        "total_cost_cny_per_yr": total - label_revenue,
        "investment_cny": investment,
        "grants_paid_cny": grants,
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
    """Present value of the annuities due after the horizon on capacity built in it.

    The cost in the objective already excludes them: it is what the capacity left
    at the end of the horizon is worth.
    """
    total = 0.0
    for o in model.O:
        for b in data.periods:
            built = pyo.value(model.new_capacity[o, b])
            grant = pyo.value(model.grant[o, b]) if (o, b) in model.grant else 0.0
            financed = data.terms[o].capex * built - grant
            total += financed * data.salvage_weight(o, b)
    return total
