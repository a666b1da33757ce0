"""Writing results to files without ever leaving one half-written.

Each file is written to a temporary name in the same directory and renamed into
place, so an interrupted run leaves the previous version intact.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from mitigation.optimise.results import Pathway
from mitigation.process.footprint import Footprint

logger = logging.getLogger(__name__)


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary path, then move the result onto ``path``.

    ``mkstemp`` makes the temporary file readable by its owner only; before the
    move it is given the mode of an ordinary new file (0o666 less the umask).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o666 & ~current_umask())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def current_umask() -> int:
    """The process's file-creation mask, without changing it.

    Linux shows it in ``/proc/self/status``. Elsewhere it can only be read by
    setting a new one and restoring it at once, which briefly changes it for
    other threads; 0o022 is set in that moment, the usual default.
    """
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("Umask:"):
            try:
                return int(line.split()[1], 8)
            except (IndexError, ValueError):
                break
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def export_pathway(pathway: Pathway, directory: Path, stem: str) -> list[Path]:
    """Write every table as CSV and all of them as one Excel workbook."""
    return export_tables(pathway.tables(), directory, stem)


def export_tables(
    tables: dict[str, pd.DataFrame], directory: Path, stem: str
) -> list[Path]:
    """Write each table as ``<stem>_<name>.csv`` and all as ``<stem>.xlsx``."""
    written = []
    for name, table in tables.items():
        path = directory / f"{stem}_{name}.csv"
        atomic_write(path, lambda p, t=table: t.to_csv(p, index=False))
        written.append(path)
    workbook = directory / f"{stem}.xlsx"

    def write_workbook(path: Path) -> None:
        with pd.ExcelWriter(path, engine="openpyxl") as excel:
            for name, table in tables.items():
                table.to_excel(excel, sheet_name=name[:31], index=False)

    atomic_write(workbook, write_workbook)
    written.append(workbook)
    logger.info("Export | %s | %d files in %s", stem, len(written), directory)
    return written


def footprint_records(fp: Footprint, stages: dict[str, str]) -> list[dict]:
    """The footprint as one record per stage and scope, kg CO2e per functional unit."""
    return [
        {
            "stage": stage,
            "stage_label": stages[stage],
            "scope": int(scope),
            "kg_co2e_per_fu": float(value),
        }
        for stage, row in fp.by_stage_scope.iterrows()
        for scope, value in row.items()
    ]


def footprint_json(fp: Footprint, stages: dict[str, str]) -> str:
    return json.dumps(
        {
            "product": fp.product,
            "grade": fp.grade,
            "functional_unit": fp.functional_unit,
            "unit": "kg CO2e",
            "total": fp.total_kg,
            "by_scope": {str(k): float(v) for k, v in fp.by_scope.items()},
            "by_stage": {k: float(v) for k, v in fp.by_stage.items()},
            "by_stage_and_scope": footprint_records(fp, stages),
        },
        indent=2,
        ensure_ascii=False,
    )


def pathway_record(pathway: Pathway) -> dict:
    """The pathway as plain data, for JSON."""
    periods = json.loads(pathway.periods.reset_index().to_json(orient="records"))
    adoption = {
        option: {str(year): share for year, share in row.items()}
        for option, row in pathway.adoption.iterrows()
    }
    return {
        "scenario": pathway.scenario,
        "settings": pathway.settings,
        "product": pathway.product,
        "grade": pathway.grade,
        "region": pathway.region,
        "intensity_unit": pathway.intensity_unit,
        "baseline_kg_per_fu": pathway.baseline.total_kg,
        "discounted_cost_mcny": pathway.total_cost_mcny,
        "salvage_value_mcny": pathway.salvage_value_mcny,
        "periods": periods,
        "adoption": adoption,
    }
