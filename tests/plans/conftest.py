"""Fixtures for the plan pages: a signed-in planner, with or without the chart scenario."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.conftest import AuthActions, make_user
from tests.factories import charts
from tracker.models import Role

PLANNER = "planner@example.gc.ca"


def sign_in_planner(app: Flask, auth: AuthActions) -> None:
    make_user(app, Role.PLANNER, PLANNER)
    auth.login(PLANNER)


@pytest.fixture
def signed_in_planner(app: Flask, auth: AuthActions) -> None:
    """A planner, signed in on `client`."""
    sign_in_planner(app, auth)


@pytest.fixture
def planner(app: Flask, auth: AuthActions) -> None:
    """The chart scenario (tests/factories/charts.py) on its day, and a planner signed in on
    `client`."""
    app.config["TODAY"] = charts.TODAY
    charts.build(app)
    sign_in_planner(app, auth)
