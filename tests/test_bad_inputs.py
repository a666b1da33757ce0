"""Bad input gets one clear message, a non-zero exit and no traceback.

Each case copies the shipped project into a temporary folder, breaks one thing and
runs the command line in-process. The message must name the file, the row or field,
and say what to do; ``--debug`` is the only way to see a traceback.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mitigation.cli import app
from mitigation.exceptions import InputError, TargetUnreachableError

REPO = Path(__file__).resolve().parents[1]
SCENARIO = "scenarios/cement_guangdong.yaml"
SCENARIO_NAME = "cement_guangdong.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the shipped data, models and scenarios that a test may break."""
    for folder in ("data", "models", "scenarios"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in ``path``; fail loudly if the file has changed."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is no longer in {path}; update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run(root: Path, *args: str, debug: bool = False):
    flags = ["--root", str(root), *(["--debug"] if debug else [])]
    return CliRunner().invoke(app, [*flags, *args])


def solve(root: Path, *args: str, debug: bool = False):
    return run(root, "solve", str(root / SCENARIO), *args, debug=debug)


def assert_reported(result, *fragments: str) -> None:
    """A non-zero exit, every fragment in the output and no traceback."""
    output = result.output  # stdout and stderr together
    assert result.exit_code != 0, output
    assert "Traceback" not in output, output
    # An exception that escapes the command would show a traceback in a terminal.
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    missing = [fragment for fragment in fragments if fragment not in output]
    assert not missing, f"{missing} not in:\n{output}"


QUOTE = "quote"
PRODUCTION_LINE = 'production: "1.94 Mt/yr"'
NAME_LINE = "name: Guangdong cement line, 5,000 t clinker a day, 2025-2035"
OXIDATION_ROW = "coal_anthracite,cn_default,oxidation_rate,"  # row 4 of fuels.csv

# (id, [(file, old text, new text)], expected fragments)
SOLVE_CASES = [
    (
        "yaml_bad_indentation",
        [(SCENARIO, "  2028: 590", " 2028: 590")],
        [SCENARIO_NAME, "line ", "indentation"],
    ),
    (
        "yaml_tab",
        [(SCENARIO, "  2028: 590", "\t2028: 590")],
        [SCENARIO_NAME, "line ", "tab"],
    ),
    (
        "csv_extra_cell",
        [
            (
                "data/fuels.csv",
                "oxidation_rate,0.94,dimensionless,",
                "oxidation_rate,0.94,0.95,dimensionless,",
            )
        ],
        ["fuels.csv", "row 4", "more cells than the header", QUOTE],
    ),
    (
        "csv_unknown_unit",
        [("data/materials.csv", "15.947,,,kg/kg,", "15.947,,,kg/kgg,")],
        ["materials.csv", "row 2", "field 'unit'", "'kg/kgg'", "for example"],
    ),
    (
        "csv_rich_markup_in_unit",
        [("data/materials.csv", "15.947,,,kg/kg,", "15.947,,,kg/[/t],")],
        ["materials.csv", "row 2", "field 'unit'", "'kg/[/t]'", "for example"],
    ),
    (
        "csv_nan",
        [("data/grid_factors.csv", "national,2021,0.5568,", "national,2021,nan,")],
        ["grid_factors.csv", "row 2", "field 'value'", "NaN", "write"],
    ),
    (
        "csv_row_number_counts_blank_lines",
        [
            ("data/grid_factors.csv", "read_in,note\n", "read_in,note\n\n"),
            ("data/grid_factors.csv", "national,2021,0.5568,", "national,2021,nan,"),
        ],
        ["grid_factors.csv", "row 3", "field 'value'", "NaN"],
    ),
    (
        "csv_not_a_number",
        [("data/grid_factors.csv", "national,2021,0.5568,", "national,2021,0.55a,")],
        ["grid_factors.csv", "row 2", "field 'value'", "number"],
    ),
    (
        "csv_missing_source",
        [
            (
                "data/gwp.csv",
                "CO2,AR4,1,IPCC definition of GWP (CO2 is the reference gas),",
                "CO2,AR4,1,,",
            )
        ],
        ["gwp.csv", "row 2", "field 'source'", "missing", "'none'"],
    ),
    (
        "csv_unknown_read_in",
        [("data/gwp.csv", "definition of GWP,derived,", "definition of GWP,derivd,")],
        ["gwp.csv", "row 2", "field 'read_in'", "'derivd'", "primary"],
    ),
    (
        "csv_negative_capex",
        [
            (
                "data/options/cement.csv",
                "raw_mill_vrm,capex,,21.6,",
                "raw_mill_vrm,capex,,-21.6,",
            )
        ],
        ["cement.csv", "row 2", "field 'value'", "capex", "negative"],
    ),
    (
        "csv_zero_lifetime",
        [
            (
                "data/options/cement.csv",
                "raw_mill_vrm,lifetime,,20,",
                "raw_mill_vrm,lifetime,,0,",
            )
        ],
        ["cement.csv", "row 3", "field 'value'", "lifetime", "positive"],
    ),
    (
        "csv_unknown_option_parameter",
        [("data/options/cement.csv", "raw_mill_vrm,lifetime,", "raw_mill_vrm,life,")],
        ["cement.csv", "row 3", "field 'parameter'", "'life'", "lifetime"],
    ),
    (
        "csv_unknown_option",
        [("data/options/cement.csv", "raw_mill_vrm,capex,", "raw_mill_vrx,capex,")],
        ["cement.csv", "row 2", "'raw_mill_vrx'", "baseline: false"],
    ),
    (
        "csv_option_unit_of_the_wrong_kind",
        [("data/options/cement.csv", ",21.6,,,CNY/(t/yr),", ",21.6,,,CNY/(kWh/yr),")],
        [
            "cement.csv, row 2, field 'unit'",
            "raw_mill_vrm",
            "capex",
            "cannot be expressed",
            "check the unit",
        ],
    ),
    (
        "model_unknown_unit",
        [("models/cement.yaml", 'coal: "109 kgce"', 'coal: "109 kgcx"')],
        ["cement.yaml", "kiln_nsp", "coal", "'109 kgcx'", "for example"],
    ),
    (
        "model_yaml_boolean_amount",
        [("models/cement.yaml", "electricity: 30.86}", "electricity: yes}")],
        ["cement.yaml", "processes.kiln_nsp.inputs.electricity", QUOTE],
    ),
    (
        "model_unknown_emission_factor",
        [("models/cement.yaml", "{clinker_calcination:", "{clinker_calcinaton:")],
        [
            "cement.yaml",
            "field 'processes.kiln_nsp.emissions.clinker_calcinaton'",
            "process_emissions.csv",
        ],
    ),
    (
        "model_unknown_fuel",
        [("models/cement.yaml", "fuel: coal_bituminous", "fuel: coal_bitumen")],
        [
            "cement.yaml",
            "field 'commodities.coal.purchased.fuel'",
            "coal_bitumen",
            "fuels.csv",
        ],
    ),
    (
        "model_unknown_price",
        [("models/cement.yaml", "price: natural_gas}", "price: natgas}")],
        [
            "cement.yaml",
            "field 'commodities.natural_gas.purchased.price'",
            "'natgas'",
            "prices.csv",
        ],
    ),
    (
        "model_unknown_commodity",
        [
            (
                "models/cement.yaml",
                "inputs: {raw_meal: 1.507, coal",
                "inputs: {raw_mael: 1.507, coal",
            )
        ],
        ["cement.yaml", "kiln_nsp", "'raw_mael'", "commodities"],
    ),
    (
        "csv_fewer_cells",
        [
            (
                "data/gwp.csv",
                "CO2,AR4,1,IPCC definition of GWP (CO2 is the reference gas),definition of GWP,derived,",
                "CO2,AR4,1,",
            )
        ],
        ["gwp.csv", "row 2", "fewer cells than the header", "comma"],
    ),
    (
        "csv_unknown_column",
        [("data/gwp.csv", "read_in,note\n", "read_in,notes\n")],
        ["gwp.csv", "row 1", "unknown column(s) 'notes'", "spelling"],
    ),
    (
        "csv_missing_column",
        [("data/gwp.csv", "gas,gwp_set,value,source,", "gas,gwp_set,amount,source,")],
        ["gwp.csv", "row 1", "missing column(s) value", "header"],
    ),
    (
        "csv_low_above_value",
        [("data/materials.csv", "0.845,0.32,0.845,", "0.845,0.9,0.845,")],
        ["materials.csv", "row 5", "field 'low'", "above the value", "range"],
    ),
    (
        "csv_negative_calorific_value",
        [
            (
                "data/fuels.csv",
                "coal_bituminous,cn_default,ncv,23.204,",
                "coal_bituminous,cn_default,ncv,-23.204,",
            )
        ],
        ["fuels.csv", "row 5", "field 'value'", "negative", "published"],
    ),
    (
        "model_negative_amount",
        [("models/cement.yaml", "electricity: 30.86}", "electricity: -30.86}")],
        [
            "cement.yaml",
            "field 'processes.kiln_nsp.inputs.electricity'",
            "negative",
            "outputs",
        ],
    ),
    (
        "model_amount_of_the_wrong_kind",
        [("models/cement.yaml", 'coal: "109 kgce"', 'coal: "109 kg"')],
        [
            "cement.yaml",
            "field 'processes.kiln_nsp.inputs.coal'",
            "'109 kg'",
            "GJ",
            "same kind",
        ],
    ),
    (
        "model_unknown_commodity_unit",
        [
            (
                "models/cement.yaml",
                "    unit: kWh\n    label: Electricity",
                "    unit: kWhh\n    label: Electricity",
            )
        ],
        [
            "cement.yaml",
            "field 'commodities.electricity.unit'",
            "'kWhh'",
            "for example",
        ],
    ),
    (
        "scenario_unknown_product",
        [(SCENARIO, "product: cement", "product: concrete")],
        [SCENARIO_NAME, "field 'product'", "'concrete'", "products with a model: "],
    ),
    (
        "scenario_unknown_region",
        [(SCENARIO, "region: guangdong", "region: tibet")],
        [SCENARIO_NAME, "field 'region'", "'tibet'", "regions.csv", "guangdong"],
    ),
    (
        "scenario_unknown_grade",
        [(SCENARIO, "grade: po_42_5", "grade: po_52_5")],
        [SCENARIO_NAME, "field 'grade'", "'po_52_5'", "po_42_5"],
    ),
    (
        "scenario_unknown_gwp_set",
        [(SCENARIO, "gwp_set: AR5", "gwp_set: AR7")],
        [SCENARIO_NAME, "field 'gwp_set'", "'AR7'", "AR6"],
    ),
    (
        "scenario_unknown_fuel_dataset",
        [(SCENARIO, "fuel_dataset: cn_default", "fuel_dataset: cn")],
        [SCENARIO_NAME, "field 'fuel_dataset'", "'cn'", "ipcc2006"],
    ),
    (
        "scenario_unknown_grid_basis",
        [(SCENARIO, "grid_basis: latest", "grid_basis: newest")],
        [SCENARIO_NAME, "field 'grid_basis'", "regional_2012"],
    ),
    (
        "scenario_unknown_field",
        [(SCENARIO, "gwp_set: AR5", "gwp_set: AR5\ndiscount: 0.1")],
        [SCENARIO_NAME, "field 'discount'", "spelling"],
    ),
    (
        "scenario_unknown_excluded_option",
        [(SCENARIO, "gwp_set: AR5", "gwp_set: AR5\nexcluded_options: [kiln_oxyfuel]")],
        [
            SCENARIO_NAME,
            "field 'excluded_options'",
            "kiln_oxyfuel",
            "options of cement",
        ],
    ),
    (
        "scenario_unknown_price_override",
        [
            (
                SCENARIO,
                "gwp_set: AR5",
                'gwp_set: AR5\nprice_overrides: {diesel: "8 CNY/kg"}',
            )
        ],
        [SCENARIO_NAME, "field 'price_overrides.diesel'", "electricity"],
    ),
    (
        "scenario_price_override_wrong_unit",
        [
            (
                SCENARIO,
                "gwp_set: AR5",
                'gwp_set: AR5\nprice_overrides: {electricity: "0.6 CNY/t"}',
            )
        ],
        [SCENARIO_NAME, "field 'price_overrides.electricity'", "CNY/kWh"],
    ),
    (
        "scenario_negative_production",
        [(SCENARIO, PRODUCTION_LINE, 'production: "-1.94 Mt/yr"')],
        [SCENARIO_NAME, "field 'production'", "positive", "Mt/yr"],
    ),
    (
        "scenario_production_without_unit",
        [(SCENARIO, PRODUCTION_LINE, "production: 1940000")],
        [SCENARIO_NAME, "field 'production'", "Mt/yr"],
    ),
    (
        "scenario_production_wrong_unit",
        [(SCENARIO, PRODUCTION_LINE, 'production: "1.94 Mt"')],
        [SCENARIO_NAME, "field 'production'", "Mt", "/yr"],
    ),
    (
        "scenario_production_missing_a_year",
        [(SCENARIO, PRODUCTION_LINE, 'production: {2025: "1.94 Mt/yr"}')],
        [SCENARIO_NAME, "field 'production'", "2026", "every year"],
    ),
    (
        "scenario_negative_discount_rate",
        [(SCENARIO, "discount_rate: 0.08", "discount_rate: -0.08")],
        [SCENARIO_NAME, "field 'discount_rate'", "0.08"],
    ),
    (
        "scenario_nan_discount_rate",
        [(SCENARIO, "discount_rate: 0.08", "discount_rate: .nan")],
        [SCENARIO_NAME, "field 'discount_rate'", "0.08"],
    ),
    (
        "scenario_missing_region",
        [(SCENARIO, "region: guangdong\n", "")],
        [SCENARIO_NAME, "field 'region'", "missing", "regions.csv"],
    ),
    (
        "scenario_nan_target",
        [(SCENARIO, "2028: 590", "2028: .nan")],
        [SCENARIO_NAME, "field 'targets.2028'", "number"],
    ),
    (
        "scenario_negative_target",
        [(SCENARIO, "2028: 590", "2028: -590")],
        [SCENARIO_NAME, "field 'targets.2028'", "non-negative"],
    ),
    (
        "scenario_target_as_text",
        [(SCENARIO, "2028: 590", '2028: "590 kg/t"')],
        [SCENARIO_NAME, "field 'targets.2028'", "targets.unit"],
    ),
    (
        "scenario_target_year_outside_horizon",
        [(SCENARIO, "2035: 540", "2040: 540")],
        [SCENARIO_NAME, "field 'targets.2040'", "2025-2035", "extend 'years'"],
    ),
    (
        "scenario_target_unknown_unit",
        [(SCENARIO, "unit: kg/t", "unit: kgg/t")],
        [SCENARIO_NAME, "field 'targets.unit'", "'kgg/t'", "kg/t"],
    ),
    (
        "scenario_target_unit_of_the_wrong_kind",
        [(SCENARIO, "unit: kg/t", "unit: kg/kWh")],
        [SCENARIO_NAME, "field 'targets.unit'", "'kg/kWh'", "kg/t"],
    ),
    (
        "scenario_targets_not_a_mapping",
        [
            (
                SCENARIO,
                "targets:\n  unit: kg/t\n",
                "targets: 640\nold_targets:\n  unit: kg/t\n",
            )
        ],
        [SCENARIO_NAME, "field 'targets'", "'key: value'", "unit: kg/t"],
    ),
    (
        "scenario_years_not_a_list",
        [(SCENARIO, "years: [2025, 2026,", "years: 2025\nold_years: [2026,")],
        [SCENARIO_NAME, "field 'years'", "a list", "[2025, 2030, 2035]"],
    ),
    (
        "scenario_years_not_increasing",
        [(SCENARIO, "2026, 2027", "2027, 2026")],
        [SCENARIO_NAME, "field 'years'", "increase"],
    ),
    (
        "yaml_boolean_region",
        [(SCENARIO, "region: guangdong", "region: no")],
        [SCENARIO_NAME, "field 'region'", QUOTE],
    ),
    (
        "yaml_boolean_grade",
        [(SCENARIO, "grade: po_42_5", "grade: on")],
        [SCENARIO_NAME, "field 'grade'", QUOTE],
    ),
    (
        "yaml_boolean_discount_rate",
        [(SCENARIO, "discount_rate: 0.08", "discount_rate: yes")],
        [SCENARIO_NAME, "field 'discount_rate'", QUOTE],
    ),
    (
        "yaml_boolean_excluded_option",
        [(SCENARIO, "gwp_set: AR5", "gwp_set: AR5\nexcluded_options: [off]")],
        [SCENARIO_NAME, "field 'excluded_options.0'", QUOTE],
    ),
    (
        "yaml_number_name",
        [(SCENARIO, NAME_LINE, "name: 2025")],
        [SCENARIO_NAME, "field 'name'", QUOTE],
    ),
    (
        "yaml_date_name",
        [(SCENARIO, NAME_LINE, "name: 2025-01-01")],
        [SCENARIO_NAME, "field 'name'", QUOTE],
    ),
    (
        "yaml_duplicate_target_year",
        [(SCENARIO, "2028: 590", "2028: 590\n  2028: 580")],
        [SCENARIO_NAME, "line ", "2028", "once"],
    ),
    (
        "csv_oxidation_rate_above_one",
        [("data/fuels.csv", OXIDATION_ROW + "0.94,", OXIDATION_ROW + "1.2,")],
        ["fuels.csv", "row 4", "field 'value'", "oxidation_rate", "between 0 and 1"],
    ),
    (
        "csv_oxidation_rate_negative",
        [("data/fuels.csv", OXIDATION_ROW + "0.94,", OXIDATION_ROW + "-0.1,")],
        ["fuels.csv", "row 4", "field 'value'", "must not be negative"],
    ),
    (
        "csv_oxidation_rate_above_hundred_percent",
        [
            (
                "data/fuels.csv",
                OXIDATION_ROW + "0.94,dimensionless,",
                OXIDATION_ROW + "104,percent,",
            )
        ],
        ["fuels.csv", "row 4", "field 'value'", "104 percent", "between 0 and 1"],
    ),
    (
        "csv_max_share_range_above_one",
        [
            (
                "data/options/cement.csv",
                "raw_mill_vrm,max_share,,1,,,",
                "raw_mill_vrm,max_share,,1,0.5,1.5,",
            )
        ],
        ["cement.csv", "row 4", "field 'high'", "max_share", "between 0 and 1"],
    ),
    (
        "csv_duplicate_fuel_row",
        [
            (
                "data/fuels.csv",
                "\n" + OXIDATION_ROW,
                "\n"
                + OXIDATION_ROW
                + "0.95,dimensionless,test,,secondary,\n"
                + OXIDATION_ROW,
            )
        ],
        [
            "fuels.csv, row 5",
            "repeats row 4",
            "fuel 'coal_anthracite', dataset 'cn_default', parameter 'oxidation_rate'",
            "keep one",
        ],
    ),
    (
        "csv_duplicate_option_row",
        [
            (
                "data/options/cement.csv",
                "\nraw_mill_vrm,lifetime,",
                "\nraw_mill_vrm,lifetime,,25,,,yr,none,,illustrative,test"
                "\nraw_mill_vrm,lifetime,",
            )
        ],
        [
            "cement.csv, row 4",
            "repeats row 3",
            "option 'raw_mill_vrm', parameter 'lifetime', region empty",
            "keep one",
        ],
    ),
    (
        "csv_duplicate_regional_option_row",
        [
            (
                "data/options/cement.csv",
                "\nrooftop_pv,operating_hours,guangdong,",
                "\nrooftop_pv,operating_hours,guangdong,1200,,,h/yr,test,,secondary,"
                "\nrooftop_pv,operating_hours,guangdong,",
            )
        ],
        ["cement.csv, row 22", "repeats row 21", "region 'guangdong'"],
    ),
    (
        "csv_duplicate_price_in_another_unit_of_the_same_kind",
        [
            (
                "data/prices.csv",
                "\nelectricity,national,2024,0.6335,",
                "\nelectricity,national,2024,633.5,,,CNY/MWh,test,,derived,"
                "\nelectricity,national,2024,0.6335,",
            )
        ],
        ["prices.csv, row 5", "repeats row 4", "same kind", "keep one"],
    ),
    (
        "scenario_production_with_spaces_in_the_number",
        [(SCENARIO, PRODUCTION_LINE, 'production: "1 940 000 t/yr"')],
        [SCENARIO_NAME, "field 'production'", "1940000", "1.94e6"],
    ),
    (
        "scenario_production_with_thousands_separators",
        [(SCENARIO, PRODUCTION_LINE, 'production: "1,940,000 t/yr"')],
        [SCENARIO_NAME, "field 'production'", "1940000", "1.94e6"],
    ),
    (
        "scenario_production_without_a_number",
        [(SCENARIO, PRODUCTION_LINE, 'production: "Mt/yr"')],
        [SCENARIO_NAME, "field 'production'", "does not start with a number", "t/yr"],
    ),
    (
        "scenario_production_absurdly_large",
        [(SCENARIO, PRODUCTION_LINE, 'production: "1e15 t/yr"')],
        [SCENARIO_NAME, "field 'production'", "1e+15 functional units", "exponent"],
    ),
    (
        "scenario_production_beyond_the_solver_infinity",
        [(SCENARIO, PRODUCTION_LINE, 'production: "1e20 t/yr"')],
        [SCENARIO_NAME, "field 'production'", "1e+20 functional units", "exponent"],
    ),
]


@pytest.mark.parametrize(
    ("edits", "expected"),
    [pytest.param(edits, expected, id=name) for name, edits, expected in SOLVE_CASES],
)
def test_solve_reports_bad_input(project: Path, edits, expected) -> None:
    for file, old, new in edits:
        edit(project / file, old, new)
    assert_reported(solve(project), *expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ["cement", "--region", "tibet"],
            ["--region", "'tibet'", "regions.csv", "guangdong"],
            id="unknown_region",
        ),
        pytest.param(
            ["concrete", "--region", "guangdong"],
            ["concrete", "models", "products with a model: "],
            id="unknown_product",
        ),
        pytest.param(
            ["cement", "--region", "guangdong", "--grade", "po_52_5"],
            ["--grade", "'po_52_5'", "po_42_5"],
            id="unknown_grade",
        ),
        pytest.param(
            ["cement", "--region", "guangdong", "--gwp-set", "AR7"],
            ["--gwp-set", "'AR7'", "gwp.csv", "AR6"],
            id="unknown_gwp_set",
        ),
        pytest.param(
            ["cement", "--region", "guangdong", "--fuel-dataset", "cn"],
            ["--fuel-dataset", "'cn'", "fuels.csv", "ipcc2006"],
            id="unknown_fuel_dataset",
        ),
        pytest.param(
            ["cement", "--region", "guangdong", "--grid-basis", "newest"],
            ["--grid-basis", "'newest'", "regional_2012"],
            id="unknown_grid_basis",
        ),
        pytest.param(
            ["cement", "--region", "national", "--grid-basis", "regional_2012"],
            ["--grid-basis", "no regional_2012 grid factor", "grid_factors.csv"],
            id="grid_basis_without_factor",
        ),
    ],
)
def test_footprint_reports_bad_option(project: Path, args, expected) -> None:
    assert_reported(run(project, "footprint", *args), *expected)


def test_footprint_reports_bad_data(project: Path) -> None:
    edit(project / "data/regions.csv", "guangdong,Guangdong,", "guangdong,,")
    result = run(project, "footprint", "cement", "--region", "guangdong")
    assert_reported(result, "regions.csv", "row 4", "field 'label'", "missing")


def test_scenario_that_is_not_a_mapping(project: Path) -> None:
    (project / SCENARIO).write_text("- cement\n- guangdong\n", encoding="utf-8")
    assert_reported(solve(project), SCENARIO_NAME, "mapping", "'field: value'")


def test_footprint_reports_bad_model(project: Path) -> None:
    edit(project / "models/cement.yaml", 'coal: "109 kgce"', 'coal: "109 kgcx"')
    result = run(project, "footprint", "cement", "--region", "guangdong")
    assert_reported(result, "cement.yaml", "processes.kiln_nsp.inputs.coal", "109 kgcx")


def test_csv_saved_with_a_byte_order_mark_is_read(project: Path) -> None:
    """Spreadsheet programs may save "CSV UTF-8" with a byte order mark."""
    table = project / "data/options/cement.csv"
    table.write_bytes(b"\xef\xbb\xbf" + table.read_bytes())
    result = solve(project)
    assert result.exit_code == 0, result.output


def test_missing_scenario_file(project: Path) -> None:
    result = run(project, "solve", str(project / "scenarios" / "nope.yaml"))
    assert_reported(result, "nope.yaml", "not found", "check the path")


def test_every_problem_of_a_file_at_once(project: Path) -> None:
    edit(project / SCENARIO, "region: guangdong", "region: no")
    edit(project / SCENARIO, "discount_rate: 0.08", "discount_rate: -0.08")
    result = solve(project)
    assert_reported(result, "2 problems", "field 'region'", "field 'discount_rate'")


def test_debug_shows_the_traceback(project: Path) -> None:
    edit(project / SCENARIO, "region: guangdong", "region: tibet")
    result = solve(project, debug=True)
    assert result.exit_code != 0
    assert isinstance(result.exception, InputError)
    assert result.exc_info is not None


def test_unreachable_target(project: Path) -> None:
    edit(project / SCENARIO, "2025: 640", "2025: 100")
    result = solve(project)
    assert_reported(
        result,
        SCENARIO_NAME,
        "2025",
        "target 100.0 kg CO2e",
        "lowest reachable",
        "Relax",
    )
    lowest = re.search(
        r"2025: target .*lowest reachable .* ([\d,]+\.\d) kg", result.output
    )
    assert lowest is not None, result.output
    assert float(lowest.group(1).replace(",", "")) > 100.0


def test_unreachable_target_raises_with_debug(project: Path) -> None:
    edit(project / SCENARIO, "2025: 640", "2025: 100")
    result = solve(project, debug=True)
    assert isinstance(result.exception, TargetUnreachableError)
    assert [year for year, _, _ in result.exception.shortfalls][0] == 2025


def _saved(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.fixture
def saved_output(project: Path) -> Path:
    """An --out folder that already holds results of an earlier run."""
    out = project / "out"
    out.mkdir()
    (out / "cement_guangdong_periods.csv").write_text("year\n2025\n", encoding="utf-8")
    (out / "cement_guangdong.xlsx").write_bytes(b"an earlier workbook")
    return out


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("2025: 640", "2025: 100", id="unreachable_target"),
        pytest.param("region: guangdong", "region: tibet", id="bad_input"),
    ],
)
def test_failed_solve_keeps_saved_output(
    project: Path, saved_output: Path, old: str, new: str
) -> None:
    before = _saved(saved_output)
    edit(project / SCENARIO, old, new)
    result = solve(project, "--out", str(saved_output))
    assert_reported(result, SCENARIO_NAME)
    assert _saved(saved_output) == before


def test_successful_solve_replaces_saved_output_whole(
    project: Path, saved_output: Path
) -> None:
    result = solve(project, "--out", str(saved_output))
    assert result.exit_code == 0, result.output
    periods = saved_output / "cement_guangdong_periods.csv"
    assert periods.read_text(encoding="utf-8").startswith("year,")
    assert not [p.name for p in saved_output.iterdir() if p.name.endswith(".tmp")]


def test_bad_second_scenario_is_found_before_anything_is_written(
    project: Path, saved_output: Path
) -> None:
    before = _saved(saved_output)
    broken = project / "scenarios" / "broken.yaml"
    shutil.copy(project / SCENARIO, broken)
    edit(broken, "region: guangdong", "region: tibet")
    result = run(
        project,
        "solve",
        str(project / SCENARIO),
        str(broken),
        "--out",
        str(saved_output),
    )
    assert_reported(result, "broken.yaml", "field 'region'")
    assert _saved(saved_output) == before


def test_out_that_is_a_file(project: Path) -> None:
    target = project / "results.csv"
    target.write_text("keep me", encoding="utf-8")
    result = solve(project, "--out", str(target))
    assert_reported(result, "results.csv", "--out", "folder")
    assert target.read_text(encoding="utf-8") == "keep me"


def test_out_that_cannot_be_created(project: Path) -> None:
    blocker = project / "results.csv"
    blocker.write_text("keep me", encoding="utf-8")
    result = solve(project, "--out", str(blocker / "run1"))
    assert_reported(result, "--out", "results.csv is a file", "folder")
    assert "Intensity" not in result.output  # found before solving
    assert blocker.read_text(encoding="utf-8") == "keep me"


def test_results_that_cannot_be_written(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("mitigation.cli.export_pathway", refuse)
    result = solve(project, "--out", str(project / "out"))
    assert_reported(result, "--out", "cannot write the results", "Permission denied")


def test_missing_project_folder(tmp_path: Path) -> None:
    result = run(tmp_path, "footprint", "cement", "--region", "guangdong")
    assert_reported(result, str(tmp_path), "data/", "--root")


def test_target_inside_a_multi_year_period_is_refused(project: Path) -> None:
    """A target that starts inside a five-year period would be moved or dropped."""
    scenario = project / "scenarios" / "cement_guangdong.yaml"
    text = scenario.read_text(encoding="utf-8")
    text = text.replace(
        "years: [2025, 2026, 2027, 2028, 2029, 2030, 2031, 2032, 2033, 2034, 2035]",
        "years: [2025, 2030, 2035]",
    ).replace("last_period_years: 1", "last_period_years: 5")
    scenario.write_text(text, encoding="utf-8")
    result = run(project, "solve", str(scenario))
    assert result.exit_code == 1
    assert "target year 2028 falls inside the period 2025-2029" in result.output
    assert "Traceback" not in result.output


def test_option_figure_missing_for_the_region_is_refused(project: Path) -> None:
    """Rooftop PV hours are given per region; a region without them must not run
    PV around the clock."""
    regions = project / "data" / "regions.csv"
    regions.write_text(
        regions.read_text(encoding="utf-8")
        + "sichuan,Sichuan,四川,sichuan,central_china,central_west,test,,secondary,\n",
        encoding="utf-8",
    )
    scenario = project / "scenarios" / "cement_guangdong.yaml"
    scenario.write_text(
        scenario.read_text(encoding="utf-8").replace(
            "region: guangdong", "region: sichuan"
        ),
        encoding="utf-8",
    )
    result = run(project, "solve", str(scenario))
    assert result.exit_code == 1
    assert (
        "operating_hours is given for chongqing, guangdong, national but not for "
        in (result.output)
    )


def test_option_row_for_an_unknown_region_is_refused(project: Path) -> None:
    options = project / "data" / "options" / "cement.csv"
    options.write_text(
        options.read_text(encoding="utf-8").replace(
            "rooftop_pv,operating_hours,guangdong,",
            "rooftop_pv,operating_hours,guangzhou,",
        ),
        encoding="utf-8",
    )
    result = run(project, "solve", str(project / "scenarios" / "cement_guangdong.yaml"))
    assert result.exit_code == 1
    assert "field 'region': unknown region 'guangzhou'" in result.output


def test_oxidation_rate_in_percent_is_read_as_a_fraction(project: Path) -> None:
    """94 percent is the same oxidation rate as 0.94: the solve gives the same cost."""
    before = solve(project, "--format", "json")
    edit(
        project / "data/fuels.csv",
        "coal_bituminous,cn_default,oxidation_rate,0.93,dimensionless,",
        "coal_bituminous,cn_default,oxidation_rate,93,percent,",
    )
    after = solve(project, "--format", "json")
    assert before.exit_code == 0, before.output
    assert after.exit_code == 0, after.output
    [fraction], [percent] = json.loads(before.output), json.loads(after.output)
    for key in ("baseline_kg_per_fu", "discounted_cost_mcny"):
        assert percent[key] == pytest.approx(fraction[key], rel=1e-12), key
