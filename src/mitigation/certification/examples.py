"""Templates filled from a scenario: the plant as it is, or a year of its plan.

The shipped examples are made so (``mitigation template ... --fill-from``): every
value is the model's, computed from the scenario's production and the activities of
the chosen configuration, and marked ``calculated``. They are examples of the format
and of the checks, not data of a real plant.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from mitigation.certification.layout import Layout, load_layout
from mitigation.certification.template import Entries, prefill
from mitigation.exceptions import input_error
from mitigation.inputs.scenario import load_scenario
from mitigation.optimise.pathway import solve_pathway
from mitigation.policy.compare import prepare_with_policy


class FillFrom(StrEnum):
    BASELINE = "baseline"  # the plant as it is, before any option
    PLAN = "plan"  # the configuration of the scenario's optimal plan in the year


def filled_from_scenario(
    root: Path, scenario_path: Path, year: int, fill_from: FillFrom, plant: str = ""
) -> tuple[Layout, Entries]:
    """Layout and values of a template for ``year`` of a scenario's plant."""
    scenario = load_scenario(scenario_path)
    data = prepare_with_policy(scenario, root, str(scenario_path))
    if year not in data.years:
        raise input_error(
            f"--year {year}",
            f"is not the first year of a period of {scenario_path}",
            f"choose one of {', '.join(map(str, data.years))}",
        )
    layout = load_layout(
        root, scenario.product, scenario.grade, scenario.plant_type, scenario.region
    )
    t = data.years.index(year)
    network = data.network
    units = data.production[t] / network.functional_unit_amount
    if fill_from is FillFrom.BASELINE:
        activity = network.baseline_activity() * units
        shares = {}
    else:
        pathway = solve_pathway(data, scenario.name)
        activity = pathway.activity[year]
        adoption = pathway.adoption
        shares = adoption[year].to_dict() if year in adoption.columns else {}
    activity = activity[activity > 0]
    values, quality = prefill(layout, activity.to_dict(), shares)
    cover = {
        "plant": plant or scenario.name,
        "region": scenario.region,
        "year": str(year),
    }
    return layout, Entries(cover=cover, values=values, quality=quality)
