"""Planning for the low-carbon label: the cheapest way under the threshold by a year.

Thresholds are data (``data/label_thresholds.csv``), per product and grade, in kg
CO2e per functional unit. The plan is the scenario's least-cost pathway with the
threshold added as a ceiling from the chosen year on, beside the scenario's own
targets and instruments. What a stricter threshold would cost next is read from
the plan itself (the threshold's shadow price) and from a re-solve with the
threshold a step lower (which options grow).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from mitigation.exceptions import TargetUnreachableError, input_error
from mitigation.inputs.tables import Figure, read_table
from mitigation.optimise.model import PathwayData
from mitigation.optimise.pathway import per_functional_unit, solve_pathway
from mitigation.optimise.results import Pathway
from mitigation.process.network import Network

logger = logging.getLogger(__name__)

TIGHTER = 0.99  # the "next step" re-solve tightens the threshold by 1 %


class LabelThresholdRow(Figure):
    key_fields: ClassVar[tuple[str, ...]] = ("product", "grade")
    non_negative: ClassVar[bool] = True

    product: str
    grade: str


def shipped_threshold(root: Path, network: Network) -> tuple[float, str] | None:
    """The threshold of ``data/label_thresholds.csv`` for the network's product and
    grade, in kg per functional unit, with its source; None when there is none (a
    project may ship no thresholds file)."""
    path = root / "data" / "label_thresholds.csv"
    if not path.is_file():
        return None
    for row in read_table(path, LabelThresholdRow):
        if row.product == network.product and row.grade == network.grade:
            value = per_functional_unit(
                f"{row.value} {row.unit}", network, "kg", f"{path}, row {row._line}"
            )
            return value, f"{row.source} [{row.read_in}]"
    return None


def label_threshold(root: Path, data: PathwayData) -> float:
    """The shipped threshold of the scenario's product and grade, kg per FU."""
    found = shipped_threshold(root, data.network)
    if found is None:
        network = data.network
        raise input_error(
            str(root / "data" / "label_thresholds.csv"),
            f"no label threshold for {network.product}, grade {network.grade}",
            "pass --threshold, e.g. '600 kg/t', or add a row with its source",
        )
    return found[0]


@dataclass(frozen=True)
class CertificationPlan:
    threshold_kg_per_fu: float
    by_year: int
    plan: Pathway
    without_label: Pathway
    next_step: Pathway | None  # the plan with the threshold 1 % lower, if reachable
    next_step_lowest: list[float] | None  # when it is not: lowest reachable

    @property
    def extra_cost_mcny(self) -> float:
        """Discounted cost of the label over the scenario's own pathway."""
        return self.plan.total_cost_mcny - self.without_label.total_cost_mcny

    def next_options(self) -> list[str]:
        """Options whose adoption grows when the threshold tightens by one step."""
        if self.next_step is None:
            return []
        after = self.next_step.adoption
        before = self.plan.adoption.reindex(index=after.index, fill_value=0.0)
        growth = (after - before).max(axis=1)
        return [str(o) for o in growth.index if growth[o] > 1e-6]


def with_threshold(data: PathwayData, threshold: float, by_year: int) -> PathwayData:
    """The pathway data with the threshold as a ceiling from ``by_year`` on."""
    targets = [
        target
        if year < by_year
        else (threshold if target is None else min(target, threshold))
        for year, target in zip(data.years, data.targets, strict=True)
    ]
    return dataclasses.replace(data, targets=targets)


def certification_plan(
    data: PathwayData, threshold: float, by_year: int, name: str, where: str
) -> CertificationPlan:
    if by_year not in data.years:
        raise input_error(
            f"--by {by_year}",
            "is not the first year of a period of the scenario",
            f"choose one of {', '.join(map(str, data.years))}",
        )
    without = solve_pathway(data, name)
    try:
        plan = solve_pathway(with_threshold(data, threshold, by_year), name)
    except TargetUnreachableError as err:
        short = ", ".join(
            f"{year}: {lowest:,.1f}" for year, _, lowest in err.shortfalls
        )
        raise input_error(
            where,
            f"the label threshold {threshold:,.1f} {err.unit} cannot be met from "
            f"{by_year} (lowest reachable with every option: {short}); where the "
            "scenario's own targets are lower, they cannot be met either",
            "choose a later --by year, or add options to the product's options table",
        ) from err
    try:
        tighter = with_threshold(data, threshold * TIGHTER, by_year)
        next_step, lowest = solve_pathway(tighter, name), None
    except TargetUnreachableError as err:
        next_step, lowest = None, [s[2] for s in err.shortfalls]
    logger.info(
        "Certification | threshold %.1f kg per FU from %d | extra cost %.3f M CNY",
        threshold,
        by_year,
        plan.total_cost_mcny - without.total_cost_mcny,
    )
    return CertificationPlan(threshold, by_year, plan, without, next_step, lowest)
