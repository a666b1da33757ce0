"""Fleets: the tiny model's fleet against hand computation, the decomposition
against the monolithic model, bad plant tables, archetypes and the CLI.

Tiny model (see test_optimise): with ``lean_finish`` (always adopted) a plant emits
1,691 kg CO2e per t widget at 68 CNY/t; ``efficient_make`` removes 88 kg/t more for
30 CNY/t (340.909 CNY per t CO2e). A province target of 1,647 kg/t over 3,500 t of
widgets needs 44 x 3,500 / 88 = 1,750 t/yr of efficient_make capacity anywhere in
the fleet: 68 x 3,500 + 30 x 1,750 = 290,500 CNY, at a price of 340.909 CNY/t.
Every plant has the same cost per unit, so the optimum is a kink: some plants adopt
fully, one partly, and which ones is arbitrary; totals are not.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import REPO
from mitigation.analysis.archetypes import generate_plants
from mitigation.analysis.decomposition import monolithic
from mitigation.analysis.distributed import TaskRunner
from mitigation.analysis.fleet import resolve_fleet, solve_fleet
from mitigation.cli import app
from mitigation.exceptions import InputError, TargetUnreachableError
from mitigation.inputs.fleet import load_fleet
from mitigation.units import parse_quantity

PLANTS = """\
    name,product,production
    a,widget,1000 t/yr
    b,widget,2000 t/yr
    c,widget,500 t/yr
    """


def write_fleet(
    root: Path, province: str, plants: str = PLANTS, region: str = "r1"
) -> Path:
    (root / "plants.csv").write_text(textwrap.dedent(plants), encoding="utf-8")
    path = root / "fleet.yaml"
    text = f"""\
        name: tiny fleet
        region: {region}
        discount_rate: 0.0
        years: [2025]
        province:
        {textwrap.indent(textwrap.dedent(province), "  ")}
        plants: {{csv: plants.csv}}
        """
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def solved(path: Path, root: Path):
    data = resolve_fleet(load_fleet(path), path, root)
    with TaskRunner(serial=True) as runner:
        return data, solve_fleet(data, runner)


TARGET = """\
intensity_target: {unit: kg/t, 2025: 1647}
"""


def test_province_target_met_at_hand_computed_cost(tiny_root: Path) -> None:
    data, result = solved(write_fleet(tiny_root, TARGET), tiny_root)
    assert result.summary["discounted_cost_mcny"] * 1e6 == pytest.approx(
        290_500, rel=1e-9
    )
    assert result.periods.loc[2025, "intensity_kg_per_fu"] == pytest.approx(
        1647.0, rel=1e-9
    )
    assert result.periods.loc[2025, "price_cny_per_t"] == pytest.approx(
        30 / 0.088, rel=1e-6
    )
    # At the kink at most one plant (one coupling row) takes a mix of plans.
    assert result.summary["plants_with_mixed_plans"] <= 1
    built = result.adoption[result.adoption["option"] == "efficient_make"]
    output = result.plants.loc[built["plant"], "production"].to_numpy()
    assert (built["share"].to_numpy() * output).sum() == pytest.approx(1750.0)


def test_decomposed_equals_monolithic_on_the_tiny_fleet(tiny_root: Path) -> None:
    data, result = solved(write_fleet(tiny_root, TARGET), tiny_root)
    plants = [data.plant_data(i) for i in range(len(data.plants))]
    cost, emissions, _, prices = monolithic(plants, data.caps_t)
    assert cost == pytest.approx(290_500, rel=1e-9)
    assert result.periods["emissions_t_per_yr"].to_numpy() == pytest.approx(
        emissions, rel=1e-9
    )
    assert prices[0] == pytest.approx(30 / 0.088, rel=1e-9)


@pytest.mark.parametrize(("price", "adopted"), [(300, 0.0), (400, 1.0)])
def test_carbon_price_prices_plants_independently(
    tiny_root: Path, price: int, adopted: float
) -> None:
    """On every scope, efficient_make pays from 340.909 CNY/t: not at 300, fully at
    400; each plant then costs 68 + price x 1.691 (or 30 + price x 1.603) per t."""
    province = f"""\
    carbon_price: {{price: "{price} CNY/t", covered_scopes: [1, 2, 3]}}
    """
    _, result = solved(write_fleet(tiny_root, province), tiny_root)
    made = result.adoption[result.adoption["option"] == "efficient_make"]
    assert made["share"].sum() == pytest.approx(3 * adopted)
    per_t = 68 + price * 1.691 if adopted == 0 else 98 + price * 1.603
    assert result.plants["cost_mcny"].to_numpy() * 1e6 == pytest.approx(
        [per_t * 1000, per_t * 2000, per_t * 500], rel=1e-9
    )
    assert "price_iterations" not in result.summary


def test_unreachable_province_target_names_the_lowest_intensity(
    tiny_root: Path,
) -> None:
    """Every option everywhere reaches 1,603 kg/t, less the 30 kWh x 0.5 kg/kWh of
    grid power that solar replaces: 1,588 kg/t."""
    path = write_fleet(tiny_root, "intensity_target: {unit: kg/t, 2025: 1500}")
    with pytest.raises(TargetUnreachableError) as raised:
        solved(path, tiny_root)
    assert f"{path}, field 'province.intensity_target'" in str(raised.value)
    [(year, target, lowest)] = raised.value.shortfalls
    assert (year, target) == (2025, 1500.0)
    assert lowest == pytest.approx(1588.0, rel=1e-9)


CEMENT_PLANTS = """\
    name,product,grade,plant_type,region,production,vintage
    big,cement,,nsp_ge_4000_2012,,2.5 Mt/yr,2010
    mid,cement,,nsp_2000_4000_2012,,1.2 Mt/yr,2005
    small,cement,,nsp_lt_1000_2012,,0.3 Mt/yr,1999
    new,cement,ps_a,nsp_2021_limit,,1.0 Mt/yr,2023
    """


def test_decomposed_equals_monolithic_on_a_cement_fleet(tmp_path: Path) -> None:
    """Four cement lines of different kinds over 2025-2035 under a tightening
    target: the same total cost (relative 1e-7) and emissions per period (relative
    1e-6) as one Pyomo model of all four with the shared rows. The search stops at a
    relative gap of 1e-9 between its bounds."""
    (tmp_path / "plants.csv").write_text(
        textwrap.dedent(CEMENT_PLANTS), encoding="utf-8"
    )
    path = tmp_path / "fleet.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            name: cement fleet
            region: guangdong
            discount_rate: 0.08
            years: [2025, 2026, 2027, 2028, 2029, 2030, 2031, 2032, 2033, 2034, 2035]
            province:
              intensity_target: {unit: kg/t, 2025: 600, 2028: 570, 2031: 555, 2034: 540}
            plants: {csv: plants.csv}
            """
        ),
        encoding="utf-8",
    )
    data = resolve_fleet(load_fleet(path), path, REPO)
    with TaskRunner(serial=True) as runner:
        result = solve_fleet(data, runner)
    plants = [data.plant_data(i) for i in range(len(data.plants))]
    cost, emissions, _, prices = monolithic(plants, data.caps_t)
    assert result.summary["discounted_cost_mcny"] * 1e6 == pytest.approx(cost, rel=1e-7)
    decomposed = result.periods["emissions_t_per_yr"].to_numpy()
    assert decomposed == pytest.approx(emissions, rel=1e-6)
    caps = np.array(data.caps_t, dtype=float)
    assert (decomposed <= caps * (1 + 1e-9)).all()
    # Prices need not agree period by period: capacity built for one period serves
    # the next ones, so the duals are not unique (see README, "shadow price").
    # Both price the same periods.
    searched = np.nan_to_num(result.periods["price_cny_per_t"].to_numpy())
    assert (prices > 1.0).any()
    assert ((searched > 1.0) == (prices > 1.0)).all()


def test_bad_plant_rows_are_reported_with_file_row_and_field(tiny_root: Path) -> None:
    plants = """\
        name,product,grade,plant_type,region,production,vintage
        a,widget,,,,1000 t/yr,
        b,widget,premium,,,2000 t/yr,
        c,gadget,,,,500 t/yr,
        d,widget,,,mars,-5 t/yr,
        a,widget,,,,10 kWh,
        e,widget,,,,,2020
        """
    path = write_fleet(tiny_root, TARGET, plants)
    with pytest.raises(InputError) as raised:
        resolve_fleet(load_fleet(path), path, tiny_root)
    text = str(raised.value)
    table = tiny_root / "plants.csv"
    assert f"{table}, row 7, field 'production': is required" in text
    assert f"{table}, row 6: repeats row 2" in text
    with pytest.raises(InputError) as raised:
        resolve_fleet(
            load_fleet(path),
            path,
            write_without_rows(tiny_root, plants, (6, 7)),
        )
    text = str(raised.value)
    assert f"{table}, row 3, field 'grade': unknown grade 'premium'" in text
    assert f"{table}, row 4, field 'product': unknown product 'gadget'" in text
    assert f"{table}, row 5, field 'region': unknown region 'mars'" in text
    assert f"{table}, row 5, field 'production': production must be positive" in text


def write_without_rows(root: Path, plants: str, rows: tuple[int, ...]) -> Path:
    lines = textwrap.dedent(plants).splitlines()
    kept = [line for number, line in enumerate(lines, 1) if number not in rows]
    (root / "plants.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "setting",
    [
        "intensity_target: {unit: kg/t, 2025: 600}",
        'carbon_price: {price: "100 CNY/t"}',
    ],
)
def test_a_fleet_holds_one_product(tmp_path: Path, setting: str) -> None:
    """The province's intensity adds the plants' output: t of cement and t of
    profile, or motorcycles, do not add up, under a target or a price."""
    plants = """\
        name,product,production
        kiln,cement,1 Mt/yr
        press,aluminium_profile,30 kt/yr
        """
    path = write_fleet(tmp_path, setting, plants, region="guangdong")
    with pytest.raises(InputError, match="a fleet holds plants of one product"):
        resolve_fleet(load_fleet(path), path, REPO)


def test_archetypes_are_seeded_and_follow_the_output_shares() -> None:
    path = REPO / "scenarios" / "fleet" / "guangdong_cement.yaml"
    spec = load_fleet(path).plants.generate.model_copy(update={"count": 3000})
    plants = generate_plants(spec, str(path))
    assert plants == generate_plants(spec, str(path))
    other = spec.model_copy(update={"seed": spec.seed + 1})
    assert plants != generate_plants(other, str(path))
    output: dict[str, float] = {}
    for plant in plants:
        amount = parse_quantity(plant.production, "t/yr", "test")
        output[plant.plant_type] = output.get(plant.plant_type, 0.0) + amount
    total = sum(output.values())
    for plant_class in spec.classes:
        assert output[plant_class.plant_type] / total == pytest.approx(
            plant_class.share, abs=0.03
        )


def test_shipped_fleets_meet_their_setting(tmp_path: Path) -> None:
    for name in ("guangdong_cement", "guangdong_cement_priced"):
        path = REPO / "scenarios" / "fleet" / f"{name}.yaml"
        data, result = solved(path, REPO)
        targets = result.periods["target_kg_per_fu"].to_numpy()
        reached = result.periods["intensity_kg_per_fu"].to_numpy()
        has_target = ~np.isnan(targets)
        assert (reached[has_target] <= targets[has_target] * (1 + 1e-9)).all()
    assert result.summary["plants"] == 7


def test_fleet_command_prints_and_writes_tables(tmp_path: Path) -> None:
    path = REPO / "scenarios" / "fleet" / "guangdong_cement_priced.yaml"
    result = CliRunner().invoke(
        app, ["fleet", str(path), "--serial", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "yingde-1" in result.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert "guangdong_cement_priced.xlsx" in written
    assert "guangdong_cement_priced_plants.csv" in written


def test_fleet_command_on_a_local_cluster(tmp_path: Path) -> None:
    """Two worker processes; the scheduler's start-up messages are kept out."""
    path = REPO / "scenarios" / "fleet" / "guangdong_cement_priced.yaml"
    result = CliRunner().invoke(app, ["fleet", str(path), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "ran on local cluster (2 workers): 7 tasks, 0 retried" in result.output
    assert "Scheduler at" not in result.output


def test_fleet_command_refuses_a_scheduler_without_protocol() -> None:
    path = REPO / "scenarios" / "fleet" / "guangdong_cement_priced.yaml"
    result = CliRunner().invoke(
        app, ["fleet", str(path), "--scheduler", "127.0.0.1:8786"]
    )
    assert result.exit_code == 1
    assert "'127.0.0.1:8786' is not a scheduler address" in result.output
