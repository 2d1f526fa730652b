"""Fixtures for the admin pages: a signed-in admin."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.admin.helpers import ADMIN
from tests.conftest import AuthActions, make_user
from tracker.models import Role


@pytest.fixture
def admin(app: Flask, auth: AuthActions) -> int:
    """An admin, signed in on `client`; returns the admin's id."""
    user_id = make_user(app, Role.ADMIN, ADMIN)
    auth.login(ADMIN)
    return user_id
