"""Fixtures for backups and fault drills: a second, empty database to restore into."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import database_url
from tracker import create_app
from tracker.extensions import db


def restore_url(tmp_path: Path) -> str:
    """An empty database beside the test's: a new SQLite file, or `<test database>_restore` on
    PostgreSQL (one per xdist worker, as the test databases are)."""
    if not os.environ.get("TEST_DATABASE_URL"):
        return f"sqlite:///{tmp_path / 'restored.db'}"
    url = make_url(database_url(tmp_path))
    name = f"{url.database}_restore"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    target = url.set(database=name)
    engine = create_engine(target)
    with engine.begin() as conn:  # empty it: a restore goes only into an empty database
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return target.render_as_string(hide_password=False)


@pytest.fixture
def restored_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on the empty second database."""
    app = create_app(
        {"DATABASE_URL": restore_url(tmp_path), "SECRET_KEY": "test-secret"}, env="testing"
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
