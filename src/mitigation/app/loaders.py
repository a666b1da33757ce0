"""Cached, pure loaders: every call with the same arguments gives the same answer.

They call the same library functions as the command line; nothing here computes
what the library does not.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from mitigation.inputs.data import FactorData
from mitigation.inputs.model_file import ModelFile, load_model_file
from mitigation.inputs.project import find_root
from mitigation.inputs.scenario import Scenario, load_scenario
from mitigation.optimise.pathway import solve_pathway
from mitigation.policy.compare import prepare_with_policy
from mitigation.process.footprint import footprint
from mitigation.process.network import Setting, load_network
from mitigation.process.substitution import TCE_GJ

# Quota standards of data/quotas.csv that apply to each product.
QUOTA_STANDARDS = {
    "cement": ("GB 16780-2021", "GB 16780-2012", "NDRC benchmark/baseline 2021"),
    "aluminium_profile": ("GB 21351-2023", "GB 21346-2022"),
}


@st.cache_resource
def root() -> Path:
    """The project the app reads: the working folder's, else the installed clone."""
    return find_root()


@st.cache_resource
def products() -> dict[str, ModelFile]:
    models = sorted((root() / "models").glob("*.yaml"))
    return {path.stem: load_model_file(path) for path in models}


@st.cache_resource
def factors() -> FactorData:
    return FactorData(root() / "data")


@st.cache_data
def baseline_footprint(
    product: str, grade: str, region: str, plant_type: str | None, grid_basis: str
) -> dict:
    """The plant as it is: footprint by stage and scope, and energy bought, per FU."""
    setting = Setting(region, grid_basis, "cn_default", "AR5", plant_type=plant_type)
    network = load_network(root(), product, setting, grade)
    activity = network.baseline_activity()
    fp = footprint(network, activity)
    energy_gj = sum(
        level * network.processes[name].energy_gj for name, level in activity.items()
    )
    table = fp.by_stage_scope.copy()
    table.columns = [int(c) for c in table.columns]
    return {
        "by_stage_scope": table,
        "total_kg": fp.total_kg,
        "energy_kgce": energy_gj / TCE_GJ * 1000.0,
        "functional_unit": network.functional_unit,
    }


@st.cache_data
def label_thresholds() -> pd.DataFrame:
    return pd.read_csv(root() / "data" / "label_thresholds.csv")


@st.cache_data
def quotas(product: str) -> pd.DataFrame:
    table = pd.read_csv(root() / "data" / "quotas.csv")
    return table[table["standard"].isin(QUOTA_STANDARDS.get(product, ()))]


@st.cache_data
def options_table(product: str) -> pd.DataFrame:
    return pd.read_csv(root() / "data" / "options" / f"{product}.csv")


@st.cache_data
def shipped_scenarios() -> list[str]:
    return sorted(p.stem for p in (root() / "scenarios").glob("*.yaml"))


@st.cache_data
def policy_plants() -> dict[str, list[str]]:
    """Each plant folder of scenarios/policy and its scenario files (stems)."""
    folders = sorted(
        p for p in (root() / "scenarios" / "policy").iterdir() if p.is_dir()
    )
    return {f.name: sorted(p.stem for p in f.glob("*.yaml")) for f in folders}


@st.cache_resource
def scenario(relative: str) -> Scenario:
    """A shipped scenario, by its path under the project folder."""
    return load_scenario(root() / relative)


def scenario_from_text(text: str, name: str = "scenario.yaml") -> Scenario:
    """A scenario from YAML text, read the way the command line reads a file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(name).name
        path.write_text(text, encoding="utf-8")
        return load_scenario(path)


@st.cache_data
def pathway(relative: str, target_scale: float):
    """The least-cost pathway of a shipped scenario, its targets scaled."""
    chosen = scenario(relative)
    if chosen.targets is not None and target_scale != 1.0:
        ceilings = {y: c * target_scale for y, c in chosen.targets.ceilings.items()}
        targets = chosen.targets.model_copy(update={"ceilings": ceilings})
        chosen = chosen.model_copy(update={"targets": targets})
    data = prepare_with_policy(chosen, root(), relative)
    return solve_pathway(data, chosen.name)


@st.cache_data(show_spinner=False)
def abatement_curves(relative: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both marginal abatement cost curves of a scenario, as ``macc`` computes them."""
    from mitigation.policy import levels
    from mitigation.policy.macc import optimisation_curve, option_curve, steps_table

    base = levels.study(scenario(relative), root(), relative)
    base = dataclasses.replace(base, max_payback_years=None)
    options = option_curve(base.data)
    steps = steps_table(optimisation_curve(base, base.data.years[-1]))
    return options, steps
