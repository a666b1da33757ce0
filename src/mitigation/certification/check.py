"""The certification check of one filled template.

The footprint is computed from the reported data with the emission factors of the
plant's region, the way the process model counts them: each purchased commodity's
use by stage times its factor, less what is made on site (shared by the stages in
proportion to their use), plus the process emissions of each output that carries
them (clinker calcination per t of clinker), divided by the functional units made.
Filled with the activities of a model configuration, the check therefore gives the
footprint of that configuration exactly; a test holds this for every shipped
product.

Process emissions per unit of output are those of the model's recipes in the shares
the measures sheet reports (a float batch with more cullet releases less carbonate
CO2 per t of glass); a plant whose process chemistry differs from every recipe of
the model needs a model option of its own.

When the footprint is above the threshold, the cheapest options that would close the
gap come from the optimisation layer: a one-year pathway of the model at the
plant's output, whose ceiling is the model's reference footprint less the gap.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mitigation.certification.filled import FilledTemplate
from mitigation.certification.layout import (
    QUALITIES,
    Kind,
    made_per_fu,
    purchase_process,
)
from mitigation.exceptions import TargetUnreachableError
from mitigation.inputs.scenario import Scenario
from mitigation.optimise.pathway import prepare, solve_pathway
from mitigation.policy.certification import shipped_threshold
from mitigation.process.footprint import Footprint, footprint
from mitigation.process.network import Network, Process, Scope, Setting, load_network

logger = logging.getLogger(__name__)

CONSISTENCY_TOLERANCE = 0.05  # a gap above 5 % between two records is flagged
CLOSING_DISCOUNT_RATE = 0.08  # annuities of the closing options; a scenario's default


@dataclass(frozen=True)
class ConsistencyCheck:
    """Two records of one flow that should agree."""

    kind: str  # "balance" or "meter"
    commodity: str
    unit: str
    expected: float
    reported: float

    @property
    def gap_share(self) -> float:
        if self.expected == 0:
            return 0.0 if self.reported == 0 else float("inf")
        return (self.reported - self.expected) / self.expected

    @property
    def within_tolerance(self) -> bool:
        return abs(self.gap_share) <= CONSISTENCY_TOLERANCE


@dataclass(frozen=True)
class Closing:
    """The cheapest way under the threshold, from the optimisation layer."""

    options: pd.Series  # share of its output per adopted option
    cost_vs_baseline_mcny_per_year: float  # negative: the options save money
    lowest_kg_per_fu: float | None  # when the gap cannot be closed


@dataclass(frozen=True)
class Certification:
    filled: FilledTemplate
    network: Network
    footprint: Footprint
    trail: pd.DataFrame
    checks: list[ConsistencyCheck]
    quality: pd.Series  # share of the data by quality class, "not stated" included
    threshold_kg_per_fu: float | None
    threshold_source: str
    closing: Closing | None

    @property
    def passed(self) -> bool | None:
        if self.threshold_kg_per_fu is None:
            return None
        return self.footprint.total_kg <= self.threshold_kg_per_fu

    @property
    def gaps(self) -> list[ConsistencyCheck]:
        """Consistency checks whose two records disagree beyond the tolerance."""
        return [check for check in self.checks if not check.within_tolerance]

    @property
    def certified(self) -> bool | None:
        """Whether the label can be granted: the footprint meets the threshold and
        the data agree with each other (a gap must be corrected or explained
        first). None without a threshold."""
        if self.passed is None:
            return None
        return self.passed and not self.gaps

    @property
    def margin_kg_per_fu(self) -> float | None:
        """Threshold less footprint: positive is the room below the threshold."""
        if self.threshold_kg_per_fu is None:
            return None
        return self.threshold_kg_per_fu - self.footprint.total_kg


def region_network(root: Path, filled: FilledTemplate) -> Network:
    """The product's network with the factors of the plant's region."""
    layout = filled.layout
    setting = Setting(filled.region, plant_type=layout.network.plant_type)
    return load_network(root, layout.product, setting, layout.grade)


def footprint_trail(
    filled: FilledTemplate, network: Network
) -> tuple[Footprint, pd.DataFrame]:
    """Footprint per functional unit and the trail of every emission behind it."""
    layout, values = filled.layout, filled.values
    baseline = layout.network.baseline_activity()
    units = filled.functional_units
    rows = []
    for datum in layout.data:
        amount = values.get(datum.key, 0.0)
        if datum.kind is Kind.PURCHASE and amount > 0:
            purchase = network.processes[purchase_process(datum.commodity)]
            bought = amount * _bought_share(filled, datum.commodity)
            row = _trail_row(
                datum, bought, purchase.emission_kg, purchase.scope, purchase
            )
            rows.append({**row, "reported": amount})
        elif datum.kind is Kind.OUTPUT and amount > 0:
            per_unit = at_reported_shares(
                filled, network, baseline, datum.commodity, _process_emission
            )
            if per_unit > 0:
                row = _trail_row(datum, amount, per_unit, Scope.DIRECT, None, network)
                rows.append({**row, "reported": amount})
    trail = pd.DataFrame(rows)
    table = pd.DataFrame(
        0.0, index=list(network.stages), columns=[s.value for s in Scope]
    )
    for row in rows:
        table.loc[row["stage"], row["scope"]] += row["emission_kg"] / units
    fp = Footprint(
        product=network.product,
        grade=network.grade,
        functional_unit=network.functional_unit,
        by_stage_scope=table,
        activity=pd.Series(dtype=float),
    )
    if not trail.empty:
        trail["kg_per_fu"] = trail["emission_kg"] / units
    return fp, trail


def at_reported_shares(
    filled: FilledTemplate,
    network: Network,
    baseline: pd.Series,
    made: str,
    per_activity: Callable[[Process], float],
) -> float:
    """An amount per unit of ``made`` over the recipes that make it: each option at
    the share the measures sheet reports, the reference plant's recipes for the
    rest. ``per_activity`` is the amount per unit of a recipe's activity (its
    process emissions, its use of an input). A float batch with 30 % cullet thus
    releases less carbonate CO2 per t of glass, and a leaner cement recipe needs
    less clinker per t of cement."""
    amount = options_share = base_made = base_amount = 0.0
    for name, process in network.processes.items():
        if process.is_purchase or process.reference_output != made:
            continue
        if process.is_option:
            share = filled.values.get(f"options.share.{name}", 0.0)
            options_share += share
            amount += share * per_activity(process) / process.outputs[made]
        elif baseline[name] > 0:
            base_made += baseline[name] * process.outputs[made]
            base_amount += baseline[name] * per_activity(process)
    if base_made > 0:
        amount += max(1.0 - options_share, 0.0) * base_amount / base_made
    return amount


def _process_emission(process: Process) -> float:
    return process.emission_kg


def _bought_share(filled: FilledTemplate, commodity: str) -> float:
    """Share of the stages' use of ``commodity`` that is bought, not made on site."""
    layout, values = filled.layout, filled.values
    used = sum(
        values.get(d.key, 0.0)
        for d in layout.data
        if d.kind is Kind.PURCHASE and d.commodity == commodity
    )
    made = values.get(f"site.generated.{commodity}", 0.0)
    return max(used - made, 0.0) / used if used > 0 else 0.0


def _trail_row(datum, amount, factor, scope, purchase, network=None) -> dict:
    if purchase is not None:
        source = purchase.factors[0].sources if purchase.factors else ""
    else:
        source = "; ".join(
            f.sources
            for name, p in network.processes.items()
            if p.stage == datum.sheet
            and p.reference_output == datum.commodity
            and p.baseline
            for f in p.factors
        )
    return {
        "stage": datum.sheet,
        "key": datum.key,
        "datum": datum.label,
        "datum_zh": datum.label_zh,
        "amount": amount,
        "unit": datum.unit,
        "factor_kg_per_unit": factor,
        "emission_kg": amount * factor,
        "scope": int(scope),
        "source": source or "none: carried without burden",
    }


def consistency_checks(filled: FilledTemplate) -> list[ConsistencyCheck]:
    """Each intermediate's output against the use its consumers' output implies, and
    each metered site total against the stages."""
    layout, values = filled.layout, filled.values
    checks = []
    for datum in layout.data:
        if datum.key not in values:
            continue
        if (
            datum.kind is Kind.OUTPUT
            and datum.commodity != layout.network.product_commodity
        ):
            expected = _implied_use(filled, datum.commodity)
            if expected is not None:
                checks.append(
                    ConsistencyCheck(
                        "balance",
                        datum.commodity,
                        datum.unit,
                        expected,
                        values[datum.key],
                    )
                )
        elif datum.kind is Kind.TOTAL:
            used = sum(
                values.get(d.key, 0.0)
                for d in layout.data
                if d.kind is Kind.PURCHASE and d.commodity == datum.commodity
            )
            made = values.get(f"site.generated.{datum.commodity}", 0.0)
            checks.append(
                ConsistencyCheck(
                    "meter", datum.commodity, datum.unit, used - made, values[datum.key]
                )
            )
    return checks


def _implied_use(filled: FilledTemplate, commodity: str) -> float | None:
    """The use of ``commodity`` that the reported output of its consumers implies,
    with the recipes in the shares the measures sheet reports."""
    network = filled.layout.network
    baseline = network.baseline_activity()
    made_from_it = {
        p.reference_output
        for p in network.processes.values()
        if p.inputs.get(commodity, 0.0) > 0 and p.reference_output is not None
    }
    total = 0.0
    for reference in made_from_it:
        made = _reported_or_implied(filled, reference)
        if made is None:
            return None
        total += made * at_reported_shares(
            filled, network, baseline, reference, lambda p: p.inputs.get(commodity, 0.0)
        )
    return total


def _reported_or_implied(filled: FilledTemplate, commodity: str) -> float | None:
    for datum in filled.layout.data:
        if datum.kind is Kind.OUTPUT and datum.commodity == commodity:
            return filled.values.get(datum.key)
    network = filled.layout.network
    per_fu = made_per_fu(network, network.baseline_activity(), commodity)
    return per_fu * filled.functional_units


def quality_summary(filled: FilledTemplate) -> pd.Series:
    """Share of the reported values by data quality; ``not stated`` where blank."""
    reported = [
        d.key
        for d in filled.layout.data
        if d.key in filled.values and d.kind is not Kind.SHARE
    ]
    counts = {q: 0 for q in (*QUALITIES, "not stated")}
    for key in reported:
        counts[filled.quality.get(key, "not stated")] += 1
    total = max(len(reported), 1)
    return pd.Series({q: n / total for q, n in counts.items()}, name=len(reported))


def closing_options(
    root: Path, filled: FilledTemplate, footprint_kg: float, threshold_kg: float
) -> Closing:
    """The cheapest options that bring a footprint of ``footprint_kg`` under
    ``threshold_kg`` (both per functional unit).

    They are chosen for the plant as the model sees it, so the ceiling is the
    model's reference footprint less the gap.
    """
    layout = filled.layout
    network = layout.network
    unit = network.commodity_units[network.product_commodity]
    per_year = "/yr" if unit == "dimensionless" else f" {unit}/yr"
    scenario = Scenario(
        name=f"{filled.plant or layout.product}, closing the label gap {filled.year}",
        product=layout.product,
        grade=layout.grade,
        plant_type=layout.plant_type or None,
        region=filled.region,
        discount_rate=CLOSING_DISCOUNT_RATE,
        years=[filled.year],
        production=f"{filled.product_output!r}{per_year}",
    )
    data = prepare(scenario, root, str(filled.path))
    reference = footprint(data.network, data.network.baseline_activity()).total_kg
    # The plant's own departure from the model is kept as it is: the options must
    # take the model's plant as far below its footprint as the plant is above the
    # threshold.
    offset = footprint_kg - reference
    ceiling = threshold_kg - offset
    try:
        plan = solve_pathway(
            dataclasses.replace(data, targets=[ceiling]), scenario.name
        )
    except TargetUnreachableError as err:
        return Closing(pd.Series(dtype=float), 0.0, err.shortfalls[0][2] + offset)
    periods = plan.periods.iloc[0]
    extra = periods["total_cost_cny_per_yr"] - periods["baseline_cost_cny_per_yr"]
    shares = (
        plan.adoption.iloc[:, 0] if not plan.adoption.empty else pd.Series(dtype=float)
    )
    return Closing(shares[shares > 1e-6], float(extra) / 1e6, None)


def certify(
    root: Path, filled: FilledTemplate, threshold_kg_per_fu: float | None = None
) -> Certification:
    """Footprint, trail, checks and verdict of one filled template.

    ``threshold_kg_per_fu`` overrides the shipped threshold of the product grade.
    """
    network = region_network(root, filled)
    fp, trail = footprint_trail(filled, network)
    source = "--threshold"
    if threshold_kg_per_fu is None:
        shipped = shipped_threshold(root, filled.layout.network)
        if shipped is not None:
            threshold_kg_per_fu, source = shipped
    closing = None
    if threshold_kg_per_fu is not None and fp.total_kg > threshold_kg_per_fu:
        closing = closing_options(root, filled, fp.total_kg, threshold_kg_per_fu)
    logger.info(
        "Certification | %s %d | %.1f kg per %s against %s",
        filled.plant,
        filled.year,
        fp.total_kg,
        network.functional_unit,
        "no threshold" if threshold_kg_per_fu is None else f"{threshold_kg_per_fu:.1f}",
    )
    return Certification(
        filled=filled,
        network=network,
        footprint=fp,
        trail=trail,
        checks=consistency_checks(filled),
        quality=quality_summary(filled),
        threshold_kg_per_fu=threshold_kg_per_fu,
        threshold_source=source if threshold_kg_per_fu is not None else "",
        closing=closing,
    )
