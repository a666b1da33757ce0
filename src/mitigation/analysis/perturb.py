"""A scenario's pathway data with its uncertain parameters set to given numbers.

Every change acts on the resolved numbers the optimiser reads (a purchase's price
and emission factor, an option's capital cost, a target, the carbon price, the
discount rate), so the changed pathway is the scenario's own with those numbers
replaced, and nothing else is read again. Barriers and thresholds that the policy
layer judged when the scenario was resolved (the payback barrier, the retrofit
reward's project threshold) stay as judged at the scenario's own numbers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from mitigation.exceptions import InputError, Problem
from mitigation.inputs.model_file import ModelFile
from mitigation.inputs.uncertainty import UncertainParameter
from mitigation.optimise.model import PathwayData
from mitigation.process.network import PURCHASE_PREFIX, Network


def check_parameters(
    parameters: Sequence[UncertainParameter],
    data: PathwayData,
    spec: ModelFile,
    where: str,
) -> None:
    """Refuse parameters that change nothing this scenario has."""
    problems = []
    prices = {
        c.purchased.price: name
        for name, c in spec.commodities.items()
        if c.purchased is not None and c.purchased.price
    }
    purchased = {n for n, c in spec.commodities.items() if c.purchased is not None}
    for i, parameter in enumerate(parameters):
        here = f"{where}, field 'uncertain.{i}.changes'"
        kind, target = parameter.kind, parameter.target
        if kind == "price" and target not in prices:
            problems.append(
                Problem(
                    here,
                    f"no commodity of {spec.product} costs the price '{target}'",
                    f"use one of {', '.join(sorted(prices))}",
                )
            )
        elif kind == "emission_factor" and target not in purchased:
            problems.append(
                Problem(
                    here,
                    f"'{target}' is not a purchased commodity of {spec.product}",
                    f"use one of {', '.join(sorted(purchased))}",
                )
            )
        elif kind == "capex" and target and target not in data.terms:
            problems.append(
                Problem(
                    here,
                    f"'{target}' is not an option of this plant",
                    f"use one of {', '.join(sorted(data.terms))}, or capex alone",
                )
            )
        elif kind == "target" and all(t is None for t in data.targets):
            problems.append(
                Problem(
                    here,
                    "the scenario has no intensity targets to scale",
                    "add targets to the scenario or remove this parameter",
                )
            )
        elif kind == "grid_factor" and not _grid_purchases(data.network, spec):
            problems.append(
                Problem(
                    here,
                    f"{spec.product} buys no grid electricity",
                    "remove this parameter",
                )
            )
    if problems:
        raise InputError(problems)


def _grid_purchases(network: Network, spec: ModelFile) -> list[str]:
    return [
        f"{PURCHASE_PREFIX}{name}"
        for name, c in spec.commodities.items()
        if c.purchased is not None
        and c.purchased.grid
        and f"{PURCHASE_PREFIX}{name}" in network.processes
    ]


def with_values(
    data: PathwayData,
    spec: ModelFile,
    parameters: Sequence[UncertainParameter],
    values: Mapping[str, float],
) -> PathwayData:
    """``data`` with each parameter at ``values[parameter.name]``."""
    network = data.network
    processes = dict(network.processes)
    terms = dict(data.terms)
    economics = data.economics
    targets = list(data.targets)
    rate = data.discount_rate
    for parameter in parameters:
        x = float(values[parameter.name])
        kind, target = parameter.kind, parameter.target
        if kind == "price":
            for name, c in spec.commodities.items():
                if c.purchased is not None and c.purchased.price == target:
                    _scale(processes, f"{PURCHASE_PREFIX}{name}", "price_cny", x)
        elif kind == "emission_factor":
            _scale(processes, f"{PURCHASE_PREFIX}{target}", "emission_kg", x)
        elif kind == "grid_factor":
            for name in _grid_purchases(network, spec):
                _scale(processes, name, "emission_kg", x)
        elif kind == "capex":
            for option in [target] if target else list(terms):
                terms[option] = dataclasses.replace(
                    terms[option], capex=terms[option].capex * x
                )
        elif kind == "target":
            targets = [None if t is None else t * x for t in targets]
        elif kind == "carbon_price":
            economics = dataclasses.replace(
                economics, emission_price=tuple(x for _ in data.years)
            )
        elif kind == "discount_rate":
            rate = x
    return dataclasses.replace(
        data,
        network=dataclasses.replace(network, processes=processes),
        terms=terms,
        targets=targets,
        economics=economics,
        discount_rate=rate,
    )


def _scale(processes: dict, name: str, attribute: str, factor: float) -> None:
    if name in processes:
        process = processes[name]
        changed = {attribute: getattr(process, attribute) * factor}
        processes[name] = dataclasses.replace(process, **changed)
