"""Fixtures for the hostile tests: the quarterly world, and clients signed in by role."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.updates.helpers import (
    ADMIN_EMAIL,
    DEPT_EMAIL,
    PLANNER_EMAIL,
    World,
    build_world,
    login,
)


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
