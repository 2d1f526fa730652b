"""Database engine behaviour: SQLite pragmas and locking, PostgreSQL JIT, the append-only guard."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from tracker.extensions import db
from tracker.models import AnnualReport, AuditEvent, PlanChange, ReportFile, Revision

APPEND_ONLY = (AuditEvent, Revision, AnnualReport, ReportFile, PlanChange)

# Read-only requests (GET, HEAD) start deferred SQLite transactions so that readers never wait
# for each other; everything else takes the write lock up front with BEGIN IMMEDIATE, so two
# writers queue behind the busy timeout instead of failing halfway through.
_read_only: ContextVar[bool] = ContextVar("read_only", default=False)


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a row that may only ever be inserted."""


def set_read_only(value: bool) -> None:
    """Mark the current request as read-only (deferred SQLite transactions) or not."""
    _read_only.set(value)


def prepare_write() -> None:
    """Before a write inside a read-only request: end the read and take the write lock next."""
    if _read_only.get():
        _read_only.set(False)
        db.session.commit()


def listen_once(target: Any, identifier: str, fn: Callable[..., Any]) -> None:
    """`event.listen`, unless `fn` already listens (every app of a process shares `Session`)."""
    if not event.contains(target, identifier, fn):
        event.listen(target, identifier, fn)


def init_app(app: Flask) -> None:
    """Guard the append-only tables; attach the SQLite engine listeners once the engine exists."""
    listen_once(Session, "before_flush", _guard_append_only)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
        elif engine.dialect.name == "postgresql" and not app.config["POSTGRES_JIT"]:
            _disable_jit(engine)


def _disable_jit(engine: Engine) -> None:
    """No JIT compilation on this engine's connections (config.POSTGRES_JIT): measured on a
    rollup refresh, 360 ms of compiling for a query that runs in 3 ms without it."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()  # psycopg opened a transaction for the SET: end it


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, emit BEGIN (see on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN" if _read_only.get() else "BEGIN IMMEDIATE")


def _guard_append_only(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.deleted:
        if isinstance(obj, APPEND_ONLY):
            raise AppendOnlyError(f"{type(obj).__name__} rows are append-only")
    for obj in session.dirty:
        if isinstance(obj, APPEND_ONLY) and session.is_modified(obj, include_collections=False):
            raise AppendOnlyError(f"{type(obj).__name__} rows are append-only")
