"""Build and solve times of cement fleets of 10 to 2,000 plants over 11 yearly periods.

Run by hand from the project folder (never in the test suite)::

    .venv/bin/python benchmarks/fleet_scale.py                  # every case
    .venv/bin/python benchmarks/fleet_scale.py --plants 10 100  # some sizes
    .venv/bin/python benchmarks/fleet_scale.py --no-monolithic

Plants are drawn from the archetypes of ``scenarios/fleet/guangdong_cement.yaml``
(same seed) under its province-wide intensity target. Each (route, size) runs in
its own process, so that the peak memory is its own: the peak resident set size
from ``resource.getrusage`` (``ru_maxrss``) of that process and, on Dask, the
largest of its workers'. Routes:

- ``build``: build and compile every plant's Pyomo model once, in one process
  (the per-plant build the decomposition does);
- ``serial``: the whole decomposition in one process (builds included): price
  search, one warm re-solve of every plant per iteration;
- ``dask``: the same on a local Dask cluster of one worker process per core;
- ``monolithic``: one Pyomo model of all plants with the shared rows, compiled to
  standard form and solved by HiGHS.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLEET = ROOT / "scenarios" / "fleet" / "guangdong_cement.yaml"
SIZES = [10, 100, 1000, 2000]
ROUTES = ["build", "serial", "dask", "monolithic"]


def fleet_data(plants: int):
    from mitigation.analysis.fleet import resolve_fleet
    from mitigation.inputs.fleet import load_fleet

    fleet = load_fleet(FLEET)
    spec = fleet.plants.generate.model_copy(update={"count": plants})
    fleet = fleet.model_copy(
        update={
            "name": f"Guangdong cement fleet of {plants} plants",
            "plants": fleet.plants.model_copy(update={"generate": spec}),
        }
    )
    return resolve_fleet(fleet, FLEET, ROOT)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run(route: str, plants: int) -> dict:
    started = time.perf_counter()
    data = fleet_data(plants)
    resolved = time.perf_counter() - started
    row = {"route": route, "plants": plants, "resolve_s": resolved}
    if route == "build":
        from mitigation.analysis.decomposition import PricedPlant

        started = time.perf_counter()
        models = [PricedPlant(data.plant_data(i)) for i in range(plants)]
        row["build_s"] = time.perf_counter() - started
        row["rows"] = sum(m.rows for m in models)
    elif route in ("serial", "dask"):
        from mitigation.analysis.distributed import TaskRunner
        from mitigation.analysis.fleet import solve_fleet

        with TaskRunner(serial=route == "serial") as runner:
            started = time.perf_counter()
            result = solve_fleet(data, runner)
            row["solve_s"] = time.perf_counter() - started
            row["iterations"] = result.summary["price_iterations"]
            row["cost_mcny"] = result.summary["discounted_cost_mcny"]
            if route == "dask":
                row["workers"] = len(runner.worker_addresses)
                peaks = runner._client.run(peak_mb)
                row["worker_peak_mb"] = max(peaks.values())
    else:
        import pyomo.environ as pyo

        from mitigation.analysis.decomposition import monolithic_model
        from mitigation.optimise.solve import CompiledModel

        started = time.perf_counter()
        model = monolithic_model(
            [data.plant_data(i) for i in range(plants)], data.caps_t
        )
        row["build_s"] = time.perf_counter() - started
        started = time.perf_counter()
        compiled = CompiledModel(model)
        row["compile_s"] = time.perf_counter() - started
        row["rows"] = len(compiled.rows)
        started = time.perf_counter()
        result = compiled.solve()
        row["solve_s"] = time.perf_counter() - started
        row["cost_mcny"] = result.objective / 1e6
        del pyo
    row["peak_mb"] = peak_mb()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plants", type=int, nargs="*", default=SIZES)
    parser.add_argument("--routes", nargs="*", default=ROUTES, choices=ROUTES)
    parser.add_argument("--no-monolithic", action="store_true")
    parser.add_argument(
        "--one", nargs=2, metavar=("ROUTE", "PLANTS"), help=argparse.SUPPRESS
    )
    parser.add_argument("--timeout", type=float, default=1800.0)
    args = parser.parse_args()
    if args.one:
        sys.stdout.write(json.dumps(run(args.one[0], int(args.one[1]))) + "\n")
        return
    routes = [r for r in args.routes if not (args.no_monolithic and r == "monolithic")]
    rows = []
    for plants in args.plants:
        for route in routes:
            command = [sys.executable, __file__, "--one", route, str(plants)]
            try:
                done = subprocess.run(
                    command,
                    capture_output=True,
                    text=True,
                    timeout=args.timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                rows.append({"route": route, "plants": plants, "note": "timed out"})
                print(json.dumps(rows[-1]), flush=True)
                continue
            if done.returncode != 0:
                tail = done.stderr.strip().splitlines()[-1:] or ["failed"]
                rows.append({"route": route, "plants": plants, "note": tail[0]})
            else:
                rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(rows[-1]), flush=True)
    print(table(rows))


def table(rows: list[dict]) -> str:
    lines = [
        "| plants | route | rows | build s | build ms/plant | solve s | iterations | peak RSS MB | cost M CNY |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        if "note" in row:
            lines.append(f"| {row['plants']} | {row['route']} | {row['note']} |||||||")
            continue
        build = row.get("build_s", 0.0) + row.get("compile_s", 0.0)
        peak = f"{row['peak_mb']:,.0f}"
        if "worker_peak_mb" in row:
            peak += (
                f" (+ {row['workers']} workers of up to {row['worker_peak_mb']:,.0f})"
            )
        lines.append(
            "| {plants:,} | {route} | {rows} | {build} | {per} | {solve} | {it} | {peak} | {cost} |".format(
                plants=row["plants"],
                route=row["route"],
                rows=f"{row['rows']:,}" if "rows" in row else "",
                build=f"{build:.2f}" if build else "",
                per=f"{1000 * build / row['plants']:.1f}" if build else "",
                solve=f"{row['solve_s']:.2f}" if "solve_s" in row else "",
                it=row.get("iterations", ""),
                peak=peak,
                cost=f"{row['cost_mcny']:,.3f}" if "cost_mcny" in row else "",
            )
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
