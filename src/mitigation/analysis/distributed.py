"""Mapping a function over many items, serially or on a Dask cluster.

Sweeps (sensitivity samples, scenario grids, per-plant solves) call
:func:`run_tasks`, or :class:`TaskRunner` when they map several times over one
cluster (a price search solves every plant once per iteration). Results come back
in the order of the items whatever the order in which workers finish, so a run on
Dask gives the same list as a serial run: any randomness must come from the items
(give each its own seed, see :func:`item_seeds`), never from the worker.

Where the work runs:

- ``serial=True``: in this process, without Dask (small runs and tests);
- ``scheduler="tcp://host:8786"``: on a running Dask cluster; its workers must be
  able to import ``mitigation`` (install the package there);
- otherwise the address in the environment variable ``MITIGATION_DASK_SCHEDULER``;
- otherwise a local cluster started for the run on the loopback interface: one
  worker process per core (or ``workers``), one thread each, the scheduler's
  status pages on a free port (8787 may be taken by another cluster).

A task that raises is run again up to ``retries`` times (Dask's ``retries=``); a
task whose worker dies is moved to another worker by the scheduler (up to Dask's
``distributed.scheduler.allowed-failures``). Both are counted in the
:class:`RunReport`; tasks that still fail raise :class:`TaskError` once all the
others are done.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mitigation.exceptions import MitigationError, input_error

logger = logging.getLogger(__name__)

SCHEDULER_VARIABLE = "MITIGATION_DASK_SCHEDULER"

Progress = Callable[[int, int], None]


class TaskError(MitigationError):
    """Some tasks failed on every try.

    ``failures`` maps the index of each failed item to the error's text.
    """

    def __init__(self, failures: dict[int, str], total: int) -> None:
        self.failures = failures
        shown = sorted(failures)[:5]
        lines = [f"{len(failures)} of {total} tasks failed after their retries:"]
        lines += [f"  - item {index}: {failures[index]}" for index in shown]
        if len(failures) > len(shown):
            lines.append(f"  - and {len(failures) - len(shown)} more")
        super().__init__("\n".join(lines))


@dataclass
class RunReport:
    """What happened to the tasks of one or more maps on a runner.

    Attributes
    ----------
    where
        ``serial``, ``local cluster (N workers)`` or the scheduler's address.
    tasks
        Tasks run, each item counted once.
    retried
        Tasks that needed more than one try (an error, or their worker died).
    retries
        Tries beyond the first, summed over tasks.
    failed
        Tasks that failed on every try.
    seconds
        Wall-clock time spent mapping.
    """

    where: str = "serial"
    tasks: int = 0
    retried: int = 0
    retries: int = 0
    failed: int = 0
    seconds: float = 0.0
    failures: dict[int, str] = field(default_factory=dict)

    def summary(self) -> str:
        text = f"{self.tasks} tasks on {self.where} in {self.seconds:.1f} s"
        if self.retried:
            text += f"; {self.retried} retried ({self.retries} retries)"
        if self.failed:
            text += f"; {self.failed} failed"
        return text


def item_seeds(seed: int, count: int) -> list[int]:
    """One independent seed per item, the same for the same ``seed`` and ``count``.

    Drawn with numpy's ``SeedSequence.spawn``, so the items' random streams do not
    overlap and do not depend on where or in which order the items run.
    """
    children = np.random.SeedSequence(seed).spawn(count)
    return [int(child.generate_state(1, dtype=np.uint32)[0]) for child in children]


def scheduler_address(given: str | None) -> str | None:
    """The scheduler to use: ``given``, else ``$MITIGATION_DASK_SCHEDULER``, else
    None (a local cluster)."""
    address = given or os.environ.get(SCHEDULER_VARIABLE) or None
    if address is not None and "://" not in address:
        where = "--scheduler" if given else f"environment variable {SCHEDULER_VARIABLE}"
        raise input_error(
            where,
            f"'{address}' is not a scheduler address",
            "write it with its protocol, e.g. tcp://10.0.0.5:8786",
        )
    return address


class TaskRunner:
    """A serial runner or a Dask client, kept open over several maps.

    Use as a context manager: the local cluster it starts, if any, is closed on
    leaving, also when a task or the caller fails.
    """

    def __init__(
        self,
        *,
        scheduler: str | None = None,
        workers: int | None = None,
        retries: int = 2,
        serial: bool = False,
    ) -> None:
        if workers is not None and workers < 1:
            raise input_error(
                "--workers", f"{workers} workers", "give 1 or more, or leave it out"
            )
        if retries < 0:
            raise input_error("retries", f"{retries}", "give 0 or more")
        self.serial = serial
        self.address = None if serial else scheduler_address(scheduler)
        self.workers = workers
        self.retries = retries
        self.report = RunReport()
        self._client = None
        self._cluster = None

    def __enter__(self) -> TaskRunner:
        if not self.serial:
            self._connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connect(self) -> None:
        from distributed import Client, LocalCluster

        if self.address is not None:
            try:
                self._client = Client(self.address, timeout="10s")
            except OSError as err:
                raise input_error(
                    f"--scheduler {self.address}",
                    f"no Dask scheduler answers there ({err})",
                    "check the address and that the scheduler runs, or run with "
                    "--serial",
                ) from err
            self.report.where = self.address
        else:
            count = self.workers or os.cpu_count() or 1
            self._cluster = LocalCluster(
                n_workers=count,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=":0",  # a free port: 8787 may be taken
                silence_logs=logging.ERROR,
            )
            self._client = Client(self._cluster)
            self.report.where = f"local cluster ({count} workers)"
        logger.info("Dask | connected to %s", self.report.where)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    @property
    def worker_addresses(self) -> list[str]:
        """Addresses of the cluster's workers (empty when serial)."""
        if self._client is None:
            return []
        return sorted(self._client.scheduler_info()["workers"])

    def map(
        self,
        function: Callable[[Any], Any],
        items: Sequence[Any],
        on_progress: Progress | None = None,
        pin: bool = False,
    ) -> list:
        """``[function(item) for item in items]``, in the items' order.

        ``pin`` asks that item i run on worker ``i mod workers`` whenever that
        worker is alive (and elsewhere otherwise), so that repeated maps over the
        same items find what a worker kept from the last map.

        Raises
        ------
        TaskError
            When a task fails on every try; raised after all other tasks end.
        """
        started = time.perf_counter()
        if self._client is None:
            results, failures, tries = self._map_serial(function, items, on_progress)
        else:
            results, failures, tries = self._map_dask(function, items, on_progress, pin)
        report = self.report
        report.tasks += len(items)
        report.retried += sum(1 for extra in tries if extra > 0)
        report.retries += sum(tries)
        report.failed += len(failures)
        report.failures.update(failures)
        report.seconds += time.perf_counter() - started
        logger.info("Tasks | %s", report.summary())
        if failures:
            raise TaskError(failures, len(items))
        return results

    def _map_serial(self, function, items, on_progress):
        results: list = [None] * len(items)
        failures: dict[int, str] = {}
        tries = [0] * len(items)
        for index, item in enumerate(items):
            for attempt in range(self.retries + 1):
                try:
                    results[index] = function(item)
                except Exception as err:  # noqa: BLE001 - reported with its item
                    failures[index] = f"{type(err).__name__}: {err}"
                    tries[index] = attempt
                    continue
                failures.pop(index, None)
                tries[index] = attempt
                break
            if on_progress is not None:
                on_progress(index + 1, len(items))
        return results, failures, tries

    def _map_dask(self, function, items, on_progress, pin):
        from distributed import as_completed

        client = self._client
        addresses = self.worker_addresses if pin else []
        futures = []
        for index, item in enumerate(items):
            placement = {}
            if addresses:
                placement = {
                    "workers": [addresses[index % len(addresses)]],
                    "allow_other_workers": True,
                }
            futures.append(
                client.submit(
                    function, item, retries=self.retries, pure=False, **placement
                )
            )
        position = {future.key: index for index, future in enumerate(futures)}
        done = 0
        for _ in as_completed(futures):
            done += 1
            if on_progress is not None:
                on_progress(done, len(items))
        tries = _extra_tries(client, [f.key for f in futures], self.retries)
        results: list = [None] * len(items)
        failures: dict[int, str] = {}
        for future in futures:
            index = position[future.key]
            if future.status == "finished":
                results[index] = future.result()
            else:
                error = future.exception()
                failures[index] = f"{type(error).__name__}: {error}"
        for future in futures:
            future.release()
        return results, failures, [tries.get(f.key, 0) for f in futures]


def _extra_tries(client, keys: list, retries: int) -> dict:
    """Tries beyond the first per task, as the scheduler counted them: retries
    spent after an error, and moves away from a worker that died."""

    def count(dask_scheduler, keys=keys, retries=retries):
        counted = {}
        for key in keys:
            task = dask_scheduler.tasks.get(key)
            if task is not None:
                counted[key] = (retries - task.retries) + task.suspicious
        return counted

    try:
        return client.run_on_scheduler(count)
    except Exception as err:  # noqa: BLE001 - a scheduler may refuse; counts are lost
        logger.warning("Dask | the scheduler did not report retries: %s", err)
        return {}


def run_tasks(
    function: Callable[[Any], Any],
    items: Sequence[Any],
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    retries: int = 2,
    on_progress: Progress | None = None,
    serial: bool = False,
) -> list:
    """``[function(item) for item in items]`` on Dask (or serially), in order.

    ``function`` and the items must be picklable (a module-level function, plain
    data). See the module's docstring for where the tasks run.

    Parameters
    ----------
    scheduler
        A Dask scheduler address (``tcp://host:8786``); else
        ``$MITIGATION_DASK_SCHEDULER``; else a local cluster.
    workers
        Worker processes of the local cluster (default: one per core).
    retries
        Tries after the first for a task that raises.
    on_progress
        Called with (tasks done, tasks in all) as tasks finish.
    serial
        Run in this process without Dask.

    Raises
    ------
    TaskError
        When a task fails on every try.
    """
    with TaskRunner(
        scheduler=scheduler, workers=workers, retries=retries, serial=serial
    ) as runner:
        return runner.map(function, items, on_progress)
