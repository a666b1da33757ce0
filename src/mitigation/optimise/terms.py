"""Costs and limits of each option, read from ``data/options/<product>.csv``.

Capacity is measured in the option's activity unit per year. When an option has
``operating_hours``, its capital cost, fixed O&M and maximum capacity are read as
figures of rated capacity (per ``t/d``, per ``kW``) and converted with those hours.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pint

from mitigation.exceptions import InputError, Problem
from mitigation.inputs.tables import OptionRow
from mitigation.process.network import Network
from mitigation.units import Quantity, parse_unit


@dataclass(frozen=True)
class OptionTerms:
    """Everything the optimiser needs about one option, in annual activity units.

    Attributes
    ----------
    capex
        CNY per unit of capacity (activity unit per year).
    fixed_om
        CNY per unit of capacity and year.
    variable_cost
        CNY per unit of activity: variable O&M less any non-energy benefit.
    """

    option: str
    capex: float
    fixed_om: float
    variable_cost: float
    lifetime_years: float
    max_share: float
    max_capacity: float | None
    first_year: int | None
    rows: tuple[OptionRow, ...]


def option_terms(
    network: Network,
    rows: list[OptionRow],
    table: str,
    declared: set[str] | None = None,
    regions: set[str] | None = None,
) -> dict[str, OptionTerms]:
    """Resolve the option rows of ``table`` for the network's options and region.

    ``declared`` are all options of the product's model; rows of those that belong
    to another plant type than the network's are skipped. ``regions`` are the known
    regions: a row for another one is a mistake, and a figure given only for some
    regions must be given for the scenario's.
    """
    by_option: dict[str, dict[str, OptionRow]] = defaultdict(dict)
    regional: dict[tuple[str, str], set[str]] = defaultdict(set)
    problems: list[Problem] = []
    region = network.setting.region
    for row in rows:
        if row.option not in network.processes and row.option in (declared or ()):
            continue
        process = network.processes.get(row.option)
        if process is None or not process.is_option:
            problems.append(
                Problem(
                    f"{table}, row {row._line}, field 'option'",
                    f"'{row.option}' is not an option process of "
                    f"models/{network.product}.yaml",
                    "add the process with baseline: false, or fix the name",
                )
            )
            continue
        if regions is not None and row.region and row.region not in regions:
            problems.append(
                Problem(
                    f"{table}, row {row._line}, field 'region'",
                    f"unknown region '{row.region}'",
                    f"known regions: {', '.join(sorted(regions))}; leave it empty "
                    "for a figure that holds everywhere",
                )
            )
            continue
        regional[(row.option, row.parameter)].add(row.region or "*")
        if row.region and row.region != region:
            continue
        current = by_option[row.option].get(row.parameter)
        if current is None or (row.region and not current.region):
            by_option[row.option][row.parameter] = row
    for (option, parameter), given in regional.items():
        if "*" not in given and region not in given:
            problems.append(
                Problem(
                    f"{table}, option {option}",
                    f"{parameter} is given for {', '.join(sorted(given))} but not for "
                    f"{region}",
                    f"add a row for {region}, or one with an empty region",
                )
            )
    for option in network.options:
        if option not in by_option:
            problems.append(
                Problem(
                    table,
                    f"option '{option}' has no rows",
                    "give at least its lifetime, or max_share if it needs no investment",
                )
            )
    if problems:
        raise InputError(problems)
    terms, problems = {}, []
    for option, params in by_option.items():
        try:
            terms[option] = _resolve(network, option, params, table)
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems)
    return terms


def _resolve(
    network: Network, option: str, params: dict[str, OptionRow], table: str
) -> OptionTerms:
    unit = network.processes[option].activity_unit
    hours = params.get("operating_hours")

    def value(name: str, to_unit: str, default: float | None) -> float | None:
        row = params.get(name)
        if row is None:
            return default
        return _in_unit(
            row,
            Quantity(row.value, parse_unit(row.unit, _at(table, row))),
            to_unit,
            table,
        )

    def per_capacity(name: str, to_unit: str, dividing: bool = True) -> float | None:
        row = params.get(name)
        if row is None:
            return None
        quantity = Quantity(row.value, parse_unit(row.unit, _at(table, row)))
        if hours is not None:
            operating = Quantity(hours.value, parse_unit(hours.unit, _at(table, hours)))
            quantity = quantity / operating if dividing else quantity * operating
        return _in_unit(row, quantity, to_unit, table, hours is not None)

    where = f"{table}, option {option}"
    capex = per_capacity("capex", f"CNY/(({unit})/yr)") or 0.0
    fixed_om = per_capacity("fixed_om", f"CNY/(({unit})/yr)/yr") or 0.0
    max_capacity = per_capacity("max_capacity", f"({unit})/yr", dividing=False)
    lifetime = value("lifetime", "yr", None)
    if lifetime is None and capex > 0:
        raise InputError(
            [Problem(where, "has a capital cost but no lifetime", "add a lifetime row")]
        )
    first_year = value("first_year", "dimensionless", None)
    terms = OptionTerms(
        option=option,
        capex=capex,
        fixed_om=fixed_om,
        variable_cost=value("variable_om", f"CNY/({unit})", 0.0)
        - value("non_energy_benefit", f"CNY/({unit})", 0.0),
        lifetime_years=lifetime if lifetime is not None else 1.0e3,
        max_share=value("max_share", "dimensionless", 1.0),
        max_capacity=max_capacity,
        first_year=int(first_year) if first_year is not None else None,
        rows=tuple(params.values()),
    )
    return terms


def _at(table: str, row: OptionRow) -> str:
    return f"{table}, row {row._line}"


def _in_unit(
    row: OptionRow,
    quantity: pint.Quantity,
    to_unit: str,
    table: str,
    rated: bool = False,
) -> float:
    """``quantity`` in ``to_unit``, or an error quoting the row's unit as written.

    With ``operating_hours`` given, the option's capacity figures are per rated
    capacity (kW, t/d) and arrive here already converted with those hours. Pint
    alone cannot tell a rated kW from an annual kWh/yr, which share a dimension, so
    the rule is explicit rather than guessed from the unit.
    """
    try:
        return float(quantity.to(to_unit).magnitude)
    except pint.errors.DimensionalityError as err:
        rating = ", once converted with operating_hours," if rated else ""
        what = (
            f"{row.option} {row.parameter} in '{row.unit}'{rating} cannot be "
            f"expressed in {to_unit}"
        )
        fix = f"check the unit: {row.parameter} goes per unit of the option's activity"
        if rated:
            fix += " or, with operating_hours, per unit of rated capacity (kW, t/d)"
        raise InputError(
            [Problem(f"{_at(table, row)}, field 'unit'", what, fix)]
        ) from err
