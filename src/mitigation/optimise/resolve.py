"""Re-solving one pathway model with changed instrument levels, without rebuilding it.

A live what-if session moves one level at a time (a carbon price, a subsidy share)
and wants the new optimum at once. :class:`ResolvablePathway` builds the Pyomo model
once, compiles it to standard form and keeps the ``Highs`` object; each new set of
levels then only changes numbers in that object (costs, bounds, a few matrix
coefficients) and HiGHS re-solves from the previous basis.

How the numbers follow the levels is found, not written out per instrument: most
levels enter the model linearly (a price multiplies emissions, a share multiplies
capital), so the standard form is affine in them,

.. math:: F(\\theta) = F(P) + \\sum_k \\frac{\\theta_k - P_k}{s_k} \\bigl(F(P + s_k e_k) - F(P)\\bigr),

where :math:`F` is every number of the standard form (costs, offset, matrix, row and
column bounds), :math:`P` the probe point and :math:`s_k` a step per level. The model
is compiled at :math:`P` and at :math:`P + s_k e_k` for each level, and once more at
:math:`P + 2 s_k e_k` to check that the level really is affine. Levels that are not
(a hurdle rate or a loan rate enters through an annuity factor) are probed again
around their new value when they move: a re-centring costs one compile per affine
level, still without touching the app's session.

The probe point lies one step above the levels asked for, so that a level of zero,
which may drop a variable from the model (no grant when the share is zero), is
reached by extrapolation inside the structure that has it; the extrapolated model
then holds that variable at zero, which is the same optimum.

Options that the levels exclude (the payback barrier) stay in the compiled model and
are held at zero by their column bounds. Grants capped at the option's capital make
the model piecewise affine; a change of which options are capped re-centres.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Mapping

import numpy as np
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler
from scipy import sparse

from mitigation.exceptions import input_error
from mitigation.optimise.model import PathwayData, build_model
from mitigation.optimise.pathway import explain_infeasibility, read_pathway
from mitigation.optimise.results import Pathway
from mitigation.optimise.solve import (
    CompiledModel,
    SolveStatus,
    StandardForm,
    require_optimal,
)

logger = logging.getLogger(__name__)

DataAt = Callable[[Mapping[str, float]], PathwayData]

# Relative size of a second difference below which a level counts as affine.
AFFINE_TOLERANCE = 1e-9


@dataclasses.dataclass
class _Probe:
    data: PathwayData
    form: StandardForm
    keys: tuple
    model: object
    regime: frozenset[str]
    repn: object


class ResolvablePathway:
    """A plant's pathway model, built once and re-solved as levels change.

    Parameters
    ----------
    data_at
        The pathway data at given levels (a mapping from level name to value).
    levels
        The first levels; their names are every level that may later change.
    steps
        Probe step per level, in the level's own unit: small against its range and
        large against rounding (1 CNY/t for a carbon price, 0.01 for a share).
    always_excluded
        Options never in the model (the scenario's own exclusions); options that
        ``data_at`` excludes beyond these are held at zero instead.
    upper
        Largest allowed value per level; probes step down from a level near it.
    """

    def __init__(
        self,
        data_at: DataAt,
        levels: Mapping[str, float],
        steps: Mapping[str, float],
        always_excluded: frozenset[str] = frozenset(),
        upper: Mapping[str, float] | None = None,
        name: str = "",
    ) -> None:
        missing = sorted(set(levels) - set(steps))
        if missing:
            raise input_error(
                "ResolvablePathway",
                f"no probe step for the level(s) {', '.join(missing)}",
                "give a step for every level that may change",
            )
        self._data_at = data_at
        self._steps = dict(steps)
        self._upper = dict(upper or {})
        self._always_excluded = always_excluded
        self.name = name
        self.builds = 0
        self.curved: set[str] = set()
        self.data: PathwayData | None = None  # the data of the last solve
        started = time.perf_counter()
        self._centre(dict(levels), check=True)
        logger.info(
            "Resolve | %s | %d levels, %d curved (%s), %d builds in %.3f s",
            name,
            len(levels),
            len(self.curved),
            ", ".join(sorted(self.curved)) or "none",
            self.builds,
            time.perf_counter() - started,
        )

    @property
    def levels(self) -> dict[str, float]:
        """The levels of the last solve (or of the construction)."""
        return dict(self._levels)

    def solve(self, levels: Mapping[str, float]) -> Pathway:
        """The least-cost pathway at ``levels``; unchanged names keep their value.

        Raises
        ------
        TargetUnreachableError, SolverError
            As :func:`mitigation.optimise.pathway.solve_pathway` does.
        """
        data, model, result = self.solve_model(levels)
        return read_pathway(data, model, result, self.name)

    @property
    def columns(self) -> list:
        """The Pyomo variables of the compiled model, in the order of
        :attr:`SolveResult.values`; they change when the model is re-centred."""
        return self._compiled.columns

    def solve_model(
        self, levels: Mapping[str, float], with_duals: bool = True, load: bool = True
    ):
        """Solve at ``levels`` and return the data, the Pyomo model holding the
        optimal values, and the solve result, without building the result tables
        (which take far longer than the solve when thousands of samples are read
        for a few numbers each).

        Raises
        ------
        TargetUnreachableError, SolverError
            As :meth:`solve`.
        """
        wanted = {**self._levels, **levels}
        unknown = sorted(set(wanted) - set(self._steps))
        if unknown:
            raise input_error(
                "ResolvablePathway.solve",
                f"unknown level(s) {', '.join(unknown)}",
                f"levels of this model: {', '.join(sorted(self._steps))}",
            )
        data = self._data_at(wanted)
        if self._needs_centring(wanted, data):
            self._centre(wanted, check=False)
        self._levels = wanted
        self._apply(wanted, data)
        result = self._compiled.solve(with_duals, load)
        if result.status in (
            SolveStatus.INFEASIBLE,
            SolveStatus.INFEASIBLE_OR_UNBOUNDED,
        ):
            explain_infeasibility(data)
        require_optimal(result, f"scenario '{self.name}'")
        self.data = data
        return data, self._compiled.model, result

    # -- probing ---------------------------------------------------------------

    def _needs_centring(self, levels: dict[str, float], data: PathwayData) -> bool:
        moved = {k for k in self.curved if levels[k] != self._levels_at_centre[k]}
        return bool(moved) or _grant_regime(data) != self._centre_probe.regime

    def _centre(self, levels: dict[str, float], check: bool) -> None:
        """Compile at the probe point and one step along each affine level."""
        signs = {k: self._direction(k, v) for k, v in levels.items()}
        point = {
            k: v if k in self.curved else v + signs[k] * self._steps[k]
            for k, v in levels.items()
        }
        curved = set(self.curved)
        centre = self._probe(point)
        deltas, scale = {}, {}
        for k in levels:
            if k in self.curved and not check:
                continue
            step = signs[k] * self._steps[k]
            once = self._probe({**point, k: point[k] + step})
            if not self._same_structure(centre, once):
                self.curved.add(k)
                continue
            if check:
                twice = self._probe({**point, k: point[k] + 2 * step})
                if not self._same_structure(centre, twice) or not _affine(
                    centre.form, once.form, twice.form
                ):
                    self.curved.add(k)
                    continue
            deltas[k] = _difference(once.form, centre.form)
            scale[k] = step
        if self.curved != curved:
            # Curved levels are compiled at their own value, not a step beside it.
            self._centre(levels, check=False)
            return
        self._levels = dict(levels)
        self._levels_at_centre = dict(levels)
        self._point = point
        self._centre_probe = centre
        self._deltas = deltas
        self._scale = scale
        self._pattern = _pattern(deltas.values(), centre.form.matrix.shape)
        # The matrix enters the re-solve only at the pattern: keep its numbers there
        # as dense vectors, so that a new level costs a few vector sums.
        self._base_at_pattern = _at(centre.form.matrix, self._pattern)
        self._deltas_at_pattern = {
            k: _at(delta["matrix"], self._pattern) for k, delta in deltas.items()
        }
        self._compiled = CompiledModel(centre.model, centre.repn)
        self._options_of_column = [_option_of(v) for v in self._compiled.columns]
        centre.repn = None

    def _direction(self, name: str, value: float) -> int:
        upper = self._upper.get(name)
        if upper is not None and value + 3 * self._steps[name] > upper:
            return -1
        return 1

    def _probe(self, levels: dict[str, float]) -> _Probe:
        data = self._data_at(levels)
        data = dataclasses.replace(data, excluded=self._always_excluded)
        model = build_model(data)
        repn = LinearStandardFormCompiler().write(model, mixed_form=True)
        self.builds += 1
        keys = (
            tuple(v.name for v in repn.columns),
            tuple((r.constraint.name, r.bound_type) for r in repn.rows),
        )
        form = StandardForm.from_repn(repn)
        return _Probe(data, form, keys, model, _grant_regime(data), repn)

    def _same_structure(self, a: _Probe, b: _Probe) -> bool:
        return a.keys == b.keys and a.regime == b.regime

    # -- re-solving --------------------------------------------------------------

    def _apply(self, levels: dict[str, float], data: PathwayData) -> None:
        """Put the numbers at ``levels`` into the kept ``Highs`` object."""
        form, matrix_values = self._predict(levels)
        highs = self._compiled.highs
        n_cols, n_rows = len(form["cost"]), len(form["row_lower"])
        columns = np.arange(n_cols, dtype=np.int32)
        upper = form["col_upper"].copy()
        held = data.excluded - self._always_excluded
        if held:
            zero = [i for i, o in enumerate(self._options_of_column) if o in held]
            upper[zero] = np.minimum(upper[zero], 0.0)
        highs.changeColsCost(n_cols, columns, form["cost"])
        highs.changeColsBounds(n_cols, columns, form["col_lower"], upper)
        rows = np.arange(n_rows, dtype=np.int32)
        highs.changeRowsBounds(n_rows, rows, form["row_lower"], form["row_upper"])
        for r, c, v in zip(*self._pattern, matrix_values.tolist(), strict=True):
            highs.changeCoeff(int(r), int(c), v)
        self._compiled.offset = form["offset"]

    def _predict(self, levels: dict[str, float]) -> tuple[dict, np.ndarray]:
        """The numbers of the standard form at ``levels``: costs, offset and bounds
        by name, and the matrix at the pattern of entries the levels change."""
        base = self._centre_probe.form
        fields = {
            name: getattr(base, name)
            for name in ("cost", "offset", "row_lower", "row_upper", "col_lower")
        }
        fields["col_upper"] = base.col_upper
        matrix = self._base_at_pattern
        for k, delta in self._deltas.items():
            factor = (levels[k] - self._point[k]) / self._scale[k]
            if factor == 0.0:
                continue
            for name, change in delta.items():
                if name != "matrix":
                    fields[name] = fields[name] + factor * change
            matrix = matrix + factor * self._deltas_at_pattern[k]
        return fields, matrix


def _at(matrix, pattern: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The entries of a sparse matrix at the given rows and columns."""
    if not pattern[0].size:
        return np.zeros(0)
    return np.asarray(sparse.csr_matrix(matrix)[pattern]).ravel()


def _option_of(var) -> str | None:
    """The option a column belongs to (activity, capacity or grant of it)."""
    index = var.index()
    return index[0] if isinstance(index, tuple) and isinstance(index[0], str) else None


def _finite(values: np.ndarray) -> np.ndarray:
    """Infinite bounds counted as zero, so that differences stay finite."""
    return np.where(np.isfinite(values), values, 0.0)


def _difference(a: StandardForm, b: StandardForm) -> dict:
    """``a - b`` for every number that may change; infinite bounds do not."""
    return {
        "cost": a.cost - b.cost,
        "offset": a.offset - b.offset,
        "matrix": sparse.csr_matrix(a.matrix - b.matrix),
        "row_lower": _finite(a.row_lower) - _finite(b.row_lower),
        "row_upper": _finite(a.row_upper) - _finite(b.row_upper),
        "col_lower": _finite(a.col_lower) - _finite(b.col_lower),
        "col_upper": _finite(a.col_upper) - _finite(b.col_upper),
    }


def _affine(centre: StandardForm, once: StandardForm, twice: StandardForm) -> bool:
    """Whether the second difference of every number is negligible."""
    first = _difference(once, centre)
    second = _difference(twice, once)
    for name, change in first.items():
        again = second[name]
        if sparse.issparse(change):
            gap = abs(again - change).max() if change.shape[0] else 0.0
            size = max(abs(centre.matrix).max() if centre.matrix.nnz else 0.0, 1.0)
        else:
            gap = float(np.max(np.abs(np.asarray(again) - change), initial=0.0))
            size = max(
                float(
                    np.max(
                        np.abs(_finite(np.asarray(getattr(centre, name)))), initial=0.0
                    )
                ),
                1.0,
            )
        if gap > AFFINE_TOLERANCE * size:
            return False
    return _same_infinities(centre, once) and _same_infinities(centre, twice)


def _same_infinities(a: StandardForm, b: StandardForm) -> bool:
    names = ("row_lower", "row_upper", "col_lower", "col_upper")
    return all(
        np.array_equal(np.isinf(getattr(a, n)), np.isinf(getattr(b, n))) for n in names
    )


def _pattern(deltas, shape) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the matrix entries that any level changes."""
    touched = sparse.csr_matrix(shape)
    for delta in deltas:
        touched = touched + abs(delta["matrix"])
    touched = sparse.coo_matrix(touched)
    keep = touched.data > 0
    return touched.row[keep], touched.col[keep]


def _grant_regime(data: PathwayData) -> frozenset[str]:
    """Options whose grant is cut to their capital (where the model has a kink)."""
    capped = set()
    for option in data.economics.grants:
        grant = data.grant(option)
        if grant is None:
            continue
        capex = data.terms[option].capex
        if grant.share * capex + grant.per_unit_cny > capex:
            capped.add(option)
    return frozenset(capped)
