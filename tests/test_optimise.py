"""Pathway LPs on the tiny model, whose optima are computed by hand.

Per t widget at baseline: 2,111.25 kg CO2e (see test_footprint) and purchases of
2.5 GJ coal x 20 + 32.5 kWh x 0.6 = 69.5 CNY. ``efficient_make`` saves 1 GJ coal per
t intermediate, i.e. 88 kg CO2 and 20 CNY, for a capital cost of 50 CNY per t/yr
over one year: a net 30 CNY per t intermediate, or 30 / 0.088 = 340.909 CNY per t
CO2. ``lean_finish`` needs 1.0 instead of 1.25 t intermediate per t widget for
10 CNY/t; it saves 0.25 x (40 + 6) = 11.5 CNY of purchases, so it pays for itself
and is always adopted. It also shrinks what ``efficient_make`` can save per t
widget from 110 kg to 88 kg: the interaction the network must capture.
"""

from pathlib import Path

import pytest

from mitigation.exceptions import TargetUnreachableError
from mitigation.inputs.scenario import Scenario
from mitigation.optimise.pathway import lowest_intensities, prepare, solve_pathway

PRODUCTION = 1000.0  # t widget a year


def scenario(**changes) -> Scenario:
    fields = {
        "name": "tiny",
        "product": "widget",
        "region": "r1",
        "discount_rate": 0.0,
        "years": [2025],
        "production": "1000 t/yr",
        "targets": {"unit": "kg/t", 2025: 2111.25},
    }
    fields.update(changes)
    return Scenario.model_validate(fields)


def test_single_option_meets_target_at_least_cost(tiny_root: Path) -> None:
    """Without lean_finish, a target 55 kg below baseline needs half the intermediate
    from efficient_make: 625 t/yr of capacity at a net 30 CNY/t."""
    data = prepare(
        scenario(
            targets={"unit": "kg/t", 2025: 2056.25}, excluded_options=["lean_finish"]
        ),
        tiny_root,
    )
    pathway = solve_pathway(data)
    assert pathway.capacity.loc["efficient_make", 2025] == pytest.approx(
        625.0, rel=1e-9
    )
    assert pathway.total_cost_mcny * 1e6 == pytest.approx(69_500 + 625 * 30, rel=1e-9)
    assert pathway.periods.loc[2025, "intensity_kg_per_fu"] == pytest.approx(2056.25)
    assert pathway.periods.loc[2025, "binding"]
    assert pathway.periods.loc[2025, "shadow_price_cny_per_t"] == pytest.approx(
        30 / 0.088, rel=1e-9
    )


def test_interacting_options_do_not_double_count(tiny_root: Path) -> None:
    """With lean_finish adopted the footprint is 2,111.25 - 0.25 x 1,681 = 1,691 kg/t.

    A target 44 kg lower needs efficient_make on half of the now smaller
    intermediate flow (0.5 x 88 kg), not the 0.4 an additive saving of 110 kg would
    suggest: 500 t/yr of capacity.
    """
    pathway = solve_pathway(
        prepare(scenario(targets={"unit": "kg/t", 2025: 1647.0}), tiny_root)
    )
    assert pathway.adoption.loc["lean_finish", 2025] == pytest.approx(1.0)
    assert pathway.adoption.loc["efficient_make", 2025] == pytest.approx(0.5, rel=1e-9)
    expected_cost = 69_500 - 1.5 * PRODUCTION + 500 * 30
    assert pathway.total_cost_mcny * 1e6 == pytest.approx(expected_cost, rel=1e-9)
    assert pathway.footprints[2025].total_kg == pytest.approx(1647.0, rel=1e-9)


def test_unconstrained_optimum_takes_only_profitable_options(tiny_root: Path) -> None:
    pathway = solve_pathway(prepare(scenario(targets=None), tiny_root))
    assert list(pathway.adoption.index) == ["lean_finish"]
    assert pathway.total_cost_mcny * 1e6 == pytest.approx(69_500 - 1_500, rel=1e-9)
    assert not pathway.periods["binding"].any()


def test_capital_and_salvage_add_up_to_the_investment(tiny_root: Path) -> None:
    """Capacity built in the only year of a horizon with a ten-year life: the annuity
    inside the horizon plus the salvage value equal the capital spent.

    At 200 CNY per t/yr and 6 % the annuity, 27.17 CNY/t, exceeds the 20 CNY coal
    saving, so only what the target needs is built.
    """
    options = (tiny_root / "data" / "options" / "widget.csv").read_text()
    options = options.replace(
        "efficient_make,lifetime,,1,", "efficient_make,lifetime,,10,"
    )
    options = options.replace("efficient_make,capex,,50,", "efficient_make,capex,,200,")
    (tiny_root / "data" / "options" / "widget.csv").write_text(options)
    data = prepare(
        scenario(
            discount_rate=0.06,
            targets={"unit": "kg/t", 2025: 2056.25},
            excluded_options=["lean_finish"],
        ),
        tiny_root,
    )
    pathway = solve_pathway(data)
    built = pathway.capacity.loc["efficient_make", 2025]
    capital_in_horizon = pathway.periods.loc[2025, "capital_annuity_cny_per_yr"] / 1.06
    assert built == pytest.approx(625.0, rel=1e-9)
    assert capital_in_horizon + pathway.salvage_value_mcny * 1e6 == pytest.approx(
        200 * built, rel=1e-9
    )


def test_capacity_retires_after_its_lifetime(tiny_root: Path) -> None:
    """A one-year life over three yearly periods: capacity is rebuilt every year."""
    data = prepare(
        scenario(
            years=[2025, 2026, 2027],
            targets={"unit": "kg/t", 2025: 2056.25},
            excluded_options=["lean_finish"],
        ),
        tiny_root,
    )
    pathway = solve_pathway(data)
    assert list(pathway.capacity.loc["efficient_make"]) == pytest.approx([625.0] * 3)
    assert pathway.total_cost_mcny * 1e6 == pytest.approx(3 * (69_500 + 625 * 30))


def test_periods_of_several_years_are_weighted(tiny_root: Path) -> None:
    """Two five-year periods at 10 %: cost is the annual cost times the discount
    factors of the ten years."""
    data = prepare(
        scenario(
            years=[2025, 2030],
            last_period_years=5,
            discount_rate=0.1,
            targets=None,
            excluded_options=["lean_finish"],
        ),
        tiny_root,
    )
    pathway = solve_pathway(data)
    weight = sum(1.1 ** -(k + 1) for k in range(10))
    assert pathway.total_cost_mcny * 1e6 == pytest.approx(69_500 * weight, rel=1e-9)


def test_unreachable_target_names_period_target_and_lowest(tiny_root: Path) -> None:
    data = prepare(
        scenario(
            years=[2025, 2030], targets={"unit": "kg/t", 2025: 2111.25, 2030: 1000}
        ),
        tiny_root,
    )
    lowest = lowest_intensities(data)
    # lean_finish, efficient_make and solar on everything: 1.0 t intermediate with
    # 1 GJ coal, 0.5 t steel and the calcination; all electricity from solar.
    assert lowest[1] == pytest.approx(88 + 500 + 1000, rel=1e-9)
    with pytest.raises(TargetUnreachableError) as caught:
        solve_pathway(data)
    message = str(caught.value)
    assert "2030: target 1,000.0" in message
    assert "lowest reachable with every option 1,588.0" in message
    assert "2025" not in message.split("\n", 1)[1]
    assert caught.value.shortfalls == [(2030, 1000.0, pytest.approx(1588.0))]
