"""Backups: a consistent copy of the whole database taken while the site runs, and its restore.

- SQLite: SQLite's online backup API copies every page in one step under a read transaction, so
  the copy is the database as of one instant even while workers write (WAL lets them go on);
  the copy is checked with `PRAGMA integrity_check` before it is kept.
- PostgreSQL: `pg_dump --format=custom`, which reads one snapshot; `pg_restore` brings it back.

A restore goes only into an empty database (no table holds a row), so it can never mix two
databases or overwrite live data. The backup file is written beside PATH, then renamed: a
crash never leaves half a backup under the name.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from sqlalchemy import URL, func, inspect, select, table, text
from sqlalchemy.engine import Engine

from tracker.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
IGNORED_TABLES = frozenset({"alembic_version"})


class BackupError(RuntimeError):
    """The backup or restore could not be made; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    """Where the backup went, its size and the rows of each table it holds."""

    path: Path
    size_bytes: int
    rows: dict[str, int]

    def summary(self) -> str:
        total = sum(self.rows.values())
        return f"Backed up {total} rows in {len(self.rows)} tables to {self.path}."


def table_rows(engine: Engine) -> dict[str, int]:
    """Rows in each table of the database behind `engine` (the migration table left out)."""
    names = sorted(set(inspect(engine).get_table_names()) - IGNORED_TABLES)
    with engine.connect() as conn:
        return {n: int(conn.scalar(select(func.count()).select_from(table(n))) or 0) for n in names}


def backup_database(path: Path) -> BackupResult:
    """Write a consistent copy of the app's database to `path` (which must not exist)."""
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file name.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if db.engine.dialect.name == "sqlite":
            rows = _sqlite_backup(_sqlite_file(db.engine), partial)
        else:
            rows = _pg_dump(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path, path.stat().st_size, rows)


def restore_database(path: Path) -> dict[str, int]:
    """Bring the backup at `path` into the app's database, which must be empty; the rows."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with path.open("rb") as source:
        head = source.read(16)
    dialect = db.engine.dialect.name
    if dialect == "sqlite" and not head.startswith(SQLITE_MAGIC):
        raise BackupError(
            f"{path} is not a SQLite backup; restore it into the database it came from."
        )
    if dialect == "postgresql" and not head.startswith(PG_DUMP_MAGIC):
        raise BackupError(
            f"{path} is not a pg_dump backup; restore it into the database it came from."
        )
    busy = {name: n for name, n in table_rows(db.engine).items() if n}
    if busy:
        raise BackupError(
            "Refusing to restore into a database that holds data "
            f"({', '.join(sorted(busy))}); restore into a new, empty database."
        )
    db.session.remove()
    db.engine.dispose()
    if dialect == "sqlite":
        _sqlite_restore(path, _sqlite_file(db.engine))
    else:
        # --clean drops the empty tables a `db upgrade` may have made; the data come from PATH.
        _run(["pg_restore", "--no-owner", "--no-privileges", "--clean", "--if-exists",
              "--single-transaction", "--exit-on-error", "--dbname", _libpq_url(db.engine.url),
              str(path)], db.engine.url)  # fmt: skip
    db.engine.dispose()
    return table_rows(db.engine)


def _pg_dump(target: Path) -> dict[str, int]:
    """pg_dump of one exported snapshot, and the rows counted in that same snapshot."""
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
            names = sorted(set(inspect(conn).get_table_names()) - IGNORED_TABLES)
            rows = {
                n: int(conn.scalar(select(func.count()).select_from(table(n))) or 0) for n in names
            }
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--snapshot={snapshot}", "--file", str(target), _libpq_url(db.engine.url)],
                 db.engine.url)  # fmt: skip
    return rows


def _sqlite_file(engine: Engine) -> Path:
    name = engine.url.database
    if not name or name == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(name)


def _sqlite_backup(source_file: Path, target: Path) -> dict[str, int]:
    source = sqlite3.connect(f"file:{source_file}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one consistent read transaction
        _check_integrity(copy, target)
        names = [
            r[0]
            for r in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith("sqlite_") and r[0] not in IGNORED_TABLES
        ]
        return {n: copy.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in sorted(names)}
    finally:
        copy.close()
        source.close()


def _sqlite_restore(backup: Path, target_file: Path) -> None:
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    target = sqlite3.connect(target_file, timeout=30)
    try:
        _check_integrity(source, backup)
        source.backup(target)
        _check_integrity(target, target_file)
    finally:
        target.close()
        source.close()


def _check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check: {result}")


def _libpq_url(url: URL) -> str:
    """The URL as pg_dump reads it: no SQLAlchemy driver name, no password (see _run)."""
    base = url.set(drivername="postgresql", password=None, query={})
    text = base.render_as_string(hide_password=False)
    # libpq reads %20 as a space but not "+", which SQLAlchemy writes (e.g. options=-c x=y).
    return f"{text}?{urlencode(url.query, doseq=True, quote_via=quote)}" if url.query else text


def _run(command: list[str], url: URL) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed; install the PostgreSQL client tools.")
    env = {**os.environ, **({"PGPASSWORD": str(url.password)} if url.password else {})}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")
