"""Unit conversions, with the Chinese energy and gas units."""

import re

import pytest

from mitigation.exceptions import InputError
from mitigation.units import Quantity, parse_quantity, parse_unit, read_quantity


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("1 tce", "GJ", 29.3076),  # GB/T 2589 definition
        ("1000 kgce", "tce", 1.0),
        ("117 kgce", "GJ", 3.4289892),  # GB 16780 level-3 clinker energy
        ("1 MWh", "kWh", 1000.0),
        ("1 kWh", "MJ", 3.6),
        ("1 kgce", "kWh", 8.141),  # calorific equivalent, 29.3076 MJ / 3.6 MJ
        ("1 10^4 Nm3", "Nm3", 10_000.0),
        ("389.31 GJ/(10^4 Nm3)", "MJ/Nm3", 38.931),  # Chinese default gas NCV
        ("389.31 GJ/(10000*Nm3)", "MJ/Nm3", 38.931),
        ("30 kt/yr", "t/yr", 30_000.0),  # pint alone would read a knot
        ("1.94 Mt/yr", "t/yr", 1_940_000.0),
        ("5000 kW", "MW", 5.0),
        ("5000 t/d", "t/d", 5000.0),
        ("5000t/d", "t/d", 5000.0),
        ("0.6335 CNY/kWh", "CNY/MWh", 633.5),
        ("1e4 Nm3", "Nm3", 10_000.0),
        ("2 1e4 Nm3", "Nm3", 20_000.0),
        ("10000 Nm3", "Nm3", 10_000.0),
        ("1.94e6 t/yr", "Mt/yr", 1.94),
        ("500000 / yr", "1/yr", 500_000.0),  # a count a year, as for motorcycles
        ("-30.86 kWh", "kWh", -30.86),
        (".5 t", "kg", 500.0),
    ],
)
def test_conversions(text: str, unit: str, expected: float) -> None:
    assert parse_quantity(text, unit, "test") == pytest.approx(expected, rel=1e-6)


def test_bare_number_is_taken_in_the_default_unit() -> None:
    assert parse_quantity(2.5, "GJ", "test") == 2.5


def test_gas_volume_never_mixes_with_geometric_volume() -> None:
    with pytest.raises(InputError, match="cannot be expressed"):
        parse_quantity("1 Nm3", "m**3", "test")


def test_currencies_never_convert() -> None:
    with pytest.raises(InputError, match="cannot be expressed"):
        parse_quantity("1 USD", "CNY", "test")


def test_unknown_unit_names_the_place_and_the_unit() -> None:
    with pytest.raises(
        InputError, match=r"data/x\.csv, row 3: unknown unit 'flibbets'"
    ):
        parse_unit("flibbets", "data/x.csv, row 3")


def test_rated_power_and_annual_energy_differ_only_by_hours() -> None:
    """The reason option tables need operating_hours: pint equates kW with kWh/yr."""
    per_rated = Quantity(4.13, "CNY/W") / Quantity(1150, "h/yr")
    assert per_rated.to("CNY/(kWh/yr)").magnitude == pytest.approx(4130 / 1150)


@pytest.mark.parametrize(
    "text",
    [
        "1 940 000 t/yr",  # pint alone reads 1 x 940 x 000 = 0
        "1\u2009940\u2009000 t/yr",  # thin spaces
        "1\u202f940\u202f000 t/yr",  # narrow no-break spaces
        "1,940,000 t/yr",
    ],
)
def test_digit_groups_are_refused_with_the_number_to_write(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_quantity(text, "t/yr", "scenario.yaml, field 'production'")
    message = str(caught.value)
    assert message.startswith("scenario.yaml, field 'production': the number in")
    assert "1940000" in message
    assert "1.94e6" in message


def test_a_short_group_is_not_a_product() -> None:
    """'1 940 t' would be 940 t to pint; it is refused, not guessed."""
    with pytest.raises(InputError, match=r"1940 or 1\.94e3"):
        parse_quantity("1 940 t", "t", "test")


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("Mt/yr", "does not start with a number"),
        ("1.5.3 t", "more than one number"),
        ("3 kg * 2", "cannot read the amount"),
        ("109 kgcx", "cannot read the amount '109 kgcx'"),
    ],
)
def test_amount_that_is_not_one_number_and_a_unit(text: str, complaint: str) -> None:
    with pytest.raises(InputError, match=re.escape(complaint)):
        read_quantity(text, "test")


def test_amount_fix_is_the_callers() -> None:
    with pytest.raises(InputError, match=r"write the output per year"):
        read_quantity("Mt/yr", "test", "write the output per year")
