"""Footprint of a configuration per functional unit, by stage and by scope.

Emissions of a purchased commodity are reported in the stages of the processes that
consume it, in proportion to their consumption. Where part of a commodity is made on
site (waste-heat power, rooftop PV), every consumer's share of the purchase falls
alike, so the stages always add up to the total.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mitigation.exceptions import UnexpectedError, input_error
from mitigation.process.network import Network, Scope

BALANCE_TOLERANCE = 1e-7


@dataclass(frozen=True)
class Footprint:
    """Footprint of one configuration.

    Attributes
    ----------
    by_stage_scope
        kg CO2e per functional unit; one row per stage (in the model's order), one
        column per scope.
    activity
        Activity of every process per functional unit.
    """

    product: str
    grade: str
    functional_unit: str
    by_stage_scope: pd.DataFrame
    activity: pd.Series

    @property
    def total_kg(self) -> float:
        return float(self.by_stage_scope.to_numpy().sum())

    @property
    def by_scope(self) -> pd.Series:
        return self.by_stage_scope.sum(axis=0)

    @property
    def by_stage(self) -> pd.Series:
        return self.by_stage_scope.sum(axis=1)


def check_balance(network: Network, activity: pd.Series, demand: float) -> None:
    """Raise unless every commodity is made as fast as it is used.

    ``demand`` is the net output of the grade's commodity the activities must give.
    """
    names = list(activity.index)
    net = network.net_output_matrix(names) @ activity.to_numpy()
    expected = np.array(
        [demand if c == network.product_commodity else 0.0 for c in network.commodities]
    )
    scale = max(1.0, float(np.abs(activity.to_numpy()).max()))
    gaps = np.abs(net - expected) > BALANCE_TOLERANCE * scale
    if gaps.any():
        unbalanced = ", ".join(
            f"{c} ({net[i] - expected[i]:+.4g})"
            for i, c in enumerate(network.commodities)
            if gaps[i]
        )
        msg = f"configuration does not balance: {unbalanced}"
        raise input_error(
            network.product, msg, "give activities that balance every commodity"
        )


def footprint(
    network: Network, activity: pd.Series, per: float | None = None
) -> Footprint:
    """Footprint per functional unit of a configuration.

    Parameters
    ----------
    network
        The product's network.
    activity
        Activity of each process, for any amount of product (per functional unit, or
        per year of a plant).
    per
        The amount of the grade's commodity ``activity`` produces; the default is one
        functional unit.
    """
    per = network.functional_unit_amount if per is None else per
    activity = activity.reindex(list(network.processes), fill_value=0.0)
    check_balance(network, activity, per)
    emissions: dict[tuple[str, Scope], float] = defaultdict(float)
    for name, level in activity.items():
        process = network.processes[name]
        if level == 0.0 or process.emission_kg == 0.0:
            continue
        amount = level * process.emission_kg
        if process.is_purchase:
            for stage, share in _consumer_stage_shares(
                network, activity, process.supplies
            ):
                emissions[(stage, process.scope)] += amount * share
        else:
            emissions[(process.stage, process.scope)] += amount
    table = pd.DataFrame(
        0.0, index=list(network.stages), columns=[s.value for s in Scope]
    )
    for (stage, scope), amount in emissions.items():
        table.loc[stage, scope.value] += amount
    scale = network.functional_unit_amount / per
    return Footprint(
        product=network.product,
        grade=network.grade,
        functional_unit=network.functional_unit,
        by_stage_scope=table * scale,
        activity=activity * scale,
    )


def _consumer_stage_shares(
    network: Network, activity: pd.Series, commodity: str
) -> list[tuple[str, float]]:
    use = defaultdict(float)
    for name, level in activity.items():
        amount = network.processes[name].inputs.get(commodity, 0.0)
        if amount and level:
            use[network.processes[name].stage] += level * amount
    total = sum(use.values())
    if total <= 0.0:
        msg = f"{commodity} is purchased but nothing consumes it"
        raise UnexpectedError(msg)
    return [(stage, amount / total) for stage, amount in use.items()]
