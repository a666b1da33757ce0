"""Solves per second of a sensitivity sweep on the shipped plants, three ways.

Run by hand (it takes a minute or two)::

    .venv/bin/python benchmarks/resolve_speed.py [--samples 300]

For each shipped plant scenario the same Sobol samples of four uncertain inputs
(electricity price, grid factor, option capital cost, carbon price) are solved:

- **re-solve**: the project's path (``ResolvingEvaluator``): the Pyomo model is
  compiled once and each sample's numbers are put into the kept HiGHS object, which
  re-solves from the previous basis; the outputs are read back from the model;
- **rebuild**: the Pyomo model built, compiled and solved anew for each sample;
- **direct HiGHS**: the compiled matrices of every sample, prepared beforehand and
  outside the timing, put into one ``highspy.Highs`` object by the same in-place
  calls and re-solved warm, reading only the solution vector: the speed of HiGHS
  itself on the same problems.

Ratios are taken within this run, so machine speed cancels out. The re-solve and
direct objectives are checked to agree.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from mitigation.analysis.design import Method, sample
from mitigation.analysis.perturb import with_values
from mitigation.analysis.sensitivity import Evaluator, ResolvingEvaluator
from mitigation.inputs.model_file import load_model_file
from mitigation.inputs.scenario import load_scenario
from mitigation.inputs.uncertainty import UncertainParameter
from mitigation.optimise.model import build_model
from mitigation.optimise.solve import CompiledModel, StandardForm
from mitigation.policy.compare import prepare_with_policy

ROOT = Path(__file__).resolve().parents[1]
PLANTS = sorted(
    p for p in (ROOT / "scenarios").glob("*.yaml") if not p.stem.startswith("fleet")
)


def parameters() -> list[UncertainParameter]:
    def uniform(name: str, changes: str, low: float, high: float):
        return UncertainParameter(
            name=name,
            changes=changes,
            distribution={"uniform": {"low": low, "high": high}},
        )

    return [
        uniform("electricity_price", "price:electricity", 0.8, 1.2),
        uniform("grid_factor", "grid_factor", 0.9, 1.05),
        uniform("capital_cost", "capex", 0.7, 1.5),
        uniform("carbon_price", "carbon_price", 50.0, 100.0),
    ]


def timed(function, items) -> tuple[float, list]:
    started = time.perf_counter()
    results = [function(item) for item in items]
    return time.perf_counter() - started, results


def direct_highs(forms: list[StandardForm], first_model) -> tuple[float, list[float]]:
    """Solve every form in one Highs object, warm, by in-place changes."""
    compiled = CompiledModel(first_model)
    highs = compiled.highs
    base = forms[0]
    n_cols, n_rows = len(base.cost), len(base.row_lower)
    columns = np.arange(n_cols, dtype=np.int32)
    rows = np.arange(n_rows, dtype=np.int32)
    # The entries that differ from the first sample's in any sample, set to each
    # sample's value (zero included), as the re-solve path sets its pattern.
    touched = sum(abs(form.matrix - base.matrix) for form in forms).tocoo()
    at = (touched.row, touched.col)
    entry_rows, entry_cols = touched.row.tolist(), touched.col.tolist()
    changes = []
    for form in forms:
        values = np.asarray(form.matrix[at]).ravel() if touched.nnz else np.zeros(0)
        changes.append((entry_rows, entry_cols, values.tolist()))
    objectives = []
    started = time.perf_counter()
    for form, (entry_rows, entry_cols, values) in zip(forms, changes, strict=True):
        highs.changeColsCost(n_cols, columns, form.cost)
        highs.changeColsBounds(n_cols, columns, form.col_lower, form.col_upper)
        highs.changeRowsBounds(n_rows, rows, form.row_lower, form.row_upper)
        for r, c, v in zip(entry_rows, entry_cols, values, strict=True):
            highs.changeCoeff(r, c, v)
        highs.run()
        highs.getSolution()
        objectives.append(highs.getInfo().objective_function_value + form.offset)
    return time.perf_counter() - started, objectives


def run(plant: Path, n: int) -> dict:
    scenario = load_scenario(plant)
    data = prepare_with_policy(scenario, ROOT, str(plant))
    spec = load_model_file(ROOT / "models" / f"{scenario.product}.yaml")
    design = sample(parameters(), Method.SOBOL, n, seed=1)
    values = design.samples.to_dict("records")[: n * 2]
    params = design.parameters
    resolving = ResolvingEvaluator(data, spec, params, None, values[0])
    resolve_s, resolved = timed(resolving, values)
    rebuild_s, _ = timed(Evaluator(data, spec, params), values[: max(20, n // 10)])
    rebuild_per = rebuild_s / max(20, n // 10)
    models = [build_model(with_values(data, spec, params, v)) for v in values]
    forms = [
        StandardForm.from_repn(LinearStandardFormCompiler().write(m, mixed_form=True))
        for m in models
    ]
    direct_s, objectives = direct_highs(forms, models[0])
    gap = max(
        abs(r["total_cost_mcny"] * 1e6 - o) / abs(o)
        for r, o in zip(resolved, objectives, strict=True)
    )
    return {
        "plant": plant.stem,
        "rows x cols": f"{forms[0].matrix.shape[0]} x {forms[0].matrix.shape[1]}",
        "solves": len(values),
        "re-solve /s": len(values) / resolve_s,
        "rebuild /s": 1 / rebuild_per,
        "direct HiGHS /s": len(values) / direct_s,
        "re-solve / direct": (len(values) / resolve_s) / (len(values) / direct_s),
        "rebuild / direct": (1 / rebuild_per) / (len(values) / direct_s),
        "max objective gap": gap,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=128, help="Sobol base samples")
    n = parser.parse_args().samples
    print(
        f"{'plant':24} {'rows x cols':>11} {'solves':>6} {'re-solve/s':>10} "
        f"{'rebuild/s':>9} {'direct/s':>9} {'re-solve:direct':>15} "
        f"{'rebuild:direct':>14} {'obj gap':>8}"
    )
    for plant in PLANTS:
        r = run(plant, n)
        print(
            f"{r['plant']:24} {r['rows x cols']:>11} {r['solves']:>6} "
            f"{r['re-solve /s']:>10.0f} {r['rebuild /s']:>9.1f} "
            f"{r['direct HiGHS /s']:>9.0f} {r['re-solve / direct']:>15.2f} "
            f"{r['rebuild / direct']:>14.3f} {r['max objective gap']:>8.1e}"
        )


if __name__ == "__main__":
    main()
