"""Shared fixtures: the shipped project, and a tiny project whose answers are known.

The tiny project has round-number factors so that footprints and optima can be
computed by hand in the tests' docstrings.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

PROVENANCE = "source,locator,read_in,note"
TINY_DATA = {
    "fuels.csv": f"""\
        fuel,dataset,parameter,value,unit,{PROVENANCE}
        coal,cn_default,ncv,20,GJ/t,test,,illustrative,
        coal,cn_default,carbon_content,25,t/TJ,test,,illustrative,
        coal,cn_default,oxidation_rate,0.96,dimensionless,test,,illustrative,
        """,
    "grid_factors.csv": f"""\
        grid,year,value,unit,{PROVENANCE}
        g1,2022,0.5,kg/kWh,test,,illustrative,
        """,
    "regions.csv": f"""\
        region,label,label_zh,province_grid,regional_grid_2012,reward_zone,{PROVENANCE}
        r1,Region one,,g1,,,test,,illustrative,
        """,
    "process_emissions.csv": f"""\
        factor,gas,value,low,high,unit,{PROVENANCE}
        calcination,CO2,0.5,,,t/t,test,,illustrative,
        """,
    "gwp.csv": f"""\
        gas,gwp_set,value,{PROVENANCE}
        CO2,AR5,1,test,,illustrative,
        """,
    "materials.csv": f"""\
        material,value,low,high,unit,region,year,boundary,{PROVENANCE}
        steel,2,,,kg/kg,,,cradle-to-gate,test,,illustrative,
        """,
    "prices.csv": f"""\
        commodity,region,year,value,low,high,unit,{PROVENANCE}
        electricity,national,2024,0.6,,,CNY/kWh,test,,illustrative,
        coal,national,2024,20,,,CNY/GJ,test,,illustrative,
        """,
    "quotas.csv": f"""\
        standard,indicator,plant_class,level,value,unit,{PROVENANCE}
        none,none,,1,1,kgce/t,test,,illustrative,
        """,
    "policy_levels.csv": f"""\
        instrument,parameter,region,year,value,unit,{PROVENANCE}
        none,none,,,1,CNY/tce,test,,illustrative,
        """,
}

TINY_MODEL = """\
    product: widget
    label: Widget
    functional_unit: {amount: 1, unit: t}
    grades:
      standard: {commodity: widget, label: Standard widget}
    default_grade: standard
    stages: {making: Making, finishing: Finishing}
    commodities:
      widget: {unit: t}
      intermediate: {unit: t}
      electricity: {unit: kWh, purchased: {grid: true, price: electricity}}
      coal: {unit: GJ, purchased: {fuel: coal, price: coal}}
      steel: {unit: t, purchased: {material: steel}}
    processes:
      make:
        stage: making
        baseline: true
        outputs: {intermediate: 1}
        inputs: {coal: 2, steel: 0.5, electricity: 10}
        emissions: {calcination: "1 t"}
      efficient_make:
        stage: making
        baseline: false
        outputs: {intermediate: 1}
        inputs: {coal: 1, steel: 0.5, electricity: 10}
        emissions: {calcination: "1 t"}
      finish:
        stage: finishing
        baseline: true
        outputs: {widget: 1}
        inputs: {intermediate: 1.25, electricity: 20}
      lean_finish:
        stage: finishing
        baseline: false
        outputs: {widget: 1}
        inputs: {intermediate: 1.0, electricity: 20}
      solar:
        stage: finishing
        baseline: false
        outputs: {electricity: 1}
    """

TINY_OPTIONS = f"""\
    option,parameter,region,value,low,high,unit,{PROVENANCE}
    efficient_make,capex,,50,,,CNY/(t/yr),test,,illustrative,
    efficient_make,lifetime,,1,,,yr,test,,illustrative,
    lean_finish,variable_om,,10,,,CNY/t,test,,illustrative,
    solar,capex,,10,,,CNY/(kWh/yr),test,,illustrative,
    solar,lifetime,,1,,,yr,test,,illustrative,
    """


def write_tiny_project(
    root: Path, model: str = TINY_MODEL, options: str = TINY_OPTIONS
) -> Path:
    """Write the tiny project into ``root`` and return it."""
    (root / "data" / "options").mkdir(parents=True, exist_ok=True)
    (root / "models").mkdir(exist_ok=True)
    for name, text in TINY_DATA.items():
        (root / "data" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "models" / "widget.yaml").write_text(
        textwrap.dedent(model), encoding="utf-8"
    )
    (root / "data" / "options" / "widget.csv").write_text(
        textwrap.dedent(options), encoding="utf-8"
    )
    return root


@pytest.fixture
def tiny_root(tmp_path: Path) -> Path:
    return write_tiny_project(tmp_path)
