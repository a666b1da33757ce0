"""The ``fleet`` command: a province's plants under one target or carbon price.

It shares the ``mitigation`` application and its error reporting (see
:mod:`mitigation.cli`) and calls the library functions the tests call.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from mitigation.analysis.distributed import TaskRunner
from mitigation.analysis.fleet import resolve_fleet, solve_fleet
from mitigation.cli import (
    _check_out,
    _export_tables,
    _reported,
    _State,
    app,
    console,
    errors,
    project_root,
)
from mitigation.inputs.fleet import load_fleet
from mitigation.report.fleet import fleet_view


@app.command()
def fleet(
    fleet_file: Annotated[Path, typer.Argument(help="A fleet file (YAML).")],
    out: Annotated[
        Path | None,
        typer.Option(help="Write the tables as CSV and one Excel workbook here."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="A Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: "
            "$MITIGATION_DASK_SCHEDULER, else a local cluster)."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Worker processes of the local cluster (default: one a core)."
        ),
    ] = None,
    serial: Annotated[
        bool, typer.Option("--serial", help="Solve in this process, without Dask.")
    ] = False,
    retries: Annotated[
        int, typer.Option(help="Tries after the first for a task that fails.")
    ] = 2,
) -> None:
    """Plans of every plant of a fleet and the province's totals.

    With a province-wide intensity target the plants are coupled: the price on the
    target is searched and every plant solves its own plan at each price. With a
    carbon price each plant is solved once.
    """
    with _reported():
        root = project_root()
        if out is not None:
            _check_out(out)
        data = resolve_fleet(load_fleet(fleet_file), fleet_file, root)
        network = data.archetypes[data.kinds[0]].network
        unit = f"kg CO2e per {network.functional_unit}"
        if not serial:
            _quiet_dask()
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
        )
        with (
            TaskRunner(
                scheduler=scheduler, workers=workers, retries=retries, serial=serial
            ) as runner,
            Progress(*columns, console=errors, transient=True) as progress,
        ):
            bar = progress.add_task("Solving plants", total=None)
            rounds = [0]

            def on_progress(done: int, total: int) -> None:
                if done == 1:
                    rounds[0] += 1
                description = f"Solving plants, price iteration {rounds[0]}"
                progress.update(
                    bar, completed=done, total=total, description=description
                )

            result = solve_fleet(data, runner, on_progress)
        console.print(fleet_view(result, unit))
        if out is not None:
            _export_tables(result.tables(), out, fleet_file.stem)
        report = runner.report
        if report.retried:
            errors.print(
                f"{report.retried} tasks were retried ({escape(report.where)})",
                highlight=False,
            )


def _quiet_dask() -> None:
    """Keep the scheduler's start-up and per-task messages out of the output.

    ``distributed`` sets its loggers' levels when it is first imported, so it is
    imported here before they are lowered; ``--debug`` keeps them.
    """
    import distributed  # noqa: F401 - its import configures its loggers

    if not _State.debug:
        logging.getLogger("distributed").setLevel(logging.WARNING)
