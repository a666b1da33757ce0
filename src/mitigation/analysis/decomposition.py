"""Plants coupled by one province-wide row per period, solved plant by plant.

A province-wide intensity target is, for output given per plant, a cap on the sum of
the plants' emissions in each targeted period t:

.. math:: \\sum_i E_{i,t}(x_i) \\le C_t = I_t \\sum_i N_{i,t} / 1000

Priced at :math:`\\lambda_t` CNY per t CO2e (in period t's money), the rows leave
one independent problem per plant: minimise its own discounted cost plus
:math:`\\sum_t w_t \\lambda_t E_{i,t}`, which is a carbon price on its whole
footprint. The coordinator searches the prices by Dantzig-Wolfe decomposition,
which is the cutting-plane (Kelley) method on the dual function:

1. every plant answers the current prices with a plan (a *column*: its cost
   without the price term, and its emissions per period);
2. a restricted master LP chooses, for every plant, a convex combination of the
   plans it has given so far, at least cost, within the caps (a slack per cap at
   :data:`PENALTY_CNY_PER_T` keeps it feasible until plans that meet the caps
   arrive); its row duals are the next prices;
3. the master's cost is an upper bound on the monolithic optimum once no slack is
   left, and the Lagrangian value of the plants' answers a lower bound; the search
   stops when they are within ``tolerance`` of each other (relative).

Each plant's plan is then the combination the master chose. At most one plant per
coupling row is given a mix of two or more plans: the marginal plant at a kink of
its cost curve, where the monolithic LP also splits its adoption. The decomposed
total cost and emissions therefore equal the monolithic ones to the tolerance.

:class:`PricedPlant` keeps each plant's model compiled in HiGHS and re-solves it
with new prices on its emission columns, warm-started from its optimal basis at no
price, so a price iteration costs a re-solve, not a rebuild, and the plan depends on
the prices only (not on what the worker solved before).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import highspy
import numpy as np
import pyomo.environ as pyo
from scipy import sparse

from mitigation.exceptions import SolverError, UnexpectedError
from mitigation.optimise.model import PathwayData, build_model
from mitigation.optimise.solve import CompiledModel, SolveStatus, _new_highs

logger = logging.getLogger(__name__)

# CNY per t CO2e charged on emissions over a cap in the master problem: far above
# any abatement cost, so that slack is used only where no plan meets the cap.
PENALTY_CNY_PER_T = 1.0e6
# The master is solved in M CNY and kt CO2e, so that its numbers stay near 1 for
# fleets of thousands of plants (HiGHS's tolerances are absolute).
MASTER_COST_SCALE = 1e-6
MASTER_EMISSION_SCALE = 1e-3
DEFAULT_TOLERANCE = 1e-9


@dataclass(frozen=True)
class PlanColumn:
    """A plant's plan, as the coordinator sees it.

    Attributes
    ----------
    cost_cny
        Discounted cost of the plan to the plant, without the coordinator's prices
        (a carbon price the plant really pays is included).
    emissions_t
        Emissions per year in each period, t CO2e.
    made, supply
        Per option (rows) and period (columns): what the option makes of its
        commodity, and the plant's whole supply of that commodity; their ratio is
        the option's share. Both combine linearly across plans.
    """

    cost_cny: float
    emissions_t: np.ndarray
    made: np.ndarray
    supply: np.ndarray

    @staticmethod
    def mix(columns: Sequence[PlanColumn], weights: Sequence[float]) -> PlanColumn:
        """The convex combination of ``columns`` with ``weights``."""
        w = np.asarray(weights, dtype=float)
        return PlanColumn(
            cost_cny=float(
                sum(wi * c.cost_cny for wi, c in zip(w, columns, strict=True))
            ),
            emissions_t=sum(
                wi * c.emissions_t for wi, c in zip(w, columns, strict=True)
            ),
            made=sum(wi * c.made for wi, c in zip(w, columns, strict=True)),
            supply=sum(wi * c.supply for wi, c in zip(w, columns, strict=True)),
        )


class PricedPlant:
    """One plant's pathway model, compiled once and re-solved at emission prices.

    A price :math:`\\lambda_t` adds :math:`w_t \\lambda_t e_p / 1000` to the cost
    of every activity column :math:`x_{p,t}`; nothing else of the model changes.
    Only the HiGHS object and sparse maps from columns to emissions and option
    output are kept: the Pyomo model is let go once compiled.
    """

    def __init__(self, data: PathwayData) -> None:
        self.product = data.network.product
        model = build_model(data)
        compiled = CompiledModel(model)
        self.highs = compiled.highs
        self.rows = len(compiled.rows)
        self.offset = compiled.offset
        self.base_cost = np.array(self.highs.getLp().col_cost_, dtype=float)
        position = {id(var): j for j, var in enumerate(compiled.columns)}
        network = data.network
        periods = list(data.periods)
        self.options = [o for o in network.options if o in model.P]
        shape = (len(self.options), len(periods))
        n = len(compiled.columns)
        emission, made, supply = _Entries(), _Entries(), _Entries()
        for p in model.P:
            process = network.processes[p]
            for t in periods:
                j = position.get(id(model.activity[p, t]))
                if j is None:  # a process the compiler left out: never active
                    continue
                emission.add(t, j, process.emission_kg / 1000.0)
                for k, o in enumerate(self.options):
                    commodity = network.processes[o].reference_output
                    if commodity in process.outputs:
                        row = k * shape[1] + t
                        supply.add(row, j, process.outputs[commodity])
                        if p == o:
                            made.add(row, j, process.outputs[commodity])
        weights = np.array([data.period_weight(t) for t in periods])
        self.emission = emission.matrix((len(periods), n))
        self.price_gradient = (
            sparse.diags(weights) @ self.emission
        ).T.tocsr()  # columns x periods
        self.made = made.matrix((shape[0] * shape[1], n))
        self.supply = supply.matrix((shape[0] * shape[1], n))
        self.shape = shape
        self._indices = np.arange(n, dtype=np.int32)
        # Every re-solve starts from the optimal basis at no price, whatever was
        # solved before: the plan then depends on the prices alone, so a plant
        # rebuilt on another worker gives the same plan as the one kept here (a
        # plan is not unique where the plant is at a kink).
        self._solve()
        self.start_basis = self.highs.getBasis()

    def respond(self, prices_cny_per_t: np.ndarray) -> PlanColumn:
        """The plant's least-cost plan when period t's emissions cost
        ``prices_cny_per_t[t]`` CNY per t CO2e on top of its own costs."""
        highs = self.highs
        cost = self.base_cost + self.price_gradient @ np.asarray(prices_cny_per_t)
        highs.changeColsCost(len(cost), self._indices, cost)
        highs.setBasis(self.start_basis)
        x = self._solve(prices_cny_per_t)
        return PlanColumn(
            cost_cny=float(self.base_cost @ x + self.offset),
            emissions_t=self.emission @ x,
            made=(self.made @ x).reshape(self.shape),
            supply=(self.supply @ x).reshape(self.shape),
        )

    def _solve(self, prices: np.ndarray | None = None) -> np.ndarray:
        highs = self.highs
        highs.run()
        status = highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            at = "no price" if prices is None else f"prices {list(prices)}"
            msg = f"a plant of {self.product} at {at}: {highs.modelStatusToString(status)}"
            raise SolverError(msg)
        return np.array(highs.getSolution().col_value)


class _Entries:
    """Coordinates and values of a sparse matrix, gathered one entry at a time."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.values: list[float] = []

    def add(self, row: int, col: int, value: float) -> None:
        self.rows.append(row)
        self.cols.append(col)
        self.values.append(value)

    def matrix(self, shape: tuple[int, int]) -> sparse.csr_matrix:
        return sparse.csr_matrix((self.values, (self.rows, self.cols)), shape=shape)


@dataclass(frozen=True)
class Coordination:
    """Outcome of the price search.

    ``prices_cny_per_t`` per period (zero where no cap, or a slack cap);
    ``plans[i]`` is plant i's chosen plan; ``split_plants`` the plants given a mix
    of plans; ``gap`` the last relative distance between the bounds.
    """

    prices_cny_per_t: np.ndarray
    plans: list[PlanColumn]
    total_cost_cny: float
    lower_bound_cny: float
    gap: float
    iterations: int
    split_plants: list[int]
    excess_t: np.ndarray  # emissions over each cap no plan could remove
    seconds: float


Respond = Callable[[np.ndarray], list[PlanColumn]]


def coordinate(
    caps_t: Sequence[float | None],
    weights: Sequence[float],
    respond: Respond,
    tolerance: float = DEFAULT_TOLERANCE,
    max_iterations: int = 500,
) -> Coordination:
    """Search the prices on the caps until the plants' plans meet them at least cost.

    Parameters
    ----------
    caps_t
        Province-wide emissions allowed per year in each period (t CO2e), or None.
    weights
        Discount weight of each period (the sum of its years' discount factors).
    respond
        Every plant's plan at given prices, in the plants' order.
    """
    started = time.perf_counter()
    periods = len(caps_t)
    capped = periods_of(caps_t)
    w = np.asarray(weights, dtype=float)
    prices = np.zeros(periods)
    columns: list[list[PlanColumn]] = []
    master = _Master(capped, caps_t, w)
    lower = -math.inf
    for iteration in range(1, max_iterations + 1):
        answers = respond(prices)
        if not columns:
            columns = [[] for _ in answers]
            master.start(len(answers))
        value = sum(c.cost_cny + float(w * prices @ c.emissions_t) for c in answers)
        value -= sum(w[t] * prices[t] * caps_t[t] for t in capped)
        lower = max(lower, value)
        added = 0
        for i, answer in enumerate(answers):
            if master.improves(i, answer) or not columns[i]:
                columns[i].append(answer)
                master.add(i, answer)
                added += 1
        upper, duals, excess = master.solve()
        prices = np.zeros(periods)
        for t, dual in zip(capped, duals, strict=True):
            prices[t] = max(0.0, -dual / w[t])
        gap = (upper - lower) / max(1.0, abs(upper))
        logger.info(
            "Coordinate | iteration %d | cost %.9g, bound %.9g, gap %.2e, %d new plans",
            iteration,
            upper,
            lower,
            gap,
            added,
        )
        if (gap <= tolerance and not excess.any()) or added == 0:
            break
    else:
        logger.warning("Coordinate | no convergence in %d iterations", max_iterations)
    plans, split = master.plans(columns)
    return Coordination(
        prices_cny_per_t=prices,
        plans=plans,
        total_cost_cny=upper - master.penalty_cost(excess),
        lower_bound_cny=lower,
        gap=gap,
        iterations=iteration,
        split_plants=split,
        excess_t=_full(excess, capped, periods),
        seconds=time.perf_counter() - started,
    )


def periods_of(caps_t: Sequence[float | None]) -> list[int]:
    return [t for t, cap in enumerate(caps_t) if cap is not None]


def _full(values: np.ndarray, capped: list[int], periods: int) -> np.ndarray:
    full = np.zeros(periods)
    full[capped] = values
    return full


class _Master:
    """The restricted master LP, kept in one HiGHS object and grown by columns.

    Rows: one convexity row per plant (= 1), then one cap row per capped period.
    Columns: one slack per cap, then the plans in the order they were given.
    """

    def __init__(self, capped: list[int], caps_t, weights: np.ndarray) -> None:
        self.capped = capped
        self.weights = weights
        self.highs = _new_highs()
        self.plants = 0
        self.owner: list[int] = []  # plant of each plan column
        self.index_of: list[int] = []  # position of the column in its plant's list
        self._count: dict[int, int] = {}
        self.duals = np.zeros(0)
        self.plant_duals = np.zeros(0)
        self.caps = np.array([caps_t[t] for t in capped], dtype=float)
        self.caps *= MASTER_EMISSION_SCALE
        self.slacks = 0
        self.values = np.zeros(0)

    def add(self, plant: int, column: PlanColumn) -> None:
        highs = self.highs
        if plant >= self.plants:
            msg = "plans must come for every plant from the first iteration"
            raise UnexpectedError(msg)
        rows = [plant] + [self.plants + k for k in range(len(self.capped))]
        values = [1.0] + [
            float(column.emissions_t[t]) * MASTER_EMISSION_SCALE for t in self.capped
        ]
        highs.addCol(
            column.cost_cny * MASTER_COST_SCALE,
            0.0,
            highspy.kHighsInf,
            len(rows),
            np.array(rows, dtype=np.int32),
            np.array(values),
        )
        self.owner.append(plant)
        self.index_of.append(self._count.get(plant, 0))
        self._count[plant] = self._count.get(plant, 0) + 1

    def start(self, plants: int) -> None:
        highs = self.highs
        self.plants = plants
        highs.addRows(
            plants,
            np.ones(plants),
            np.ones(plants),
            0,
            np.zeros(plants, dtype=np.int32),
            np.zeros(0, dtype=np.int32),
            np.zeros(0),
        )
        caps = len(self.capped)
        highs.addRows(
            caps,
            np.full(caps, -highspy.kHighsInf),
            self.caps,
            0,
            np.zeros(caps, dtype=np.int32),
            np.zeros(0, dtype=np.int32),
            np.zeros(0),
        )
        for k, t in enumerate(self.capped):
            highs.addCol(
                self._penalty(t),
                0.0,
                highspy.kHighsInf,
                1,
                np.array([plants + k], dtype=np.int32),
                np.array([-1.0]),
            )
        self.slacks = caps

    def improves(self, plant: int, column: PlanColumn) -> bool:
        """Whether the plan has a negative reduced cost at the last duals."""
        if not len(self.plant_duals):
            return True
        reduced = column.cost_cny - self.plant_duals[plant]
        reduced -= float(self.duals @ column.emissions_t[self.capped])
        return reduced < -DEFAULT_TOLERANCE * max(1.0, abs(column.cost_cny))

    def solve(self) -> tuple[float, np.ndarray, np.ndarray]:
        """Cost (CNY), the cap rows' duals (CNY per t CO2e, before discounting by
        the period's weight) and the emissions over each cap (t CO2e a year)."""
        highs = self.highs
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            # A warm start gone wrong is solved again from scratch.
            logger.debug("Coordinate | master solved again without its basis")
            highs.clearSolver()
            highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            status = highs.modelStatusToString(highs.getModelStatus())
            msg = f"the master problem ended with {status}"
            raise UnexpectedError(msg)
        solution = highs.getSolution()
        row_dual = np.array(solution.row_dual)
        self.plant_duals = row_dual[: self.plants] / MASTER_COST_SCALE
        self.duals = row_dual[self.plants :] * MASTER_EMISSION_SCALE / MASTER_COST_SCALE
        values = np.array(solution.col_value)
        self.values = values
        excess = values[: self.slacks] / MASTER_EMISSION_SCALE
        objective = float(highs.getInfo().objective_function_value) / MASTER_COST_SCALE
        return objective, self.duals, np.where(excess > 1e-6, excess, 0.0)

    def _penalty(self, t: int) -> float:
        """Master cost (M CNY) of one kt CO2e over period t's cap."""
        per_t = PENALTY_CNY_PER_T * self.weights[t]
        return per_t / MASTER_EMISSION_SCALE * MASTER_COST_SCALE

    def penalty_cost(self, excess: np.ndarray) -> float:
        return float(
            sum(
                PENALTY_CNY_PER_T * self.weights[t] * e
                for t, e in zip(self.capped, excess, strict=True)
            )
        )

    def plans(
        self, columns: list[list[PlanColumn]]
    ) -> tuple[list[PlanColumn], list[int]]:
        weights: list[list[float]] = [[0.0] * len(c) for c in columns]
        for j, (plant, k) in enumerate(zip(self.owner, self.index_of, strict=True)):
            weights[plant][k] = float(self.values[self.slacks + j])
        plans, split = [], []
        for plant, (plant_columns, w) in enumerate(zip(columns, weights, strict=True)):
            used = [k for k, wk in enumerate(w) if wk > 1e-9]
            if len(used) > 1:
                split.append(plant)
            total = sum(w[k] for k in used)
            plans.append(
                PlanColumn.mix(
                    [plant_columns[k] for k in used], [w[k] / total for k in used]
                )
            )
        return plans, split


def monolithic(
    plants: Sequence[PathwayData], caps_t: Sequence[float | None]
) -> tuple[float, np.ndarray, list[np.ndarray], np.ndarray]:
    """All plants in one Pyomo model with the shared rows, for small fleets.

    Returns the total discounted cost (CNY), the province's emissions per period
    (t CO2e a year), each plant's emissions per period, and the shadow price of
    each cap (CNY per t CO2e in its period's money, zero where slack or absent).
    """
    started = time.perf_counter()
    fleet = monolithic_model(plants, caps_t)
    blocks = fleet.plant_blocks
    periods = list(plants[0].periods)
    capped = periods_of(caps_t)
    compiled = CompiledModel(fleet)
    result = compiled.solve()
    if result.status is not SolveStatus.OPTIMAL:
        msg = f"the monolithic fleet model ended with status '{result.status}'"
        raise SolverError(msg)
    per_plant = [
        np.array([pyo.value(b.emissions_t[t]) for t in periods]) for b in blocks
    ]
    prices = np.zeros(len(periods))
    for t in capped:
        prices[t] = -result.duals.get(fleet.cap[t], 0.0) / plants[0].period_weight(t)
    logger.info(
        "Monolithic | %d plants, %d rows in %.2f s",
        len(plants),
        len(compiled.rows),
        time.perf_counter() - started,
    )
    return result.objective, sum(per_plant), per_plant, prices


def monolithic_model(
    plants: Sequence[PathwayData], caps_t: Sequence[float | None]
) -> pyo.ConcreteModel:
    """One Pyomo model holding every plant's model as a block, their objectives
    summed, and the shared cap rows ``cap[t]``."""
    fleet = pyo.ConcreteModel(name="fleet")
    blocks = []
    for i, data in enumerate(plants):
        block = build_model(data)
        block.objective.deactivate()
        fleet.add_component(f"plant_{i}", block)
        blocks.append(block)
    fleet.plant_blocks = blocks
    fleet.objective = pyo.Objective(expr=sum(b.objective.expr for b in blocks))
    fleet.cap = pyo.Constraint(
        periods_of(caps_t),
        rule=lambda m, t: sum(b.emissions_t[t] for b in blocks) <= caps_t[t],
    )
    return fleet
