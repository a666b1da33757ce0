"""Instrument levels as numbers that a live session moves, and back to scenarios.

A workshop sets each instrument by one number (a carbon price in CNY per t CO2e, a
subsidy share as a fraction). :class:`PolicySettings` holds those numbers with the
choices that shape the model (which instruments are on, how allowances are given);
:func:`scenario_with` writes them into a :class:`Scenario`, the same object the
command line reads from YAML, and :func:`settings_from` reads them back. A
:class:`LiveComparison` builds the plant's model once for a set of choices and
re-solves it as the numbers move (:mod:`mitigation.optimise.resolve`).

Amounts per functional unit are written without a denominator (``"600 kg"``), which
the scenario format reads as per functional unit for every product.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from mitigation.inputs.data import FactorData
from mitigation.inputs.policy import (
    Barriers,
    CapitalSubsidy,
    CarbonPrice,
    EnergyTax,
    GreenLoan,
    Instruments,
    IntensityStandard,
    LabelPremium,
    RetrofitReward,
)
from mitigation.inputs.scenario import Scenario
from mitigation.optimise.model import PathwayData
from mitigation.optimise.pathway import prepare, solve_pathway
from mitigation.optimise.resolve import ResolvablePathway
from mitigation.policy.compare import Outcome, compare
from mitigation.policy.instruments import apply_policy
from mitigation.units import parse_quantity

logger = logging.getLogger(__name__)

# Every instrument and barrier a live session can switch on.
SWITCHES = (
    "carbon_price",
    "capital_subsidy",
    "retrofit_reward",
    "energy_tax",
    "intensity_standard",
    "label_premium",
    "green_loan",
    "hurdle_rate",
    "max_payback",
    "capital_budget",
)

# Level name: (probe step, largest value or None, default). Units are in the names.
LEVELS: dict[str, tuple[float, float | None, float]] = {
    "carbon_price_cny_per_t": (1.0, None, 95.96),
    "free_allocation_kg_per_fu": (1.0, None, 0.0),
    "subsidy_share": (0.01, 1.0, 0.15),
    "reward_cny_per_tce": (1.0, None, 240.0),
    "surcharge_cny_per_kwh": (0.001, None, 0.10),
    "standard_kg_per_fu": (1.0, None, 0.0),
    "label_threshold_kg_per_fu": (1.0, None, 0.0),
    "label_premium_cny_per_fu": (0.1, None, 20.0),
    "loan_rate": (0.001, 1.0, 0.04),
    "hurdle_rate": (0.001, 1.0, 0.15),
    "max_payback_years": (0.1, None, 3.3),
    "capital_budget_mcny": (0.1, None, 50.0),
}

# The levels each switch brings into force.
SWITCH_LEVELS = {
    "carbon_price": ("carbon_price_cny_per_t",),
    "capital_subsidy": ("subsidy_share",),
    "retrofit_reward": ("reward_cny_per_tce",),
    "energy_tax": ("surcharge_cny_per_kwh",),
    "intensity_standard": ("standard_kg_per_fu",),
    "label_premium": ("label_threshold_kg_per_fu", "label_premium_cny_per_fu"),
    "green_loan": ("loan_rate",),
    "hurdle_rate": ("hurdle_rate",),
    "max_payback": ("max_payback_years",),
    "capital_budget": ("capital_budget_mcny",),
}

ALLOCATIONS = ("none", "baseline", "benchmark")


@dataclass(frozen=True)
class PolicySettings:
    """The instruments of a live session: what is on, and each number.

    ``levels`` holds every level of :data:`LEVELS`, in the unit its name gives;
    fractions are fractions (15 % is 0.15). ``on`` names the switches in force.
    ``template`` holds what a level does not set: a reward's minimum saving, the
    options a subsidy or loan is for, a tariff's quota (from the scenario file the
    settings were read from).
    """

    on: frozenset[str] = frozenset()
    levels: dict[str, float] = field(default_factory=dict)
    allocation: str = "baseline"
    covered_scopes: tuple[int, ...] = (1,)
    loan_tenor_years: float = 10.0
    template: Instruments = Instruments()

    def __post_init__(self) -> None:
        full = {name: spec[2] for name, spec in LEVELS.items()}
        full.update({k: float(v) for k, v in self.levels.items()})
        object.__setattr__(self, "levels", full)

    @property
    def in_force(self) -> list[str]:
        """The levels of the switches that are on; the others change nothing."""
        names = [k for s in SWITCHES if s in self.on for k in SWITCH_LEVELS[s]]
        if "carbon_price" in self.on and self.allocation == "benchmark":
            names.append("free_allocation_kg_per_fu")
        return names

    @property
    def structure(self) -> tuple:
        """What shapes the model; levels only change its numbers."""
        return (
            tuple(sorted(self.on)),
            self.allocation,
            self.covered_scopes,
            self.loan_tenor_years,
            self.template.model_dump_json(),
        )


def _amount(value: float, unit: str) -> str:
    return f"{float(value)!r} {unit}"


def scenario_with(base: Scenario, settings: PolicySettings, name: str = "") -> Scenario:
    """``base`` with the settings' instruments and barriers instead of its own.

    Thresholds and eligibility that a level does not set (a reward's minimum
    saving, the options a subsidy is for, a tariff's quota) come from the settings'
    ``template``.
    """
    levels, on = settings.levels, settings.on
    own, barriers = settings.template, base.barriers
    terms: dict = {}
    if "carbon_price" in on:
        allocation = {
            "none": None,
            "baseline": "baseline",
            "benchmark": _amount(levels["free_allocation_kg_per_fu"], "kg"),
        }[settings.allocation]
        terms["carbon_price"] = CarbonPrice(
            price=_amount(levels["carbon_price_cny_per_t"], "CNY/t"),
            covered_scopes=list(settings.covered_scopes),
            free_allocation=allocation,
        )
    if "capital_subsidy" in on:
        kept = own.capital_subsidy
        terms["capital_subsidy"] = CapitalSubsidy(
            share=levels["subsidy_share"],
            cap=kept.cap if kept else None,
            options=kept.options if kept else None,
        )
    if "retrofit_reward" in on:
        kept = own.retrofit_reward or RetrofitReward(rate="0 CNY/tce")
        terms["retrofit_reward"] = kept.model_copy(
            update={"rate": _amount(levels["reward_cny_per_tce"], "CNY/tce")}
        )
    if "energy_tax" in on:
        kept = own.energy_tax
        terms["energy_tax"] = EnergyTax(
            surcharges={
                "electricity": _amount(levels["surcharge_cny_per_kwh"], "CNY/kWh")
            },
            above_quota=kept.above_quota if kept else None,
        )
    if "intensity_standard" in on:
        terms["intensity_standard"] = IntensityStandard(
            unit="kg", ceilings={base.years[0]: levels["standard_kg_per_fu"]}
        )
    if "label_premium" in on:
        terms["label_premium"] = LabelPremium(
            threshold=_amount(levels["label_threshold_kg_per_fu"], "kg"),
            premium=_amount(levels["label_premium_cny_per_fu"], "CNY"),
        )
    if "green_loan" in on:
        kept = own.green_loan
        terms["green_loan"] = GreenLoan(
            rate=levels["loan_rate"],
            tenor_years=settings.loan_tenor_years,
            options=kept.options if kept else None,
        )
    barrier_terms = {
        "hurdle_rate": levels["hurdle_rate"] if "hurdle_rate" in on else None,
        "max_payback_years": (
            levels["max_payback_years"] if "max_payback" in on else None
        ),
        "capital_budget": (
            _amount(levels["capital_budget_mcny"] * 1e6, "CNY")
            if "capital_budget" in on
            else None
        ),
        "source": barriers.source,
    }
    return base.model_copy(
        update={
            "name": name or base.name,
            "instruments": Instruments(**terms),
            "barriers": Barriers(**barrier_terms),
        }
    )


def settings_from(
    scenario: Scenario, factors: FactorData
) -> tuple[PolicySettings, list[str]]:
    """The settings a scenario's instruments come to, and what could not be kept.

    A schedule (amounts that change by year) becomes its first amount; the second
    element lists each such simplification, to be shown to the user.
    """
    own, barriers = scenario.instruments, scenario.barriers
    levels: dict[str, float] = {}
    on: set[str] = set()
    simplified: list[str] = []
    where = f"scenario '{scenario.name}'"

    def first(value, unit: str, what: str) -> float:
        if isinstance(value, dict):
            simplified.append(what)
            value = value[min(value)]
        text = value.strip()
        if unit == "CNY/t" and " " not in text and text.isidentifier():
            return factors.price(text, scenario.region, "t").value
        return parse_quantity(text, unit, f"{where}, {what}")

    allocation, scopes = "baseline", (1,)
    if own.carbon_price is not None:
        carbon = own.carbon_price
        on.add("carbon_price")
        levels["carbon_price_cny_per_t"] = first(
            carbon.price, "CNY/t", "carbon_price.price"
        )
        scopes = tuple(carbon.covered_scopes)
        given = carbon.free_allocation
        if given is None:
            allocation = "none"
        elif isinstance(given, str) and given.strip() == "baseline":
            allocation = "baseline"
        else:
            allocation = "benchmark"
            levels["free_allocation_kg_per_fu"] = first(given, "kg", "free_allocation")
    if own.capital_subsidy is not None:
        on.add("capital_subsidy")
        levels["subsidy_share"] = own.capital_subsidy.share
    if own.retrofit_reward is not None:
        on.add("retrofit_reward")
        levels["reward_cny_per_tce"] = first(
            own.retrofit_reward.rate, "CNY/tce", "rate"
        )
    if own.energy_tax is not None:
        on.add("energy_tax")
        surcharges = own.energy_tax.surcharges
        if set(surcharges) - {"electricity"}:
            simplified.append("energy_tax.surcharges (only electricity is kept)")
        if "electricity" in surcharges:
            levels["surcharge_cny_per_kwh"] = first(
                surcharges["electricity"], "CNY/kWh", "energy_tax.surcharges"
            )
    if own.intensity_standard is not None:
        on.add("intensity_standard")
        standard = own.intensity_standard
        ceilings = standard.ceilings
        if len(ceilings) > 1:
            simplified.append("intensity_standard.ceilings")
        per_kg = _per_fu(f"1 {standard.unit}", "kg")
        levels["standard_kg_per_fu"] = ceilings[min(ceilings)] * per_kg
    if own.label_premium is not None:
        on.add("label_premium")
        levels["label_threshold_kg_per_fu"] = _per_fu(own.label_premium.threshold, "kg")
        levels["label_premium_cny_per_fu"] = _per_fu(own.label_premium.premium, "CNY")
    tenor = 10.0
    if own.green_loan is not None:
        on.add("green_loan")
        levels["loan_rate"] = own.green_loan.rate
        tenor = own.green_loan.tenor_years
    if barriers.hurdle_rate is not None:
        on.add("hurdle_rate")
        levels["hurdle_rate"] = barriers.hurdle_rate
    if barriers.max_payback_years is not None:
        on.add("max_payback")
        levels["max_payback_years"] = barriers.max_payback_years
    if barriers.capital_budget is not None:
        on.add("capital_budget")
        levels["capital_budget_mcny"] = (
            first(barriers.capital_budget, "CNY", "capital_budget") / 1e6
        )
    template = own.model_copy(update={"carbon_price": None, "label_premium": None})
    settings = PolicySettings(
        frozenset(on), levels, allocation, scopes, tenor, template
    )
    return settings, simplified


def _per_fu(text: str, unit: str) -> float:
    """An amount stated per functional unit (``"600 kg"``) or per t (``"600 kg/t"``)."""
    if "/" in text:
        return parse_quantity(text, f"{unit}/t", text)
    return parse_quantity(text, unit, text)


def scenario_yaml(scenario: Scenario) -> str:
    """The scenario as the YAML the command line reads (every field written out)."""
    fields = scenario.model_dump(mode="python", exclude_defaults=True)
    if scenario.targets is not None:
        fields["targets"] = {"unit": scenario.targets.unit, **scenario.targets.ceilings}
    return yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)


class LiveComparison:
    """A plant against its reference, re-solved as the instrument levels move.

    The reference is solved once; the plant with the instruments ``settings.on``
    is built once (:class:`ResolvablePathway`) and each :meth:`outcome` re-solves
    it at new levels.
    """

    def __init__(
        self,
        reference: Scenario,
        settings: PolicySettings,
        root: Path,
        where: str = "scenario",
    ) -> None:
        self.reference = reference
        self.root = root
        self.where = where
        self.settings = settings
        self.factors = FactorData(root / "data")
        self.prepared = prepare(reference, root, where)
        reference_data = apply_policy(self.prepared, reference, where, self.factors)
        self.reference_outcome = Outcome(
            "reference",
            reference,
            reference_data,
            solve_pathway(reference_data, reference.name),
        )
        # Only levels in force are probed: the others have no effect on the model.
        names = settings.in_force
        self.resolver = ResolvablePathway(
            self._data_at,
            {k: settings.levels[k] for k in names},
            {k: LEVELS[k][0] for k in names},
            always_excluded=self.prepared.excluded,
            upper={k: LEVELS[k][1] for k in names if LEVELS[k][1] is not None},
            name=reference.name,
        )

    def _data_at(self, levels) -> PathwayData:
        settings = dataclasses.replace(
            self.settings, levels={**self.settings.levels, **levels}
        )
        scenario = scenario_with(self.reference, settings)
        return apply_policy(self.prepared, scenario, self.where, self.factors)

    def outcome(self, levels: dict[str, float], name: str = "scenario") -> Outcome:
        """The plant's outcome at ``levels`` (names of :data:`LEVELS`); levels of
        switches that are off are kept but change nothing."""
        wanted = {**self.settings.levels, **levels}
        self.settings = dataclasses.replace(self.settings, levels=wanted)
        pathway = self.resolver.solve(
            {k: v for k, v in wanted.items() if k in self.resolver.levels}
        )
        settings = self.settings
        scenario = scenario_with(self.reference, settings, name)
        return Outcome(name, scenario, self.resolver.data, pathway)

    def comparison(self, outcome: Outcome) -> dict:
        """Comparison tables of the outcome against the reference."""
        rate = self.reference.social_discount_rate
        rate = self.reference.discount_rate if rate is None else rate
        return compare([self.reference_outcome, outcome], self.reference_outcome, rate)
