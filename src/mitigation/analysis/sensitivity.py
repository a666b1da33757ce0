"""Global sensitivity of a plant's pathway to its uncertain parameters.

A study samples a design (:mod:`mitigation.analysis.design`), solves the scenario's
pathway at every sample and analyses the outputs:

- ``total_cost_mcny``: discounted cost of the pathway, million CNY;
- ``cumulative_emissions_t``: emissions over the horizon, t CO2e;
- ``abatement_cost_cny_per_t``: discounted cost above the plant as it is, per t
  CO2e abated over the horizon (undefined where nothing is abated);
- ``label_year``: the first year whose intensity meets the label threshold, or the
  year after the horizon when none does (only where a threshold exists);
- ``adoption:<option>``: the share of its output each option supplies in the last
  period.

An evaluation whose solve has no optimum (a target that the sampled numbers put out
of reach) is never turned into a number. The caller chooses: stop at the first one
(the default: the message names the sample, so that the bounds can be narrowed), or
record it, in which case the indices of every output are withheld and the report
says how many evaluations failed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from mitigation.analysis.design import Design, Method, unit_problem
from mitigation.analysis.perturb import with_values
from mitigation.exceptions import MitigationError, SolverError, TargetUnreachableError
from mitigation.inputs.model_file import ModelFile
from mitigation.inputs.uncertainty import UncertainParameter
from mitigation.optimise.model import PathwayData
from mitigation.optimise.pathway import solve_pathway
from mitigation.optimise.results import Pathway

logger = logging.getLogger(__name__)

OK = "optimal"


class OnFailure(StrEnum):
    STOP = "stop"
    RECORD = "record"


class EvaluationFailed(MitigationError):
    """A sample has no optimal pathway and the study was asked to stop."""


def pathway_outputs(
    pathway: Pathway, data: PathwayData, threshold_kg_per_fu: float | None
) -> dict[str, float]:
    """The analysed outputs of one solved pathway."""
    periods = pathway.periods
    years = periods["years_in_period"].to_numpy()
    emissions = float((periods["emissions_t_per_yr"].to_numpy() * years).sum())
    abated = float((periods["abatement_t_per_yr"].to_numpy() * years).sum())
    weights = np.array([data.period_weight(t) for t in data.periods])
    extra = float(
        (
            weights
            * (periods["total_cost_cny_per_yr"] - periods["baseline_cost_cny_per_yr"])
        ).sum()
    )
    outputs = {
        "total_cost_mcny": pathway.total_cost_mcny,
        "cumulative_emissions_t": emissions,
        "abatement_cost_cny_per_t": extra / abated if abated > 1e-9 else np.nan,
    }
    if threshold_kg_per_fu is not None:
        met = periods.index[
            periods["intensity_kg_per_fu"] <= threshold_kg_per_fu + 1e-9
        ]
        outputs["label_year"] = float(met[0]) if len(met) else float(data.end_year)
    last = data.years[-1]
    for option in data.terms:
        if option in data.excluded:
            continue
        share = 0.0
        if option in pathway.adoption.index:
            share = float(pathway.adoption.loc[option, last])
        outputs[f"adoption:{option}"] = max(share, 0.0)
    return outputs


@dataclass(frozen=True)
class Evaluator:
    """Solves the scenario at one sample and returns its outputs."""

    data: PathwayData
    spec: ModelFile
    parameters: tuple[UncertainParameter, ...]
    threshold_kg_per_fu: float | None = None

    def __call__(self, values: dict[str, float]) -> dict[str, float]:
        changed = with_values(self.data, self.spec, self.parameters, values)
        return pathway_outputs(
            solve_pathway(changed), changed, self.threshold_kg_per_fu
        )


Evaluate = Callable[[dict[str, float]], dict[str, float]]


def evaluate_design(
    design: Design,
    evaluate: Evaluate,
    on_failure: OnFailure = OnFailure.STOP,
    on_progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """One row of outputs per sample, in the design's order, with a ``status``."""
    rows = []
    started = time.perf_counter()
    total = len(design.samples)
    for i, values in enumerate(design.samples.to_dict("records")):
        try:
            row = {**evaluate(values), "status": OK}
        except (TargetUnreachableError, SolverError) as err:
            if on_failure is OnFailure.STOP:
                shown = ", ".join(f"{k} = {v:.4g}" for k, v in values.items())
                raise EvaluationFailed(
                    f"sample {i + 1} of {total} ({shown}) has no optimal pathway: "
                    f"{str(err).splitlines()[0]}. Narrow the parameters' ranges, or "
                    "pass --on-failure record to count such samples and withhold the "
                    "indices"
                ) from err
            row = {"status": type(err).__name__}
        rows.append(row)
        if on_progress is not None:
            on_progress(i + 1, total)
    seconds = time.perf_counter() - started
    logger.info(
        "Sensitivity | %d evaluations in %.1f s (%.0f per s)",
        total,
        seconds,
        total / seconds if seconds else float("inf"),
    )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Analysis:
    """Indices per output, and what could not be analysed and why."""

    indices: pd.DataFrame  # one row per output and parameter
    second_order: pd.DataFrame  # Sobol S2 per output and pair (may be empty)
    withheld: dict[str, str]  # output -> reason
    failed: int


def analyse(
    design: Design, evaluations: pd.DataFrame, seed: int | None = None
) -> Analysis:
    """Sensitivity indices of every output, from the design it was sampled with."""
    seed = design.seed if seed is None else seed
    failed = int((evaluations["status"] != OK).sum())
    outputs = [c for c in evaluations.columns if c != "status"]
    rows, pairs, withheld = [], [], {}
    for output in outputs:
        y = evaluations[output].to_numpy(dtype=float)
        if failed:
            withheld[output] = f"{failed} evaluations have no optimal pathway"
            continue
        if np.isnan(y).any():
            withheld[output] = f"undefined in {int(np.isnan(y).sum())} evaluations"
            continue
        if np.ptp(y) <= 1e-12 * max(1.0, float(np.abs(y).max())):
            withheld[output] = "does not vary over the design"
            continue
        found, second = _indices(design, y, seed)
        rows += [{"output": output, **row} for row in found]
        pairs += [{"output": output, **row} for row in second]
    return Analysis(pd.DataFrame(rows), pd.DataFrame(pairs), withheld, failed)


def _indices(design: Design, y: np.ndarray, seed: int) -> tuple[list[dict], list[dict]]:
    names = design.names
    if design.method is Method.SOBOL:
        from SALib.analyze import sobol

        from mitigation.analysis.design import salib_problem

        result = sobol.analyze(
            salib_problem(design.parameters),
            y,
            calc_second_order=design.second_order,
            seed=seed,
        )
        rows = [
            {
                "parameter": name,
                "S1": result["S1"][i],
                "S1_conf": result["S1_conf"][i],
                "ST": result["ST"][i],
                "ST_conf": result["ST_conf"][i],
            }
            for i, name in enumerate(names)
        ]
        pairs = []
        if design.second_order:
            for i in range(len(names)):
                for j in range(i + 1, len(names)):
                    pairs.append(
                        {
                            "parameter": names[i],
                            "with": names[j],
                            "S2": result["S2"][i, j],
                            "S2_conf": result["S2_conf"][i, j],
                        }
                    )
        return rows, pairs
    if design.method is Method.MORRIS:
        from SALib.analyze import morris

        result = morris.analyze(
            unit_problem(design.parameters),
            design.unit_samples.to_numpy(),
            y,
            num_levels=design.levels,
            seed=seed,
        )
        return [
            {
                "parameter": name,
                "mu": result["mu"][i],
                "mu_star": result["mu_star"][i],
                "sigma": result["sigma"][i],
                "mu_star_conf": result["mu_star_conf"][i],
            }
            for i, name in enumerate(names)
        ], []
    return _tornado(design, y), []


def _tornado(design: Design, y: np.ndarray) -> list[dict]:
    """Output at each parameter's low and high quantile, the others at medians."""
    centre = y[0]
    rows = []
    for i, parameter in enumerate(design.parameters):
        low, high = y[1 + 2 * i], y[2 + 2 * i]
        rows.append(
            {
                "parameter": parameter.name,
                "low_value": design.samples.iloc[1 + 2 * i][parameter.name],
                "high_value": design.samples.iloc[2 + 2 * i][parameter.name],
                "output_at_low": low,
                "output_at_high": high,
                "output_at_centre": centre,
                "swing": abs(high - low),
            }
        )
    return sorted(rows, key=lambda r: -r["swing"])
