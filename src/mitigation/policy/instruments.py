"""Turning a scenario's instruments and barriers into the pathway model's terms.

Each instrument changes the enterprise's costs or constraints (see
:class:`mitigation.optimise.economics.Economics`):

- a carbon price charges covered emissions less an intensity-based free allocation
  (benchmark times output), so a plant below the benchmark earns;
- a capital subsidy and a retrofit reward pay part of an eligible option's capital
  when it is built; the reward pays per tonne of coal equivalent of annual saving,
  judged option by option against the plant as it is (:mod:`.substitution`), and
  only where the project and the enterprise pass the eligibility thresholds;
- an energy tax adds a surcharge per unit of a purchased commodity;
- an intensity standard adds a ceiling; a label premium pays per unit in periods
  that meet the threshold; a green loan finances eligible options' capital at its
  own rate and tenor.

Barriers: a hurdle rate at which the enterprise annualises capital; a maximum payback
period, beyond which an option is not considered (judged with the scenario's
instruments, so an instrument can remove the barrier); a capital budget per period.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re

from mitigation.exceptions import InputError, Problem
from mitigation.inputs.data import FactorData
from mitigation.inputs.policy import Barriers, Instruments, Schedule
from mitigation.inputs.scenario import Scenario
from mitigation.optimise.economics import (
    CapitalGrant,
    Economics,
    Financing,
    LabelPremium,
)
from mitigation.optimise.model import PathwayData
from mitigation.optimise.pathway import held, per_functional_unit
from mitigation.process.substitution import Substitution, substitution
from mitigation.units import parse_quantity

logger = logging.getLogger(__name__)

PRICE_ID = re.compile(r"[a-z][a-z0-9_]*")


def apply_policy(
    data: PathwayData,
    scenario: Scenario,
    where: str,
    factors: FactorData | None = None,
) -> PathwayData:
    """The scenario's pathway data with its instruments and barriers in force.

    A carbon price may name a price of ``data/prices.csv`` (``carbon_national_ets``)
    instead of stating an amount; ``factors`` looks it up for the scenario's region.
    """
    instruments, barriers = scenario.instruments, scenario.barriers
    if not instruments.declared and barriers == Barriers():
        return data
    prices = _PriceTable(factors, scenario.region)
    economics = _economics(data, instruments, barriers, where, prices)
    data = dataclasses.replace(data, economics=economics)
    if barriers.max_payback_years is not None:
        slow = too_slow_to_pay_back(data, barriers.max_payback_years)
        if slow:
            logger.info(
                "Barriers | payback over %s years: %s",
                barriers.max_payback_years,
                ", ".join(slow),
            )
        data = dataclasses.replace(data, excluded=data.excluded | frozenset(slow))
    return data


@dataclasses.dataclass(frozen=True)
class _PriceTable:
    factors: FactorData | None
    region: str

    def per_tonne(self, text: str, where: str) -> float:
        """CNY per t CO2e: an amount with its unit, or the id of a carbon price."""
        if PRICE_ID.fullmatch(text.strip()) is None:
            price = parse_quantity(text, "CNY/t", where)
            if price < 0:
                raise InputError(
                    [
                        Problem(
                            where,
                            f"a carbon price must not be negative, found '{text}'",
                            "write the price per t CO2e, e.g. '95 CNY/t'; a subsidy "
                            "for abatement is the retrofit reward or a capital subsidy",
                        )
                    ]
                )
            return price
        if self.factors is None:
            raise InputError(
                [Problem(where, f"'{text}' is not an amount", "write it as '95 CNY/t'")]
            )
        return self.factors.price(text.strip(), self.region, "t").value


def _economics(
    data: PathwayData,
    instruments: Instruments,
    barriers: Barriers,
    where: str,
    prices: _PriceTable,
) -> Economics:
    here = f"{where}, field 'instruments"
    terms: dict = {}
    if instruments.carbon_price is not None:
        terms |= _carbon_price(data, instruments, f"{here}.carbon_price", prices)
    grants = _grants(data, instruments, here)
    if grants:
        terms["grants"] = grants
    if instruments.energy_tax is not None:
        terms["surcharges"] = _surcharges(data, instruments, f"{here}.energy_tax")
        quota = instruments.energy_tax.above_quota
        if quota is not None:
            terms["surcharge_quota_tce_per_fu"] = _quota(
                data, quota, f"{here}.energy_tax.above_quota'"
            )
    if instruments.intensity_standard is not None:
        standard = instruments.intensity_standard
        kg = per_functional_unit(
            f"1 {standard.unit}", data.network, "kg", f"{here}.intensity_standard.unit'"
        )
        terms["standard_kg_per_fu"] = tuple(
            None if c is None else c * kg for c in held(standard.ceilings, data.years)
        )
    if instruments.label_premium is not None:
        label = instruments.label_premium
        terms["label"] = LabelPremium(
            per_functional_unit(
                label.threshold, data.network, "kg", f"{here}.label_premium.threshold'"
            ),
            per_functional_unit(
                label.premium, data.network, "CNY", f"{here}.label_premium.premium'"
            ),
        )
    if instruments.green_loan is not None:
        loan = instruments.green_loan
        financing = Financing(loan.rate, loan.tenor_years)
        terms["financing"] = {
            o: financing for o in _eligible(data, loan.options, f"{here}.green_loan'")
        }
    if barriers.hurdle_rate is not None:
        terms["hurdle_rate"] = barriers.hurdle_rate
    if barriers.capital_budget is not None:
        terms["capital_budget_cny"] = _schedule(
            barriers.capital_budget,
            data.years,
            "CNY",
            f"{where}, field 'barriers.capital_budget'",
        )
    return Economics(**terms)


def _schedule(value: Schedule, years: list[int], unit: str, where: str):
    """Amounts in ``unit`` per period: one amount throughout, or held from each year."""
    if isinstance(value, str):
        amount = parse_quantity(value, unit, where)
        return tuple(amount for _ in years)
    amounts = {
        year: parse_quantity(text, unit, f"{where}.{year}")
        for year, text in value.items()
    }
    return tuple(held(amounts, years))


def _carbon_price(
    data: PathwayData, instruments: Instruments, where: str, prices: _PriceTable
) -> dict:
    carbon = instruments.carbon_price
    texts = carbon.price
    if isinstance(texts, str):
        price = [prices.per_tonne(texts, f"{where}.price'") for _ in data.years]
    else:
        per_year = {
            year: prices.per_tonne(text, f"{where}.price.{year}'")
            for year, text in texts.items()
        }
        price = held(per_year, data.years)
    terms = {
        "emission_price": tuple(0.0 if p is None else p for p in price),
        "covered_scopes": frozenset(carbon.covered_scopes),
    }
    if carbon.free_allocation is not None:
        text = carbon.free_allocation
        texts = {data.years[0]: text} if isinstance(text, str) else text
        scopes = frozenset(carbon.covered_scopes)
        per_year = {
            year: (
                baseline_covered_kg(data, scopes)
                if t.strip() == "baseline"
                else per_functional_unit(
                    t, data.network, "kg", f"{where}.free_allocation'"
                )
            )
            for year, t in texts.items()
        }

        terms["free_allocation_kg_per_fu"] = tuple(
            0.0 if a is None else a for a in held(per_year, data.years)
        )
    return terms


def baseline_covered_kg(data: PathwayData, scopes: frozenset[int]) -> float:
    """Covered emissions per functional unit of the plant as it is: the allocation
    that grandfathers its own intensity (China's national ETS gave 2024 allowances
    equal to verified 2024 emissions before moving to benchmarks)."""
    network = data.network
    return float(
        sum(
            level * network.processes[name].emission_kg
            for name, level in network.baseline_activity().items()
            if int(network.processes[name].scope) in scopes
        )
    )


def _eligible(data: PathwayData, named: list[str] | None, where: str) -> list[str]:
    investing = [o for o in data.network.options if data.invests(o)]
    if named is None:
        return investing
    unknown = [o for o in named if o not in data.network.options]
    if unknown:
        raise InputError(
            [
                Problem(
                    where,
                    f"unknown option(s) {', '.join(unknown)}",
                    f"options of {data.network.product}: {', '.join(data.network.options)}",
                )
            ]
        )
    return [o for o in named if o in investing]


def _grants(data: PathwayData, instruments: Instruments, here: str) -> dict:
    grants: dict[str, CapitalGrant] = {}
    subsidy = instruments.capital_subsidy
    if subsidy is not None:
        cap = None
        if subsidy.cap is not None:
            cap = parse_quantity(subsidy.cap, "CNY", f"{here}.capital_subsidy.cap'")
        for o in _eligible(data, subsidy.options, f"{here}.capital_subsidy.options'"):
            grants[o] = CapitalGrant(share=subsidy.share, cap_cny=cap)
    reward = instruments.retrofit_reward
    if reward is not None:
        for o, per_unit in reward_per_unit(data, instruments, here).items():
            current = grants.get(o, CapitalGrant())
            grants[o] = dataclasses.replace(current, per_unit_cny=per_unit)
    return grants


def reward_per_unit(
    data: PathwayData, instruments: Instruments, here: str
) -> dict[str, float]:
    """CNY per unit of capacity the retrofit reward pays each eligible option.

    The saving is the option's own, against the plant as it is; the project test
    takes the most the option could save in the first period (all of the output it
    can replace, within its share and capacity limits), the enterprise test the
    plant's energy bought at baseline.
    """
    reward = instruments.retrofit_reward
    where = f"{here}.retrofit_reward"
    rate = parse_quantity(reward.rate, "CNY/tce", f"{where}.rate'")
    project_min = parse_quantity(
        reward.min_project_saving, "tce/yr", f"{where}.min_project_saving'"
    )
    firm_min = parse_quantity(
        reward.min_enterprise_energy, "tce/yr", f"{where}.min_enterprise_energy'"
    )
    if enterprise_energy_tce(data) < firm_min:
        logger.info("Reward | enterprise below %.0f tce/yr: no reward", firm_min)
        return {}
    paid = {}
    for o in _eligible(data, reward.options, f"{where}.options'"):
        effect = substitution(data.network, o)
        if effect is None or effect.energy_tce >= 0:
            continue
        if largest_annual_use(data, o, effect) * -effect.energy_tce < project_min:
            continue
        paid[o] = rate * -effect.energy_tce
    return paid


def reward_per_unit_tce(data: PathwayData) -> dict[str, float]:
    """tce of annual saving per unit of capacity, for every option that saves
    energy against the plant as it is (what a reward per tce is paid on)."""
    saving = {}
    for o in data.network.options:
        if not data.invests(o):
            continue
        effect = substitution(data.network, o)
        if effect is not None and effect.energy_tce < 0:
            saving[o] = -effect.energy_tce
    return saving


def enterprise_energy_tce(data: PathwayData) -> float:
    """Energy the plant buys a year at baseline in the first period, tce."""
    baseline = data.network.baseline_activity()
    gigajoules = sum(
        level * data.network.processes[name].energy_gj
        for name, level in baseline.items()
    )
    return gigajoules / 29.3076 * data.functional_units(0)


def largest_annual_use(data: PathwayData, option: str, effect: Substitution) -> float:
    terms = data.terms[option]
    use = effect.reference_output * terms.max_share * data.functional_units(0)
    return min(use, terms.max_capacity) if terms.max_capacity is not None else use


def _quota(data: PathwayData, quota: Schedule, where: str) -> tuple:
    """tce per functional unit by period, held from each year listed."""
    texts = {data.years[0]: quota} if isinstance(quota, str) else quota
    per_year = {
        year: per_functional_unit(text, data.network, "tce", where)
        for year, text in texts.items()
    }
    return tuple(held(per_year, data.years))


def _surcharges(data: PathwayData, instruments: Instruments, where: str) -> dict:
    network = data.network
    surcharges = {}
    for commodity, value in instruments.energy_tax.surcharges.items():
        process = f"purchase:{commodity}"
        if process not in network.processes:
            bought = [p.supplies for p in network.processes.values() if p.is_purchase]
            raise InputError(
                [
                    Problem(
                        f"{where}.surcharges.{commodity}'",
                        f"{network.product} does not buy '{commodity}'",
                        f"commodities it buys: {', '.join(bought)}",
                    )
                ]
            )
        unit = network.commodity_units[commodity]
        amounts = _schedule(
            value, data.years, f"CNY/({unit})", f"{where}.surcharges.{commodity}'"
        )
        surcharges[process] = tuple(0.0 if a is None else a for a in amounts)
    return surcharges


def payback_years(data: PathwayData, option: str) -> float:
    """Simple payback of the option on its own, with the first period's instruments:
    capital net of grants over the yearly saving per unit of capacity."""
    effect = substitution(data.network, option)
    terms = data.terms[option]
    if terms.capex <= 0:
        return 0.0
    if effect is None:
        return math.inf
    economics = data.economics
    saving = -effect.purchases_cny - terms.variable_cost - terms.fixed_om
    for process, change in effect.changes.items():
        surcharge = economics.surcharges.get(process)
        saving -= change * surcharge[0] if surcharge and _surcharged(data) else 0.0
    if economics.emission_price is not None:
        covered = effect.emissions_in_scopes(data.network, economics.covered_scopes)
        saving -= economics.emission_price[0] * covered / 1000.0
    capital = terms.capex - data.grant_per_unit(option)
    if capital <= 0:
        return 0.0
    return capital / saving if saving > 0 else math.inf


def _surcharged(data: PathwayData) -> bool:
    """Whether the plant as it is owes the first period's surcharges: always, or
    when its energy per functional unit is above the quota."""
    quota = data.surcharge_quota(0)
    if quota is None:
        return True
    return enterprise_energy_tce(data) / data.functional_units(0) > quota


def too_slow_to_pay_back(data: PathwayData, max_years: float) -> list[str]:
    return [o for o in data.network.options if payback_years(data, o) > max_years]
