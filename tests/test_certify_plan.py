"""Planning for the label: the tiny model's answer by hand, and the derivation of
the shipped cement and flat glass thresholds repeated."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO
from mitigation.cli import app
from mitigation.exceptions import InputError
from mitigation.inputs.scenario import Scenario
from mitigation.inputs.tables import read_table
from mitigation.policy.certification import (
    LabelThresholdRow,
    certification_plan,
    label_threshold,
)
from mitigation.policy.compare import prepare_with_policy


def tiny(root: Path, **changes):
    fields = {
        "name": "tiny",
        "product": "widget",
        "region": "r1",
        "discount_rate": 0.0,
        "years": [2025, 2026],
        "production": "1000 t/yr",
    }
    fields.update(changes)
    scenario = Scenario.model_validate(fields)
    return prepare_with_policy(scenario, root, "tiny")


def test_plan_meets_the_threshold_from_its_year_at_least_cost(tiny_root: Path) -> None:
    """From 2026, 1,650 kg/t needs efficient_make on 41/88 of the intermediate at 30
    CNY per t: 13,977 CNY that year, nothing in 2025; 1 % lower (1,633.5 kg) it
    takes a larger share of the same option."""
    plan = certification_plan(tiny(tiny_root), 1650.0, 2026, "tiny", "tiny")
    periods = plan.plan.periods
    assert periods.loc[2025, "intensity_kg_per_fu"] == pytest.approx(1691.0)
    assert periods.loc[2026, "intensity_kg_per_fu"] == pytest.approx(1650.0)
    assert plan.extra_cost_mcny * 1e6 == pytest.approx(30 * 1000 * 41 / 88)
    assert periods.loc[2026, "shadow_price_cny_per_t"] == pytest.approx(30 / 0.088)
    assert plan.next_options() == ["efficient_make"]


def test_threshold_below_reach_is_reported(tiny_root: Path) -> None:
    with pytest.raises(InputError, match="lowest reachable with every option"):
        certification_plan(tiny(tiny_root), 1500.0, 2026, "tiny", "tiny.yaml")


def test_product_without_a_threshold_asks_for_one(tiny_root: Path) -> None:
    (tiny_root / "data" / "label_thresholds.csv").write_text(
        "product,grade,value,low,high,unit,source,locator,read_in,note\n"
        "gadget,standard,1,,,kg/t,test,,illustrative,\n"
    )
    with pytest.raises(InputError, match="--threshold"):
        label_threshold(tiny_root, tiny(tiny_root))


def test_by_year_must_start_a_period(tiny_root: Path) -> None:
    with pytest.raises(InputError, match="2025, 2026"):
        certification_plan(tiny(tiny_root), 1650.0, 2030, "tiny", "tiny")


def test_command_prints_the_plan(tiny_root: Path) -> None:
    (tiny_root / "tiny.yaml").write_text(
        "name: tiny\nproduct: widget\nregion: r1\ndiscount_rate: 0.0\n"
        "years: [2025, 2026]\nproduction: 1000 t/yr\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app,
        [
            "--root",
            str(tiny_root),
            "certify-plan",
            str(tiny_root / "tiny.yaml"),
            "--by",
            "2026",
            "--threshold",
            "1650 kg/t",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "efficient_make 0%→47%" in result.output
    assert "0.01 M CNY" in result.output  # 13,977 CNY


CEMENT_LEVEL_1 = [
    # GB 16780-2021 level 1: clinker coal 94 kgce/t and clinker electricity 48
    # kWh/t (the kiln's part 48 - 1.507 x 20), cement grinding 26 kWh/t.
    (
        'inputs: {raw_meal: 1.507, coal: "109 kgce", electricity: 30.86}',
        'inputs: {raw_meal: 1.507, coal: "94 kgce", electricity: 17.86}',
    ),
    (
        "    inputs: {electricity: 34}\n    source: GB 16780-2021 level 3",
        "    inputs: {electricity: 26}\n    source: GB 16780-2021 level 3",
    ),
]


@pytest.mark.parametrize("grade", ["po_42_5", "ps_a"])
def test_shipped_cement_thresholds_repeat_their_derivation(
    tmp_path: Path, grade: str
) -> None:
    for folder in ("data", "models"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    model = tmp_path / "models" / "cement.yaml"
    text = model.read_text(encoding="utf-8")
    for old, new in CEMENT_LEVEL_1:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    model.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "--root",
            str(tmp_path),
            "footprint",
            "cement",
            "--region",
            "national",
            "--grade",
            grade,
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    derived = json.loads(result.stdout)["total"]
    rows = read_table(REPO / "data" / "label_thresholds.csv", LabelThresholdRow)
    shipped = next(r for r in rows if r.product == "cement" and r.grade == grade)
    assert shipped.value == pytest.approx(derived, abs=0.05)


def test_shipped_flat_glass_threshold_repeats_its_derivation(tmp_path: Path) -> None:
    """GB 21340-2019 level 1 for 500 to 800 t/d lines, 9.5 kgce per weight case or
    190 kgce/t, less 136 kWh of electricity at 0.1229 kgce/kWh: 173.29 kgce of gas."""
    for folder in ("data", "models"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    model = tmp_path / "models" / "flat_glass.yaml"
    text = model.read_text(encoding="utf-8")
    old = 'inputs: {batch: 0.8, cullet: 0.2, natural_gas: "253.29 kgce", fan_duty: 40}'
    assert text.count(old) == 1
    model.write_text(text.replace(old, old.replace("253.29", "173.29")), "utf-8")
    result = CliRunner().invoke(
        app,
        [
            "--root",
            str(tmp_path),
            "footprint",
            "flat_glass",
            "--region",
            "national",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    derived = json.loads(result.stdout)["total"]
    rows = read_table(REPO / "data" / "label_thresholds.csv", LabelThresholdRow)
    shipped = next(r for r in rows if r.product == "flat_glass")
    assert shipped.value == pytest.approx(derived, abs=0.05)
    assert 190 - 136 * 0.1229 == pytest.approx(173.29, abs=0.005)
