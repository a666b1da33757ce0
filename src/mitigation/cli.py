"""The ``mitigation`` command line.

Commands are thin: they read inputs, call the same functions the tests call and
present the result. Errors in the inputs are printed as one readable message with a
non-zero exit; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape

from mitigation.exceptions import (
    BUG_REPORT_HINT,
    InputError,
    MitigationError,
    Problem,
    TargetUnreachableError,
    input_error,
)
from mitigation.inputs.project import find_root
from mitigation.inputs.scenario import Scenario, load_scenario
from mitigation.optimise.model import PathwayData
from mitigation.optimise.pathway import solve_pathway
from mitigation.policy.compare import prepare_with_policy
from mitigation.process.footprint import footprint as evaluate_footprint
from mitigation.process.network import Setting, load_network
from mitigation.report.files import (
    export_pathway,
    export_tables,
    footprint_json,
    footprint_records,
)
from mitigation.report.tables import footprint_table, pathway_view

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Product carbon footprints and least-cost abatement pathways.",
)
# Piped or redirected output gets a width that keeps large numbers whole.
console = Console(width=None if sys.stdout.isatty() else 120)

errors = Console(stderr=True)
logger = logging.getLogger("mitigation")


class _State:
    debug = False
    root: Path | None = None


class TableFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class PathwayFormat(StrEnum):
    table = "table"
    json = "json"


@app.callback()
def _options(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks and debug logs.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log solver status and times.")
    ] = False,
    root: Annotated[
        Path | None,
        typer.Option(
            help="Project folder holding data/ and models/ (found if omitted)."
        ),
    ] = None,
) -> None:
    _State.debug = debug
    _State.root = root
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    handler = RichHandler(console=errors, show_path=False, show_time=False)
    logging.basicConfig(
        level=level, handlers=[handler], format="%(message)s", force=True
    )
    if not debug:
        logging.getLogger("pyomo").setLevel(logging.ERROR)
        # Dask sets its own loggers to INFO when it is first imported (and in every
        # worker it starts): its cluster start-up is not news to a user.
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
        import dask.config  # read already, before the variable was set here

        dask.config.set({"logging.distributed": "warning"})


@contextmanager
def _reported():
    """Print package errors as a message and exit non-zero; keep tracebacks for --debug."""
    try:
        yield
    except MitigationError as err:
        if _State.debug:
            raise
        errors.print(
            f"[bold red]Error:[/] {escape(str(err))}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(1) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as err:
        if _State.debug:
            raise
        errors.print(
            f"[bold red]Unexpected error:[/] {type(err).__name__}: {escape(str(err))}"
            f"\n{BUG_REPORT_HINT} Run again with --debug to see where it happened.",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2) from None


def project_root() -> Path:
    """The folder holding ``data/`` and ``models/`` (``--root``, else found)."""
    return find_root(_State.root)


@app.command()
def footprint(
    product: Annotated[str, typer.Argument(help="A model in models/, e.g. cement.")],
    region: Annotated[
        str, typer.Option(help="A region of data/regions.csv, e.g. guangdong.")
    ],
    grade: Annotated[
        str | None, typer.Option(help="Product grade (default: the model's).")
    ] = None,
    plant_type: Annotated[
        str | None,
        typer.Option(help="Kind of plant, e.g. a kiln class (default: the model's)."),
    ] = None,
    grid_basis: Annotated[
        str, typer.Option(help="latest or regional_2012.")
    ] = "latest",
    fuel_dataset: Annotated[
        str, typer.Option(help="cn_default or ipcc2006.")
    ] = "cn_default",
    gwp_set: Annotated[str, typer.Option(help="AR4, AR5 or AR6.")] = "AR5",
    output_format: Annotated[
        TableFormat, typer.Option("--format", help="table, json or csv.")
    ] = TableFormat.table,
) -> None:
    """Footprint per functional unit of a product as made today, by stage and scope."""
    with _reported():
        root = project_root()
        setting = Setting(
            region, grid_basis, fuel_dataset, gwp_set, plant_type=plant_type
        )

        network = load_network(root, product, setting, grade, _option_name)
        fp = evaluate_footprint(network, network.baseline_activity())
        if output_format is TableFormat.json:
            sys.stdout.write(footprint_json(fp, dict(network.stages)) + "\n")
        elif output_format is TableFormat.csv:
            import pandas as pd

            frame = pd.DataFrame(footprint_records(fp, dict(network.stages)))
            sys.stdout.write(frame.to_csv(index=False))
        else:
            console.print(footprint_table(network, fp))


@app.command()
def solve(
    scenarios: Annotated[list[Path], typer.Argument(help="Scenario files (YAML).")],
    out: Annotated[
        Path | None,
        typer.Option(help="Write the tables as CSV and one Excel workbook here."),
    ] = None,
    output_format: Annotated[
        PathwayFormat, typer.Option("--format", help="table or json.")
    ] = PathwayFormat.table,
) -> None:
    """Least-cost pathway of each scenario: adoption, intensity, costs, shadow prices.

    Every scenario is checked before any is solved. A scenario whose targets cannot
    be met is reported and the others are still solved; the exit code is then 1.
    With --format json the output is one JSON array with a record per scenario.
    """
    import json

    from mitigation.report.files import pathway_record

    with _reported():
        root = project_root()
        if out is not None:
            _check_out(out)
            _check_distinct_stems(scenarios)
        records, failures = [], []
        for path, scenario, data in _checked_scenarios(scenarios, root):
            try:
                pathway = solve_pathway(data, scenario.name)
            except TargetUnreachableError as err:
                failures.append(err.located(str(path)))
                continue
            if output_format is PathwayFormat.json:
                records.append(pathway_record(pathway))
            else:
                console.print(pathway_view(pathway))
                console.print()
            if out is not None:
                _export(pathway, out, path.stem)
        if output_format is PathwayFormat.json:
            sys.stdout.write(json.dumps(records, indent=2, ensure_ascii=False) + "\n")
        for failure in failures[:-1]:
            errors.print(f"[bold red]Error:[/] {escape(str(failure))}", highlight=False)
        if failures:
            raise failures[-1]


def _export(pathway, out: Path, stem: str) -> None:
    _write_files(lambda: export_pathway(pathway, out, stem), out)


def _export_tables(tables, out: Path, stem: str) -> None:
    _write_files(lambda: export_tables(tables, out, stem), out)


def _write_files(write, out: Path) -> None:
    try:
        written = write()
    except OSError as err:
        raise input_error(
            f"--out {out}",
            f"cannot write the results: {err.strerror or err}",
            "check that the folder can be written and that no result "
            "file is open in another program",
        ) from err
    errors.print(f"Wrote {len(written)} files to {escape(str(out))}", highlight=False)


def _check_distinct_stems(paths: list[Path]) -> None:
    """Two scenario files of the same name would write the same result files."""
    seen: dict[str, Path] = {}
    for path in paths:
        if path.stem in seen and seen[path.stem] != path:
            raise input_error(
                str(path),
                f"has the same name as {seen[path.stem]}, so their results would "
                "overwrite each other in --out",
                "rename one of them, or solve them with different --out folders",
            )
        seen[path.stem] = path


def result_stem(path: Path) -> str:
    """The name result files of a scenario file carry: its own, or its folder's
    for a policy folder's ``reference.yaml``, so that two plants' results written
    to one folder never overwrite each other."""
    if path.stem == "reference" and path.parent.name:
        return f"{path.parent.name}_reference"
    return path.stem


def _check_one_plant(checked: list, reference: Path) -> None:
    """Instruments are compared on one plant: one product, grade and kind of plant."""
    plant = {
        p: (d.network.product, d.network.grade, d.network.plant_type)
        for p, _, d in checked
    }
    problems = [
        Problem(
            str(path),
            f"is a scenario of {key[0]} ({key[1]}), not of the reference's "
            f"{plant[reference][0]} ({plant[reference][1]})",
            "compare instruments on one plant: give scenarios of the reference's "
            "product, grade and kind of plant",
        )
        for path, key in plant.items()
        if key != plant[reference]
    ]
    if problems:
        raise InputError(problems)


def _check_out(out: Path) -> None:
    """Refuse an --out that names a file, before anything is solved."""
    existing = next((folder for folder in (out, *out.parents) if folder.exists()), None)
    if existing is not None and not existing.is_dir():
        what = "is a file, not a folder" if existing == out else f"{existing} is a file"
        raise input_error(
            f"--out {out}",
            what,
            "give a folder for the results; it is created if missing",
        )


def _option_name(setting: str) -> str:
    """The command-line option that sets ``setting`` (``grid_basis``)."""
    return "--" + setting.replace("_", "-")


def _checked_scenarios(
    paths: list[Path], root: Path
) -> list[tuple[Path, Scenario, PathwayData]]:
    """Read, check and resolve every scenario before any is solved.

    A mistake in the last file is reported before the first is solved or written,
    together with the mistakes of every other file.
    """
    checked, problems, first = [], [], None
    for path in paths:
        try:
            scenario = load_scenario(path)
            data = prepare_with_policy(scenario, root, str(path))
        except InputError as err:
            problems += [p for p in err.problems if p not in problems]
            first = first or err
        else:
            checked.append((path, scenario, data))
    if problems:
        raise InputError(problems) from first
    return checked


def _scenario_files(paths: list[Path]) -> list[Path]:
    """The files named, with each folder replaced by the YAML files in it."""
    files = []
    for path in paths:
        if path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            if not found:
                raise input_error(
                    str(path),
                    "no scenario files (.yaml) in this folder",
                    "name the scenario files, or a folder that holds them",
                )
            files += found
        else:
            files.append(path)
    return files


@app.command()
def compare(
    scenarios: Annotated[
        list[Path],
        typer.Argument(
            help="Scenario files (YAML), or folders whose YAML files are compared."
        ),
    ],
    reference: Annotated[
        Path | None,
        typer.Option(
            help="The no-policy scenario (default: a folder's reference.yaml, "
            "else the first file)."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Write CSV tables, an Excel workbook and an HTML report."),
    ] = None,
    social_rate: Annotated[
        float | None,
        typer.Option(help="Social discount rate (default: the reference scenario's)."),
    ] = None,
) -> None:
    """Compare instruments: abatement, enterprise, public and social cost per t."""
    from mitigation.policy.compare import compare as compare_outcomes
    from mitigation.policy.compare import solve_outcome
    from mitigation.report.comparison import comparison_table, export_comparison

    with _reported():
        root = project_root()
        if out is not None:
            _check_out(out)
        files = _scenario_files(scenarios)
        if reference is None:
            named = [p for p in files if p.name == "reference.yaml"]
            reference = named[0] if len(named) == 1 else files[0]
        # Each file once, however often it is named (a glob may repeat the
        # reference), and the reference first.
        unique = {reference.resolve(): reference}
        for p in files:
            unique.setdefault(p.resolve(), p)
        paths = list(unique.values())
        reference_path = paths[0]
        _check_distinct_stems(paths)
        if social_rate is not None and not 0.0 <= social_rate <= 1.0:
            raise input_error(
                f"--social-rate {social_rate:g}",
                "is not a discount rate between 0 and 1",
                "write the social discount rate as a fraction, e.g. 0.08",
            )
        checked = _checked_scenarios(paths, root)
        _check_one_plant(checked, reference_path)
        rate = social_rate
        if rate is None:
            rate = next(
                s for p, s, _ in checked if p == reference_path
            ).social_discount_rate
        if rate is None:
            raise input_error(
                f"{reference_path}, field 'social_discount_rate'",
                "no social discount rate for the public and resource costs",
                "add social_discount_rate to the reference scenario or pass --social-rate",
            )
        outcomes = []
        for path, scenario, data in checked:
            try:
                outcomes.append(solve_outcome(path.stem, scenario, data))
            except TargetUnreachableError as err:
                raise err.located(str(path)) from err
        reference_outcome = outcomes[paths.index(reference_path)]
        tables = compare_outcomes(outcomes, reference_outcome, rate)
        console.print(
            comparison_table(
                tables["summary"],
                reference_outcome.name,
                rate,
                reference_outcome.scenario.name,
            )
        )
        if out is not None:
            written = export_comparison(
                tables, out, f"compare_{result_stem(reference_path)}"
            )
            errors.print(
                f"Wrote {len(written)} files to {escape(str(out))}", highlight=False
            )


def main() -> None:
    """Entry point of the console script."""
    app()


# The commands that search instrument levels, those for enterprise data, the
# sensitivity and the fleet commands live in their own modules and add themselves to
# ``app``; importing them last lets them use what this module defines.
from mitigation import (  # noqa: E402, F401
    cli_certify,
    cli_fleet,
    cli_levels,
    cli_sensitivity,
)
