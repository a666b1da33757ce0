"""run_tasks on a real local Dask cluster of two worker processes, against a serial run.

One cluster serves the whole module, started once and closed at the end even when a
test fails. Tasks are module-level functions, so that workers import them.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from mitigation.analysis.distributed import (
    SCHEDULER_VARIABLE,
    TaskError,
    TaskRunner,
    item_seeds,
    run_tasks,
    scheduler_address,
)
from mitigation.exceptions import InputError


def draw(seed: int) -> list[float]:
    """Three uniform numbers from the item's own seed."""
    return np.random.default_rng(seed).random(3).tolist()


def slow_square(value: int) -> int:
    """Later items finish first, so that completion order differs from item order."""
    import time

    time.sleep(0.02 * (5 - value % 5))
    return value * value


def fail_once(marker: str) -> str:
    """Raise on the first try (no marker yet), succeed on the next."""
    path = Path(marker)
    if not path.exists():
        path.write_text("tried", encoding="utf-8")
        raise RuntimeError("first try fails")
    return "ok"


def kill_worker_once(marker: str) -> int:
    """End the worker process on the first try; the scheduler moves the task."""
    path = Path(marker)
    if not path.exists():
        path.write_text("killed", encoding="utf-8")
        os._exit(1)
    return os.getpid()


def always_fail(value: int) -> int:
    raise ValueError(f"bad item {value}")


@pytest.fixture(scope="module")
def runner():
    with TaskRunner(workers=2, retries=2) as dask_runner:
        yield dask_runner


def test_dask_results_equal_serial_in_value_and_order(runner: TaskRunner) -> None:
    seeds = item_seeds(2026, 12)
    serial = run_tasks(draw, seeds, serial=True)
    assert runner.map(draw, seeds) == serial
    assert runner.map(slow_square, list(range(10))) == [v * v for v in range(10)]
    assert len(runner.worker_addresses) == 2


def test_item_seeds_are_reproducible_and_distinct() -> None:
    assert item_seeds(7, 5) == item_seeds(7, 5)
    assert len(set(item_seeds(7, 100))) == 100
    assert item_seeds(7, 5) != item_seeds(8, 5)


def test_a_failed_task_is_retried_and_counted(runner: TaskRunner, tmp_path) -> None:
    before = runner.report.retried
    results = runner.map(fail_once, [str(tmp_path / "a"), str(tmp_path / "b")])
    assert results == ["ok", "ok"]
    assert runner.report.retried - before == 2


def test_a_dead_workers_task_runs_elsewhere(runner: TaskRunner, tmp_path) -> None:
    before = runner.report.retried
    [pid] = runner.map(kill_worker_once, [str(tmp_path / "killed")])
    assert pid != os.getpid()
    assert runner.report.retried - before == 1


def test_tasks_failing_every_try_are_reported(runner: TaskRunner) -> None:
    progress = []
    with pytest.raises(TaskError) as raised:
        runner.map(
            always_fail, [1, 2], on_progress=lambda d, n: progress.append((d, n))
        )
    assert sorted(raised.value.failures) == [0, 1]
    assert "ValueError: bad item 2" in str(raised.value)
    assert progress[-1] == (2, 2)


def test_serial_mode_retries_and_reports(tmp_path) -> None:
    with TaskRunner(serial=True, retries=1) as serial:
        assert serial.map(fail_once, [str(tmp_path / "s")]) == ["ok"]
        with pytest.raises(TaskError):
            serial.map(always_fail, [3])
    assert serial.report.retried == 2
    assert serial.report.failed == 1
    assert serial.report.where == "serial"


def test_scheduler_address_from_option_or_environment(monkeypatch) -> None:
    monkeypatch.setenv(SCHEDULER_VARIABLE, "tcp://127.0.0.1:8786")
    assert scheduler_address(None) == "tcp://127.0.0.1:8786"
    assert scheduler_address("tcp://127.0.0.1:9999") == "tcp://127.0.0.1:9999"
    monkeypatch.setenv(SCHEDULER_VARIABLE, "")
    assert scheduler_address(None) is None
    with pytest.raises(InputError, match="not a scheduler address"):
        scheduler_address("127.0.0.1:8786")


def test_fleet_on_dask_equals_serial(runner: TaskRunner) -> None:
    """Twelve plants of the shipped Guangdong fleet, coupled by its target, give
    the same tables on two workers as in this process, through every price
    iteration (exact equality: the same solves in the same order per plant)."""
    import pandas as pd

    from conftest import REPO
    from mitigation.analysis.fleet import resolve_fleet, solve_fleet
    from mitigation.inputs.fleet import load_fleet

    path = REPO / "scenarios" / "fleet" / "guangdong_cement.yaml"
    fleet = load_fleet(path)
    spec = fleet.plants.generate.model_copy(update={"count": 12})
    fleet = fleet.model_copy(
        update={"plants": fleet.plants.model_copy(update={"generate": spec})}
    )
    data = resolve_fleet(fleet, path, REPO)
    on_dask = solve_fleet(data, runner)
    with TaskRunner(serial=True) as serial_runner:
        serial = solve_fleet(data, serial_runner)
    pd.testing.assert_frame_equal(on_dask.plants, serial.plants)
    pd.testing.assert_frame_equal(on_dask.periods, serial.periods)
    assert on_dask.summary["price_iterations"] == serial.summary["price_iterations"]


def test_a_running_scheduler_is_used_by_its_address(runner: TaskRunner) -> None:
    """The same cluster reached by address, as --scheduler would reach it."""
    address = runner._cluster.scheduler_address
    assert address.startswith("tcp://127.0.0.1:")
    seeds = item_seeds(5, 4)
    with TaskRunner(scheduler=address) as remote:
        assert remote.map(draw, seeds) == [draw(seed) for seed in seeds]
        assert remote.report.where == address


def test_the_local_cluster_closes_when_the_caller_fails() -> None:
    with pytest.raises(KeyError), TaskRunner(workers=1) as local:
        cluster = local._cluster
        raise KeyError("the caller fails")
    assert local._cluster is None
    assert cluster.status.name == "closed"
