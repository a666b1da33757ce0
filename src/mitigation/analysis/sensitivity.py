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
from collections.abc import Callable, Mapping
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
from mitigation.optimise.pathway import baseline_costs, solve_pathway
from mitigation.optimise.results import Pathway

logger = logging.getLogger(__name__)

OK = "optimal"


class OnFailure(StrEnum):
    STOP = "stop"
    RECORD = "record"


class EvaluationFailed(MitigationError):
    """A sample has no optimal pathway and the study was asked to stop."""


class ActivityReader:
    """Reads activities, emissions and adoption shares from a solved model's values.

    Built once per model structure: it holds the column of every process's activity
    in every period, and for each option the output coefficients of every process
    for the option's commodity, so that a solve is read with a few array products.
    A model's expressions are never read: a re-solved model keeps those of its first
    build, so emissions are summed here at the factors of the data of each solve.
    """

    def __init__(self, data: PathwayData, columns: list) -> None:
        network = data.network
        self.names = [n for n in network.processes if n not in data.excluded]
        position = {}
        for i, var in enumerate(columns):
            if var.parent_component().local_name == "activity":
                position[var.index()] = i
        self.columns = np.array(
            [[position.get((n, t), -1) for t in data.periods] for n in self.names]
        )
        self.options = [o for o in data.terms if o not in data.excluded]
        row = {n: i for i, n in enumerate(self.names)}
        self.own = np.zeros(len(self.options))
        self.option_rows = np.array([row[o] for o in self.options], dtype=int)
        self.makers = np.zeros((len(self.options), len(self.names)))
        for k, option in enumerate(self.options):
            commodity = network.processes[option].reference_output
            self.own[k] = network.processes[option].outputs[commodity]
            for j, name in enumerate(self.names):
                self.makers[k, j] = network.processes[name].outputs.get(commodity, 0.0)

    def activity(self, values: np.ndarray) -> np.ndarray:
        """Activity by process (rows) and period (columns), never below zero."""
        padded = np.append(values, 0.0)  # a missing column reads as zero activity
        return padded[self.columns].clip(min=0.0)

    def emissions_t_per_yr(self, data: PathwayData, activity: np.ndarray) -> np.ndarray:
        processes = data.network.processes
        factors = np.array([processes[n].emission_kg for n in self.names])
        return factors @ activity / 1000.0

    def adoption(self, last: np.ndarray) -> dict[str, float]:
        """Share of its commodity each option makes in the period ``last`` is of."""
        made = self.makers @ last
        own = self.own * last[self.option_rows]
        shares = np.divide(own, made, out=np.zeros_like(own), where=made > 0)
        return dict(zip(self.options, shares.clip(min=0.0).tolist(), strict=True))


def _outputs(
    data: PathwayData,
    total_cost_cny: float,
    emissions_t_per_yr: np.ndarray,
    adoption: Mapping[str, float],
    baseline_per_fu: Mapping[str, float],
    threshold_kg_per_fu: float | None,
) -> dict[str, float]:
    """The analysed outputs from a pathway's cost, its yearly emissions by period and
    its options' shares in the last period."""
    network = data.network
    units = np.array([data.functional_units(t) for t in data.periods])
    lengths = np.array(data.lengths, dtype=float)
    baseline_kg = sum(
        level * network.processes[name].emission_kg
        for name, level in baseline_per_fu.items()
        if level
    )
    abated = float(
        ((baseline_kg * units / 1000.0 - emissions_t_per_yr) * lengths).sum()
    )
    weights = [data.period_weight(t) for t in data.periods]
    at_baseline = baseline_costs(data, baseline_per_fu)
    extra = total_cost_cny - float(np.dot(weights, at_baseline))
    outputs = {
        "total_cost_mcny": total_cost_cny / 1e6,
        "cumulative_emissions_t": float((emissions_t_per_yr * lengths).sum()),
        "abatement_cost_cny_per_t": extra / abated if abated > 1e-6 else np.nan,
    }
    if threshold_kg_per_fu is not None:
        intensity = emissions_t_per_yr * 1000.0 / units
        met = np.flatnonzero(intensity <= threshold_kg_per_fu + 1e-9)
        outputs["label_year"] = float(data.years[met[0]] if met.size else data.end_year)
    outputs.update({f"adoption:{o}": share for o, share in adoption.items()})
    return outputs


def pathway_outputs(
    pathway: Pathway,
    data: PathwayData,
    threshold_kg_per_fu: float | None,
    baseline_per_fu: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """The analysed outputs of one solved pathway."""
    if baseline_per_fu is None:
        baseline_per_fu = data.network.baseline_activity().to_dict()
    last, adopted = data.years[-1], pathway.adoption
    shares = {
        option: max(float(adopted.loc[option, last]), 0.0)
        if option in adopted.index
        else 0.0
        for option in data.terms
        if option not in data.excluded
    }
    return _outputs(
        data,
        pathway.total_cost_mcny * 1e6,
        pathway.periods["emissions_t_per_yr"].to_numpy(),
        shares,
        baseline_per_fu,
        threshold_kg_per_fu,
    )


@dataclass(frozen=True)
class Evaluator:
    """Solves the scenario at one sample, building its model anew each time."""

    data: PathwayData
    spec: ModelFile
    parameters: tuple[UncertainParameter, ...]
    threshold_kg_per_fu: float | None = None

    def __call__(self, values: dict[str, float]) -> dict[str, float]:
        changed = with_values(self.data, self.spec, self.parameters, values)
        return pathway_outputs(
            solve_pathway(changed), changed, self.threshold_kg_per_fu
        )


# Probe steps of the re-solving model, in each kind's own number.
PROBE_STEPS = {"carbon_price": 1.0, "discount_rate": 0.001}
PROBE_STEP_OF_A_FACTOR = 0.01


class ResolvingEvaluator:
    """Solves the scenario at one sample after another, building its model once.

    The model is compiled once and each sample's numbers are put into the kept
    HiGHS object (:class:`mitigation.optimise.resolve.ResolvablePathway`), which
    re-solves from the previous basis. A parameter that does not enter the model
    linearly (the discount rate) makes each sample compile again, which is then no
    faster than :class:`Evaluator`.
    """

    def __init__(
        self,
        data: PathwayData,
        spec: ModelFile,
        parameters: tuple[UncertainParameter, ...],
        threshold_kg_per_fu: float | None,
        first: dict[str, float],
    ) -> None:
        from mitigation.optimise.resolve import ResolvablePathway

        self.data, self.spec, self.parameters = data, spec, parameters
        self.threshold_kg_per_fu = threshold_kg_per_fu
        baseline = data.network.baseline_activity()
        self._baseline = {n: float(v) for n, v in baseline.items() if v}
        steps = {
            p.name: PROBE_STEPS.get(p.kind, PROBE_STEP_OF_A_FACTOR) for p in parameters
        }
        upper = {p.name: 1.0 for p in parameters if p.kind == "discount_rate"}
        self._reader: ActivityReader | None = None
        self._reader_columns: list | None = None
        self._pathway = ResolvablePathway(
            self._data_at, first, steps, data.excluded, upper, name="sensitivity"
        )

    @property
    def curved(self) -> set[str]:
        """Parameters that make the model compile again when they move."""
        return set(self._pathway.curved)

    def _data_at(self, values) -> PathwayData:
        return with_values(self.data, self.spec, self.parameters, values)

    def __call__(self, values: dict[str, float]) -> dict[str, float]:
        data, _, result = self._pathway.solve_model(
            values, with_duals=False, load=False
        )
        columns = self._pathway.columns
        if self._reader is None or self._reader_columns is not columns:
            self._reader = ActivityReader(data, columns)
            self._reader_columns = columns
        activity = self._reader.activity(result.values)
        return _outputs(
            data,
            result.objective,
            self._reader.emissions_t_per_yr(data, activity),
            self._reader.adoption(activity[:, -1]),
            self._baseline,
            self.threshold_kg_per_fu,
        )


Evaluate = Callable[[dict[str, float]], dict[str, float]]


def evaluate_samples(
    samples: list[dict[str, float]],
    evaluate: Evaluate,
    on_failure: OnFailure = OnFailure.STOP,
    first_index: int = 0,
    total: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[dict]:
    """One row of outputs per sample, in order, each with a ``status``.

    ``first_index`` and ``total`` place the samples in their design, for messages.
    """
    total = len(samples) if total is None else total
    rows = []
    for i, values in enumerate(samples):
        try:
            row = {**evaluate(values), "status": OK}
        except (TargetUnreachableError, SolverError) as err:
            if on_failure is OnFailure.STOP:
                raise failed_sample(first_index + i, total, values, err) from err
            reason = " ".join(line.strip() for line in str(err).splitlines())
            row = {"status": type(err).__name__, "reason": reason}
        rows.append(row)
        if on_progress is not None:
            on_progress(i + 1, len(samples))
    return rows


def failed_sample(
    index: int, total: int, values: dict, reason: object
) -> EvaluationFailed:
    shown = ", ".join(f"{k} = {v:.4g}" for k, v in values.items())
    first_line = " ".join(line.strip() for line in str(reason).splitlines())
    return EvaluationFailed(
        f"sample {index + 1} of {total} ({shown}) has no optimal pathway: "
        f"{first_line}. Narrow the parameters' ranges, or pass --on-failure record "
        "to count such samples and withhold the indices"
    )


def evaluate_design(
    design: Design,
    evaluate: Evaluate,
    on_failure: OnFailure = OnFailure.STOP,
    on_progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """One row of outputs per sample, in the design's order, with a ``status``."""
    started = time.perf_counter()
    samples = design.samples.to_dict("records")
    rows = evaluate_samples(samples, evaluate, on_failure, on_progress=on_progress)
    log_speed(len(samples), time.perf_counter() - started)
    return evaluations_frame(rows)


def evaluations_frame(rows: list[dict]) -> pd.DataFrame:
    """The rows as a table; a failure's reason is kept only in the log."""
    for row in rows:
        if "reason" in row:
            logger.warning("Sensitivity | no optimum: %s", row.pop("reason"))
    return pd.DataFrame(rows)


def log_speed(count: int, seconds: float) -> None:
    logger.info(
        "Sensitivity | %d evaluations in %.1f s (%.0f per s)",
        count,
        seconds,
        count / seconds if seconds else float("inf"),
    )


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
