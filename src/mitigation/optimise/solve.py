"""Solving a Pyomo model with HiGHS through highspy, and the project's solver status.

The model is compiled once to standard form by Pyomo's ``LinearStandardFormCompiler``
and handed to highspy as arrays. Solution values are written back to the Pyomo
variables and row duals are returned per constraint. Keeping the compiled model and
its ``Highs`` object is what later allows re-solving with changed numbers instead of
rebuilding.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from enum import StrEnum

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.tee import capture_output
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler
from scipy import sparse

from mitigation.exceptions import SolverError, UnexpectedError

logger = logging.getLogger(__name__)
highs_logger = logging.getLogger(f"{__name__}.highs")


class SolveStatus(StrEnum):
    """Outcome of a solve, independent of the solver's own codes."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    INFEASIBLE_OR_UNBOUNDED = "infeasible or unbounded"
    LIMIT_REACHED = "time or iteration limit reached"
    ERROR = "solver error"
    UNKNOWN = "unknown"


# HiGHS model status codes:
# https://ergo-code.github.io/HiGHS/stable/structures/enums/#HighsModelStatus
_HIGHS_STATUS = {
    highspy.HighsModelStatus.kOptimal: SolveStatus.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: SolveStatus.INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: SolveStatus.UNBOUNDED,
    highspy.HighsModelStatus.kUnboundedOrInfeasible: SolveStatus.INFEASIBLE_OR_UNBOUNDED,
    highspy.HighsModelStatus.kTimeLimit: SolveStatus.LIMIT_REACHED,
    highspy.HighsModelStatus.kIterationLimit: SolveStatus.LIMIT_REACHED,
    highspy.HighsModelStatus.kSolutionLimit: SolveStatus.LIMIT_REACHED,
    highspy.HighsModelStatus.kModelError: SolveStatus.ERROR,
    highspy.HighsModelStatus.kPresolveError: SolveStatus.ERROR,
    highspy.HighsModelStatus.kSolveError: SolveStatus.ERROR,
    highspy.HighsModelStatus.kPostsolveError: SolveStatus.ERROR,
}


@dataclass(frozen=True)
class SolveResult:
    """What a solve returned.

    ``objective``, ``duals`` and ``values`` are meaningful only when ``status`` is
    optimal; ``duals`` maps each constraint to the change of the objective per unit
    increase of its right-hand side; ``values`` holds the column values in the
    order of :attr:`CompiledModel.columns`.
    """

    status: SolveStatus
    objective: float
    runtime_s: float
    iterations: int
    duals: dict = field(default_factory=dict)
    values: np.ndarray | None = None

    @property
    def optimal(self) -> bool:
        return self.status is SolveStatus.OPTIMAL


@dataclass(frozen=True)
class StandardForm:
    """The numbers of a compiled model: minimise ``cost @ x + offset`` subject to
    ``row_lower <= matrix @ x <= row_upper`` and ``col_lower <= x <= col_upper``."""

    cost: np.ndarray
    offset: float
    matrix: sparse.csr_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray

    @classmethod
    def from_repn(cls, repn) -> StandardForm:
        columns = repn.columns
        n_cols = len(columns)
        cost = np.asarray(repn.c.todense()).ravel() if n_cols else np.zeros(0)
        rhs = np.asarray(repn.rhs, dtype=float)
        kinds = np.array([row.bound_type for row in repn.rows])
        row_lower = np.where(kinds >= 0, np.where(kinds == 0, rhs, -np.inf), rhs)
        row_upper = np.where(kinds <= 0, np.where(kinds == 0, rhs, np.inf), rhs)
        return cls(
            cost=cost.astype(float),
            offset=float(np.asarray(repn.c_offset).ravel()[0]),
            matrix=sparse.csr_matrix(repn.A.tocsr(), dtype=float),
            row_lower=np.where(kinds == 1, -np.inf, row_lower),
            row_upper=np.where(kinds == -1, np.inf, row_upper),
            col_lower=np.array([_bound(v.lb, -np.inf) for v in columns]),
            col_upper=np.array([_bound(v.ub, np.inf) for v in columns]),
            integer=np.array([v.is_integer() for v in columns], dtype=bool),
        )


class CompiledModel:
    """A Pyomo model in standard form, loaded into a highspy ``Highs`` object."""

    def __init__(self, model: pyo.ConcreteModel, repn=None) -> None:
        """Compile ``model``, or take ``repn``, the compiler's output for it."""
        started = time.perf_counter()
        self.model = model
        if repn is None:
            repn = LinearStandardFormCompiler().write(model, mixed_form=True)
        if len(repn.objectives) != 1:
            msg = f"expected one objective, found {len(repn.objectives)}"
            raise UnexpectedError(msg)
        self.columns = repn.columns
        self.rows = repn.rows
        self.form = StandardForm.from_repn(repn)
        self.offset = self.form.offset
        self.highs = _new_highs()
        self._pass()
        logger.debug(
            "Compile | %s | %d rows, %d columns in %.3f s",
            model.name,
            len(self.rows),
            len(self.columns),
            time.perf_counter() - started,
        )

    def _pass(self) -> None:
        form = self.form
        n_cols = len(self.columns)
        self.highs.addVars(n_cols, form.col_lower, form.col_upper)
        self.highs.changeColsCost(n_cols, np.arange(n_cols, dtype=np.int32), form.cost)
        integer = np.flatnonzero(form.integer)
        if len(integer):
            self.highs.changeColsIntegrality(
                len(integer),
                integer.astype(np.int32),
                np.full(len(integer), highspy.HighsVarType.kInteger),
            )
        matrix = form.matrix
        self.highs.addRows(
            len(self.rows),
            form.row_lower,
            form.row_upper,
            matrix.nnz,
            matrix.indptr[:-1].astype(np.int32),
            matrix.indices.astype(np.int32),
            matrix.data,
        )

    def solve(self, with_duals: bool = True, load: bool = True) -> SolveResult:
        """Run HiGHS, load the values into the Pyomo variables (unless ``load`` is
        false: a caller reading many solves takes :attr:`SolveResult.values`) and
        return the result, with the constraints' duals unless ``with_duals`` is
        false."""
        started = time.perf_counter()
        self.highs.run()
        runtime = time.perf_counter() - started
        status = _HIGHS_STATUS.get(self.highs.getModelStatus(), SolveStatus.UNKNOWN)
        info = self.highs.getInfo()
        iterations = int(info.simplex_iteration_count)
        if status is not SolveStatus.OPTIMAL:
            highs_logger.debug(
                "HiGHS status: %s",
                self.highs.modelStatusToString(self.highs.getModelStatus()),
            )
            return SolveResult(status, float("nan"), runtime, iterations)
        solution = self.highs.getSolution()
        values = np.asarray(solution.col_value)
        if len(values) != len(self.columns):
            # HiGHS reports an optimum without a full solution when the numbers are
            # beyond what it can scale (amounts of 1e30): that is no answer.
            highs_logger.debug(
                "HiGHS returned %d of %d values", len(values), len(self.columns)
            )
            return SolveResult(SolveStatus.ERROR, float("nan"), runtime, iterations)
        if load:
            for var, value in zip(self.columns, values.tolist(), strict=True):
                var.set_value(value, skip_validation=True)
        duals: dict = {}
        if (
            with_duals
            and solution.dual_valid
            and len(solution.row_dual) == len(self.rows)
        ):
            for row, dual in zip(self.rows, solution.row_dual, strict=True):
                duals[row.constraint] = duals.get(row.constraint, 0.0) + dual
        objective = float(info.objective_function_value) + self.offset
        logger.info(
            "Solve | %s | %s, objective %.6g, %d iterations, %.3f s",
            self.model.name,
            status,
            objective,
            iterations,
            runtime,
        )
        return SolveResult(status, objective, runtime, iterations, duals, values)


def _new_highs() -> highspy.Highs:
    """A silent ``Highs`` object.

    HiGHS prints its banner from C++ when the first object of a process is made,
    before any option can be set, so that moment's output is captured.
    """
    with capture_output(capture_fd=True):
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    return highs


def _bound(value: float | None, default: float) -> float:
    return default if value is None else float(value)


def require_optimal(result: SolveResult, what: str) -> SolveResult:
    """Return ``result`` if optimal; otherwise raise :class:`SolverError`."""
    if not result.optimal:
        msg = f"{what}: the solver ended with status '{result.status}', so no result is reported"
        raise SolverError(msg)
    return result
