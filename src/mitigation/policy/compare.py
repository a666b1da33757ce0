"""Scenarios compared against a reference: abatement, enterprise, public and social
cost, cost-effectiveness, free riders and label qualification.

Money flows are counted from the pathway's own results:

- enterprise net cost: the pathway's objective, at the enterprise's discount rate,
  transfers included (taxes and carbon payments paid, grants and label premiums
  received);
- public cost: grants and rewards paid when capacity is built, plus the interest a
  green loan forgoes (the difference between the capital charge at the loan's terms
  and without it), less energy-tax and net carbon revenue, discounted at the social
  rate; carbon payments are counted as public revenue, as an auctioned or
  government-sold allowance would be;
- resource cost to society: purchases at pre-tax prices, option and O&M costs and
  capital annualised at the social rate over each option's lifetime, transfers
  excluded, discounted at the social rate.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mitigation.inputs.data import FactorData
from mitigation.inputs.scenario import Scenario
from mitigation.optimise.finance import annuity_weight, capital_recovery_factor
from mitigation.optimise.model import PathwayData
from mitigation.optimise.pathway import prepare, solve_pathway
from mitigation.optimise.results import Pathway
from mitigation.policy.instruments import apply_policy


@dataclass(frozen=True)
class Outcome:
    """A scenario, its resolved data with instruments in force, and its pathway."""

    name: str
    scenario: Scenario
    data: PathwayData
    pathway: Pathway


def prepare_with_policy(scenario: Scenario, root: Path, where: str) -> PathwayData:
    """Resolve a scenario and put its instruments and barriers in force."""
    factors = FactorData(root / "data")
    return apply_policy(prepare(scenario, root, where), scenario, where, factors)


def solve_outcome(name: str, scenario: Scenario, data: PathwayData) -> Outcome:
    return Outcome(name, scenario, data, solve_pathway(data, scenario.name))


def compare(outcomes: list[Outcome], reference: Outcome, social_rate: float) -> dict:
    """Comparison tables: ``summary`` (one row per scenario) and ``periods``."""
    rows, period_rows = [], []
    reference_emissions = _emissions(reference)
    threshold = _label_threshold(outcomes)
    for outcome in outcomes:
        emissions = _emissions(outcome)
        abatement = reference_emissions - emissions
        public = _public_flows(outcome, social_rate)
        resource = _resource_cost(outcome, social_rate)
        labelled = _labelled_years(outcome, threshold)
        rows.append(
            {
                "scenario": outcome.name,
                "instruments": ", ".join(outcome.scenario.instruments.declared)
                or "none",
                "cumulative_emissions_t": float(emissions.sum()),
                "abatement_t": float(abatement.sum()),
                "enterprise_cost_mcny": outcome.pathway.total_cost_mcny,
                "public_cost_mcny": public["present_value"] / 1e6,
                "resource_cost_mcny": resource / 1e6,
                "free_rider_share": _free_rider_share(outcome, reference),
                "first_labelled_year": labelled[0] if labelled else None,
            }
        )
        for year, flows in public["by_period"].items():
            row = outcome.pathway.periods.loc[year]
            period_rows.append(
                {
                    "scenario": outcome.name,
                    "year": year,
                    "emissions_t_per_yr": row["emissions_t_per_yr"],
                    "intensity_kg_per_fu": row["intensity_kg_per_fu"],
                    "target_kg_per_fu": row["target_kg_per_fu"],
                    "abatement_t_per_yr": (
                        reference.pathway.periods.loc[year, "emissions_t_per_yr"]
                        - row["emissions_t_per_yr"]
                    ),
                    "enterprise_cost_cny_per_yr": row["total_cost_cny_per_yr"],
                    **flows,
                    "labelled": year in labelled,
                }
            )
    summary = pd.DataFrame(rows).set_index("scenario")
    reference_resource = summary.loc[reference.name, "resource_cost_mcny"]
    abated = summary["abatement_t"].where(summary["abatement_t"] > 1e-6)
    summary["public_cost_cny_per_t"] = summary["public_cost_mcny"] * 1e6 / abated
    summary["social_cost_cny_per_t"] = (
        (summary["resource_cost_mcny"] - reference_resource) * 1e6 / abated
    )
    return {"summary": summary, "periods": pd.DataFrame(period_rows)}


def _emissions(outcome: Outcome) -> pd.Series:
    """t CO2e emitted in each period (annual emissions times the period's years)."""
    periods = outcome.pathway.periods
    return periods["emissions_t_per_yr"] * periods["years_in_period"]


def _public_flows(outcome: Outcome, social_rate: float) -> dict:
    data, periods = outcome.data, outcome.pathway.periods
    base = data.base_year
    by_period, present = {}, 0.0
    for t, (year, row) in enumerate(periods.iterrows()):
        years = range(year, year + data.lengths[t])
        weight = annuity_weight(social_rate, years, base)
        interest = _interest_forgone(outcome, t)
        annual = (
            interest - row["surcharges_cny_per_yr"] - row["carbon_payments_cny_per_yr"]
        )
        lump = row["grants_paid_cny"]
        present += annual * weight + lump * (1 + social_rate) ** -(year - base)
        by_period[year] = {
            "grants_paid_cny": lump,
            "interest_forgone_cny_per_yr": interest,
            "tax_revenue_cny_per_yr": row["surcharges_cny_per_yr"],
            "carbon_revenue_cny_per_yr": row["carbon_payments_cny_per_yr"],
            "public_cost_cny_per_yr": annual,
        }
    return {"present_value": present, "by_period": by_period}


def _interest_forgone(outcome: Outcome, t: int) -> float:
    """What a green loan saves the enterprise a year, paid by the lender or state."""
    data = outcome.data
    if not data.economics.financing:
        return 0.0
    without = dataclasses.replace(
        data, economics=dataclasses.replace(data.economics, financing={})
    )
    capacity = outcome.pathway.capacity
    forgone = 0.0
    for option in data.economics.financing:
        if option not in capacity.index:
            continue
        saving = without.capital_charge(option) - data.capital_charge(option)
        financed = data.terms[option].capex * capacity.loc[option, data.years[t]]
        forgone += saving * financed
    return forgone


def _resource_cost(outcome: Outcome, social_rate: float) -> float:
    data, periods = outcome.data, outcome.pathway.periods
    total = 0.0
    capacity = outcome.pathway.capacity
    for t, (year, row) in enumerate(periods.iterrows()):
        capital = 0.0
        for option in capacity.index:
            terms = data.terms[option]
            crf = capital_recovery_factor(social_rate, terms.lifetime_years)
            capital += crf * terms.capex * capacity.loc[option, year]
        annual = (
            row["purchases_cny_per_yr"]
            + row["option_variable_cny_per_yr"]
            + row["fixed_om_cny_per_yr"]
            + capital
        )
        years = range(year, year + data.lengths[t])
        total += annual * annuity_weight(social_rate, years, data.base_year)
    return total


def _free_rider_share(outcome: Outcome, reference: Outcome) -> float:
    """Share of grants paid for capacity the reference builds without them."""
    periods = outcome.pathway.periods
    total = periods["grants_paid_cny"].sum()
    if total <= 0:
        return math.nan
    capacity, free = outcome.pathway.capacity, 0.0
    reference_capacity = reference.pathway.capacity
    for option in outcome.data.economics.grants:
        if option not in capacity.index:
            continue
        built = capacity.loc[option].max()
        anyway = (
            reference_capacity.loc[option].max()
            if option in reference_capacity.index
            else 0.0
        )
        free += outcome.data.grant_per_unit(option) * min(built, anyway)
    return min(1.0, free / total)


def _label_threshold(outcomes: list[Outcome]) -> float | None:
    for outcome in outcomes:
        label = outcome.data.economics.label
        if label is not None:
            return label.threshold_kg_per_fu
    return None


def _labelled_years(outcome: Outcome, threshold: float | None) -> list[int]:
    if threshold is None:
        return []
    periods = outcome.pathway.periods
    return [
        int(y)
        for y, v in periods["intensity_kg_per_fu"].items()
        if v <= threshold + 1e-9
    ]
