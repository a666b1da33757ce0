"""A plant followed over several years of filled templates.

Each year's footprint is computed as the certification check computes it. With a
scenario of the plant, each year is set against the target in force and against the
scenario's optimal plan: the share each measure supplied as reported on the measures
sheet, beside the share the plan gives it in the period that holds the year.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mitigation.certification.check import (
    footprint_trail,
    quality_summary,
    region_network,
)
from mitigation.certification.filled import FilledTemplate
from mitigation.certification.layout import Kind
from mitigation.exceptions import InputError, Problem
from mitigation.inputs.scenario import load_scenario
from mitigation.optimise.pathway import solve_pathway
from mitigation.optimise.results import Pathway
from mitigation.policy.certification import shipped_threshold
from mitigation.policy.compare import prepare_with_policy
from mitigation.report.translations import Language, term

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Monitoring:
    plant: str
    product: str
    grade: str
    functional_unit: str
    years: pd.DataFrame  # per year: footprint, target, threshold, above target
    measures: pd.DataFrame  # per option and year: implemented and planned share
    plan: Pathway | None


def check_one_plant(filled: list[FilledTemplate], lang: Language) -> None:
    """Refuse templates of several plants or products, or two of one year."""
    problems = []
    plants = {(f.plant, f.layout.product, f.layout.grade, f.region) for f in filled}
    if len(plants) > 1:
        found = "; ".join(" / ".join(p) for p in sorted(plants))
        problems.append(
            Problem(
                ", ".join(f.path.name for f in filled),
                term("problem.mixed_plants", lang, found=found),
                term("fix.mixed_plants", lang),
            )
        )
    seen: dict[int, FilledTemplate] = {}
    for f in filled:
        if f.year in seen:
            problems.append(
                Problem(
                    f"{seen[f.year].path.name}, {f.path.name}",
                    term("problem.same_year", lang, year=f.year),
                    term("fix.same_year", lang),
                )
            )
        seen[f.year] = f
    if problems:
        raise InputError(problems, term("problems.heading", lang, count=len(problems)))


def _in_force(plan: Pathway, year: int) -> int | None:
    """The first year of the plan's period that holds ``year``; None before the
    plan starts or after it ends (its targets and shares say nothing there)."""
    periods = plan.periods
    end = periods.index[-1] + int(periods["years_in_period"].iloc[-1])
    starts = [y for y in periods.index if y <= year]
    return max(starts) if starts and year < end else None


def monitor(
    root: Path,
    filled: list[FilledTemplate],
    scenario_path: Path | None = None,
    threshold_kg_per_fu: float | None = None,
    lang: Language = "en",
) -> Monitoring:
    check_one_plant(filled, lang)
    filled = sorted(filled, key=lambda f: f.year)
    first = filled[0]
    if threshold_kg_per_fu is None:
        shipped = shipped_threshold(root, first.layout.network)
        threshold_kg_per_fu = shipped[0] if shipped else None
    plan = None
    if scenario_path is not None:
        scenario = load_scenario(scenario_path)
        layout = first.layout
        if (scenario.product, scenario.grade or layout.spec.default_grade) != (
            layout.product,
            layout.grade,
        ):
            raise InputError(
                [
                    Problem(
                        f"--scenario {scenario_path}",
                        f"is a scenario of {scenario.product} "
                        f"({scenario.grade or layout.spec.default_grade}), the "
                        f"templates are of {layout.product} ({layout.grade})",
                        "give the scenario of the plant the templates report",
                    )
                ]
            )
        plan = solve_pathway(
            prepare_with_policy(scenario, root, str(scenario_path)), scenario.name
        )
    rows, measures = [], []
    for f in filled:
        fp, _ = footprint_trail(f, region_network(root, f))
        period = _in_force(plan, f.year) if plan is not None else None
        target = None
        if period is not None:
            target = plan.periods.loc[period, "target_kg_per_fu"]
            target = None if pd.isna(target) else float(target)
        rows.append(
            {
                "year": f.year,
                "footprint_kg_per_fu": fp.total_kg,
                "target_kg_per_fu": target,
                "above_target_kg_per_fu": None
                if target is None
                else fp.total_kg - target,
                "threshold_kg_per_fu": threshold_kg_per_fu,
                "measured_share": float(quality_summary(f)["measured"]),
            }
        )
        for datum in f.layout.data:
            if datum.kind is not Kind.SHARE:
                continue
            planned = 0.0
            if period is not None and datum.option in plan.adoption.index:
                planned = float(plan.adoption.loc[datum.option, period])
            implemented = f.values.get(datum.key, 0.0)
            if planned > 1e-6 or implemented > 1e-6:
                measures.append(
                    {
                        "option": datum.option,
                        "year": f.year,
                        "implemented_share": implemented,
                        "planned_share": planned if plan is not None else None,
                    }
                )
    logger.info("Monitoring | %s | %d years", first.plant, len(filled))
    return Monitoring(
        plant=first.plant,
        product=first.layout.product,
        grade=first.layout.grade,
        functional_unit=first.layout.network.functional_unit,
        years=pd.DataFrame(rows).set_index("year"),
        measures=pd.DataFrame(
            measures, columns=["option", "year", "implemented_share", "planned_share"]
        ),
        plan=plan,
    )
