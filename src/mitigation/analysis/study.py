"""A sensitivity study of one scenario: its design and how its samples are solved."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mitigation.analysis.design import Design, Method, sample
from mitigation.analysis.distributed import run_tasks
from mitigation.analysis.perturb import check_parameters
from mitigation.analysis.sensitivity import (
    OK,
    Evaluate,
    Evaluator,
    OnFailure,
    ResolvingEvaluator,
    evaluate_samples,
    evaluations_frame,
    failed_sample,
    log_speed,
)
from mitigation.inputs.model_file import ModelFile, load_model_file
from mitigation.inputs.scenario import load_scenario
from mitigation.optimise.model import PathwayData
from mitigation.policy.certification import shipped_threshold
from mitigation.policy.compare import prepare_with_policy

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Study:
    name: str
    data: PathwayData
    spec: ModelFile
    design: Design
    threshold_kg_per_fu: float | None

    def evaluator(self, rebuild: bool = False, first: dict | None = None) -> Evaluate:
        """The fastest exact way to solve the samples: one model re-solved, unless a
        parameter does not enter it linearly (then each sample is built anew).
        ``first`` is the sample the re-solved model is compiled around."""
        args = (self.data, self.spec, self.design.parameters, self.threshold_kg_per_fu)
        if rebuild:
            return Evaluator(*args)
        if first is None:
            first = self.design.samples.iloc[0].to_dict()
        resolving = ResolvingEvaluator(*args, first)
        if resolving.curved:
            logger.info(
                "Sensitivity | %s not linear in the model: each sample is built anew",
                ", ".join(sorted(resolving.curved)),
            )
            return Evaluator(*args)
        return resolving


def label_threshold_or_none(root: Path, data: PathwayData) -> float | None:
    """The scenario's label threshold: its premium's, else the shipped one, if any."""
    if data.economics.label is not None:
        return data.economics.label.threshold_kg_per_fu
    found = shipped_threshold(root, data.network)
    return None if found is None else found[0]


def prepare_study(
    root: Path,
    scenario_path: Path,
    method: Method,
    n: int,
    seed: int,
    second_order: bool = False,
    levels: int = 4,
) -> Study:
    scenario = load_scenario(scenario_path)
    data = prepare_with_policy(scenario, root, str(scenario_path))
    spec = load_model_file(root / "models" / f"{scenario.product}.yaml")
    check_parameters(scenario.uncertain, data, spec, str(scenario_path))
    design = sample(
        list(scenario.uncertain),
        method,
        n,
        seed,
        second_order,
        levels,
        where=str(scenario_path),
    )
    return Study(scenario.name, data, spec, design, label_threshold_or_none(root, data))


# Samples per task. Each task compiles its own model (a fraction of a second), so a
# task must hold enough samples to repay it; the serial run is cut the same way, so
# that it and a run on Dask give the same numbers in the same order.
CHUNK_SAMPLES = 256


@dataclass(frozen=True)
class _Chunk:
    study: Study
    start: int
    stop: int
    rebuild: bool


def _evaluate_chunk(chunk: _Chunk) -> list[dict]:
    samples = chunk.study.design.samples.iloc[chunk.start : chunk.stop]
    records = samples.to_dict("records")
    evaluate = chunk.study.evaluator(chunk.rebuild, records[0])
    total = len(chunk.study.design.samples)
    return evaluate_samples(records, evaluate, OnFailure.RECORD, chunk.start, total)


def run_study(
    study: Study,
    on_failure: OnFailure = OnFailure.STOP,
    on_progress: Callable[[int, int], None] | None = None,
    rebuild: bool = False,
    scheduler: str | None = None,
    workers: int | None = None,
    serial: bool = True,
) -> pd.DataFrame:
    """Every sample's outputs, in the design's order.

    The samples are cut into tasks of :data:`CHUNK_SAMPLES`, each solved in a model
    of its own, serially or on Dask (see :func:`mitigation.analysis.distributed.
    run_tasks`); a study of one task is always run here. With ``on_failure`` stop,
    the first sample without an optimum is reported once all are solved.
    """
    total = len(study.design.samples)
    chunks = [
        _Chunk(study, start, min(start + CHUNK_SAMPLES, total), rebuild)
        for start in range(0, total, CHUNK_SAMPLES)
    ]
    sizes = [chunk.stop - chunk.start for chunk in chunks]

    def progress(done: int, _: int) -> None:
        if on_progress is not None:
            on_progress(sum(sizes[:done]), total)

    started = time.perf_counter()
    results = run_tasks(
        _evaluate_chunk,
        chunks,
        scheduler=scheduler,
        workers=workers,
        serial=serial or len(chunks) < 2,
        on_progress=progress,
    )
    log_speed(total, time.perf_counter() - started)
    rows = [row for result in results for row in result]
    if on_failure is OnFailure.STOP:
        for index, row in enumerate(rows):
            if row["status"] != OK:
                values = study.design.samples.iloc[index].to_dict()
                raise failed_sample(index, total, values, row.get("reason", ""))
    return evaluations_frame(rows)
