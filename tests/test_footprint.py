"""Footprint accounting on the tiny model, computed by hand."""

from pathlib import Path

import pandas as pd
import pytest

from conftest import write_tiny_project
from mitigation.exceptions import InputError
from mitigation.inputs.data import FactorData
from mitigation.inputs.model_file import load_model_file
from mitigation.process.footprint import footprint
from mitigation.process.network import Setting, build_network


def tiny_network(root: Path):
    spec = load_model_file(root / "models" / "widget.yaml")
    return build_network(spec, FactorData(root / "data"), Setting(region="r1"))


def test_hand_computed_footprint(tiny_root: Path) -> None:
    """Per t widget: 1.25 t intermediate, so 1.25 x make.

    - coal: 2.5 GJ x (25 t C/TJ x 0.96 x 44/12 = 88 kg/GJ) = 220 kg, scope 1, making
    - calcination: 1.25 t x 500 kg/t = 625 kg, scope 1, making
    - steel: 0.625 t x 2,000 kg/t = 1,250 kg, scope 3, making
    - electricity: making 12.5 kWh, finishing 20 kWh, x 0.5 kg/kWh = 6.25 and 10 kg
    """
    network = tiny_network(tiny_root)
    fp = footprint(network, network.baseline_activity())
    expected = pd.DataFrame(
        {1: [845.0, 0.0], 2: [6.25, 10.0], 3: [1250.0, 0.0]},
        index=["making", "finishing"],
    )
    pd.testing.assert_frame_equal(
        fp.by_stage_scope, expected, check_exact=False, rtol=1e-12
    )
    assert fp.total_kg == pytest.approx(2111.25, rel=1e-12)


def test_baseline_activities(tiny_root: Path) -> None:
    network = tiny_network(tiny_root)
    activity = network.baseline_activity()
    assert activity["make"] == pytest.approx(1.25)
    assert activity["purchase:coal"] == pytest.approx(2.5)
    assert activity["purchase:electricity"] == pytest.approx(32.5)
    assert activity["efficient_make"] == 0.0


KG_MODEL = """\
    product: widget
    label: Widget, written per kg
    functional_unit: {amount: 1, unit: t}
    grades:
      standard: {commodity: widget, label: Standard widget}
    default_grade: standard
    stages: {making: Making, finishing: Finishing}
    commodities:
      widget: {unit: kg}
      intermediate: {unit: kg}
      electricity: {unit: kWh, purchased: {grid: true, price: electricity}}
      coal: {unit: MJ, purchased: {fuel: coal, price: coal}}
      steel: {unit: kg, purchased: {material: steel}}
    processes:
      make:
        stage: making
        baseline: true
        outputs: {intermediate: 1}
        inputs: {coal: "0.002 GJ", steel: 0.5, electricity: "10 Wh"}
        emissions: {calcination: "1 kg"}
      finish:
        stage: finishing
        baseline: true
        outputs: {widget: 1}
        inputs: {intermediate: 1.25, electricity: 0.02}
    """


def test_scale_invariance(tmp_path: Path) -> None:
    """The same plant written per kg gives the same footprint per t."""
    per_t = tiny_network(write_tiny_project(tmp_path / "t"))
    per_kg = tiny_network(
        write_tiny_project(
            tmp_path / "kg",
            model=KG_MODEL,
            options="option,parameter,region,value,low,high,unit,source,locator,read_in,note\n",
        )
    )
    fp_t = footprint(per_t, per_t.baseline_activity())
    fp_kg = footprint(per_kg, per_kg.baseline_activity())
    pd.testing.assert_frame_equal(
        fp_t.by_stage_scope, fp_kg.by_stage_scope, check_exact=False, rtol=1e-12
    )


def test_on_site_supply_lowers_every_consumer_alike(tiny_root: Path) -> None:
    """Half the electricity made on site halves each stage's scope 2, no more."""
    network = tiny_network(tiny_root)
    activity = network.baseline_activity()
    activity["solar"] = 16.25
    activity["purchase:electricity"] = 16.25
    fp = footprint(network, activity)
    assert fp.by_stage_scope.loc["making", 2] == pytest.approx(6.25 / 2)
    assert fp.by_stage_scope.loc["finishing", 2] == pytest.approx(10.0 / 2)
    assert fp.total_kg == pytest.approx(2111.25 - 8.125)


def test_unbalanced_configuration_is_refused(tiny_root: Path) -> None:
    network = tiny_network(tiny_root)
    activity = network.baseline_activity()
    activity["make"] *= 2
    with pytest.raises(InputError, match="does not balance"):
        footprint(network, activity)
