"""The shipped instrument comparisons: every plant folder solves, and the money adds
up between enterprise, state and society."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from mitigation.inputs.scenario import load_scenario
from mitigation.policy.compare import compare, prepare_with_policy, solve_outcome

FOLDERS = sorted(p for p in (REPO / "scenarios" / "policy").iterdir() if p.is_dir())


def outcomes(folder: Path) -> dict:
    found = {}
    for path in sorted(folder.glob("*.yaml")):
        scenario = load_scenario(path)
        data = prepare_with_policy(scenario, REPO, str(path))
        found[path.stem] = solve_outcome(path.stem, scenario, data)
    return found


@pytest.fixture(scope="module", params=FOLDERS, ids=[f.name for f in FOLDERS])
def comparison(request) -> dict:
    found = outcomes(request.param)
    reference = found["reference"]
    rate = reference.scenario.social_discount_rate
    return compare(list(found.values()), reference, rate)["summary"]


def test_every_product_has_a_policy_folder() -> None:
    products = {load_scenario(f / "reference.yaml").product for f in FOLDERS}
    models = {p.stem for p in (REPO / "models").glob("*.yaml")}
    assert products == models


def test_each_folder_compares_the_published_instruments(comparison) -> None:
    assert {"reference", "national_ets", "retrofit_reward", "differential_tariff"} <= (
        set(comparison.index)
    )
    assert comparison.loc["reference", "abatement_t"] == pytest.approx(0.0)


def test_transfers_cancel_between_enterprise_and_state(comparison) -> None:
    """With the enterprise and the state discounting at the same rate (8 % in the
    shipped files), what the enterprise pays in carbon payments and taxes the state
    receives: enterprise cost plus public cost is the resource cost. (Grants break
    the identity by the part of them that serves beyond the horizon, so the rows
    with grants are left out.)"""
    untouched = comparison[comparison["free_rider_share"].isna()]
    assert len(untouched) >= 3
    total = untouched["enterprise_cost_mcny"] + untouched["public_cost_mcny"]
    assert list(total) == pytest.approx(list(untouched["resource_cost_mcny"]))


def test_national_ets_with_grandfathered_allocation_lowers_enterprise_cost(
    comparison,
) -> None:
    """Allowances at the plant's baseline intensity are worth more than what it
    emits once it has taken the options that pay: the price is a net income."""
    national = comparison.loc["national_ets"]
    assert national["enterprise_cost_mcny"] <= (
        comparison.loc["reference", "enterprise_cost_mcny"] + 1e-9
    )


def test_compare_refuses_scenarios_of_another_product(tmp_path) -> None:
    from typer.testing import CliRunner

    from mitigation.cli import app

    result = CliRunner().invoke(
        app,
        [
            "--root",
            str(REPO),
            "compare",
            str(REPO / "scenarios" / "cement_guangdong.yaml"),
            str(REPO / "scenarios" / "motorcycle_chongqing.yaml"),
            "--social-rate",
            "0.08",
        ],
    )
    assert result.exit_code == 1
    assert "motorcycle_chongqing.yaml: is a scenario of motorcycle" in result.output
    assert "Traceback" not in result.output


def test_two_plants_results_in_one_folder_do_not_overwrite(tmp_path) -> None:
    from typer.testing import CliRunner

    from mitigation.cli import app

    runner = CliRunner()
    for plant in ("cement_guangdong", "aluminium_chongqing"):
        folder = REPO / "scenarios" / "policy" / plant
        result = runner.invoke(
            app,
            [
                "--root",
                str(REPO),
                "macc",
                str(folder / "reference.yaml"),
                "--out",
                str(tmp_path),
            ],
        )
        assert result.exit_code == 0, result.output
    names = {p.name for p in tmp_path.iterdir()}
    assert {
        "macc_cement_guangdong_reference.html",
        "macc_aluminium_chongqing_reference.html",
    } <= names
