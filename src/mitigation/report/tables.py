"""Rich tables for the terminal."""

from __future__ import annotations

import math

from rich.console import Group
from rich.table import Table
from rich.text import Text

from mitigation.optimise.results import Pathway
from mitigation.process.footprint import Footprint
from mitigation.process.network import Network

SCOPE_TITLES = {1: "Scope 1", 2: "Scope 2", 3: "Scope 3"}


def footprint_table(network: Network, fp: Footprint) -> Table:
    """Footprint by stage (rows) and scope (columns), kg CO2e per functional unit."""
    plant = f"{network.plant_type_label}. " if network.plant_type_label else ""

    table = Table(
        title=f"{network.grade_label}: kg CO2e per {fp.functional_unit}",
        caption=(
            f"{plant}Region {network.setting.region}, grid basis {network.setting.grid_basis}, "
            f"fuel factors {network.setting.fuel_dataset}, GWP {network.setting.gwp_set}. "
            "Scope 1: combustion and process; 2: purchased electricity; "
            "3: purchased materials."
        ),
    )
    table.add_column("Stage")
    for scope in fp.by_stage_scope.columns:
        table.add_column(SCOPE_TITLES[scope], justify="right")
    table.add_column("Total", justify="right", style="bold")
    for stage, row in fp.by_stage_scope.iterrows():
        table.add_row(network.stages[stage], *(_num(v) for v in row), _num(row.sum()))
    totals = fp.by_scope
    table.add_row("Total", *(_num(v) for v in totals), _num(fp.total_kg), style="bold")
    return table


def pathway_view(pathway: Pathway) -> Group:
    """The pathway as the command line prints it: periods, then adoption."""
    return Group(_summary(pathway), _periods_table(pathway), _adoption_table(pathway))


def _summary(pathway: Pathway) -> Text:
    settings = ", ".join(f"{k} {v}" for k, v in pathway.settings.items())
    lines = [
        f"{pathway.scenario}",
        f"  {settings}",
        f"  intensity in {pathway.intensity_unit}; baseline footprint "
        f"{pathway.baseline.total_kg:,.1f}",
        f"  discounted cost {pathway.total_cost_mcny:,.2f} M CNY at "
        f"{pathway.discount_rate:.1%}, not counting the salvage value of "
        f"{pathway.salvage_value_mcny:,.2f} M CNY of capacity serving after the horizon",
    ]
    return Text("\n".join(lines), style="bold")


def _periods_table(pathway: Pathway) -> Table:
    table = Table(
        title="Intensity against target, abatement and costs per year",
        caption=(
            "Cost: the plant's purchases, option, O&M and capital costs a year; "
            "vs baseline: the same less the cost of the plant as it is, i.e. what "
            "abatement costs (negative: it saves)."
        ),
    )
    for name in (
        "Period",
        "Intensity",
        "Target",
        "Abatement t/yr",
        "Cost M CNY/yr",
        "vs baseline",
        "Shadow price CNY/t",
    ):
        table.add_column(name, justify="right")
    for year, row in pathway.periods.iterrows():
        shadow = row["shadow_price_cny_per_t"]
        length = int(row["years_in_period"])
        label = str(year) if length == 1 else f"{year}-{(year + length - 1) % 100:02d}"
        table.add_row(
            label,
            _num(row["intensity_kg_per_fu"]),
            _num(row["target_kg_per_fu"]),
            _num(row["abatement_t_per_yr"], 0),
            _num(row["total_cost_cny_per_yr"] / 1e6, 2),
            _num(
                (row["total_cost_cny_per_yr"] - row["baseline_cost_cny_per_yr"]) / 1e6,
                2,
            ),
            _num(shadow) if row["binding"] else "",
            style="bold" if row["binding"] else None,
        )
    return table


def _adoption_table(pathway: Pathway) -> Table:
    table = Table(title="Options adopted: share of the commodity each supplies")
    table.add_column("Option", no_wrap=True)
    table.add_column("Share, from the year it changes")
    if pathway.adoption.empty:
        table.add_row("(none)", "")
    for option, row in pathway.adoption.iterrows():
        table.add_row(option, _share_path(row))
    return table


def _share_path(shares) -> str:
    """``2025 100%; 2030 75%``: each year whose share differs from the year before."""
    steps, previous = [], 0.0
    for year, share in shares.items():
        if abs(share - previous) > 5e-4:
            steps.append(f"{year} {share:.0%}")
        previous = share
    return "; ".join(steps)


def _num(value: float, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:,.{digits}f}"
