"""What one unit of an option changes in the plant as it is.

Running an option's process one unit more, with the output of the functional unit
held fixed, changes the activity of the baseline processes and purchases by the
solution of the baseline system: :math:`A_b \\Delta x = -a_o`, where :math:`A_b` is
the net-output matrix of the baseline processes and :math:`a_o` the option's column.
Emissions, purchase costs and energy bought change accordingly. This is the option
judged on its own, the way a levelised abatement cost or a payback period judges it;
the optimiser, which sees every option together, accounts for their interactions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mitigation.process.network import Network

TCE_GJ = 29.3076


@dataclass(frozen=True)
class Substitution:
    """Changes per unit of the option's activity, when it replaces the baseline.

    Attributes
    ----------
    emissions_kg
        Change in kg CO2e (negative when the option abates).
    purchases_cny
        Change in the cost of purchases, at pre-tax prices.
    energy_tce
        Change in energy bought, in tonnes of coal equivalent (negative: a saving).
    reference_output
        Amount of the option's first output commodity the baseline makes per
        functional unit: the most the option could replace.
    """

    option: str
    emissions_kg: float
    purchases_cny: float
    energy_tce: float
    reference_output: float
    changes: dict[str, float]  # activity change of each process, the option's own 1

    def emissions_in_scopes(self, network: Network, scopes: frozenset[int]) -> float:
        """Change in kg CO2e of the given scopes only."""
        return sum(
            d * network.processes[n].emission_kg
            for n, d in self.changes.items()
            if int(network.processes[n].scope) in scopes
        )


def substitution(network: Network, option: str) -> Substitution | None:
    """Effect of one unit of ``option`` on the baseline, or None if it cannot run
    without other options (it needs something the baseline neither makes nor buys).
    """
    process = network.processes[option]
    baseline = network.baseline_activity()
    running = [
        n for n, p in network.processes.items() if p.baseline and baseline[n] > 0
    ]
    touched = {c for n in running for c in _flows(network, n)}
    touched |= set(_flows(network, option))
    names = [n for n in running if not network.processes[n].is_purchase]
    names += [
        n
        for n, p in network.processes.items()
        if p.is_purchase and p.supplies in touched
    ]
    commodities = [c for c in network.commodities if c in touched]
    rows = [network.commodities.index(c) for c in commodities]
    matrix = network.net_output_matrix(names)[rows, :]
    column = network.net_output_matrix([option])[rows, 0]
    change, *_ = np.linalg.lstsq(matrix, -column, rcond=None)
    if not np.allclose(matrix @ change, -column, atol=1e-9):
        return None
    effect = dict(zip(names, change, strict=True))
    emissions = process.emission_kg + sum(
        d * network.processes[n].emission_kg for n, d in effect.items()
    )
    purchases = sum(d * network.processes[n].price_cny for n, d in effect.items())
    energy_gj = sum(d * network.processes[n].energy_gj for n, d in effect.items())
    reference = process.reference_output
    made = sum(
        baseline[n] * network.processes[n].outputs.get(reference, 0.0) for n in names
    )
    if made <= 0:
        return None  # the option makes something this grade does not use
    changes = {n: float(d) for n, d in effect.items() if abs(d) > 1e-12}
    changes[option] = 1.0
    return Substitution(
        option,
        float(emissions),
        float(purchases),
        float(energy_gj) / TCE_GJ,
        float(made),
        changes,
    )


def _flows(network: Network, name: str) -> list[str]:
    process = network.processes[name]
    return [*process.inputs, *process.outputs]
