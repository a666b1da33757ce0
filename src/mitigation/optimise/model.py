"""The Pyomo model of a plant's abatement pathway.

Symbols (``t`` a period, ``p`` a process, ``o`` an option, ``c`` a commodity):

=================  ==============================  ==========================================
symbol             attribute                       meaning
=================  ==============================  ==========================================
:math:`x_{p,t}`    ``activity[p, t]``              activity per year, in the process's unit
:math:`n_{o,t}`    ``new_capacity[o, t]``          capacity added at the start of period t
:math:`K_{o,t}`    ``stock(o, t)``                 capacity in service during period t
:math:`A_{c,p}`    network coefficients            output minus input of c per unit of p
:math:`e_p`        ``Process.emission_kg``         kg CO2e per unit of activity
:math:`D_{c,t}`    production                      output of the functional unit's commodity
:math:`I_t`        intensity target                kg CO2e per functional unit
:math:`w_t`        ``period_weight``               sum of discount factors of period t's years
=================  ==============================  ==========================================

Constraints:

- balance: :math:`\\sum_p A_{c,p} x_{p,t} = D_{c,t}` for every commodity and period;
- capacity: :math:`x_{o,t} \\le K_{o,t}`, where
  :math:`K_{o,t} = \\sum_{\\tau \\le t,\\ y_\\tau + L_o > y_t} n_{o,\\tau}`;
- limit of applicability: the option's share of its first output commodity,
  :math:`a_o x_{o,t} \\le s_o \\sum_p a_p x_{p,t}`, and :math:`K_{o,t} \\le \\bar K_o`;
- intensity: :math:`\\sum_p e_p x_{p,t} / 1000 - I_t N_t / 1000 \\le 0` (t CO2e), with
  :math:`N_t` functional units produced.

Objective, in CNY discounted to the start of the first year: :math:`\\sum_t w_t [\\sum_p c_p x_{p,t} +
\\sum_o (CRF_o \\cdot capex_o + fom_o) K_{o,t}]`. Capital is paid as annuities only
while the capacity serves inside the horizon, so capacity outliving the horizon
carries its salvage value implicitly; results report that salvage value.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from mitigation.optimise.finance import annuity_weight, capital_recovery_factor
from mitigation.optimise.terms import OptionTerms
from mitigation.process.network import Network

logger = logging.getLogger(__name__)

MILLION = 1.0e6


@dataclass(frozen=True)
class PathwayData:
    """Numbers of one scenario, resolved for the model.

    Attributes
    ----------
    years, lengths
        First year and length in years of each period.
    production
        Output of the functional unit's commodity per year, in its unit, by period.
    targets
        Intensity ceiling in kg CO2e per functional unit by period, or None.
    """

    network: Network
    terms: dict[str, OptionTerms]
    years: list[int]
    lengths: list[int]
    production: list[float]
    targets: list[float | None]
    discount_rate: float
    excluded: frozenset[str] = frozenset()

    @property
    def base_year(self) -> int:
        return self.years[0]

    @property
    def end_year(self) -> int:
        return self.years[-1] + self.lengths[-1]

    def period_weight(self, t: int) -> float:
        first = self.years[t]
        return annuity_weight(
            self.discount_rate, range(first, first + self.lengths[t]), self.base_year
        )

    def functional_units(self, t: int) -> float:
        return self.production[t] / self.network.functional_unit_amount

    def alive(self, option: str, built: int, t: int) -> bool:
        lifetime = self.terms[option].lifetime_years
        return built <= t and self.years[built] + lifetime > self.years[t]

    def invests(self, option: str) -> bool:
        terms = self.terms[option]
        return terms.capex > 0 or terms.fixed_om > 0 or terms.max_capacity is not None

    def annual_capacity_cost(self, option: str) -> float:
        """CNY per unit of capacity and year: capital annuity plus fixed O&M."""
        terms = self.terms[option]
        crf = capital_recovery_factor(self.discount_rate, terms.lifetime_years)
        return crf * terms.capex + terms.fixed_om

    def variable_cost(self, process: str) -> float:
        """CNY per unit of activity: purchase price, or the option's variable cost."""
        p = self.network.processes[process]
        if p.is_option:
            return self.terms[process].variable_cost
        return p.price_cny


def build_model(
    data: PathwayData, emission_objective: bool = False
) -> pyo.ConcreteModel:
    """Build the pathway model.

    With ``emission_objective`` the model minimises cumulative emissions instead of
    cost and leaves the intensity targets out: it answers how low the intensity can
    go with every option, which the message for an unreachable target needs.
    """
    network = data.network
    m = pyo.ConcreteModel(name=f"pathway_{network.product}")
    periods = list(range(len(data.years)))
    processes = [p for p in network.processes if p not in data.excluded]
    investing = [o for o in network.options if o in processes and data.invests(o)]
    m.T = pyo.Set(initialize=periods, ordered=True)
    m.P = pyo.Set(initialize=processes, ordered=True)
    m.O = pyo.Set(initialize=investing, ordered=True)
    m.activity = pyo.Var(m.P, m.T, domain=pyo.NonNegativeReals)
    m.new_capacity = pyo.Var(m.O, m.T, domain=pyo.NonNegativeReals)
    for o in investing:
        first = data.terms[o].first_year
        for t in periods:
            if first is not None and data.years[t] < first:
                m.new_capacity[o, t].fix(0.0)

    def stock(o: str, t: int):
        return sum(m.new_capacity[o, b] for b in periods if data.alive(o, b, t))

    _define_balances(m, data, processes, periods)
    _define_capacity_limits(m, data, investing, periods, stock)
    _define_share_limits(m, data, processes, periods)
    emissions = {
        t: sum(network.processes[p].emission_kg * m.activity[p, t] for p in processes)
        / 1000.0
        for t in periods
    }
    m.emissions_t = pyo.Expression(m.T, initialize=emissions)
    if emission_objective:
        m.objective = pyo.Objective(
            expr=sum(data.lengths[t] * m.emissions_t[t] for t in periods)
        )
        return m
    _define_intensity_targets(m, data, periods)
    cost = {
        t: sum(data.variable_cost(p) * m.activity[p, t] for p in processes)
        + sum(data.annual_capacity_cost(o) * stock(o, t) for o in investing)
        for t in periods
    }
    m.annual_cost = pyo.Expression(m.T, initialize=cost)
    # In CNY, not scaled down: HiGHS judges optimality by absolute reduced-cost
    # tolerances (1e-7), which cost coefficients of a fraction of a CNY per kWh
    # would fall below if the objective were counted in millions.
    m.objective = pyo.Objective(
        expr=sum(data.period_weight(t) * m.annual_cost[t] for t in periods)
    )
    logger.debug(
        "Build | %s | %d processes, %d investing options, %d periods",
        network.product,
        len(processes),
        len(investing),
        len(periods),
    )
    return m


def _define_balances(
    m, data: PathwayData, processes: list[str], periods: list[int]
) -> None:
    network = data.network
    matrix = network.net_output_matrix(processes)
    commodities = network.commodities
    used = [i for i in range(len(commodities)) if np.any(matrix[i] != 0.0)]
    m.C = pyo.Set(initialize=[commodities[i] for i in used], ordered=True)

    def balance(m, c, t):
        row = matrix[commodities.index(c)]
        demand = data.production[t] if c == network.product_commodity else 0.0
        lhs = sum(
            row[j] * m.activity[p, t] for j, p in enumerate(processes) if row[j] != 0.0
        )
        return lhs == demand

    m.balance = pyo.Constraint(m.C, m.T, rule=balance)


def _define_capacity_limits(m, data: PathwayData, investing, periods, stock) -> None:
    m.capacity = pyo.Constraint(
        m.O, m.T, rule=lambda m, o, t: m.activity[o, t] <= stock(o, t)
    )
    capped = [o for o in investing if data.terms[o].max_capacity is not None]
    m.capacity_cap = pyo.Constraint(
        [(o, t) for o in capped for t in periods],
        rule=lambda m, o, t: stock(o, t) <= data.terms[o].max_capacity,
    )


def _define_share_limits(m, data: PathwayData, processes, periods) -> None:
    network = data.network
    limited = [
        o for o in network.options if o in processes and data.terms[o].max_share < 1.0
    ]

    def share(m, o, t):
        commodity = network.processes[o].reference_output
        supply = sum(
            network.processes[p].outputs[commodity] * m.activity[p, t]
            for p in processes
            if commodity in network.processes[p].outputs
        )
        made = network.processes[o].outputs[commodity] * m.activity[o, t]
        return made <= data.terms[o].max_share * supply

    m.share_limit = pyo.Constraint(
        [(o, t) for o in limited for t in periods], rule=share
    )


def _define_intensity_targets(m, data: PathwayData, periods: list[int]) -> None:
    targeted = [t for t in periods if data.targets[t] is not None]

    def intensity(m, t):
        allowed_t = data.targets[t] * data.functional_units(t) / 1000.0
        return m.emissions_t[t] - allowed_t <= 0.0

    m.intensity = pyo.Constraint(targeted, rule=intensity)
