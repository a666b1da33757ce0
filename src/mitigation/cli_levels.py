"""Commands that search instrument levels and plan for the label: break-even,
calibrate, macc and certify-plan.

They share the ``mitigation`` application and its error reporting (see
:mod:`mitigation.cli`), and call the library functions the tests call.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.markup import escape

from mitigation.cli import (
    _check_out,
    _reported,
    app,
    console,
    errors,
    project_root,
    result_stem,
)
from mitigation.exceptions import input_error
from mitigation.inputs.scenario import load_scenario
from mitigation.optimise.pathway import per_functional_unit
from mitigation.policy import levels
from mitigation.policy.compare import prepare_with_policy
from mitigation.policy.macc import optimisation_curve, option_curve, steps_table
from mitigation.report.files import atomic_write
from mitigation.report.levels import break_even_table, export_macc, macc_tables


class Instrument(StrEnum):
    carbon_price = "carbon-price"
    capital_subsidy = "capital-subsidy"
    retrofit_reward = "retrofit-reward"
    label_premium = "label-premium"
    green_loan = "green-loan"


def _label_threshold(base: levels.Study, text: str | None, where: str) -> float:
    if text is not None:
        return per_functional_unit(text, base.data.network, "kg", where)
    label = base.data.economics.label
    if label is None:
        raise input_error(
            where,
            "no label threshold to earn the premium against",
            "declare instruments.label_premium in the scenario or pass "
            "--label-threshold, e.g. '600 kg/t'",
        )
    return label.threshold_kg_per_fu


def _lever(
    instrument: Instrument,
    base: levels.Study,
    threshold: str | None,
    upper: float | None,
    scopes: frozenset[int] | None = None,
) -> levels.Lever:
    if instrument is Instrument.carbon_price:
        return levels.carbon_price(upper or 5000.0, scopes)
    if instrument is Instrument.capital_subsidy:
        return levels.capital_subsidy()
    if instrument is Instrument.retrofit_reward:
        return levels.retrofit_reward(upper or 5000.0)
    if instrument is Instrument.green_loan:
        return levels.green_loan(levels.enterprise_rate(base.data))
    kg = _label_threshold(base, threshold, "--label-threshold")
    return levels.label_premium(kg, upper or 1000.0)


def _scopes(text: str | None) -> frozenset[int] | None:
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or any(p not in {"1", "2", "3"} for p in parts):
        raise input_error(
            f"--scopes {text}",
            "is not a list of scopes",
            "write scope numbers 1, 2 or 3 separated by commas, e.g. '1,2'",
        )
    return frozenset(int(p) for p in parts)


@app.command()
def calibrate(
    scenario_file: Annotated[Path, typer.Argument(help="A scenario file (YAML).")],
    instrument: Annotated[Instrument, typer.Option(help="The instrument to set.")],
    target: Annotated[
        str | None,
        typer.Option(
            help="Intensity to reach, e.g. '560 kg/t' (default: the scenario's "
            "targets, each from its year)."
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(help="With --target: the first year it applies (default: all)."),
    ] = None,
    label_threshold: Annotated[
        str | None,
        typer.Option(help="For the label premium: threshold, e.g. '600 kg/t'."),
    ] = None,
    upper: Annotated[
        float | None,
        typer.Option(help="Highest level to search (CNY/t, CNY/tce or CNY per unit)."),
    ] = None,
    scopes: Annotated[
        str | None,
        typer.Option(
            help="For the carbon price: scopes covered, e.g. '1,2' (default: the "
            "scenario's carbon price's, else scope 1 as in China's ETS)."
        ),
    ] = None,
) -> None:
    """The lowest level of an instrument at which the plant meets its targets.

    The scenario's targets are lifted and become the aim; its other instruments
    and barriers stay. The level is found by bisection to the tolerance printed.
    """
    with _reported():
        root = project_root()
        scenario = load_scenario(scenario_file)
        base = levels.study(scenario, root, str(scenario_file))
        goal = base.targets
        if target is not None:
            kg = per_functional_unit(target, base.data.network, "kg", "--target")
            goal = [kg if year is None or y >= year else None for y in base.data.years]
        if upper is not None and not upper > 0:
            raise input_error(
                f"--upper {upper:g}",
                "the highest level searched must be above zero",
                "give a positive level, or leave --upper out",
            )
        lever = _lever(instrument, base, label_threshold, upper, _scopes(scopes))
        with console.status(f"Searching the {lever.name} level…"):
            found = levels.calibrate(base, lever, goal)
        console.print(escape(levels.describe(found)))
        rows = pd.DataFrame(
            {
                "target_kg_per_fu": found.targets,
                "intensity_kg_per_fu": found.intensities,
            }
        )
        console.print(rows.rename_axis("year").to_string(float_format="{:,.1f}".format))
        if found.level is None:
            raise typer.Exit(1)


@app.command(name="break-even")
def break_even(
    scenario_file: Annotated[Path, typer.Argument(help="A scenario file (YAML).")],
    label_threshold: Annotated[
        str | None,
        typer.Option(help="Add the label premium, against this threshold."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the table as CSV in this folder.")
    ] = None,
) -> None:
    """For every option, the level of each instrument at which it enters the plan.

    Carbon price, retrofit reward and label premium apply to the whole plant; the
    subsidy and the green loan to the option alone. Targets are lifted.
    """
    with _reported():
        root = project_root()
        if out is not None:
            _check_out(out)
        scenario = load_scenario(scenario_file)
        base = levels.study(scenario, root, str(scenario_file))
        rate = levels.enterprise_rate(base.data)
        whole_footprint = frozenset({1, 2, 3})
        makers = {
            "carbon_price_cny_per_t": lambda o: levels.carbon_price(
                scopes=whole_footprint
            ),
            "subsidy_share": lambda o: levels.capital_subsidy([o]),
            "green_loan_rate": lambda o: levels.green_loan(rate, [o]),
            "retrofit_reward_cny_per_tce": lambda o: levels.retrofit_reward(),
        }
        columns = {
            "levelised_cny_per_t": ("Levelised\nCNY/t", 0, False),
            "carbon_price_cny_per_t": ("Carbon price\nall scopes\nCNY/t", 1, False),
            "subsidy_share": ("Subsidy\nshare", 0, True),
            "green_loan_rate": ("Loan rate", 0, True),
            "retrofit_reward_cny_per_tce": ("Reward\nCNY/tce", 0, False),
        }
        if label_threshold is not None or base.data.economics.label is not None:
            kg = _label_threshold(base, label_threshold, "--label-threshold")
            makers["label_premium_cny_per_fu"] = lambda o: levels.label_premium(
                kg, 1000.0
            )
            columns["label_premium_cny_per_fu"] = ("Label premium\nCNY/unit", 2, False)
        with console.status("Searching break-even levels…"):
            rows = levels.break_even_levels(base, makers)
        frame = pd.DataFrame(rows).set_index("option")
        curve = option_curve(base.data)
        frame.insert(1, "levelised_cny_per_t", curve["cost_cny_per_t"])
        console.print(break_even_table(frame, columns))
        if out is not None:
            path = out / f"{result_stem(scenario_file)}_break_even.csv"
            atomic_write(path, lambda p: frame.to_csv(p))
            errors.print(f"Wrote {escape(str(path))}", highlight=False)


@app.command()
def macc(
    scenario_file: Annotated[Path, typer.Argument(help="A scenario file (YAML).")],
    year: Annotated[
        int | None,
        typer.Option(help="Year of the optimisation curve (default: the last)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Write both curves as CSV and an HTML chart here."),
    ] = None,
) -> None:
    """Marginal abatement cost curves: option by option, and from the optimisation.

    Both judge options by cost at the scenario's discount rate (or hurdle rate),
    with its targets lifted and its payback barrier set aside: a curve shows what
    abatement costs, not which options an enterprise overlooks.
    """
    with _reported():
        root = project_root()
        if out is not None:
            _check_out(out)
        scenario = load_scenario(scenario_file)
        base = levels.study(scenario, root, str(scenario_file))
        base = dataclasses.replace(base, max_payback_years=None)
        chosen = base.data.years[-1] if year is None else year
        if chosen not in base.data.years:
            raise input_error(
                f"--year {year}",
                "is not the first year of a period of the scenario",
                f"choose one of {', '.join(map(str, base.data.years))}",
            )
        options = option_curve(base.data)
        with console.status("Sweeping the carbon price…"):
            curve = optimisation_curve(base, chosen)
        steps = steps_table(curve)
        for table in macc_tables(options, steps):
            console.print(table)
        total = curve["baseline_t_per_yr"] - curve["least_t_per_yr"]
        console.print(
            f"{chosen}: baseline {curve['baseline_t_per_yr']:,.0f} t CO2e a year; "
            f"the options together abate up to {total:,.0f} t a year."
        )
        if out is not None:
            title = f"Marginal abatement cost curves: {scenario.name}, {chosen}"
            stem = f"macc_{result_stem(scenario_file)}"
            written = export_macc(options, steps, out, stem, title)
            errors.print(
                f"Wrote {len(written)} files to {escape(str(out))}", highlight=False
            )


@app.command(name="certify-plan")
def certify_plan(
    scenario_file: Annotated[Path, typer.Argument(help="A scenario file (YAML).")],
    by: Annotated[int, typer.Option(help="Year from which the label is to be met.")],
    threshold: Annotated[
        str | None,
        typer.Option(
            help="Label threshold, e.g. '600 kg/t' (default: data/label_thresholds.csv)."
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the plan's tables (CSV and Excel).")
    ] = None,
) -> None:
    """The cheapest plan that brings the product under its label threshold by a year.

    Keeps the scenario's targets and instruments, adds the threshold as a ceiling
    from --by on, and shows the distance to it each year and what a stricter
    threshold would call for next.
    """
    from mitigation.policy.certification import certification_plan, label_threshold
    from mitigation.report.files import export_pathway
    from mitigation.report.levels import certification_view

    with _reported():
        root = project_root()
        if out is not None:
            _check_out(out)
        scenario = load_scenario(scenario_file)
        data = prepare_with_policy(scenario, root, str(scenario_file))
        if threshold is None:
            kg = label_threshold(root, data)
        else:
            kg = per_functional_unit(threshold, data.network, "kg", "--threshold")
        if not kg > 0:
            raise input_error(
                f"--threshold {threshold}",
                "a label threshold must be above zero",
                "give the footprint per functional unit the label allows, e.g. '560 kg/t'",
            )
        plan = certification_plan(data, kg, by, scenario.name, str(scenario_file))
        for part in certification_view(plan):
            console.print(part)
        if out is not None:
            stem = f"{result_stem(scenario_file)}_label"
            written = export_pathway(plan.plan, out, stem)
            errors.print(
                f"Wrote {len(written)} files to {escape(str(out))}", highlight=False
            )
