"""How the enterprise's costs and constraints are shaped beyond the plant itself.

:class:`Economics` is what the pathway model understands of policy and finance, in
its own terms: a price on covered emissions with a free allocation, surcharges per
unit of activity, grants towards capital, the rate and tenor at which capital is
financed, a capital budget, an extra intensity ceiling, and a premium earned per
functional unit in periods when the intensity meets a threshold. The policy layer
(:mod:`mitigation.policy`) translates instruments and barriers into these terms; the
neutral default changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Financing:
    """Rate and tenor at which an option's capital is repaid in equal annuities."""

    rate: float
    tenor_years: float


@dataclass(frozen=True)
class CapitalGrant:
    """Part of an option's capital paid by someone else when it is built.

    ``share`` of the capital cost, at most ``cap_cny`` per option and period, plus
    ``per_unit_cny`` per unit of capacity (a reward per tce of annual saving).
    """

    share: float = 0.0
    cap_cny: float | None = None
    per_unit_cny: float = 0.0
    min_capacity: float = 0.0  # capacity built in a period below which nothing is paid


@dataclass(frozen=True)
class LabelPremium:
    """Extra revenue per functional unit in periods whose intensity meets a threshold."""

    threshold_kg_per_fu: float
    premium_cny_per_fu: float


@dataclass(frozen=True)
class Economics:
    """Terms beyond plant costs; every field defaults to 'no effect'.

    Attributes
    ----------
    emission_price
        CNY per t CO2e per period, charged on the emissions of ``covered_scopes`` less
        the free allocation (a negative balance earns).
    free_allocation_kg_per_fu
        Allocation per functional unit produced, per period (intensity benchmark).
    surcharges
        Extra CNY per unit of activity of a process, per period (energy taxes).
    surcharge_quota_tce_per_fu
        Where given for a period, the surcharges apply in it only if the energy the
        plant buys per functional unit exceeds this quota (China's differential
        tariff charges enterprises above the energy-consumption quota standard).
    grants
        Capital grants by option.
    financing
        Financing by option (a green loan); other options annualise their capital
        over their lifetime at ``hurdle_rate``, or without one at the scenario's
        discount rate.
    capital_budget_cny
        Largest capital spent per period (before grants), or None.
    standard_kg_per_fu
        A mandatory intensity ceiling per period, or None.
    label
        A label premium, or None.
    """

    emission_price: tuple[float, ...] | None = None
    covered_scopes: frozenset[int] = frozenset({1})
    free_allocation_kg_per_fu: tuple[float, ...] | None = None
    surcharges: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    surcharge_quota_tce_per_fu: tuple[float | None, ...] | None = None
    grants: Mapping[str, CapitalGrant] = field(default_factory=dict)
    financing: Mapping[str, Financing] = field(default_factory=dict)
    hurdle_rate: float | None = None

    capital_budget_cny: tuple[float | None, ...] | None = None
    standard_kg_per_fu: tuple[float | None, ...] | None = None
    label: LabelPremium | None = None
