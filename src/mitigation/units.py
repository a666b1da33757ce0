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

AMOUNT_FIX = "write a number and a unit, for example '109 kgce'"

_TEN_THOUSAND_NM3 = re.compile(r"(10\^4|10\*\*4|10000|1e4)\s*\*?\s*Nm3")
_KILOTONNE = re.compile(r"\bkt\b")
# A leading number: 5000, -3, 0.6335, .5, 1.94e6.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# A leading number in groups of three digits: 1 940 000, 1,940,000, 10 000.5.
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(?:[\s,'_]\d{3})+(?:\.\d*)?(?!\d)")


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


def read_quantity(text: str, where: str, fix: str = AMOUNT_FIX) -> pint.Quantity:
    """Read an amount with its unit, such as ``"109 kgce"`` or ``"1.94 Mt/yr"``.

    The text must start with one number (``5000``, ``0.6335``, ``1.94e6``); the rest
    is read as a unit only. A number written in digit groups (``1 940 000``, with
    spaces, thin spaces or commas) is refused rather than guessed at: pint would
    read ``1 940 000`` as the product 1 x 940 x 000. ``10^4 Nm3`` in the unit is the
    Chinese statistical unit of ten thousand normal cubic metres.

    Raises
    ------
    InputError
        Naming ``where`` when the text is not one number followed by a unit; ``fix``
        is what to do, unless the number itself is written in digit groups.
    """
    text = str(text).strip()
    grouped = _GROUPED_NUMBER.match(text)
    if grouped:
        number = re.sub(r"[^\d.+-]", "", grouped.group())
        msg = f"the number in '{text}' has spaces or commas between its digits"
        ungrouped = f"write it as one number, e.g. {number} or {_scientific(number)}"
        raise input_error(where, msg, ungrouped)
    number = _NUMBER.match(text)
    if not number:
        raise input_error(where, f"'{text}' does not start with a number", fix)
    unit_text = _spell(text[number.end() :].strip())
    if unit_text[:1].isdigit() or unit_text[:1] in ",.'_":
        msg = f"cannot read the amount '{text}': more than one number before the unit"
        one = "write one number without spaces inside it, e.g. 1940000 or 1.94e6"
        raise input_error(where, msg, one)
    if unit_text.startswith("/"):  # "500000 / yr": a count per year
        unit_text = f"1 {unit_text}"
    try:
        unit = ureg.parse_units(unit_text)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError) as err:
        msg = f"cannot read the amount '{text}'"
        raise input_error(where, msg, fix) from err
    return ureg.Quantity(float(number.group()), unit)


def _scientific(number: str) -> str:
    """``1940000`` as ``1.94e6``."""
    mantissa, exponent = f"{float(number):e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


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
