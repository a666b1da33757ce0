"""The ``sensitivity`` commands: sample, solve and analyse; or re-analyse a stored
study.

They share the ``mitigation`` application and its error reporting (see
:mod:`mitigation.cli`), and call the library functions the tests call.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from mitigation.analysis.design import Method
from mitigation.analysis.sensitivity import OnFailure
from mitigation.cli import _check_out, _reported, app, console, errors, project_root


@app.command()
def sensitivity(
    scenario: Annotated[
        Path, typer.Argument(help="A scenario with 'uncertain:' parameters.")
    ],
    method: Annotated[
        Method, typer.Option(help="sobol, morris or oat.")
    ] = Method.SOBOL,
    n: Annotated[
        int,
        typer.Option(
            "-N",
            "--samples",
            help="Base samples (Sobol: rounded up to a power of two; "
            "Morris: trajectories).",
        ),
    ] = 1024,
    seed: Annotated[int, typer.Option(help="Seed of the design.")] = 1,
    second_order: Annotated[
        bool, typer.Option(help="Sobol: also second-order indices (more solves).")
    ] = False,
    levels: Annotated[int, typer.Option(help="Morris: levels of the grid.")] = 4,
    on_failure: Annotated[
        OnFailure,
        typer.Option(help="stop at a sample with no optimal pathway, or record it."),
    ] = OnFailure.STOP,
    out: Annotated[
        Path | None,
        typer.Option(help="Store the design and results, CSV, Excel and charts here."),
    ] = None,
    output: Annotated[
        list[str] | None,
        typer.Option(help="Outputs to print (default: all); files hold every one."),
    ] = None,
    serial: Annotated[
        bool, typer.Option(help="Solve in this process, without Dask.")
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="A Dask scheduler address, tcp://host:8786 (default: "
            "$MITIGATION_DASK_SCHEDULER, else a local cluster)."
        ),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Workers of the local cluster (default: cores).")
    ] = None,
) -> None:
    """Global sensitivity of a scenario's pathway to its uncertain parameters.

    Samples are solved in tasks of 256 on Dask (a local cluster of one worker per
    core unless --scheduler names one), or here with --serial; both give the same
    numbers in the same order. A study of one task always runs here.
    """
    from mitigation.analysis.stored import save_study
    from mitigation.analysis.study import prepare_study, run_study
    from mitigation.report.sensitivity import export_study, study_view

    with _reported():
        root = project_root()
        if out is not None:
            _check_out(out)
        study = prepare_study(root, scenario, method, n, seed, second_order, levels)
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=errors,
            transient=True,
        ) as progress:
            task = progress.add_task("Solving", total=len(study.design.samples))
            evaluations = run_study(
                study,
                on_failure,
                lambda done, total: progress.update(task, completed=done),
                scheduler=scheduler,
                workers=workers,
                serial=serial,
            )
        from mitigation.analysis.sensitivity import analyse

        analysis = analyse(study.design, evaluations)
        console.print(study_view(study.design, analysis, output))
        if out is not None:
            written = save_study(out, study.design, evaluations, study.name)
            written += export_study(study.design, evaluations, analysis, out)
            errors.print(
                f"Wrote {len(written)} files to {escape(str(out))}", highlight=False
            )


@app.command("sensitivity-report")
def sensitivity_report(
    folder: Annotated[
        Path, typer.Argument(help="A folder written by sensitivity --out.")
    ],
    output: Annotated[
        list[str] | None, typer.Option(help="Outputs to print (default: all).")
    ] = None,
) -> None:
    """Analyse a stored study again, with the design it was sampled with."""
    from mitigation.analysis.sensitivity import analyse
    from mitigation.analysis.stored import load_study
    from mitigation.report.sensitivity import export_study, study_view

    with _reported():
        design, evaluations, _ = load_study(folder)
        analysis = analyse(design, evaluations)
        console.print(study_view(design, analysis, output))
        export_study(design, evaluations, analysis, folder)
