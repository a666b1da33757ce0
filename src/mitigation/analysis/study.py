"""A sensitivity study of one scenario: its design and how its samples are solved."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mitigation.analysis.design import Design, Method, sample
from mitigation.analysis.perturb import check_parameters
from mitigation.analysis.sensitivity import (
    Evaluate,
    Evaluator,
    OnFailure,
    ResolvingEvaluator,
    evaluate_design,
)
from mitigation.inputs.model_file import ModelFile, load_model_file
from mitigation.inputs.scenario import load_scenario
from mitigation.optimise.model import PathwayData
from mitigation.policy.compare import prepare_with_policy

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Study:
    name: str
    data: PathwayData
    spec: ModelFile
    design: Design
    threshold_kg_per_fu: float | None

    def evaluator(self, rebuild: bool = False) -> Evaluate:
        """The fastest exact way to solve the samples: one model re-solved, unless a
        parameter does not enter it linearly (then each sample is built anew)."""
        args = (self.data, self.spec, self.design.parameters, self.threshold_kg_per_fu)
        if rebuild:
            return Evaluator(*args)
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
    from mitigation.exceptions import InputError
    from mitigation.policy.certification import label_threshold

    try:
        return label_threshold(root, data)
    except InputError:
        return None


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
    design = sample(list(scenario.uncertain), method, n, seed, second_order, levels)
    return Study(scenario.name, data, spec, design, label_threshold_or_none(root, data))


def run_study(
    study: Study,
    on_failure: OnFailure = OnFailure.STOP,
    on_progress: Callable[[int, int], None] | None = None,
    rebuild: bool = False,
) -> pd.DataFrame:
    evaluate = study.evaluator(rebuild)
    return evaluate_design(study.design, evaluate, on_failure, on_progress)
