"""Saved scenarios and their results, in a local SQLite file.

Each save is one transaction: a second session saving at the same moment waits for
the first (``BEGIN IMMEDIATE`` with a busy timeout) and both saves are kept; a
failure in the middle of a save (an exception, a crash) rolls it back and leaves the
previous version of that scenario as it was. The file is in write-ahead-log mode,
so readers never block a writer.

Values are stored as JSON, which keeps every float exactly (87.5 stays 87.5) and
every type that JSON has; the scenario itself is kept as the YAML the command line
reads.

The file is ``$MITIGATION_STORE`` if set, else ``.mitigation/store.sqlite`` in the
current folder.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mitigation.exceptions import input_error

logger = logging.getLogger(__name__)

STORE_ENV = "MITIGATION_STORE"
DEFAULT_PATH = Path(".mitigation") / "store.sqlite"
BUSY_TIMEOUT_S = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scenarios (
    name TEXT PRIMARY KEY,
    scenario_yaml TEXT NOT NULL,
    reference_yaml TEXT NOT NULL,
    settings_json TEXT NOT NULL,
    results_json TEXT NOT NULL,
    saved_at TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class Saved:
    """One saved scenario: its YAML, the reference it is compared with, the
    settings that made it and its results, as they were saved."""

    name: str
    scenario_yaml: str
    reference_yaml: str
    settings: dict
    results: dict
    saved_at: str


def store_path(path: str | Path | None = None) -> Path:
    """The store's file: ``path``, else ``$MITIGATION_STORE``, else the default."""
    if path is not None:
        return Path(path)
    return Path(os.environ.get(STORE_ENV) or DEFAULT_PATH)


class Store:
    """Saved scenarios in one SQLite file; safe to use from several processes."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = store_path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connection() as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as err:
            raise input_error(
                f"store {self.path}",
                f"cannot open the store: {err}",
                f"set {STORE_ENV} to a file in a folder you can write",
            ) from err

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            yield db
        finally:
            db.close()

    def save(
        self,
        name: str,
        scenario_yaml: str,
        reference_yaml: str,
        settings: dict,
        results: dict,
        _before_commit=None,
    ) -> Saved:
        """Save (or replace) a scenario in one transaction.

        ``_before_commit`` is called inside the transaction, after the write; the
        tests use it to fail a save half-way.
        """
        saved = Saved(
            name,
            scenario_yaml,
            reference_yaml,
            settings,
            results,
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        row = (
            name,
            scenario_yaml,
            reference_yaml,
            json.dumps(settings, ensure_ascii=False, allow_nan=True),
            json.dumps(results, ensure_ascii=False, allow_nan=True),
            saved.saved_at,
        )
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute(
                    "INSERT INTO scenarios VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT(name) DO UPDATE SET "
                    "scenario_yaml=excluded.scenario_yaml, "
                    "reference_yaml=excluded.reference_yaml, "
                    "settings_json=excluded.settings_json, "
                    "results_json=excluded.results_json, "
                    "saved_at=excluded.saved_at",
                    row,
                )
                if _before_commit is not None:
                    _before_commit()
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        logger.info("Store | saved '%s' in %s", name, self.path)
        return saved

    def names(self) -> list[str]:
        """Names of the saved scenarios, oldest save first."""
        with self._connection() as db:
            rows = db.execute("SELECT name FROM scenarios ORDER BY saved_at, name")
            return [name for (name,) in rows]

    def load(self, name: str) -> Saved:
        with self._connection() as db:
            row = db.execute(
                "SELECT * FROM scenarios WHERE name = ?", (name,)
            ).fetchone()
        if row is None:
            raise input_error(
                f"store {self.path}",
                f"no saved scenario '{name}'",
                "choose one of the saved names",
            )
        return Saved(
            row[0], row[1], row[2], json.loads(row[3]), json.loads(row[4]), row[5]
        )

    def delete(self, name: str) -> None:
        with self._connection() as db:
            db.execute("DELETE FROM scenarios WHERE name = ?", (name,))
