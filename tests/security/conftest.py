"""Fixtures for the hostile tests: the quarterly world, and clients signed in by role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import database_url, reset_schema
from tests.factories.updates import ADMIN_EMAIL, DEPT_EMAIL, PLANNER_EMAIL, build_world
from tests.updates.helpers import World, login
from tracker import create_app
from tracker.extensions import db


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


@pytest.fixture
def planner(app: Flask, world: World) -> FlaskClient:
    return login(app, PLANNER_EMAIL)


@pytest.fixture
def admin(app: Flask, world: World) -> FlaskClient:
    return login(app, ADMIN_EMAIL)


@pytest.fixture
def dept(app: Flask, world: World) -> FlaskClient:
    return login(app, DEPT_EMAIL)


@pytest.fixture
def limited_app(tmp_path: Path) -> Iterator[Flask]:
    """An app with the sign-in rate limits on (the rest of the suite runs without them)."""
    from tracker.extensions import limiter

    app = create_app(
        {
            "DATABASE_URL": database_url(tmp_path),
            "SECRET_KEY": "test-secret",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
        },
        env="testing",
    )
    with app.app_context():
        reset_schema()
        limiter.reset()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
