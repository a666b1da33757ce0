"""Templates, the certification check and monitoring, on the tiny model by hand and
on the shipped products against the process model.

The tiny model (see ``conftest``) per t of widget: 1.25 t intermediate made with
2 GJ coal (88 kg CO2/GJ), 0.5 t steel (2,000 kg/t), 10 kWh and 500 kg calcination
per t; finishing 20 kWh; grid 0.5 kg/kWh. Options: ``efficient_make`` (1 GJ coal),
``lean_finish`` (1.0 t intermediate), ``solar`` (on-site electricity).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import REPO
from mitigation.certification.check import certify
from mitigation.certification.examples import FillFrom, filled_from_scenario
from mitigation.certification.filled import read_filled
from mitigation.certification.layout import Kind, load_layout
from mitigation.certification.monitor import monitor
from mitigation.certification.template import Entries, write_csv, write_workbook
from mitigation.cli import app
from mitigation.exceptions import InputError
from mitigation.process.footprint import footprint
from mitigation.process.network import Setting, load_network

# One year of a tiny plant: 1,000 t widget from 1,300 t intermediate.
TINY_YEAR = {
    "making.output.intermediate": 1300.0,
    "making.purchase.coal": 2400.0,
    "making.purchase.steel": 650.0,
    "making.purchase.electricity": 13000.0,
    "finishing.output.widget": 1000.0,
    "finishing.purchase.electricity": 20000.0,
    "site.total.electricity": 30000.0,
    "site.generated.electricity": 3000.0,
}
TINY_COVER = {"plant": "Tiny works", "region": "r1", "year": "2025"}


def tiny_filled(root: Path, path: Path, values=None, quality=None, lang="en") -> Path:
    layout = load_layout(root, "widget", region="r1")
    entries = Entries(TINY_COVER, values or TINY_YEAR, quality or {})
    writer = write_csv if path.suffix == ".csv" else write_workbook
    writer(layout, path, lang, entries)
    return path


def test_layout_follows_the_model(tiny_root: Path) -> None:
    """A sheet per stage; outputs that leave a stage, purchases by stage; the
    meter total of electricity (two stages) and its on-site supply; one share per
    option."""
    layout = load_layout(tiny_root, "widget", region="r1")
    keys = {d.key: d for d in layout.data}
    assert layout.sheets == ["making", "finishing", "site", "options"]
    assert set(keys) == {
        *TINY_YEAR,
        "options.share.efficient_make",
        "options.share.lean_finish",
        "options.share.solar",
    }
    assert keys["making.output.intermediate"].required  # carries calcination
    assert keys["finishing.output.widget"].required  # the product
    assert not keys["site.total.electricity"].required
    # Screening bands per t widget: coal up to 3 x 2.5 GJ; intermediate between
    # half of the lean recipe's 1.0 t and 1.5 x the baseline 1.25 t.
    assert keys["making.purchase.coal"].high_per_fu == pytest.approx(7.5)
    assert keys["making.output.intermediate"].low_per_fu == pytest.approx(0.5)
    assert keys["making.output.intermediate"].high_per_fu == pytest.approx(1.875)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_hand_computed_footprint_of_a_filled_template(
    tiny_root: Path, tmp_path: Path, suffix: str
) -> None:
    """Per t widget (1,000 t made):

    - coal 2,400 GJ x 88 kg/GJ = 211,200 kg, scope 1, making
    - calcination 1,300 t x 500 kg/t = 650,000 kg, scope 1, making
    - steel 650 t x 2,000 kg/t = 1,300,000 kg, scope 3, making
    - electricity used 33,000 kWh, 3,000 made on site, so 30,000 bought x 0.5 =
      15,000 kg, shared 13/33 making and 20/33 finishing
    Total 2,176,200 kg, or 2,176.2 kg per t.
    """
    path = tiny_filled(tiny_root, tmp_path / f"tiny{suffix}")
    result = certify(tiny_root, read_filled(path, tiny_root), threshold_kg_per_fu=2200)
    expected = pd.DataFrame(
        {
            1: [861.2, 0.0],
            2: [15 * 13 / 33, 15 * 20 / 33],
            3: [1300.0, 0.0],
        },
        index=["making", "finishing"],
    )
    pd.testing.assert_frame_equal(
        result.footprint.by_stage_scope, expected, check_exact=False, rtol=1e-12
    )
    assert result.footprint.total_kg == pytest.approx(2176.2, rel=1e-12)
    assert result.passed is True
    assert result.margin_kg_per_fu == pytest.approx(23.8, rel=1e-9)
    assert result.trail["emission_kg"].sum() == pytest.approx(2_176_200, rel=1e-12)
    coal = result.trail.set_index("key").loc["making.purchase.coal"]
    assert coal["factor_kg_per_unit"] == pytest.approx(88.0, rel=1e-12)


def test_consistency_checks_use_the_reported_recipe_shares(
    tiny_root: Path, tmp_path: Path
) -> None:
    """With 20 % of the widget from the lean recipe, 1,000 t widget need
    0.8 x 1.25 + 0.2 x 1.0 = 1.2 t intermediate per t: 1,200 t against 1,300 t
    reported, a gap of 8.3 %, flagged. The meter agrees: 33,000 - 3,000 = 30,000."""
    values = {**TINY_YEAR, "options.share.lean_finish": 0.2}
    path = tiny_filled(tiny_root, tmp_path / "tiny.xlsx", values)
    checks = {
        c.kind: c for c in certify(tiny_root, read_filled(path, tiny_root)).checks
    }
    assert checks["balance"].expected == pytest.approx(1200.0, rel=1e-12)
    assert checks["balance"].gap_share == pytest.approx(100 / 1200, rel=1e-12)
    assert not checks["balance"].within_tolerance
    assert checks["meter"].expected == pytest.approx(30000.0, rel=1e-12)
    assert checks["meter"].within_tolerance


def test_threshold_is_met_exactly_at_the_footprint(tiny_root: Path, tmp_path: Path):
    filled = read_filled(tiny_filled(tiny_root, tmp_path / "t.xlsx"), tiny_root)
    assert certify(tiny_root, filled, 2176.2 + 1e-9).passed is True
    assert certify(tiny_root, filled, 2176.2 - 1e-6).passed is False
    assert certify(tiny_root, filled).passed is None  # no threshold shipped


def test_cheapest_closing_options_by_hand(tiny_root: Path, tmp_path: Path) -> None:
    """The plant as the model has it (2,111.25 kg/t) against a threshold 50 kg/t
    lower. The lean recipe alone saves 0.25 t intermediate x 1,681 kg/t = 420.25
    kg/t and pays: 10 CNY/t variable cost against 0.5 GJ coal x 20 CNY and 2.5 kWh
    x 0.6 CNY saved, -1.5 CNY/t, or -1,500 CNY a year for 1,000 t."""
    values = {
        "making.output.intermediate": 1250.0,
        "making.purchase.coal": 2500.0,
        "making.purchase.steel": 625.0,
        "making.purchase.electricity": 12500.0,
        "finishing.output.widget": 1000.0,
        "finishing.purchase.electricity": 20000.0,
    }
    filled = read_filled(tiny_filled(tiny_root, tmp_path / "t.xlsx", values), tiny_root)
    result = certify(tiny_root, filled, threshold_kg_per_fu=2111.25 - 50)
    assert result.footprint.total_kg == pytest.approx(2111.25, rel=1e-12)
    closing = result.closing
    assert closing is not None and closing.lowest_kg_per_fu is None
    assert closing.options.to_dict() == pytest.approx({"lean_finish": 1.0})
    assert closing.cost_vs_baseline_mcny_per_year == pytest.approx(-1500e-6, rel=1e-6)


def test_unreachable_threshold_names_the_lowest_footprint(tiny_root, tmp_path):
    filled = read_filled(tiny_filled(tiny_root, tmp_path / "t.xlsx"), tiny_root)
    closing = certify(tiny_root, filled, threshold_kg_per_fu=100).closing
    assert closing is not None and closing.options.empty
    assert 100 < closing.lowest_kg_per_fu < 2176.2


SHIPPED = sorted((REPO / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("scenario", SHIPPED, ids=lambda p: p.stem)
@pytest.mark.parametrize("fill_from", list(FillFrom))
def test_template_of_a_model_configuration_gives_its_footprint(
    tmp_path: Path, scenario: Path, fill_from: FillFrom
) -> None:
    """Filled with the activities of the plant as it is, or of its 2030 plan, the
    check computes the footprint the process model (and the optimiser) gives."""
    year = 2025 if fill_from is FillFrom.BASELINE else 2030
    layout, entries = filled_from_scenario(REPO, scenario, year, fill_from)
    path = tmp_path / "filled.xlsx"
    write_workbook(layout, path, "en", entries)
    result = certify(REPO, read_filled(path, REPO))
    if fill_from is FillFrom.BASELINE:
        network = load_network(
            REPO,
            layout.product,
            Setting(entries.cover["region"], plant_type=layout.plant_type or None),
            layout.grade,
        )
        expected = footprint(network, network.baseline_activity()).by_stage_scope
    else:
        from mitigation.inputs.scenario import load_scenario
        from mitigation.optimise.pathway import solve_pathway
        from mitigation.policy.compare import prepare_with_policy

        data = prepare_with_policy(load_scenario(scenario), REPO, str(scenario))
        expected = solve_pathway(data).footprints[year].by_stage_scope
    pd.testing.assert_frame_equal(
        result.footprint.by_stage_scope,
        expected,
        check_exact=False,
        rtol=1e-8,
        atol=1e-8,
    )
    assert all(check.within_tolerance for check in result.checks)


EXAMPLES = sorted((REPO / "examples" / "filled").glob("*"))


def test_every_shipped_plant_has_filled_examples() -> None:
    plants = {p.stem for p in SHIPPED}
    shipped = {p.name for p in EXAMPLES}
    for plant in plants:
        assert {
            f"{plant}_2025.xlsx",
            f"{plant}_2030.xlsx",
            f"{plant}_2030_zh.csv",
        } <= shipped


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_shipped_examples_match_the_model_as_it_is_now(example: Path) -> None:
    """The examples are made by ``make examples``; a change of model or data that
    leaves them stale fails here."""
    found = re.fullmatch(r"(.+)_(\d{4})(_zh)?", example.stem)
    plant, year = found.group(1), int(found.group(2))
    scenario = REPO / "scenarios" / f"{plant}.yaml"
    fill_from = FillFrom.BASELINE if year == 2025 else FillFrom.PLAN
    _, entries = filled_from_scenario(REPO, scenario, year, fill_from)
    filled = read_filled(example, REPO)
    assert filled.year == year
    expected = {k: v for k, v in entries.values.items() if v != 0 or k in filled.values}
    assert filled.values == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_cement_example_fails_then_passes_the_derived_threshold() -> None:
    """The shipped cement threshold (GB 16780-2021 level 1, 636.9 kg/t): the line as
    it is, 670.2 kg/t, fails; its 2030 plan, at the 570 kg/t target, passes."""
    folder = REPO / "examples" / "filled"
    before = certify(REPO, read_filled(folder / "cement_guangdong_2025.xlsx", REPO))
    after = certify(REPO, read_filled(folder / "cement_guangdong_2030_zh.csv", REPO))
    assert before.threshold_kg_per_fu == pytest.approx(636.9)
    assert before.footprint.total_kg == pytest.approx(670.2, abs=0.05)
    assert before.passed is False and before.closing is not None
    assert after.footprint.total_kg == pytest.approx(570.0, rel=1e-6)
    assert after.passed is True


def test_monitoring_against_the_plan() -> None:
    folder = REPO / "examples" / "filled"
    years = [
        read_filled(folder / name, REPO)
        for name in ("cement_guangdong_2030.xlsx", "cement_guangdong_2025.xlsx")
    ]
    result = monitor(REPO, years, REPO / "scenarios" / "cement_guangdong.yaml")
    assert list(result.years.index) == [2025, 2030]
    assert result.years.loc[2025, "target_kg_per_fu"] == pytest.approx(640.0)
    assert result.years.loc[2030, "above_target_kg_per_fu"] == pytest.approx(
        0, abs=1e-6
    )
    measures = result.measures.set_index(["option", "year"])
    # In 2025 the plant had done nothing of what the plan had it do.
    assert measures.loc[("raw_mill_vrm", 2025), "implemented_share"] == 0
    assert measures.loc[("raw_mill_vrm", 2025), "planned_share"] == pytest.approx(1.0)
    both = measures.xs(2030, level="year")
    assert both["implemented_share"].to_numpy() == pytest.approx(
        both["planned_share"].to_numpy(), abs=1e-9
    )


def test_monitoring_refuses_two_templates_of_one_year(tmp_path: Path) -> None:
    path = REPO / "examples" / "filled" / "cement_guangdong_2025.xlsx"
    filled = read_filled(path, REPO)
    with pytest.raises(InputError, match="2025"):
        monitor(REPO, [filled, filled])


def test_workbook_has_validation_and_chinese_labels(tiny_root, tmp_path):
    path = tiny_filled(tiny_root, tmp_path / "t.xlsx", lang="zh")
    book = load_workbook(path)
    assert book.sheetnames == ["cover", "making", "finishing", "site", "options"]
    sheet = book["making"]
    assert sheet["B3"].value == "活动数据"
    assert [v.type for v in sheet.data_validations.dataValidation] == [
        "decimal",
        "list",
    ]
    assert book["options"].data_validations.dataValidation[0].formula2 == "1"


def test_csv_and_workbook_forms_hold_the_same_data(tiny_root, tmp_path):
    a = read_filled(tiny_filled(tiny_root, tmp_path / "t.xlsx"), tiny_root)
    b = read_filled(tiny_filled(tiny_root, tmp_path / "t.csv", lang="zh"), tiny_root)
    assert a.values == b.values
    assert {d.kind for d in a.layout.data} == set(Kind)


# -- bad input ---------------------------------------------------------------

runner = CliRunner()


def _edit(path: Path, sheet: str, cell: str, value) -> None:
    book = load_workbook(path)
    book[sheet][cell] = value
    book.save(path)


def test_every_problem_is_listed_at_once_with_sheet_and_cell(tiny_root, tmp_path):
    path = tiny_filled(tiny_root, tmp_path / "t.xlsx")
    _edit(path, "making", "D4", "about 1300")  # text in a number cell
    _edit(path, "making", "D5", -5)  # negative coal
    _edit(path, "making", "C6", "kg")  # steel's unit changed
    _edit(path, "finishing", "E4", "guessed")  # not a data quality
    _edit(path, "cover", "C9", "r9")  # unknown region
    book = load_workbook(path)
    del book["site"]
    book.save(path)
    with pytest.raises(InputError) as caught:
        read_filled(path, tiny_root)
    problems = {p.where: p.what for p in caught.value.problems}
    assert len(problems) == 6, problems
    assert "'about 1300' is not a number" in problems["t.xlsx, sheet 'making', cell D4"]
    assert "must not be negative" in problems["t.xlsx, sheet 'making', cell D5"]
    assert "unit" in problems["t.xlsx, sheet 'making', cell C6"]
    assert "data quality" in problems["t.xlsx, sheet 'finishing', cell E4"]
    assert "unknown region 'r9'" in problems["t.xlsx, sheet 'cover', cell C9"]
    assert "missing" in problems["t.xlsx, sheet 'site'"]


def test_problems_in_chinese(tiny_root, tmp_path):
    path = tiny_filled(tiny_root, tmp_path / "t.xlsx")
    _edit(path, "making", "D4", "一千")
    with pytest.raises(InputError) as caught:
        read_filled(path, tiny_root, "zh")
    message = str(caught.value)
    assert "工作表“making”，单元格 D4" in message
    assert "不是数字" in message and "个问题" in message


def test_value_outside_its_range_is_refused_unless_accepted(tiny_root, tmp_path):
    """Coal of 2,400,000 GJ (kJ typed for GJ) is 2,400 GJ per t, above 7.5."""
    values = {**TINY_YEAR, "making.purchase.coal": 2.4e6}
    path = tiny_filled(tiny_root, tmp_path / "t.xlsx", values)
    with pytest.raises(InputError, match="outside the plausible range 0 to 7.5"):
        read_filled(path, tiny_root)
    accepted = read_filled(path, tiny_root, accept_outside_range=True)
    assert len(accepted.outside_range) == 1


def test_missing_required_value_and_missing_row(tiny_root, tmp_path):
    path = tiny_filled(tiny_root, tmp_path / "t.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    kept = [
        line for line in lines if not line.startswith("making,making.purchase.steel")
    ]
    kept = [
        line.replace(",1000.0,", ",,") if "finishing.output.widget" in line else line
        for line in kept
    ]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_filled(path, tiny_root)
    text = str(caught.value)
    assert "the row 'making.purchase.steel' is missing" in text
    assert "no value for 'Widget produced'" in text or "no value for" in text


def test_unknown_product_in_the_cover(tiny_root, tmp_path):
    path = tiny_filled(tiny_root, tmp_path / "t.xlsx")
    _edit(path, "cover", "C6", "gadget")
    with pytest.raises(InputError, match="unknown product 'gadget'"):
        read_filled(path, tiny_root)


def test_not_a_workbook(tiny_root, tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(InputError, match="cannot be read as an Excel workbook"):
        read_filled(path, tiny_root)


def test_cli_template_certify_and_monitor(tmp_path: Path) -> None:
    template = tmp_path / "cement.xlsx"
    result = runner.invoke(
        app,
        [
            "--root",
            str(REPO),
            "template",
            "cement",
            "--lang",
            "zh",
            "--out",
            str(template),
        ],
    )
    assert result.exit_code == 0, result.output
    assert load_workbook(template)["clinker"]["A1"].value == "工序：熟料烧成"
    folder = REPO / "examples" / "filled"
    failing = runner.invoke(
        app,
        [
            "--root",
            str(REPO),
            "certify",
            str(folder / "cement_guangdong_2025.xlsx"),
            "--out",
            str(tmp_path / "report"),
        ],
    )
    assert failing.exit_code == 1, failing.output
    assert "FAIL" in failing.output
    assert sorted(p.name for p in (tmp_path / "report").iterdir()) == [
        "cement_guangdong_2025.html",
        "cement_guangdong_2025.xlsx",
    ]
    passing = runner.invoke(
        app,
        ["--root", str(REPO), "certify", str(folder / "cement_guangdong_2030.xlsx")],
    )
    assert passing.exit_code == 0, passing.output
    monitored = runner.invoke(
        app,
        [
            "--root",
            str(REPO),
            "monitor",
            str(folder / "cement_guangdong_2025.xlsx"),
            str(folder / "cement_guangdong_2030.xlsx"),
            "--scenario",
            str(REPO / "scenarios" / "cement_guangdong.yaml"),
            "--out",
            str(tmp_path / "monitor"),
        ],
    )
    assert monitored.exit_code == 0, monitored.output
    assert (tmp_path / "monitor" / "monitor_cement.html").is_file()


def test_cli_bad_template_exits_without_traceback(tiny_root, tmp_path) -> None:
    path = tiny_filled(tiny_root, tmp_path / "t.xlsx")
    _edit(path, "making", "D4", "x")
    result = runner.invoke(app, ["--root", str(tiny_root), "certify", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "cell D4" in result.output


def test_impossible_combinations_are_refused(tiny_root, tmp_path):
    """On-site generation above the stages' use (40,000 kWh made, 33,000 used), and
    a row the template does not have."""
    values = {**TINY_YEAR, "site.generated.electricity": 40000.0}
    path = tiny_filled(tiny_root, tmp_path / "t.xlsx", values)
    book = load_workbook(path)
    book["making"].append(["making.purchase.diesel", "Diesel", "t", 100])
    book.save(path)
    with pytest.raises(InputError) as caught:
        read_filled(path, tiny_root)
    text = str(caught.value)
    assert "40,000" in text and "more than the stages use (33,000)" in text
    assert "'making.purchase.diesel' is not a row of this template" in text


def test_measures_of_one_output_share_at_most_all_of_it(tmp_path):
    """Two kiln retrofits at 60 % each would make 120 % of the clinker."""
    path = tmp_path / "cement.xlsx"
    layout, entries = filled_from_scenario(
        REPO, REPO / "scenarios" / "cement_guangdong.yaml", 2025, FillFrom.BASELINE
    )
    values = {
        **entries.values,
        "options.share.kiln_nsp_hsgr": 0.6,
        "options.share.kiln_nsp_gas": 0.6,
    }
    write_workbook(layout, path, "en", Entries(entries.cover, values, entries.quality))
    with pytest.raises(InputError, match="together supply 1.2 of their output"):
        read_filled(path, REPO)


def test_a_grade_template_offers_only_its_own_recipes():
    keys = {d.key for d in load_layout(REPO, "cement", "po_42_5").data}
    assert "options.share.blend_po_low_clinker" in keys
    assert "options.share.blend_ps_a_low_clinker" not in keys


def test_a_csv_not_in_utf8_gets_told_so(tiny_root, tmp_path):
    path = tiny_filled(tiny_root, tmp_path / "t.csv", lang="zh")
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode("gbk"))
    with pytest.raises(InputError, match="not saved in UTF-8"):
        read_filled(path, tiny_root)


def test_a_footprint_under_the_threshold_with_gapped_data_is_not_certified(
    tiny_root, tmp_path
):
    """The lean-recipe share makes the intermediate gap 8.3 % (see above): the
    footprint meets a threshold of 2,200 kg/t, the data do not agree."""
    values = {**TINY_YEAR, "options.share.lean_finish": 0.2}
    path = tiny_filled(tiny_root, tmp_path / "t.xlsx", values)
    result = certify(tiny_root, read_filled(path, tiny_root), threshold_kg_per_fu=2200)
    assert result.passed is True
    assert len(result.gaps) == 1 and result.certified is False
    cli = runner.invoke(
        app,
        ["--root", str(tiny_root), "certify", str(path), "--threshold", "2200 kg/t"],
    )
    assert cli.exit_code == 1
    assert "NOT CERTIFIED" in cli.output


def test_monitoring_says_nothing_of_targets_beyond_the_plan(tmp_path):
    """The cement scenario runs 2025 to 2035: a 2040 template gets no target."""
    path = tmp_path / "later.xlsx"
    book = load_workbook(REPO / "examples" / "filled" / "cement_guangdong_2025.xlsx")
    cover = book["cover"]
    for row in cover.iter_rows(min_row=5):
        if row[0].value == "year":
            row[2].value = 2040
    book.save(path)
    result = monitor(
        REPO, [read_filled(path, REPO)], REPO / "scenarios" / "cement_guangdong.yaml"
    )
    assert pd.isna(result.years.loc[2040, "target_kg_per_fu"])
    assert result.measures["planned_share"].fillna(0).eq(0).all()
