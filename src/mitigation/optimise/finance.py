"""Discounting and annualisation of capital."""

from __future__ import annotations

import math


def capital_recovery_factor(rate: float, lifetime_years: float) -> float:
    """Annuity per unit of capital over ``lifetime_years`` at discount ``rate``.

    .. math:: CRF = \\frac{r (1+r)^n}{(1+r)^n - 1}, \\qquad CRF(0, n) = 1/n

    Examples
    --------
    >>> round(capital_recovery_factor(0.08, 20), 6)
    0.101852
    >>> capital_recovery_factor(0.0, 20)
    0.05
    """
    if lifetime_years <= 0:
        msg = f"lifetime must be positive, got {lifetime_years}"
        raise ValueError(msg)
    if rate == 0.0:
        return 1.0 / lifetime_years
    growth = (1.0 + rate) ** lifetime_years
    return rate * growth / (growth - 1.0)


def discount_factor(rate: float, year: int, base_year: int) -> float:
    """Present value at the start of ``base_year`` of one unit paid during ``year``.

    Annual flows are counted at the end of their year, the convention under which
    the capital recovery factor turns an investment made at the start of a year into
    annuities of equal present value.

    Examples
    --------
    >>> discount_factor(0.1, 2025, 2025)
    0.9090909090909091
    """
    return (1.0 + rate) ** -(year - base_year + 1)


def annuity_weight(rate: float, years: range, base_year: int) -> float:
    """Sum of the discount factors of ``years``: the present value of one unit a year."""
    return math.fsum(discount_factor(rate, year, base_year) for year in years)
