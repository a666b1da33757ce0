"""Commands for enterprise data: template, certify and monitor.

They share the ``mitigation`` application and its error reporting (see
:mod:`mitigation.cli`), and call the library functions the tests call.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from mitigation.cli import _check_out, _reported, app, console, errors, project_root
from mitigation.exceptions import input_error
from mitigation.report.translations import Language


class Lang(StrEnum):
    en = "en"
    zh = "zh"


LANG_OPTION = typer.Option("--lang", help="Language: en (English) or zh (简体中文).")


def _threshold(text: str | None, network, where: str) -> float | None:
    if text is None:
        return None
    from mitigation.optimise.pathway import per_functional_unit

    kg = per_functional_unit(text, network, "kg", where)
    if not kg > 0:
        raise input_error(
            f"{where} {text}",
            "a label threshold must be above zero",
            "give the footprint per functional unit the label allows, e.g. '600 kg/t'",
        )
    return kg


@app.command()
def template(
    product: Annotated[str, typer.Argument(help="A model in models/, e.g. cement.")],
    out: Annotated[Path, typer.Option(help="File to write (.xlsx or .csv).")],
    lang: Annotated[Lang, LANG_OPTION] = Lang.en,
    grade: Annotated[
        str | None, typer.Option(help="Product grade (default: the model's).")
    ] = None,
    plant_type: Annotated[
        str | None, typer.Option(help="Kind of plant (default: the model's).")
    ] = None,
    fill_from: Annotated[
        Path | None,
        typer.Option(
            help="Fill the values from this scenario's plant (an example of the format)."
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            help="The reporting year for the cover (with --fill-from, the "
            "year whose data are filled in)."
        ),
    ] = None,
    as_planned: Annotated[
        bool,
        typer.Option(
            "--as-planned/--as-is",
            help="With --fill-from: the plan's configuration in the year, or the "
            "plant as it is.",
        ),
    ] = False,
) -> None:
    """Write the data-collection template of a product for one plant and year.

    The workbook has a cover sheet, a sheet per stage of the product's model, site
    totals and the measures in place. A .csv name writes the same rows as one CSV
    form.
    """
    from mitigation.certification.examples import FillFrom, filled_from_scenario
    from mitigation.certification.layout import load_layout
    from mitigation.certification.template import Entries, write_csv, write_workbook

    with _reported():
        root = project_root()
        suffix = out.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise input_error(
                f"--out {out}",
                "names neither an Excel workbook nor a CSV file",
                "end the file name in .xlsx or .csv",
            )
        if fill_from is not None and (grade or plant_type):
            raise input_error(
                "--grade/--plant-type",
                "the scenario of --fill-from sets the grade and kind of plant",
                "leave --grade and --plant-type out, or --fill-from",
            )
        if fill_from is not None:
            if year is None:
                raise input_error(
                    "--fill-from", "needs the year to fill", "add --year, e.g. 2025"
                )
            kind = FillFrom.PLAN if as_planned else FillFrom.BASELINE
            layout, entries = filled_from_scenario(root, fill_from, year, kind)
            if layout.product != product:
                raise input_error(
                    f"--fill-from {fill_from}",
                    f"is a scenario of {layout.product}, not {product}",
                    f"name a scenario of {product}",
                )
        else:
            layout = load_layout(root, product, grade, plant_type)
            entries = Entries(cover={"year": str(year)} if year else {})
        writer = write_workbook if suffix == ".xlsx" else write_csv
        try:
            writer(layout, out, lang.value, entries)
        except OSError as err:
            raise input_error(
                f"--out {out}",
                f"cannot write the template: {err.strerror or err}",
                "check that the folder exists and the file is not open elsewhere",
            ) from err
        count = len(layout.data)
        errors.print(
            f"Wrote {escape(str(out))}: {count} data on {len(layout.sheets)} sheets",
            highlight=False,
        )


@app.command()
def certify(
    filled: Annotated[Path, typer.Argument(help="A filled template (.xlsx or .csv).")],
    out: Annotated[
        Path | None, typer.Option(help="Write the report as HTML and Excel here.")
    ] = None,
    lang: Annotated[Lang | None, LANG_OPTION] = None,
    threshold: Annotated[
        str | None,
        typer.Option(
            help="Label threshold, e.g. '600 kg/t' (default: the shipped one)."
        ),
    ] = None,
    accept_outside_range: Annotated[
        bool,
        typer.Option(help="Certify values outside their plausible range, noting them."),
    ] = False,
) -> None:
    """Check a filled template: footprint, trail, consistency, quality, pass or fail.

    Exits with 1 when the product fails the threshold, or meets it with data whose
    consistency checks show gaps; 0 when it is certified or when there is no
    threshold to judge it by.
    """
    from mitigation.certification.check import certify as certify_filled
    from mitigation.certification.filled import read_filled
    from mitigation.report.certificate import certification_view, export_certification

    with _reported():
        root = project_root()
        if out is not None:
            _check_out(out)
        language: Language | None = lang.value if lang else None
        data = read_filled(filled, root, language, accept_outside_range)
        language = language or data.language  # the template's, unless asked
        limit = _threshold(threshold, data.layout.network, "--threshold")
        result = certify_filled(root, data, limit)
        console.print(certification_view(result, language))
        if out is not None:
            written = export_certification(result, out, filled.stem, language)
            errors.print(
                f"Wrote {len(written)} files to {escape(str(out))}", highlight=False
            )
        if result.certified is False:
            raise typer.Exit(1)


@app.command()
def monitor(
    filled: Annotated[
        list[Path], typer.Argument(help="Filled templates of one plant, one per year.")
    ],
    scenario: Annotated[
        Path | None,
        typer.Option(help="The plant's scenario: targets and the optimal plan."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write CSV, Excel and an HTML chart here.")
    ] = None,
    lang: Annotated[Lang, LANG_OPTION] = Lang.en,
    threshold: Annotated[
        str | None, typer.Option(help="Label threshold, e.g. '600 kg/t'.")
    ] = None,
) -> None:
    """A plant over the years: intensity trend, targets and measures against the plan."""
    from mitigation.certification.filled import read_filled
    from mitigation.certification.monitor import monitor as monitor_plant
    from mitigation.exceptions import InputError
    from mitigation.report.certificate import export_monitoring, monitoring_view

    with _reported():
        root = project_root()
        if out is not None:
            _check_out(out)
        read, problems = [], []
        for path in filled:
            try:
                read.append(read_filled(path, root, lang.value, True))
            except InputError as err:
                problems += err.problems
        if problems:
            from mitigation.report.translations import term

            raise InputError(
                problems, term("problems.heading", lang.value, count=len(problems))
            )
        limit = _threshold(threshold, read[0].layout.network, "--threshold")
        result = monitor_plant(root, read, scenario, limit, lang.value)
        console.print(monitoring_view(result, root, lang.value))
        if out is not None:
            stem = f"monitor_{read[0].layout.product}"
            written = export_monitoring(result, root, out, stem, lang.value)
            errors.print(
                f"Wrote {len(written)} files to {escape(str(out))}", highlight=False
            )
