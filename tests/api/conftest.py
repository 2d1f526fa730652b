"""Fixtures for the API tests: the API world."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.factories.api import World, build_world


@pytest.fixture
def world_actions() -> int:
    """How many actions the world's plan has; a module overrides this fixture to change it."""
    return 2


@pytest.fixture
def world(app: Flask, world_actions: int) -> World:
    """The API world (tests/factories/api.py): a plan, its updates, a token for every kind of
    user."""
    return build_world(app, actions=world_actions)
