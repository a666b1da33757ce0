"""Where a project's ``data/`` and ``models/`` folders are."""

from __future__ import annotations

from pathlib import Path

from mitigation.exceptions import input_error


def find_root(given: Path | None = None) -> Path:
    """The folder holding ``data/`` and ``models/``: ``given``, else the working
    folder, else the folder this package was installed from (a clone)."""
    candidates = [given] if given else [Path.cwd(), Path(__file__).parents[3]]
    for folder in candidates:
        if (folder / "data").is_dir() and (folder / "models").is_dir():
            return folder
    raise input_error(
        str(given or Path.cwd()),
        "no data/ and models/ folders here",
        "run from the project folder or pass --root",
    )
