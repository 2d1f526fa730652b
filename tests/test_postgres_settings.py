"""Settings the application gives its PostgreSQL connections (tracker/db.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from tests.conftest import database_url
from tracker import create_app
from tracker.extensions import db

pytestmark = pytest.mark.postgres


def _jit(app: Flask) -> str:
    with app.app_context():
        try:
            return str(db.session.scalar(text("SHOW jit")))
        finally:
            db.session.remove()
            db.engine.dispose()


def test_connections_run_without_jit_compilation(app: Flask) -> None:
    # Compiling a rollup refresh took 360 ms where the query runs in 3 ms (config.POSTGRES_JIT).
    assert _jit(app) == "off"
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        db.session.rollback()  # the setting outlives the connection's transactions
        assert db.session.scalar(text("SHOW jit")) == "off"


def test_the_servers_jit_setting_can_be_kept(tmp_path: Path) -> None:
    app = create_app(
        {"DATABASE_URL": database_url(tmp_path), "SECRET_KEY": "test", "POSTGRES_JIT": True},
        env="testing",
    )
    assert _jit(app) == "on"  # PostgreSQL's default
