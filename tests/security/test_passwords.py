"""Finding 2: weak passwords, and the hashing parameters (argon2id at OWASP's minimum or more)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import PASSWORD, AuthActions, make_user, post_form
from tracker.extensions import db
from tracker.models import AuditEvent, Role, User
from tracker.services.accounts import passwords, users

EMAIL = "pat.writer@example.gc.ca"


def _hash_of(app: Flask, email: str = EMAIL) -> str:
    with app.app_context():
        return db.session.scalars(select(User.password_hash).where(User.email == email)).one()


@pytest.fixture
def pat(app: Flask, client: FlaskClient, auth: AuthActions) -> FlaskClient:
    make_user(app, Role.PLANNER, EMAIL)
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == EMAIL)).one()
        user.name = "Patricia Writer"
        db.session.commit()
    assert auth.login(EMAIL).status_code == 302
    return client


@pytest.mark.parametrize(
    "new, message",
    [
        ("aaaaaaaaaaaa", "too easy to guess"),
        ("password1234", "too easy to guess"),
        ("123456789012", "too easy to guess"),
        ("qwertyuiop12", "too easy to guess"),
        ("iloveyou!!!!", "too easy to guess"),
        (EMAIL, "e-mail or name"),
        ("Pat.Writer@Example.gc.ca", "e-mail or name"),
        ("patriciawriter99", "e-mail or name"),
        (PASSWORD, "different from the current one"),
        ("short", "between 12 and 1024 characters"),
    ],
)
def test_weak_passwords_are_refused(app: Flask, pat: FlaskClient, new: str, message: str) -> None:
    before = _hash_of(app)
    response = post_form(
        pat,
        "/account/password",
        {"current_password": PASSWORD, "new_password": new, "confirm": new},
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _hash_of(app) == before
    with app.app_context():
        changed = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "password.changed")
        ).all()
    assert changed == []


def test_a_long_uncommon_password_is_accepted(app: Flask, pat: FlaskClient) -> None:
    new = "tangerine ladder quietly 47 orbits"
    response = post_form(
        pat,
        "/account/password",
        {"current_password": PASSWORD, "new_password": new, "confirm": new},
    )
    assert response.status_code == 302
    assert _hash_of(app) != PASSWORD


def test_the_shipped_list_is_large_and_has_the_classics(app: Flask) -> None:
    common = passwords.common_passwords()
    assert len(common) >= 10_000
    assert {"password", "123456", "qwerty", "iloveyou"} <= common


def test_create_user_applies_the_same_rules(app: Flask) -> None:
    with app.app_context(), pytest.raises(users.AccountError):
        users.create_user(
            users.UserInput(email="x@example.gc.ca", name="X", role=Role.PLANNER),
            "password1234",
        )


def test_hashes_are_argon2id_at_owasp_minimum_in_production_defaults() -> None:
    from config import Config

    assert Config.ARGON2_MEMORY_COST >= 19 * 1024
    assert Config.ARGON2_TIME_COST >= 2
    assert Config.ARGON2_PARALLELISM >= 1


def test_production_refuses_weaker_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker import create_app

    with pytest.raises(RuntimeError, match="ARGON2"):
        create_app(
            {"SECRET_KEY": "k" * 40, "ARGON2_MEMORY_COST": 1024, "DATABASE_URL": "sqlite://"},
            env="production",
        )


def test_sign_in_rehashes_when_parameters_rise(app: Flask, auth: AuthActions) -> None:
    make_user(app, Role.PLANNER, EMAIL)  # hashed with the test suite's cheap parameters
    old = _hash_of(app)
    assert "$argon2id$" in old
    app.config["ARGON2_MEMORY_COST"] = 2048
    assert auth.login(EMAIL, "wrong password!!").status_code == 401
    assert _hash_of(app) == old  # a failed attempt never rewrites the hash
    assert auth.login(EMAIL).status_code == 302
    new = _hash_of(app)
    assert new != old and "m=2048" in new
    PasswordHasher().verify(new, PASSWORD)
