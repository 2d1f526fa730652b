"""Fixtures for the API tests: the API world, and read-write tokens for the write tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import rollups_agree_after
from tests.factories.api import EMAILS, World, build_world
from tracker.extensions import db
from tracker.models import Action, Milestone, TokenScope, User
from tracker.services.accounts import tokens as api_tokens


@pytest.fixture
def world_actions() -> int:
    """How many actions the world's plan has; a module overrides this fixture to change it."""
    return 2


@pytest.fixture
def world(app: Flask, world_actions: int) -> World:
    """The API world (tests/factories/api.py): a plan, its updates, a token for every kind of
    user."""
    return build_world(app, actions=world_actions)


@dataclass(frozen=True)
class Writers:
    """The world, a read-write token for each kind of user (`world.tokens` only read), and
    the codes of the actions' milestones."""

    world: World
    tokens: dict[str, str]
    milestones: dict[str, list[str]]  # action code -> its milestones' codes


def write_token(app: Flask, email: str) -> str:
    """A new read-write token of the user `email`: its secret."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None
        return api_tokens.create_token(user, "writer", 30, scope=TokenScope.READ_WRITE).secret


def write_tokens(app: Flask) -> dict[str, str]:
    """A read-write token for every user of the world: who -> secret."""
    return {who: write_token(app, email) for who, email in EMAILS.items()}


@pytest.fixture
def writers(app: Flask) -> Writers:
    world = build_world(app, actions=2)
    return Writers(world, write_tokens(app), milestone_codes(app))


def milestone_codes(app: Flask) -> dict[str, list[str]]:
    """The codes of every action's milestones, by action code."""
    found: dict[str, list[str]] = {}
    with app.app_context():
        rows = db.session.execute(
            select(Action.code, Milestone.code)
            .join(Milestone.action)
            .order_by(Action.code, Milestone.position)
        )
        for action, milestone in rows:
            found.setdefault(action, []).append(milestone)
    return found


@pytest.fixture(autouse=True)
def _rollups_agree(request: pytest.FixtureRequest) -> Iterator[None]:
    yield from rollups_agree_after(request)
