"""The package's single pint unit registry, with the Chinese energy units.

``tce`` (tonne of coal equivalent) is 29.3076 GJ, as in GB/T 2589; ``kgce`` is a
thousandth of it. ``Nm3`` is a cubic metre of gas at normal conditions: it has its own
dimension so that a gas volume is never silently mixed with a geometric one. ``10^4 Nm3``
(万立方米, the unit of Chinese gas statistics) may be written as such, and ``kt`` is a
kilotonne. ``CNY``
and ``USD`` are separate currency dimensions: the package never converts between them.
"""

from __future__ import annotations

import math
import re

import pint

from mitigation.exceptions import input_error

ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
ureg.define("tonne_coal_equivalent = 29.3076 * gigajoule = tce")
ureg.define("kilogram_coal_equivalent = tonne_coal_equivalent / 1000 = kgce")
ureg.define("normal_cubic_metre = [gas_volume] = Nm3")
ureg.define("ten_thousand_normal_cubic_metres = 10000 * Nm3 = wan_Nm3")
ureg.define("kilotonne = 1000 * metric_ton")
ureg.define("yuan_renminbi = [currency_cny] = CNY")
ureg.define("us_dollar = [currency_usd] = USD")

Quantity = ureg.Quantity

_TEN_THOUSAND_NM3 = re.compile(r"(10\^4|10\*\*4|10000|1e4)\s*\*?\s*Nm3")
_KILOTONNE = re.compile(r"\bkt\b")


def _spell(text: str) -> str:
    """Rewrite units pint would misread: ``10^4 Nm3`` and ``kt``.

    Pint reads ``kt`` as a knot; in this domain it is always a kilotonne.
    """
    return _KILOTONNE.sub("kilotonne", _TEN_THOUSAND_NM3.sub("wan_Nm3", text))


def parse_unit(text: str, where: str) -> pint.Unit:
    """Read a unit written in a data or model file.

    Raises
    ------
    InputError
        Naming ``where`` when pint does not know the unit.
    """
    try:
        return ureg.parse_units(_spell(text))
    except (pint.errors.PintError, AttributeError, TypeError, ValueError) as err:
        msg = f"unknown unit '{text}'"
        fix = "write it as pint does, for example 'kg/t', 'GJ/t', 'CNY/kWh', 'kgce'"
        raise input_error(where, msg, fix) from err


def read_quantity(text: str, where: str) -> pint.Quantity:
    """Read an amount with its unit, such as ``"109 kgce"``."""
    try:
        return ureg.Quantity(_spell(str(text)))
    except (pint.errors.PintError, AttributeError, TypeError, ValueError) as err:
        msg = f"cannot read the amount '{text}'"
        fix = "write a number and a unit, for example '109 kgce'"
        raise input_error(where, msg, fix) from err


def parse_quantity(text: str | float | int, default_unit: str, where: str) -> float:
    """Read an amount such as ``"109 kgce"`` and return it in ``default_unit``.

    A bare number is taken to be in ``default_unit`` already.
    """
    if isinstance(text, bool):
        msg = f"expected an amount, YAML read '{text}' as a yes/no value"
        raise input_error(where, msg, "write a number, or quote the text")
    if isinstance(text, int | float):
        value = float(text)
    else:
        value = convert(read_quantity(text, where), default_unit, where)
    if not math.isfinite(value):
        raise input_error(where, f"the amount '{text}' is not a finite number")
    return value


def convert(quantity: pint.Quantity, to_unit: str, where: str) -> float:
    """Return ``quantity`` expressed in ``to_unit``, or say why it cannot be."""
    try:
        return float(quantity.to(to_unit).magnitude)
    except pint.errors.DimensionalityError as err:
        msg = f"'{quantity:~}' cannot be expressed in {to_unit}"
        fix = "check the unit against the commodity or factor it refers to"
        raise input_error(where, msg, fix) from err
