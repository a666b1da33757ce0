"""The level of an instrument at which something happens: an option enters the plan
(break-even levels), or the plant meets a target (calibration).

An instrument is varied through a :class:`Lever` that sets its level in the pathway
data. The plan responds to a level in steps (an LP's optimal vertex changes only at
certain levels), so the level at which a step happens is found exactly, to a stated
tolerance, by bracketing it and bisecting. The search assumes the response, once
reached, holds at higher levels; an option that enters at one carbon price and is
displaced at a higher one is found at its first entry only if that lies below the
bracket's upper end, which is why every search starts from the lowest level.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mitigation.exceptions import input_error
from mitigation.inputs.scenario import Scenario
from mitigation.optimise.economics import CapitalGrant, Economics, Financing
from mitigation.optimise.economics import LabelPremium as LabelTerms
from mitigation.optimise.model import PathwayData
from mitigation.optimise.pathway import solve_pathway
from mitigation.optimise.results import Pathway
from mitigation.policy.compare import prepare_with_policy
from mitigation.policy.instruments import reward_per_unit_tce, too_slow_to_pay_back

logger = logging.getLogger(__name__)

ADOPTED = 1e-6  # share of its output above which an option counts as adopted


@dataclass(frozen=True)
class Study:
    """A scenario prepared for re-solving at many instrument levels.

    Its intensity targets are left out (they are what calibration aims at, and an
    option's break-even level is a matter of cost alone); its other instruments and
    barriers stay in force, and the payback barrier is judged again at each level.
    """

    scenario: Scenario
    data: PathwayData
    max_payback_years: float | None
    targets: list[float | None]  # the scenario's own, kg CO2e per FU by period

    def barred(self, data: PathwayData) -> PathwayData:
        """``data`` without the options the payback barrier keeps out under its
        instruments."""
        if self.max_payback_years is None:
            return data
        slow = too_slow_to_pay_back(data, self.max_payback_years)
        return dataclasses.replace(data, excluded=data.excluded | frozenset(slow))


def study(scenario: Scenario, root: Path, where: str) -> Study:
    barriers = scenario.barriers.model_copy(update={"max_payback_years": None})
    kept = scenario.model_copy(update={"barriers": barriers})
    targets = prepare_with_policy(kept, root, where).targets
    free = kept.model_copy(update={"targets": None})
    data = prepare_with_policy(free, root, where)
    return Study(scenario, data, scenario.barriers.max_payback_years, targets)


@dataclass(frozen=True)
class Lever:
    """One instrument, set to a level.

    ``none`` is the level at which it does nothing and ``strongest`` the furthest a
    search goes; for a loan rate the stronger level is the lower one.
    """

    name: str
    unit: str
    none: float
    strongest: float
    tolerance: float
    economics: Callable[[PathwayData, float], Economics]

    def data(self, base: Study, level: float) -> PathwayData:
        return base.barred(
            dataclasses.replace(base.data, economics=self.economics(base.data, level))
        )

    def solve(self, base: Study, level: float) -> Pathway:
        return solve_pathway(self.data(base, level), base.scenario.name)


def carbon_price(
    strongest: float = 5000.0, scopes: frozenset[int] | None = None
) -> Lever:
    """CNY per t CO2e on ``scopes``, or without them on the scopes the scenario's
    carbon price covers (scope 1 without one), with its free allocation if any."""

    def economics(data: PathwayData, level: float) -> Economics:
        prices = tuple(level for _ in data.years)
        covered = data.economics.covered_scopes if scopes is None else scopes
        return dataclasses.replace(
            data.economics, emission_price=prices, covered_scopes=covered
        )

    return Lever("carbon_price", "CNY/t CO2e", 0.0, strongest, 0.01, economics)


def capital_subsidy(options: list[str] | None = None) -> Lever:
    """Share of capital paid, for the named options or every investing one."""

    def economics(data: PathwayData, level: float) -> Economics:
        named = options or [o for o in data.network.options if data.invests(o)]
        grants = dict(data.economics.grants)
        for o in named:
            grants[o] = dataclasses.replace(
                grants.get(o, CapitalGrant()), share=level, cap_cny=None
            )
        return dataclasses.replace(data.economics, grants=grants)

    return Lever("capital_subsidy", "share of capital", 0.0, 1.0, 1e-4, economics)


def green_loan(enterprise_rate: float, options: list[str] | None = None) -> Lever:
    """Interest rate of a loan over each option's lifetime, from the rate at which
    the enterprise finances itself down to zero."""

    def economics(data: PathwayData, level: float) -> Economics:
        named = options or [o for o in data.network.options if data.invests(o)]
        financing = dict(data.economics.financing)
        for o in named:
            financing[o] = Financing(level, data.terms[o].lifetime_years)
        return dataclasses.replace(data.economics, financing=financing)

    return Lever("green_loan", "interest rate", enterprise_rate, 0.0, 1e-5, economics)


def enterprise_rate(data: PathwayData) -> float:
    """The rate the enterprise's capital costs it without a loan."""
    hurdle = data.economics.hurdle_rate
    return data.discount_rate if hurdle is None else hurdle


def label_premium(threshold_kg_per_fu: float, strongest: float) -> Lever:
    """CNY per functional unit earned in periods at or below the threshold."""

    def economics(data: PathwayData, level: float) -> Economics:
        label = LabelTerms(threshold_kg_per_fu, level)
        return dataclasses.replace(data.economics, label=label)

    return Lever(
        "label_premium", "CNY per functional unit", 0.0, strongest, 1e-3, economics
    )


def retrofit_reward(strongest: float = 5000.0) -> Lever:
    """CNY per tce of annual saving, paid on every option that saves energy."""

    def economics(data: PathwayData, level: float) -> Economics:
        grants = dict(data.economics.grants)
        for o, tce in reward_per_unit_tce(data).items():
            grants[o] = dataclasses.replace(
                grants.get(o, CapitalGrant()), per_unit_cny=level * tce
            )
        return dataclasses.replace(data.economics, grants=grants)

    return Lever("retrofit_reward", "CNY/tce", 0.0, strongest, 0.01, economics)


def first_level(
    holds: Callable[[float], bool],
    none: float,
    strongest: float,
    tolerance: float,
) -> float | None:
    """The level nearest ``none`` at which ``holds`` turns true, to ``tolerance``.

    Bisects between a level where it does not hold and one where it does; None when
    it does not hold even at ``strongest``. The answer is the side where it holds,
    so using the returned level always achieves the response.
    """
    if holds(none):
        return none
    if not holds(strongest):
        return None
    weak, strong = none, strongest
    while abs(strong - weak) > tolerance:
        middle = (weak + strong) / 2
        if holds(middle):
            strong = middle
        else:
            weak = middle
    return strong


def adopted(pathway: Pathway, option: str) -> bool:
    adoption = pathway.adoption
    return option in adoption.index and float(adoption.loc[option].max()) > ADOPTED


@dataclass(frozen=True)
class Calibration:
    """The lowest level of an instrument that meets a target, or why none does."""

    lever: str
    unit: str
    level: float | None
    tolerance: float
    intensities: dict[int, float]  # at the level found, or at the strongest level
    targets: dict[int, float]
    lowest_reachable: dict[int, float] | None = None
    level_reaching_lowest: float | None = None


def calibrate(base: Study, lever: Lever, targets: list[float | None]) -> Calibration:
    """The lowest level at which every period meets its target (kg CO2e per FU)."""
    goal = {
        base.data.years[t]: target
        for t, target in enumerate(targets)
        if target is not None
    }
    if not goal:
        raise input_error(
            base.scenario.name,
            "no intensity target to calibrate against",
            "give the scenario targets, or pass --target",
        )

    def intensities(level: float) -> dict[int, float]:
        periods = lever.solve(base, level).periods
        return {y: float(periods.loc[y, "intensity_kg_per_fu"]) for y in goal}

    def meets(level: float) -> bool:
        reached = intensities(level)
        return all(reached[y] <= goal[y] * (1 + 1e-9) for y in goal)

    level = first_level(meets, lever.none, lever.strongest, lever.tolerance)
    if level is not None:
        logger.info("Calibrate | %s | %.6g %s", lever.name, level, lever.unit)
        return Calibration(
            lever.name, lever.unit, level, lever.tolerance, intensities(level), goal
        )
    lowest = intensities(lever.strongest)

    def reaches_lowest(level: float) -> bool:
        reached = intensities(level)
        return all(reached[y] <= lowest[y] + 1e-6 * abs(lowest[y]) for y in goal)

    first = first_level(reaches_lowest, lever.none, lever.strongest, lever.tolerance)
    return Calibration(
        lever.name,
        lever.unit,
        None,
        lever.tolerance,
        lowest,
        goal,
        lowest_reachable=lowest,
        level_reaching_lowest=first,
    )


def break_even_levels(
    base: Study, levers: dict[str, Callable[[str], Lever]]
) -> list[dict]:
    """For every option, the level of each instrument at which it enters the plan.

    ``levers`` maps a column name to the Lever for one option: a plant-wide one
    (a carbon price) whatever the option, or one for that option alone (a subsidy or
    a loan). A cell is None when the option does not enter even at the strongest
    level searched; an option the plan takes anyway gets the level of no instrument.
    """
    rows = []
    options = [o for o in base.data.network.options if o not in base.data.excluded]
    without = solve_pathway(base.barred(base.data), base.scenario.name)
    for option in options:
        row: dict = {"option": option, "adopted_without": adopted(without, option)}
        for column, make in levers.items():
            lever = make(option)
            row[column] = first_level(
                lambda level, lever=lever, option=option: adopted(
                    lever.solve(base, level), option
                ),
                lever.none,
                lever.strongest,
                lever.tolerance,
            )
        rows.append(row)
    return rows


def describe(calibration: Calibration) -> str:
    """One paragraph for the terminal."""
    digits = max(0, -math.floor(math.log10(calibration.tolerance)))
    if calibration.level is not None:
        return (
            f"Lowest {calibration.lever} meeting every target: "
            f"{calibration.level:,.{digits}f} {calibration.unit} "
            f"(to within {calibration.tolerance:g})."
        )
    lowest = ", ".join(
        f"{y}: {v:,.1f}" for y, v in (calibration.lowest_reachable or {}).items()
    )
    first = calibration.level_reaching_lowest
    reached = (
        ""
        if first is None
        else f"; the instrument reaches that at {first:,.{digits}f} {calibration.unit}"
    )
    return (
        f"No level of {calibration.lever} meets every target. Lowest intensity "
        f"reachable with it: {lowest}{reached}."
    )
