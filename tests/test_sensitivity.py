"""Sensitivity designs and analyses against exact answers.

A linear function y = sum(a_i x_i) of independent inputs has Sobol indices
S1_i = ST_i = a_i^2 var(x_i) / sum_j a_j^2 var(x_j); in the unit cube its Morris
elementary effects are a_i times the width of x_i's range, with no spread; its
one-at-a-time swings are a_i times the spread between the 5th and 95th percentiles.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from conftest import REPO, write_tiny_project
from mitigation.analysis.design import Method, power_of_two, salib_entry, sample
from mitigation.analysis.sensitivity import (
    EvaluationFailed,
    OnFailure,
    analyse,
    evaluate_design,
)
from mitigation.analysis.stored import load_study, save_study
from mitigation.analysis.study import prepare_study, run_study
from mitigation.exceptions import InputError, TargetUnreachableError
from mitigation.inputs.uncertainty import UncertainParameter


def parameter(name: str, changes: str, **distribution) -> UncertainParameter:
    return UncertainParameter(name=name, changes=changes, distribution=distribution)


LINEAR = [
    parameter("a", "target", uniform={"low": 0.0, "high": 1.0}),
    parameter("b", "target", uniform={"low": 2.0, "high": 4.0}),
    parameter("c", "target", normal={"mean": 5.0, "sd": 0.5}),
    parameter("d", "target", triangular={"low": 0.0, "mode": 1.0, "high": 3.0}),
]
WEIGHTS = {"a": 1.0, "b": 2.0, "c": 3.0, "d": 1.0}


def linear(values: dict[str, float]) -> dict[str, float]:
    return {"y": sum(WEIGHTS[k] * value for k, value in values.items())}


def exact_first_order() -> dict[str, float]:
    variances = {
        "a": 1 / 12,
        "b": 4 / 12,
        "c": 0.25,
        # triangular on [0, 3] with mode 1: (a^2 + b^2 + c^2 - ab - ac - bc) / 18
        "d": (0 + 9 + 1 - 0 - 0 - 3) / 18,
    }
    parts = {k: WEIGHTS[k] ** 2 * v for k, v in variances.items()}
    total = sum(parts.values())
    return {k: v / total for k, v in parts.items()}


def test_distributions_in_salib_conventions() -> None:
    """SALib's triang takes [low, high, peak as a fraction of the width]; lognorm
    the mean and sd of the logarithm."""
    assert salib_entry(LINEAR[3].distribution) == ("triang", [0.0, 3.0, 1 / 3])
    assert salib_entry(LINEAR[2].distribution) == ("norm", [5.0, 0.5])
    log = parameter("e", "capex", lognormal={"mean_log": 0.1, "sd_log": 0.2})
    assert salib_entry(log.distribution) == ("lognorm", [0.1, 0.2])
    design = sample([log], Method.SOBOL, 4096, seed=3)
    logs = np.log(design.samples["e"])
    assert logs.mean() == pytest.approx(0.1, abs=0.01)
    assert logs.std() == pytest.approx(0.2, abs=0.01)


def test_sobol_indices_of_a_linear_function() -> None:
    design = sample(LINEAR, Method.SOBOL, 4096, seed=11)
    result = analyse(design, evaluate_design(design, linear))
    found = result.indices.set_index("parameter")
    for name, expected in exact_first_order().items():
        assert found.loc[name, "S1"] == pytest.approx(expected, abs=0.03), name
        assert found.loc[name, "ST"] == pytest.approx(expected, abs=0.03), name
        assert found.loc[name, "S1_conf"] < 0.05


def test_second_order_indices_vanish_without_interaction() -> None:
    design = sample(LINEAR[:2], Method.SOBOL, 2048, seed=5, second_order=True)
    assert len(design.samples) == 2048 * (2 * 2 + 2)
    result = analyse(design, evaluate_design(design, linear))
    assert result.second_order["S2"].abs().max() < 0.05


def test_morris_effects_of_a_linear_function_are_exact() -> None:
    bounded = [LINEAR[0], LINEAR[1], LINEAR[3]]
    design = sample(bounded, Method.MORRIS, 20, seed=2)
    found = analyse(design, evaluate_design(design, linear)).indices.set_index(
        "parameter"
    )
    # In the unit cube a step of one grid level moves x_i by its width times the step.
    assert found.loc["a", "mu_star"] == pytest.approx(1.0, rel=1e-9)
    assert found.loc["b", "mu_star"] == pytest.approx(2.0 * 2.0, rel=1e-9)
    assert found["sigma"].loc[["a", "b"]].max() == pytest.approx(0.0, abs=1e-9)


def test_morris_cuts_unbounded_distributions_at_half_a_percent() -> None:
    design = sample([LINEAR[2]], Method.MORRIS, 10, seed=1)
    values = design.samples["c"]
    assert np.isfinite(values).all()
    assert values.min() == pytest.approx(stats.norm(5, 0.5).ppf(0.005), rel=1e-9)
    assert values.max() == pytest.approx(stats.norm(5, 0.5).ppf(0.995), rel=1e-9)


def test_one_at_a_time_swings() -> None:
    design = sample(LINEAR, Method.OAT, 1, seed=0)
    assert len(design.samples) == 1 + 2 * len(LINEAR)
    found = analyse(design, evaluate_design(design, linear)).indices.set_index(
        "parameter"
    )
    spread_c = stats.norm(5, 0.5).ppf(0.95) - stats.norm(5, 0.5).ppf(0.05)
    assert found.loc["c", "swing"] == pytest.approx(3.0 * spread_c, rel=1e-12)
    assert found.loc["a", "swing"] == pytest.approx(1.0 * 0.9, rel=1e-12)
    assert list(found.index)[0] == "c"  # largest swing first


def test_sample_size_is_rounded_up_to_a_power_of_two() -> None:
    assert [power_of_two(n) for n in (1, 2, 3, 1000, 1024, 1025)] == [
        1,
        2,
        4,
        1024,
        1024,
        2048,
    ]
    design = sample(LINEAR, Method.SOBOL, 1000, seed=1)
    assert design.base_samples == 1024
    assert "rounded up to 1024" in design.notes[0]


def test_seeded_designs_repeat_and_differ_by_seed() -> None:
    for method in (Method.SOBOL, Method.MORRIS):
        first = sample(LINEAR[:2], method, 64, seed=9).samples
        again = sample(LINEAR[:2], method, 64, seed=9).samples
        other = sample(LINEAR[:2], method, 64, seed=10).samples
        pd.testing.assert_frame_equal(first, again)
        assert not first.equals(other)


def test_negative_factors_are_refused() -> None:
    wide = parameter("p", "price:electricity", normal={"mean": 1.0, "sd": 0.6})
    with pytest.raises(InputError, match="negative"):
        sample([wide], Method.SOBOL, 256, seed=1)


def test_failed_evaluations_stop_or_are_counted() -> None:
    design = sample(LINEAR[:1], Method.OAT, 1, seed=0)

    def sometimes(values):
        if values["a"] > 0.9:
            raise TargetUnreachableError([(2025, 1.0, 2.0)], "kg/t")
        return linear({**values, "b": 0, "c": 0, "d": 0})

    with pytest.raises(EvaluationFailed, match="sample 3 of 3 .*Narrow"):
        evaluate_design(design, sometimes)
    recorded = evaluate_design(design, sometimes, OnFailure.RECORD)
    assert list(recorded["status"]) == ["optimal", "optimal", "TargetUnreachableError"]
    assert math.isnan(recorded["y"].iloc[2])
    result = analyse(design, recorded)
    assert result.failed == 1 and result.indices.empty
    assert "1 evaluations have no optimal pathway" in result.withheld["y"]


def test_stored_study_is_analysed_with_its_own_design(tmp_path: Path) -> None:
    design = sample(LINEAR, Method.MORRIS, 8, seed=4)
    evaluations = evaluate_design(design, linear)
    save_study(tmp_path, design, evaluations, "linear")
    loaded, stored, name = load_study(tmp_path)
    assert name == "linear" and loaded.seed == 4
    pd.testing.assert_frame_equal(loaded.samples, design.samples, rtol=1e-15)
    pd.testing.assert_frame_equal(
        analyse(loaded, stored).indices,
        analyse(design, evaluations).indices,
        rtol=1e-12,
    )


TINY_UNCERTAIN = """\
name: tiny plant
product: widget
region: r1
discount_rate: 0.08
years: [2025]
production: "1000 t/yr"
uncertain:
  - name: coal_price
    changes: price:coal
    distribution: {uniform: {low: 1.0, high: 1.5}}
  - name: electricity_price
    changes: price:electricity
    distribution: {uniform: {low: 0.5, high: 1.5}}
"""


def test_tiny_plant_cost_is_linear_in_its_prices(tmp_path: Path) -> None:
    """The tiny plant's lean recipe saves 0.5 GJ of coal (10 CNY x f_coal) and 2.5
    kWh (1.5 CNY x f_el) for 10 CNY of variable cost, so it pays at every sampled
    price (f_coal >= 1), and nothing else is worth building: per t widget the plant
    buys 2 GJ coal at 20 CNY x f_coal and 30 kWh at 0.6 CNY x f_el, plus the 10 CNY.
    The discounted cost is linear in both factors, whose uniform ranges (0.5 and 1
    wide) give variances 40^2 x 0.5^2 / 12 and 18^2 / 12."""
    root = write_tiny_project(tmp_path)
    scenario = root / "scenarios" / "tiny.yaml"
    scenario.parent.mkdir()
    scenario.write_text(TINY_UNCERTAIN, encoding="utf-8")
    study = prepare_study(root, scenario, Method.SOBOL, 256, seed=1)
    evaluations = run_study(study)
    weight = 1 / 1.08
    expected = (
        (
            1000 * (40 * study.design.samples["coal_price"])
            + 1000 * (18 * study.design.samples["electricity_price"])
            + 1000 * 10
        )
        * weight
        / 1e6
    )
    assert evaluations["total_cost_mcny"].to_numpy() == pytest.approx(
        expected.to_numpy(), rel=1e-9
    )
    found = analyse(study.design, evaluations).indices.set_index(
        ["output", "parameter"]
    )
    s1 = found.loc[("total_cost_mcny", "coal_price"), "S1"]
    coal, electricity = 40**2 * 0.25 / 12, 18**2 / 12
    assert s1 == pytest.approx(coal / (coal + electricity), abs=0.05)


def test_parameters_that_change_nothing_are_refused(tmp_path: Path) -> None:
    root = write_tiny_project(tmp_path)
    scenario = root / "scenarios" / "tiny.yaml"
    scenario.parent.mkdir()
    scenario.write_text(
        TINY_UNCERTAIN.replace("price:coal", "price:gas").replace(
            "changes: price:electricity", "changes: capex:nothing"
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        prepare_study(root, scenario, Method.OAT, 1, seed=1)
    text = str(caught.value)
    assert "uncertain.0.changes" in text and "'gas'" in text
    assert "uncertain.1.changes" in text and "'nothing'" in text


def test_shipped_sensitivity_scenario_loads() -> None:
    study = prepare_study(
        REPO,
        REPO / "scenarios" / "sensitivity" / "cement_guangdong.yaml",
        Method.OAT,
        1,
        1,
    )
    assert study.design.names == [
        "coal_price",
        "grid_factor",
        "carbon_price",
        "capital_cost",
    ]


FOUR = [
    parameter("electricity", "price:electricity", uniform={"low": 0.8, "high": 1.2}),
    parameter("grid", "grid_factor", uniform={"low": 0.9, "high": 1.05}),
    parameter("capital", "capex", triangular={"low": 0.7, "mode": 1.0, "high": 1.5}),
    parameter("carbon", "carbon_price", uniform={"low": 50.0, "high": 100.0}),
]


@pytest.mark.parametrize(
    "plant",
    [
        "cement_guangdong",
        "aluminium_chongqing",
        "motorcycle_chongqing",
        "flat_glass_guangdong",
    ],
)
def test_resolved_samples_equal_fresh_builds(plant: str) -> None:
    """The re-solving evaluator gives, sample after sample, every output a fresh
    build of the sample's model gives (to 1e-9 relative)."""
    from mitigation.analysis.sensitivity import Evaluator, ResolvingEvaluator
    from mitigation.inputs.model_file import load_model_file
    from mitigation.inputs.scenario import load_scenario
    from mitigation.policy.compare import prepare_with_policy

    path = REPO / "scenarios" / f"{plant}.yaml"
    scenario = load_scenario(path)
    data = prepare_with_policy(scenario, REPO, str(path))
    spec = load_model_file(REPO / "models" / f"{scenario.product}.yaml")
    samples = sample(FOUR, Method.SOBOL, 4, seed=3).samples.to_dict("records")
    fast = ResolvingEvaluator(data, spec, tuple(FOUR), 500.0, samples[0])
    fresh = Evaluator(data, spec, tuple(FOUR), 500.0)
    assert not fast.curved
    for values in samples:
        assert fast(values) == pytest.approx(fresh(values), rel=1e-9, abs=1e-9), values


def test_discount_rate_is_solved_by_rebuilding(tmp_path: Path) -> None:
    from mitigation.analysis.sensitivity import Evaluator

    root = write_tiny_project(tmp_path)
    scenario = root / "scenarios" / "tiny.yaml"
    scenario.parent.mkdir()
    text = TINY_UNCERTAIN + (
        "  - name: rate\n    changes: discount_rate\n"
        "    distribution: {uniform: {low: 0.04, high: 0.1}}\n"
    )
    scenario.write_text(text, encoding="utf-8")
    study = prepare_study(root, scenario, Method.OAT, 1, seed=1)
    assert isinstance(study.evaluator(), Evaluator)
    evaluations = run_study(study)
    centre, low, high = evaluations["total_cost_mcny"].iloc[[0, 5, 6]]
    # One year, cost C / (1 + r): the 5th and 95th percentiles of the rate.
    undiscounted = centre * 1.07
    assert low == pytest.approx(undiscounted / 1.043, rel=1e-9)
    assert high == pytest.approx(undiscounted / 1.097, rel=1e-9)


def test_seeded_study_repeats_exactly(tmp_path: Path) -> None:
    root = write_tiny_project(tmp_path)
    scenario = root / "scenarios" / "tiny.yaml"
    scenario.parent.mkdir()
    scenario.write_text(TINY_UNCERTAIN, encoding="utf-8")
    runs = [
        run_study(prepare_study(root, scenario, Method.SOBOL, 64, seed=8)) for _ in "ab"
    ]
    pd.testing.assert_frame_equal(runs[0], runs[1], rtol=0, atol=0)


def test_cli_sensitivity_writes_and_rereads_a_study(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mitigation.cli import app

    runner = CliRunner()
    scenario = REPO / "scenarios" / "sensitivity" / "cement_guangdong.yaml"
    out = tmp_path / "study"
    result = runner.invoke(
        app,
        [
            "--root",
            str(REPO),
            "sensitivity",
            str(scenario),
            "--method",
            "morris",
            "-N",
            "4",
            "--out",
            str(out),
            "--output",
            "total_cost_mcny",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "mu_star" in result.output and "carbon_price" in result.output
    for name in (
        "settings.json",
        "design.csv",
        "unit_design.csv",
        "evaluations.csv",
        "indices.csv",
        "sensitivity.xlsx",
        "sensitivity.html",
    ):
        assert (out / name).is_file(), name
    first = pd.read_csv(out / "indices.csv")
    again = runner.invoke(app, ["--root", str(REPO), "sensitivity-report", str(out)])
    assert again.exit_code == 0, again.output
    pd.testing.assert_frame_equal(pd.read_csv(out / "indices.csv"), first)


def test_a_study_on_dask_equals_the_serial_run(tmp_path: Path) -> None:
    """Four tasks of 256 samples on a local cluster of two worker processes give the
    serial run's numbers, in its order."""
    root = write_tiny_project(tmp_path)
    scenario = root / "scenarios" / "tiny.yaml"
    scenario.parent.mkdir()
    scenario.write_text(TINY_UNCERTAIN, encoding="utf-8")
    study = prepare_study(root, scenario, Method.SOBOL, 256, seed=2)
    assert len(study.design.samples) == 1024
    serial = run_study(study)
    on_dask = run_study(study, serial=False, workers=2)
    pd.testing.assert_frame_equal(on_dask, serial, rtol=0, atol=0)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda folder: _json_edit(folder, seed="seven"), "cannot be read"),
        (lambda folder: _json_edit(folder, method="morris"), "unit_design.csv"),
        (
            lambda folder: (folder / "design.csv").write_text(
                "a,b,c,d\nx,1,2,3\n", encoding="utf-8"
            ),
            "one number per parameter",
        ),
    ],
)
def test_a_hand_edited_study_is_refused_with_a_message(tmp_path, edit, expected):
    design = sample(LINEAR, Method.SOBOL, 8, seed=4)
    save_study(tmp_path, design, evaluate_design(design, linear), "linear")
    edit(tmp_path)
    with pytest.raises(InputError, match=expected):
        load_study(tmp_path)


def _json_edit(folder: Path, **changes) -> None:
    import json

    path = folder / "settings.json"
    settings = {**json.loads(path.read_text(encoding="utf-8")), **changes}
    path.write_text(json.dumps(settings), encoding="utf-8")
