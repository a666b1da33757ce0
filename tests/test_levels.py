"""Break-even levels, calibration and abatement cost curves on the tiny model.

Numbers as in test_policy: efficient_make's levelised abatement cost is
30 / 0.088 = 340.909 CNY per t CO2e; lean_finish pays for itself, saving 1.5 CNY
per t widget while abating 0.25 t intermediate x 1,681 kg = 420.25 kg; the
baseline emits 2,111.25 kg per t and the plant with both options 1,603 kg. Solar
power costs 10 CNY a year per kWh/yr and saves 0.6 CNY of grid power and 0.5 kg:
18,800 CNY per t CO2e; with it on all 30 kWh the plant emits 1,588 kg.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mitigation.cli import app
from mitigation.inputs.scenario import Scenario
from mitigation.policy.levels import (
    break_even_levels,
    calibrate,
    capital_subsidy,
    carbon_price,
    green_loan,
    label_premium,
    study,
)
from mitigation.policy.macc import optimisation_curve, option_curve, steps_table

LEVELISED = 30 / 0.088
SOLAR = (10 - 0.6) / 0.0005


def tiny(root: Path, **changes):
    fields = {
        "name": "tiny",
        "product": "widget",
        "region": "r1",
        "discount_rate": 0.0,
        "years": [2025],
        "production": "1000 t/yr",
    }
    fields.update(changes)
    return study(Scenario.model_validate(fields), root, "tiny")


def test_break_even_carbon_price_is_the_levelised_cost(tiny_root: Path) -> None:
    base = tiny(tiny_root)
    rows = {
        r["option"]: r
        for r in break_even_levels(base, {"carbon_price": lambda o: carbon_price()})
    }
    assert rows["efficient_make"]["carbon_price"] == pytest.approx(LEVELISED, abs=0.01)
    assert rows["lean_finish"]["adopted_without"]
    assert rows["lean_finish"]["carbon_price"] == 0.0


def test_break_even_subsidy_and_loan_for_one_option(tiny_root: Path) -> None:
    """At a 10 % rate and a 1-year life the capital charge is 1.1 x 50 = 55 CNY a
    year against 20 CNY saved: a subsidy of 1 - 20/55 = 63.6 % makes it pay, but
    no loan rate does: even an interest-free loan leaves 50 CNY a year to repay."""
    base = tiny(tiny_root, discount_rate=0.1)
    rows = {
        r["option"]: r
        for r in break_even_levels(
            base,
            {
                "subsidy": lambda o: capital_subsidy([o]),
                "loan": lambda o: green_loan(0.1, [o]),
            },
        )
    }
    assert rows["efficient_make"]["subsidy"] == pytest.approx(1 - 20 / 55, abs=2e-4)
    assert rows["efficient_make"]["loan"] is None


def test_calibration_finds_the_step_to_tolerance(tiny_root: Path) -> None:
    """A target of 1,650 kg/t needs efficient_make, which enters at 340.909."""
    base = tiny(tiny_root, targets={"unit": "kg/t", 2025: 1650.0})
    lever = carbon_price()
    found = calibrate(base, lever, base.targets)
    assert found.level == pytest.approx(LEVELISED, abs=lever.tolerance)
    assert found.level >= LEVELISED  # on the side that meets the target
    assert found.intensities[2025] <= 1650.0


def test_calibration_says_when_no_level_is_enough(tiny_root: Path) -> None:
    """1,600 kg/t is below the 1,603 the plant reaches with both options; the carbon
    price takes it there from 340.909 CNY/t."""
    base = tiny(tiny_root, targets={"unit": "kg/t", 2025: 1600.0})
    found = calibrate(base, carbon_price(), base.targets)
    assert found.level is None
    assert found.lowest_reachable[2025] == pytest.approx(1603.0)
    assert found.level_reaching_lowest == pytest.approx(LEVELISED, abs=0.01)


def test_label_premium_break_even(tiny_root: Path) -> None:
    """A 1,650 kg/t label costs 13.977 CNY per t widget to reach (test_policy)."""
    base = tiny(tiny_root, targets={"unit": "kg/t", 2025: 1650.0})
    lever = label_premium(1650.0, strongest=100.0)
    found = calibrate(base, lever, base.targets)
    assert found.level == pytest.approx(30 * 41 / 88, abs=lever.tolerance)


def test_option_curve_judges_each_option_alone(tiny_root: Path) -> None:
    """Alone against the baseline, efficient_make could abate 88 kg on each of the
    1.25 t of intermediate per t: 110 t a year; lean_finish 420.25 t at -1.5 CNY
    per t widget. Together they abate 508.25 t, less than the 530.25 t sum."""
    curve = option_curve(tiny(tiny_root).data)
    assert curve.loc["efficient_make", "cost_cny_per_t"] == pytest.approx(LEVELISED)
    assert curve.loc["efficient_make", "potential_t_per_yr"] == pytest.approx(110.0)
    assert curve.loc["lean_finish", "cost_cny_per_t"] == pytest.approx(-1.5 / 0.42025)
    assert curve.loc["lean_finish", "potential_t_per_yr"] == pytest.approx(420.25)
    assert curve.loc["solar", "cost_cny_per_t"] == pytest.approx(SOLAR)
    assert curve.loc["solar", "potential_t_per_yr"] == pytest.approx(16.25)
    assert list(curve.index) == ["lean_finish", "efficient_make", "solar"]


def test_optimisation_curve_is_as_wide_as_the_combined_run(tiny_root: Path) -> None:
    """The curve's width is that of the combined run, 2,111.25 - 1,588 = 523.25 t a
    year, in steps at each option's marginal cost in the plant with the cheaper
    ones: lean_finish first, then efficient_make on the smaller intermediate flow
    (88 t, not the 110 t it abates alone), then solar on the 30 kWh left (15 t)."""
    curve = optimisation_curve(tiny(tiny_root), 2025)
    table = steps_table(curve)
    assert table["abatement_t_per_yr"].sum() == pytest.approx(523.25)
    assert curve["baseline_t_per_yr"] - curve["least_t_per_yr"] == pytest.approx(523.25)
    assert list(table["options"]) == ["lean_finish", "efficient_make", "solar"]
    assert table["price_cny_per_t"].tolist() == pytest.approx(
        [-1.5 / 0.42025, LEVELISED, SOLAR], abs=0.01
    )
    assert table["abatement_t_per_yr"].tolist() == pytest.approx([420.25, 88.0, 15.0])


TINY_SCENARIO = """\
name: tiny plant
product: widget
region: r1
discount_rate: 0.0
years: [2025]
production: "1000 t/yr"
targets: {unit: kg/t, 2025: 1650}
"""


def run(root: Path, *args: str):
    (root / "tiny.yaml").write_text(TINY_SCENARIO, encoding="utf-8")
    return CliRunner().invoke(app, ["--root", str(root), *args])


def test_calibrate_command_prints_the_level(tiny_root: Path) -> None:
    result = run(
        tiny_root,
        "calibrate",
        str(tiny_root / "tiny.yaml"),
        "--instrument",
        "carbon-price",
    )
    assert result.exit_code == 0, result.output
    assert "340.9" in result.output


def test_calibrate_command_exits_non_zero_when_no_level_suffices(
    tiny_root: Path,
) -> None:
    result = run(
        tiny_root,
        "calibrate",
        str(tiny_root / "tiny.yaml"),
        "--instrument",
        "carbon-price",
        "--target",
        "1600 kg/t",
    )
    assert result.exit_code == 1
    assert "No level of carbon_price" in result.output
    assert "1,603.0" in result.output


def test_label_premium_needs_a_threshold(tiny_root: Path) -> None:
    result = run(
        tiny_root,
        "calibrate",
        str(tiny_root / "tiny.yaml"),
        "--instrument",
        "label-premium",
    )
    assert result.exit_code == 1
    assert "--label-threshold" in result.output
    assert "Traceback" not in result.output


def test_break_even_command_lists_every_option(tiny_root: Path, tmp_path) -> None:
    result = run(
        tiny_root,
        "break-even",
        str(tiny_root / "tiny.yaml"),
        "--out",
        str(tmp_path / "out"),
    )
    assert result.exit_code == 0, result.output
    for option in ("efficient_make", "lean_finish", "solar"):
        assert option in result.output
    table = (tmp_path / "out" / "tiny_break_even.csv").read_text()
    assert "carbon_price_cny_per_t" in table


def test_macc_command_writes_both_curves(tiny_root: Path, tmp_path) -> None:
    out = tmp_path / "macc"
    result = run(tiny_root, "macc", str(tiny_root / "tiny.yaml"), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "523" in result.output  # the combined run's abatement, t a year
    html = (out / "macc_tiny.html").read_text(encoding="utf-8")
    assert "plotly" in html and "efficient_make" in html
    assert sorted(p.name for p in out.iterdir()) == [
        "macc_tiny.html",
        "macc_tiny_options.csv",
        "macc_tiny_steps.csv",
    ]


def test_macc_year_must_start_a_period(tiny_root: Path) -> None:
    result = run(tiny_root, "macc", str(tiny_root / "tiny.yaml"), "--year", "2031")
    assert result.exit_code == 1
    assert "--year 2031" in result.output and "2025" in result.output


def test_calibrate_on_every_scope_reaches_what_scope_1_cannot(tiny_root: Path) -> None:
    """1,600 kg/t needs solar on part of the electricity, which a price on scope 2
    buys at 18,800 CNY/t."""
    result = run(
        tiny_root,
        "calibrate",
        str(tiny_root / "tiny.yaml"),
        "--instrument",
        "carbon-price",
        "--target",
        "1600 kg/t",
        "--scopes",
        "1,2,3",
        "--upper",
        "20000",
    )
    assert result.exit_code == 0, result.output
    assert "18,800" in result.output


def test_calibrate_rejects_unknown_scopes(tiny_root: Path) -> None:
    result = run(
        tiny_root,
        "calibrate",
        str(tiny_root / "tiny.yaml"),
        "--instrument",
        "carbon-price",
        "--scopes",
        "1,4",
    )
    assert result.exit_code == 1
    assert "--scopes 1,4" in result.output and "Traceback" not in result.output
