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
import math
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from mitigation.optimise.economics import CapitalGrant, Economics, Financing
from mitigation.optimise.finance import annuity_weight, capital_recovery_factor
from mitigation.optimise.solve import CompiledModel, require_optimal
from mitigation.optimise.terms import OptionTerms
from mitigation.process.network import Network
from mitigation.process.substitution import TCE_GJ

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
    economics
        Prices, grants, financing and constraints beyond the plant's own costs.
    """

    network: Network
    terms: dict[str, OptionTerms]
    years: list[int]
    lengths: list[int]
    production: list[float]
    targets: list[float | None]
    discount_rate: float
    excluded: frozenset[str] = frozenset()
    economics: Economics = Economics()

    @property
    def base_year(self) -> int:
        return self.years[0]

    @property
    def end_year(self) -> int:
        return self.years[-1] + self.lengths[-1]

    @property
    def periods(self) -> range:
        return range(len(self.years))

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

    def financing(self, option: str) -> Financing:
        """Rate and tenor of the annuities that repay the option's capital."""
        if option in self.economics.financing:
            return self.economics.financing[option]
        rate = self.economics.hurdle_rate
        rate = self.discount_rate if rate is None else rate
        return Financing(rate, self.terms[option].lifetime_years)

    def capital_charge(self, option: str) -> float:
        """CNY a year, per CNY of capital financed, while the capacity serves.

        The financing's annuities, ``CRF(r_f, n_f)`` for ``n_f`` years, have a
        present value (at the scenario's discount rate r) of ``phi`` per CNY; that
        value is spread over the lifetime L as ``phi * CRF(r, L)`` a year. With
        financing at r over L, ``phi`` is 1 and the charge is the plain annuity; a
        hurdle rate raises it, a cheaper loan lowers it, and discounting over time
        stays at r.
        """
        financing = self.financing(option)
        lifetime = self.terms[option].lifetime_years
        tenor = math.ceil(financing.tenor_years)
        payments = capital_recovery_factor(financing.rate, financing.tenor_years)
        phi = payments * annuity_weight(self.discount_rate, range(tenor), 0)
        return phi * capital_recovery_factor(self.discount_rate, lifetime)

    def capital_weight(self, option: str, built: int) -> float:
        """Present value, inside the horizon, of the charges per CNY financed in
        period ``built``: the charge times the weights of the periods it serves."""
        return self.capital_charge(option) * sum(
            self.period_weight(t) for t in self.periods if self.alive(option, built, t)
        )

    def salvage_weight(self, option: str, built: int) -> float:
        """Present value of the charges per CNY financed that fall after the horizon."""
        last = self.years[built] + math.ceil(self.terms[option].lifetime_years)
        after = range(self.end_year, last)
        return self.capital_charge(option) * annuity_weight(
            self.discount_rate, after, self.base_year
        )

    def variable_cost(self, process: str, t: int) -> float:
        """CNY per unit of activity: purchase price or the option's variable cost,
        plus any surcharge."""
        p = self.network.processes[process]
        cost = self.terms[process].variable_cost if p.is_option else p.price_cny
        surcharge = self.economics.surcharges.get(process)
        if surcharge is None or self.surcharge_quota(t) is not None:
            return cost
        return cost + surcharge[t]

    def surcharge_quota(self, t: int) -> float | None:
        """tce per functional unit above which period t's surcharges apply, or None
        when they apply whatever the plant consumes."""
        quota = self.economics.surcharge_quota_tce_per_fu
        return None if quota is None else quota[t]

    def grant_per_unit(self, option: str) -> float:
        """CNY of grant per unit of capacity built, before any cap per project.

        Never more than the capital itself: a reward per tce can exceed the cost of
        an option that saves much for little, and paying beyond the capital would
        make building capacity that never runs a source of profit.
        """
        grant = self.grant(option)
        if grant is None:
            return 0.0
        capex = self.terms[option].capex
        return min(capex, grant.share * capex + grant.per_unit_cny)

    def grant(self, option: str) -> CapitalGrant | None:
        grant = self.economics.grants.get(option)
        if grant is None or (grant.share <= 0 and grant.per_unit_cny <= 0):
            return None
        return grant


def build_model(
    data: PathwayData, emission_objective: bool = False, maximise: bool = False
) -> pyo.ConcreteModel:
    """Build the pathway model.

    With ``emission_objective`` the model minimises (or, with ``maximise``,
    maximises) cumulative emissions instead of cost and leaves intensity ceilings
    out: how low the intensity can go with every option, which the message for an
    unreachable target needs, or how high, which bounds the label constraint.
    """
    network = data.network
    m = pyo.ConcreteModel(name=f"pathway_{network.product}")
    periods = list(data.periods)
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
    m.emissions_t = pyo.Expression(
        m.T,
        initialize={
            t: sum(
                network.processes[p].emission_kg * m.activity[p, t] for p in processes
            )
            / 1000.0
            for t in periods
        },
    )
    if emission_objective:
        sense = pyo.maximize if maximise else pyo.minimize
        m.objective = pyo.Objective(
            expr=sum(data.lengths[t] * m.emissions_t[t] for t in periods), sense=sense
        )
        return m
    _define_intensity_targets(m, data, periods)
    _define_standard(m, data, periods)
    _define_capital_budget(m, data, investing, periods)
    grants = _define_grants(m, data, investing, periods)
    label_revenue = _define_label(m, data, periods)
    quota_surcharges = _define_quota_surcharges(m, data, processes, periods)
    carbon = _carbon_payments(m, data, processes, periods)
    m.annual_cost = pyo.Expression(
        m.T,
        initialize={
            t: sum(data.variable_cost(p, t) * m.activity[p, t] for p in processes)
            + sum(data.terms[o].fixed_om * stock(o, t) for o in investing)
            + carbon[t]
            + quota_surcharges[t]
            - label_revenue[t]
            for t in periods
        },
    )
    m.capital_cost = pyo.Expression(
        expr=sum(
            data.terms[o].capex * data.capital_weight(o, b) * m.new_capacity[o, b]
            for o in investing
            for b in periods
        )
        - sum(data.capital_weight(o, b) * m.grant[o, b] for o, b in grants)
    )
    # In CNY, not scaled down: HiGHS judges optimality by absolute reduced-cost
    # tolerances (1e-7), which cost coefficients of a fraction of a CNY per kWh
    # would fall below if the objective were counted in millions.
    m.objective = pyo.Objective(
        expr=sum(data.period_weight(t) * m.annual_cost[t] for t in periods)
        + m.capital_cost
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


def _define_standard(m, data: PathwayData, periods: list[int]) -> None:
    """A mandatory intensity ceiling, kept apart from the scenario's targets so that
    its shadow price is reported on its own."""
    ceilings = data.economics.standard_kg_per_fu
    limited = [t for t in periods if ceilings is not None and ceilings[t] is not None]
    m.standard = pyo.Constraint(
        limited,
        rule=lambda m, t: (
            m.emissions_t[t] <= ceilings[t] * data.functional_units(t) / 1000.0
        ),
    )


def _define_capital_budget(m, data: PathwayData, investing, periods) -> None:
    budget = data.economics.capital_budget_cny
    limited = [t for t in periods if budget is not None and budget[t] is not None]
    m.capital_budget = pyo.Constraint(
        limited,
        rule=lambda m, t: (
            sum(data.terms[o].capex * m.new_capacity[o, t] for o in investing)
            <= budget[t]
        ),
    )


def _define_grants(m, data: PathwayData, investing, periods) -> list[tuple[str, int]]:
    """Grant towards capital built: a share of it and an amount per unit, capped."""
    granted = [(o, t) for o in investing if data.grant(o) for t in periods]
    m.grant = pyo.Var(granted, domain=pyo.NonNegativeReals)

    def ceiling(m, o, t):
        return m.grant[o, t] <= data.grant_per_unit(o) * m.new_capacity[o, t]

    m.grant_ceiling = pyo.Constraint(granted, rule=ceiling)
    capped = [(o, t) for o, t in granted if data.grant(o).cap_cny is not None]
    m.grant_cap = pyo.Constraint(
        capped, rule=lambda m, o, t: m.grant[o, t] <= data.grant(o).cap_cny
    )
    return granted


def _carbon_payments(m, data: PathwayData, processes, periods) -> dict[int, object]:
    """CNY a year paid for covered emissions above the free allocation."""
    economics = data.economics
    if economics.emission_price is None:
        return {t: 0.0 for t in periods}
    network = data.network
    covered = [
        p
        for p in processes
        if int(network.processes[p].scope) in economics.covered_scopes
    ]
    m.covered_emissions_t = pyo.Expression(
        m.T,
        initialize={
            t: sum(network.processes[p].emission_kg * m.activity[p, t] for p in covered)
            / 1000.0
            for t in periods
        },
    )
    allocation = economics.free_allocation_kg_per_fu
    return {
        t: economics.emission_price[t]
        * (
            m.covered_emissions_t[t]
            - (allocation[t] if allocation else 0.0) * data.functional_units(t) / 1000.0
        )
        for t in periods
    }


def _define_label(m, data: PathwayData, periods: list[int]) -> dict[int, object]:
    """Premium earned only in periods whose intensity meets the label threshold.

    A binary per period; the big-M is the highest emission any configuration can
    reach, found by solving for it, so that the relaxation stays tight.
    """
    label = data.economics.label
    if label is None:
        return {t: 0.0 for t in periods}
    highest = highest_emissions(data)
    m.labelled = pyo.Var(m.T, domain=pyo.Binary)
    m.label_threshold = pyo.Constraint(
        m.T,
        rule=lambda m, t: (
            m.emissions_t[t]
            <= label.threshold_kg_per_fu * data.functional_units(t) / 1000.0
            + highest[t] * (1 - m.labelled[t])
        ),
    )
    return {
        t: label.premium_cny_per_fu * data.functional_units(t) * m.labelled[t]
        for t in periods
    }


def highest_emissions(data: PathwayData) -> list[float]:
    """Largest emissions (t CO2e a year) any configuration can reach, per period."""
    model = build_model(data, emission_objective=True, maximise=True)
    require_optimal(CompiledModel(model).solve(), "highest reachable emissions")
    return [pyo.value(model.emissions_t[t]) for t in data.periods]


def _highest(data: PathwayData, weights: dict[str, list[float]], what: str):
    """Largest value of sum_p weights[p][t] x_{p,t} any configuration reaches in each
    period (each period is independent, so one solve of their sum finds all)."""
    model = build_model(data, emission_objective=True, maximise=True)
    model.del_component(model.objective)
    model.objective = pyo.Objective(
        expr=sum(
            w[t] * model.activity[p, t]
            for p, w in weights.items()
            for t in data.periods
            if p in model.P
        ),
        sense=pyo.maximize,
    )
    require_optimal(CompiledModel(model).solve(), what)
    return [
        sum(w[t] * pyo.value(model.activity[p, t]) for p, w in weights.items())
        for t in data.periods
    ]


def _define_quota_surcharges(m, data: PathwayData, processes, periods) -> dict:
    """Surcharges owed only in periods whose energy per functional unit exceeds the
    quota: a binary per period says whether the plant is over it, with big-Ms from
    the most energy and the largest surcharge bill any configuration can reach."""
    surcharges = data.economics.surcharges
    quota_periods = [t for t in periods if data.surcharge_quota(t) is not None]
    if not quota_periods or not surcharges:
        return {t: 0.0 for t in periods}
    network = data.network
    energy = {
        p: [network.processes[p].energy_gj / TCE_GJ for _ in periods]
        for p in processes
        if network.processes[p].energy_gj > 0
    }
    bill = {p: list(s) for p, s in surcharges.items() if p in processes}
    most_energy = _highest(data, energy, "highest reachable energy use")
    largest_bill = _highest(data, bill, "largest reachable surcharge bill")
    m.over_quota = pyo.Var(quota_periods, domain=pyo.Binary)
    m.quota_surcharge = pyo.Var(quota_periods, domain=pyo.NonNegativeReals)

    def within(m, t):
        used = sum(w[t] * m.activity[p, t] for p, w in energy.items())
        allowed = data.surcharge_quota(t) * data.functional_units(t)
        return used <= allowed + most_energy[t] * m.over_quota[t]

    def owed(m, t):
        due = sum(s[t] * m.activity[p, t] for p, s in bill.items())
        return m.quota_surcharge[t] >= due - largest_bill[t] * (1 - m.over_quota[t])

    m.energy_quota = pyo.Constraint(quota_periods, rule=within)
    m.quota_surcharge_owed = pyo.Constraint(quota_periods, rule=owed)
    return {t: m.quota_surcharge[t] if t in quota_periods else 0.0 for t in periods}
