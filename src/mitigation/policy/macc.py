"""Marginal abatement cost curves, option by option and from the optimisation.

Option by option, each option is judged alone against the plant as it is: its
levelised cost per t CO2e abated and the abatement it could deliver a year. Adding
those up double counts wherever options act on the same flow.

From the optimisation, a price on every emission of the footprint is swept from
where the plant stays as it is to where nothing more can be abated; each step of the
plant's emissions is a segment of the curve, as wide as the abatement it adds and as
high as the price at which it happens. Negative prices are swept too, so options that
pay for themselves appear at their (negative) cost. Emissions fall monotonically as
the price rises (a property of any optimisation with a price on emissions), so every
step is found by bisecting the intervals across which emissions change, and the
curve's total width is the abatement of the combined run.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

import pandas as pd

from mitigation.optimise.finance import capital_recovery_factor
from mitigation.optimise.model import PathwayData
from mitigation.optimise.pathway import lowest_intensities
from mitigation.optimise.results import Pathway
from mitigation.policy.instruments import largest_annual_use
from mitigation.policy.levels import ADOPTED, Study, carbon_price
from mitigation.process.substitution import substitution

logger = logging.getLogger(__name__)

ALL_SCOPES = frozenset({1, 2, 3})
PRICE_LIMIT = 1.0e5  # CNY per t CO2e; beyond this the sweep stops and says so


def option_curve(data: PathwayData) -> pd.DataFrame:
    """Levelised cost and annual potential of each option on its own (first period).

    Cost per unit of activity: capital at the capital recovery factor of the
    scenario's discount rate over the option's lifetime, fixed and variable O&M (net
    of non-energy benefits) and the change in purchases at pre-tax prices. Options
    that abate nothing, raise emissions or cannot run alone are kept with
    ``abates`` False and no cost per tonne.
    """
    rows = []
    for option in data.network.options:
        terms = data.terms[option]
        effect = substitution(data.network, option)
        if effect is None:
            rows.append(
                {"option": option, "abates": False, "why": "needs another option"}
            )
            continue
        crf = capital_recovery_factor(data.discount_rate, terms.lifetime_years)
        cost = (
            crf * terms.capex
            + terms.fixed_om
            + terms.variable_cost
            + effect.purchases_cny
        )
        abated_t = -effect.emissions_kg / 1000.0
        use = largest_annual_use(data, option, effect)
        row = {
            "option": option,
            "cost_cny_per_unit": cost,
            "abatement_t_per_unit": abated_t,
            "potential_t_per_yr": abated_t * use,
            "abates": abated_t > 0,
            "why": "" if abated_t > 0 else "raises emissions or abates nothing",
        }
        if abated_t > 0:
            row["cost_cny_per_t"] = cost / abated_t
        rows.append(row)
    frame = pd.DataFrame(rows).set_index("option")
    return frame.sort_values(["abates", "cost_cny_per_t"], ascending=[False, True])


@dataclass(frozen=True)
class Step:
    price_cny_per_t: float
    abatement_t_per_yr: float
    options: tuple[str, ...]  # whose adoption grows across the step


def _footprint_wide(study: Study) -> Study:
    """The study with its carbon price covering every scope, with no allocation."""
    economics = dataclasses.replace(
        study.data.economics,
        covered_scopes=ALL_SCOPES,
        free_allocation_kg_per_fu=None,
    )
    return dataclasses.replace(
        study, data=dataclasses.replace(study.data, economics=economics)
    )


def optimisation_curve(study: Study, year: int, tolerance: float = 0.01) -> dict:
    """Steps of the plant's emissions in ``year`` as a footprint-wide price rises.

    Returns the steps, the plant's baseline and least emissions in that year (t a
    year), the prices swept, and the emissions at both ends of the sweep; when the
    ends fall short of the baseline or the least emissions, the rest of the
    abatement needs a price beyond ``PRICE_LIMIT`` either way.
    """
    lever = carbon_price(PRICE_LIMIT)
    whole = _footprint_wide(study)
    t = whole.data.years.index(year)
    cache: dict[float, Pathway] = {}

    def solved(price: float) -> Pathway:
        if price not in cache:
            cache[price] = lever.solve(whole, price)
        return cache[price]

    def emissions(price: float) -> float:
        return float(solved(price).periods.iloc[t]["emissions_t_per_yr"])

    fu = whole.data.functional_units(t)
    baseline = solved(0.0).baseline.total_kg * fu / 1000.0
    least = lowest_intensities(lever.data(whole, PRICE_LIMIT))[t] * fu / 1000.0
    scale = 1e-9 * max(1.0, baseline)
    high = 1000.0
    while high < PRICE_LIMIT and emissions(high) > least + scale:
        high = min(2 * high, PRICE_LIMIT)
    low = -1000.0
    while low > -PRICE_LIMIT and emissions(low) < baseline - scale:
        low = max(2 * low, -PRICE_LIMIT)
    steps: list[Step] = []
    _bisect(emissions, solved, low, high, tolerance, t, steps)
    steps.sort(key=lambda s: s.price_cny_per_t)
    logger.info("MACC | %d steps between %.4g and %.4g CNY/t", len(steps), low, high)
    return {
        "steps": steps,
        "baseline_t_per_yr": baseline,
        "least_t_per_yr": least,
        "lowest_price": low,
        "highest_price": high,
        "emissions_at_lowest_price": emissions(low),
        "emissions_at_highest_price": emissions(high),
    }


def steps_table(curve: dict) -> pd.DataFrame:
    """The optimisation curve as rows: price, abatement added, cumulative width."""
    rows, width = [], 0.0
    for step in curve["steps"]:
        width += step.abatement_t_per_yr
        rows.append(
            {
                "price_cny_per_t": step.price_cny_per_t,
                "abatement_t_per_yr": step.abatement_t_per_yr,
                "cumulative_t_per_yr": width,
                "options": ", ".join(step.options),
            }
        )
    return pd.DataFrame(rows)


def _bisect(emissions, solved, low, high, tolerance, t, steps) -> None:
    """Find every price in (low, high] at which emissions drop."""
    drop = emissions(low) - emissions(high)
    if drop <= 1e-9 * max(1.0, abs(emissions(low))):
        return
    if high - low <= tolerance:
        steps.append(Step(high, drop, _grown(solved(low), solved(high), t)))
        return
    middle = (low + high) / 2
    _bisect(emissions, solved, low, middle, tolerance, t, steps)
    _bisect(emissions, solved, middle, high, tolerance, t, steps)


def _grown(before: Pathway, after: Pathway, t: int) -> tuple[str, ...]:
    year = after.periods.index[t]

    def share(p: Pathway, o: str) -> float:
        return float(p.adoption.loc[o, year]) if o in p.adoption.index else 0.0

    return tuple(
        o for o in after.adoption.index if share(after, o) > share(before, o) + ADOPTED
    )
