"""The migrations are the only way the schema changes: prove they build exactly the models' schema.

Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set (`make test-postgres`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.conftest import database_url
from tracker import create_app
from tracker.extensions import db


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a database with no tables at all (not even alembic_version)."""
    app = create_app(
        {"DATABASE_URL": database_url(tmp_path), "SECRET_KEY": "test-secret"}, env="testing"
    )
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        assert table_names() == set(), "the test database should start empty"
    yield app
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":  # leave no old schema to the next test
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        db.engine.dispose()


def table_names() -> set[str]:
    """The tables in the current app's database."""
    return set(inspect(db.engine).get_table_names())


def schema_differences() -> list[Any]:
    """What Alembic's autogenerate would change to make the database match the models."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": False}
        )
        return list(compare_metadata(context, db.metadata))


def test_upgrade_on_empty_database_gives_the_models_schema(empty_app: Flask) -> None:
    with empty_app.app_context():
        upgrade()
        assert schema_differences() == []
        model_tables = set(db.metadata.tables)
        assert model_tables <= table_names()


def test_downgrade_to_base_then_upgrade_again(empty_app: Flask) -> None:
    with empty_app.app_context():
        upgrade()
        downgrade(revision="base")
        assert table_names() <= {"alembic_version"}
        upgrade()
        assert schema_differences() == []


def test_migrations_have_a_single_head(empty_app: Flask) -> None:
    with empty_app.app_context():
        config = empty_app.extensions["migrate"].migrate.get_config()
        heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several migration heads, merge them: {heads}"


def test_cli_db_upgrade_on_empty_database(empty_app: Flask) -> None:
    result = empty_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        assert set(db.metadata.tables) <= table_names()
        assert schema_differences() == []
