"""A fleet's results in the terminal: the province per period, then its plants."""

from __future__ import annotations

import math

from rich.console import Group
from rich.table import Table
from rich.text import Text

from mitigation.analysis.fleet import FleetResult

SHOWN_PLANTS = 30


def fleet_view(result: FleetResult, unit: str) -> Group:
    """Summary, province periods and the plants (the costliest first, at most 30)."""
    return Group(
        _summary(result),
        _periods_table(result, unit),
        _adoption_table(result),
        _plants_table(result, unit),
    )


def _adoption_table(result: FleetResult) -> Table:
    """Per option, in the last year: plants that adopt it and their output's share."""
    year = int(result.periods.index[-1])
    adoption = result.adoption[result.adoption["year"] == year]
    output = result.plants["production"]
    table = Table(title=f"Options adopted in {year}")
    table.add_column("Option")
    table.add_column("Plants", justify="right")
    table.add_column("Output share of adopters", justify="right")
    table.add_column("Mean share of its commodity", justify="right")
    for option, rows in adoption.groupby("option", sort=False):
        adopters = output.loc[rows["plant"]]
        table.add_row(
            str(option),
            f"{len(rows)}",
            f"{adopters.sum() / output.sum():.0%}",
            f"{(rows['share'].to_numpy() * adopters.to_numpy()).sum() / adopters.sum():.0%}",
        )
    return table


def _summary(result: FleetResult) -> Text:
    s = result.summary
    lines = [
        f"{s['fleet']}",
        f"  {s['plants']} plants of {s['kinds_of_plant']} kinds; province setting: "
        f"{s['province_setting']}",
        f"  discounted cost {s['discounted_cost_mcny']:,.2f} M CNY; cumulative "
        f"emissions {s['cumulative_emissions_t']:,.0f} t CO2e",
    ]
    if "price_iterations" in s:
        lines.append(
            f"  price search: {s['price_iterations']} iterations, bound gap "
            f"{s['bound_gap']:.1e}; {s['plants_with_mixed_plans']} plants on a mix "
            "of two plans (the marginal plants)"
        )
    lines.append(
        f"  ran on {s['ran_on']}: {s['tasks']} tasks, {s['tasks_retried']} retried"
    )
    return Text("\n".join(lines), style="bold")


def _periods_table(result: FleetResult, unit: str) -> Table:
    table = Table(title=f"Province, intensity in {unit}")
    for name in ("Year", "Emissions t/yr", "Intensity", "Target", "Price CNY/t"):
        table.add_column(name, justify="right")
    for year, row in result.periods.iterrows():
        table.add_row(
            str(year),
            f"{row['emissions_t_per_yr']:,.0f}",
            f"{row['intensity_kg_per_fu']:,.1f}",
            _num(row["target_kg_per_fu"], 1),
            _num(row["price_cny_per_t"], 2),
        )
    return table


def _plants_table(result: FleetResult, unit: str) -> Table:
    plants = result.plants.sort_values("cost_mcny", ascending=False)
    first, last = (c for c in plants.columns if c.startswith("intensity_"))
    shown = plants.head(SHOWN_PLANTS)
    notes = []
    if plants["mixed_plans"].any():
        notes.append(
            "* on a mix of two plans, as the marginal plant at a kink of its cost is"
        )
    if len(plants) > len(shown):
        notes.append(
            f"{len(shown)} of {len(plants)} plants shown, the costliest first: "
            "--out writes all"
        )
    caption = "; ".join(notes) or None
    table = Table(title=f"Plants, intensity in {unit}", caption=caption)
    for name in ("Plant", "Kind", "Output", "Baseline", first[10:14], last[10:14]):
        table.add_column(name, justify="left" if name in ("Plant", "Kind") else "right")
    table.add_column("Cost M CNY", justify="right")
    for name, row in shown.iterrows():
        mark = " *" if row["mixed_plans"] else ""
        table.add_row(
            f"{name}{mark}",
            f"{row['grade']} {row['plant_type']}".strip(),
            f"{row['production']:,.0f}",
            f"{row['baseline_kg_per_fu']:,.1f}",
            f"{row[first]:,.1f}",
            f"{row[last]:,.1f}",
            f"{row['cost_mcny']:,.2f}",
        )
    return table


def _num(value: float, digits: int) -> str:
    return "" if value is None or math.isnan(value) else f"{value:,.{digits}f}"
