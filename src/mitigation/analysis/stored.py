"""A sensitivity study on disk: its design, seed and settings beside its evaluations.

``settings.json`` holds the method, seed, sample size and the parameters as the
scenario declared them; ``design.csv`` (and ``unit_design.csv`` for Morris and
one-at-a-time) the samples exactly as evaluated; ``evaluations.csv`` one row of
outputs per sample with its solve status. An analysis read back from a folder uses
that design, never a new draw. Every file is written to a temporary name and moved
into place, so an interrupted study leaves the previous one whole.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from mitigation.analysis.design import Design, Method
from mitigation.exceptions import input_error
from mitigation.inputs.uncertainty import UncertainParameter
from mitigation.report.files import atomic_write

logger = logging.getLogger(__name__)

SETTINGS = "settings.json"
DESIGN = "design.csv"
UNIT_DESIGN = "unit_design.csv"
EVALUATIONS = "evaluations.csv"


def save_study(
    directory: Path, design: Design, evaluations: pd.DataFrame, scenario: str
) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    settings = {"scenario": scenario, **design.settings()}
    written = [directory / DESIGN]
    atomic_write(directory / DESIGN, lambda p: design.samples.to_csv(p, index=False))
    if design.unit_samples is not None:
        path = directory / UNIT_DESIGN
        atomic_write(path, lambda p: design.unit_samples.to_csv(p, index=False))
        written.append(path)
    path = directory / EVALUATIONS
    atomic_write(path, lambda p: evaluations.to_csv(p, index=False))
    written.append(path)
    # The settings go last: a folder with settings always has the files they name.
    text = json.dumps(settings, indent=2, ensure_ascii=False)
    atomic_write(directory / SETTINGS, lambda p: p.write_text(text, encoding="utf-8"))
    written.append(directory / SETTINGS)
    return written


def load_study(directory: Path) -> tuple[Design, pd.DataFrame, str]:
    """The design, evaluations and scenario name stored in ``directory``."""
    path = directory / SETTINGS
    if not path.is_file():
        raise input_error(
            str(directory),
            "holds no sensitivity study (no settings.json)",
            "name a folder written by 'mitigation sensitivity --out'",
        )
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
        samples = pd.read_csv(directory / DESIGN)
        unit = None
        if (directory / UNIT_DESIGN).is_file():
            unit = pd.read_csv(directory / UNIT_DESIGN)
        evaluations = pd.read_csv(directory / EVALUATIONS)
        parameters = tuple(
            UncertainParameter.model_validate(p) for p in settings["parameters"]
        )
        names = [p.name for p in parameters]
        numeric = all(pd.api.types.is_numeric_dtype(samples[n]) for n in names)
        if list(samples.columns) != names or not numeric:
            msg = (
                f"{DESIGN} does not hold one number per parameter ({', '.join(names)})"
            )
            raise ValueError(msg)
        method = Method(settings["method"])
        if method is not Method.SOBOL and unit is None:
            raise KeyError(UNIT_DESIGN)
        design = Design(
            method=method,
            parameters=parameters,
            base_samples=int(settings["base_samples"]),
            seed=int(settings["seed"]),
            samples=samples,
            unit_samples=unit,
            second_order=bool(settings["second_order"]),
            levels=int(settings["levels"]),
            notes=tuple(settings.get("notes", ())),
        )
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise input_error(
            str(directory),
            f"the stored study cannot be read ({type(err).__name__}: {err})",
            "run the study again with --out",
        ) from err
    if len(samples) != len(evaluations):
        raise input_error(
            str(directory / EVALUATIONS),
            f"has {len(evaluations)} rows for {len(samples)} samples",
            "run the study again with --out",
        )
    return design, evaluations, settings.get("scenario", "")
