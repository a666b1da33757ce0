"""Sampling designs for the uncertain parameters of a scenario.

Three methods:

- **Sobol** (Saltelli's extension of Sobol's sequence, SALib ``sample.sobol``): the
  base sample size N must be a power of two, so another N is rounded up and the
  design says so. Distributions are handed to SALib in its conventions: ``unif``
  [low, high], ``norm`` [mean, sd], ``lognorm`` [mean and sd of the logarithm],
  ``triang`` [low, high, (mode - low) / (high - low)].
- **Morris** (SALib ``sample.morris``): trajectories on a grid of levels of the unit
  cube, carried to each parameter by its quantile function. The grid's end points are
  quantiles 0 and 1, infinite for a normal or lognormal, so for those the unit
  interval is mapped onto the quantiles 0.5 % to 99.5 % (as Saltelli et al. 2008,
  *Global Sensitivity Analysis: The Primer*, ch. 3, suggest). Elementary effects are
  measured in the unit cube: the change of an output when a parameter moves by one
  grid step of its probability, which makes parameters of different units
  comparable.
- **One at a time** (a tornado): every parameter at its 5th and 95th percentile (the
  ends of a uniform or triangular range) with the others at their medians.

A design keeps its seed and settings, and the analysis always reads the design it
was sampled with.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd
from scipy import stats

from mitigation.exceptions import input_error
from mitigation.inputs.uncertainty import Distribution, UncertainParameter

logger = logging.getLogger(__name__)

MORRIS_QUANTILES = (0.005, 0.995)  # where the unit interval ends for unbounded ones
OAT_QUANTILES = (0.05, 0.95)


class Method(StrEnum):
    SOBOL = "sobol"
    MORRIS = "morris"
    OAT = "oat"


@dataclass(frozen=True)
class Design:
    """The samples of one analysis, with everything needed to analyse them.

    ``samples`` holds one row per evaluation and one column per parameter, in the
    parameters' own numbers; ``unit_samples`` the same points in the unit cube
    (Morris and one-at-a-time only).
    """

    method: Method
    parameters: tuple[UncertainParameter, ...]
    base_samples: int
    seed: int
    samples: pd.DataFrame
    unit_samples: pd.DataFrame | None = None
    second_order: bool = False
    levels: int = 4
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def settings(self) -> dict:
        return {
            "method": self.method.value,
            "base_samples": self.base_samples,
            "seed": self.seed,
            "second_order": self.second_order,
            "levels": self.levels,
            "evaluations": len(self.samples),
            "parameters": [
                p.model_dump(exclude_defaults=True) for p in self.parameters
            ],
            "notes": list(self.notes),
        }


def salib_entry(distribution: Distribution) -> tuple[str, list[float]]:
    """The distribution in SALib's terms: its ``dists`` name and ``bounds``."""
    spec = distribution.spec
    if distribution.kind == "uniform":
        return "unif", [spec.low, spec.high]
    if distribution.kind == "normal":
        return "norm", [spec.mean, spec.sd]
    if distribution.kind == "lognormal":
        return "lognorm", [spec.mean_log, spec.sd_log]
    peak = (spec.mode - spec.low) / (spec.high - spec.low)
    return "triang", [spec.low, spec.high, peak]


def salib_problem(parameters: tuple[UncertainParameter, ...]) -> dict:
    entries = [salib_entry(p.distribution) for p in parameters]
    return {
        "num_vars": len(parameters),
        "names": [p.name for p in parameters],
        "dists": [name for name, _ in entries],
        "bounds": [bounds for _, bounds in entries],
    }


def unit_problem(parameters: tuple[UncertainParameter, ...]) -> dict:
    return {
        "num_vars": len(parameters),
        "names": [p.name for p in parameters],
        "bounds": [[0.0, 1.0]] * len(parameters),
    }


def frozen(distribution: Distribution):
    """The distribution as a frozen ``scipy.stats`` object."""
    spec = distribution.spec
    if distribution.kind == "uniform":
        return stats.uniform(loc=spec.low, scale=spec.high - spec.low)
    if distribution.kind == "normal":
        return stats.norm(loc=spec.mean, scale=spec.sd)
    if distribution.kind == "lognormal":
        return stats.lognorm(s=spec.sd_log, scale=math.exp(spec.mean_log))
    width = spec.high - spec.low
    return stats.triang(c=(spec.mode - spec.low) / width, loc=spec.low, scale=width)


def from_unit(parameter: UncertainParameter, unit: np.ndarray) -> np.ndarray:
    """Points of the unit interval carried to the parameter by its quantiles."""
    distribution = parameter.distribution
    if not distribution.bounded:
        low, high = MORRIS_QUANTILES
        unit = low + (high - low) * unit
    return frozen(distribution).ppf(unit)


def power_of_two(n: int) -> int:
    return 1 << max(0, math.ceil(math.log2(max(n, 1))))


def sample(
    parameters: list[UncertainParameter],
    method: Method,
    n: int,
    seed: int,
    second_order: bool = False,
    levels: int = 4,
    where: str = "scenario",
) -> Design:
    """A design of ``n`` base samples (Sobol, Morris trajectories) for ``method``.

    ``where`` names the scenario file in messages."""
    if not parameters:
        raise input_error(
            f"{where}, field 'uncertain'",
            "declares no uncertain parameters",
            "add an 'uncertain:' list to the scenario (see scenarios/README.md)",
        )
    if n < 1:
        raise input_error("-N", f"must be at least 1, found {n}", "give a sample size")
    if method is Method.MORRIS and (levels < 2 or levels % 2):
        # Morris's trajectories step by half the grid: an odd number of levels
        # samples the grid unevenly, and one level does not move at all.
        raise input_error(
            f"--levels {levels}",
            "Morris needs an even number of grid levels, at least 2",
            "use 4 (the usual choice) or another even number",
        )
    params = tuple(parameters)
    notes: list[str] = []
    names = [p.name for p in params]
    unit = None
    if method is Method.SOBOL:
        from SALib.sample import sobol

        rounded = power_of_two(n)
        if rounded != n:
            note = f"N = {n} is not a power of two; rounded up to {rounded}"
            logger.info("Sensitivity | %s", note)  # the report prints the notes
            notes.append(note)
        n = rounded
        values = sobol.sample(
            salib_problem(params), n, calc_second_order=second_order, seed=seed
        )
    elif method is Method.MORRIS:
        from SALib.sample import morris

        unit_values = morris.sample(
            unit_problem(params), n, num_levels=levels, seed=seed
        )
        unit = pd.DataFrame(unit_values, columns=names)
        values = np.column_stack(
            [from_unit(p, unit_values[:, i]) for i, p in enumerate(params)]
        )
    else:
        unit_values = _one_at_a_time(len(params))
        unit = pd.DataFrame(unit_values, columns=names)
        values = np.column_stack(
            [
                frozen(p.distribution).ppf(unit_values[:, i])
                for i, p in enumerate(params)
            ]
        )
        n = len(values)
    samples = pd.DataFrame(values, columns=names)
    _check_values(params, samples, where)
    logger.info(
        "Sensitivity | %s design | %d parameters, %d evaluations, seed %d",
        method.value,
        len(params),
        len(samples),
        seed,
    )
    return Design(
        method, params, n, seed, samples, unit, second_order, levels, tuple(notes)
    )


def _one_at_a_time(k: int) -> np.ndarray:
    """The central point, then each parameter at its low and its high quantile."""
    rows = [np.full(k, 0.5)]
    for i in range(k):
        for q in OAT_QUANTILES:
            row = np.full(k, 0.5)
            row[i] = q
            rows.append(row)
    return np.array(rows)


def _check_values(
    params: tuple[UncertainParameter, ...], samples: pd.DataFrame, file: str
) -> None:
    """Refuse a design with negative factors or discount rates outside [0, 1]."""
    for i, parameter in enumerate(params):
        column = samples[parameter.name]
        where = f"{file}, field 'uncertain.{i}.distribution'"
        if parameter.kind == "discount_rate" and not column.between(0, 1).all():
            raise input_error(
                where,
                f"'{parameter.name}' samples discount rates outside 0 to 1 "
                f"(from {column.min():.3g} to {column.max():.3g})",
                "narrow the distribution, or use a triangular or uniform one",
            )
        if parameter.kind != "discount_rate" and (column < 0).any():
            raise input_error(
                where,
                f"'{parameter.name}' samples negative numbers (down to "
                f"{column.min():.3g}), which no {parameter.kind} can be",
                "use a lognormal, or a uniform or triangular range above zero",
            )
