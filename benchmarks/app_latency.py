"""Latency of a slider change in the workshop app, against rebuilding the model.

Run by hand (never part of the tests, whose timings would only be noise):

    .venv/bin/python benchmarks/app_latency.py

For each shipped plant, a carbon price and a subsidy share are moved through a
series of levels. Each change is timed three ways, in the same process:

- ``resolve``: the app's path: the model built once per session is re-solved at
  the new levels (:class:`mitigation.policy.live.LiveComparison`), then the
  comparison tables and the page's two figures are built and serialised;
- ``rebuild``: the same change with the scenario prepared, built and solved from
  scratch (what the command line does for each file), then the same tables and
  figures;
- ``page``: the whole app script re-run after the slider moves, through
  ``streamlit.testing`` (no browser, so without network and drawing).

Medians over the changes are printed with the rebuild-to-resolve ratio.
"""

from __future__ import annotations

import logging
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLANTS = ("cement_guangdong", "aluminium_chongqing", "motorcycle_chongqing")
PRICES = (0.0, 50.0, 95.96, 150.0, 200.0, 300.0, 500.0, 87.5, 1000.0, 2000.0)
SHARES = (0.0, 0.1, 0.15, 0.3, 0.5)
ON = frozenset({"carbon_price", "capital_subsidy", "max_payback"})


def figures(live, outcome) -> None:
    """The tables and figures the policy page draws for a change."""
    from mitigation.app import charts

    summary = live.comparison(outcome)["summary"]
    periods = {
        "reference": live.reference_outcome.pathway.periods["intensity_kg_per_fu"],
        "current": outcome.pathway.periods["intensity_kg_per_fu"],
    }
    target = outcome.pathway.periods["standard_kg_per_fu"]
    charts.intensity_chart(periods, target).to_json()
    charts.comparison_bars(summary, {}).to_json()


def moves() -> list[dict[str, float]]:
    changes = [{"carbon_price_cny_per_t": p} for p in PRICES]
    return changes + [{"subsidy_share": s} for s in SHARES]


def library_latency(plant: str) -> tuple[float, float, float]:
    """Medians (s) of a re-solve and of a rebuild, and the one-off build time."""
    import dataclasses

    from mitigation.inputs.scenario import load_scenario
    from mitigation.optimise.pathway import solve_pathway
    from mitigation.policy.compare import Outcome, prepare_with_policy
    from mitigation.policy.live import LiveComparison, PolicySettings, scenario_with

    reference = load_scenario(REPO / "scenarios" / "policy" / plant / "reference.yaml")
    settings = PolicySettings(ON)
    started = time.perf_counter()
    live = LiveComparison(reference, settings, REPO)
    built = time.perf_counter() - started
    resolve, rebuild = [], []
    levels = dict(settings.levels)
    for move in moves():
        levels.update(move)
        started = time.perf_counter()
        outcome = live.outcome(levels)
        figures(live, outcome)
        resolve.append(time.perf_counter() - started)

        started = time.perf_counter()
        changed = dataclasses.replace(settings, levels=dict(levels))
        scenario = scenario_with(reference, changed)
        data = prepare_with_policy(scenario, REPO, plant)
        fresh = Outcome("scenario", scenario, data, solve_pathway(data, scenario.name))
        figures(live, fresh)
        rebuild.append(time.perf_counter() - started)
    return statistics.median(resolve), statistics.median(rebuild), built


def page_latency(plant: str) -> float:
    """Median (s) of the app script's re-run after the carbon-price slider moves."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.run()
    at.session_state["w.page"] = at.session_state["v.page"] = "policy"
    at.session_state["v.pol.plant"] = plant
    at.run()
    at.toggle(key="w.pol.sw.carbon_price").set_value(True).run()
    times = []
    for price in PRICES:
        slider = at.slider(key="w.pol.lv.carbon_price_cny_per_t")
        started = time.perf_counter()
        slider.set_value(price).run()
        times.append(time.perf_counter() - started)
        assert not at.exception, at.exception
    return statistics.median(times)


def main() -> None:
    logging.disable(logging.WARNING)
    print(f"{len(moves())} level changes per plant; medians in ms")
    print(
        f"{'plant':<22} {'build once':>10} {'resolve':>8} {'rebuild':>8} "
        f"{'ratio':>6} {'page':>6}"
    )
    for plant in PLANTS:
        resolve, rebuild, built = library_latency(plant)
        page = page_latency(plant)
        print(
            f"{plant:<22} {built * 1e3:10.0f} {resolve * 1e3:8.1f} "
            f"{rebuild * 1e3:8.1f} {rebuild / resolve:5.1f}x {page * 1e3:6.0f}"
        )


if __name__ == "__main__":
    main()
