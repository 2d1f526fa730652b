"""Findings 3 and 4: no lockout an attacker can use against the owner, no account enumeration
by message or timing, and per-address throttling of sign-in attempts."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import PASSWORD, AuthActions, csrf_token, make_user
from tracker.extensions import db
from tracker.models import AuditEvent, Role, User

EMAIL = "owner@example.gc.ca"


def _user(app: Flask) -> User:
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == EMAIL)).one()
        db.session.expunge(user)
        return user


def _body(response: object) -> str:
    import re

    text = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return re.sub(r'value="[^"]*"', "", text)  # the CSRF token and echoed e-mail differ


def test_failures_slow_the_account_down_but_never_lock_the_owner_out(
    app: Flask, auth: AuthActions
) -> None:
    make_user(app, Role.ADMIN, EMAIL)
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 3):
        assert auth.login(EMAIL, "wrong password!!").status_code == 401
    user = _user(app)
    assert user.locked_until is not None
    delay = user.locked_until - datetime.now(UTC)
    assert delay <= timedelta(seconds=app.config["LOGIN_DELAY_MAX_SECONDS"])
    # the owner waits out the (short) delay and signs in
    with app.app_context():
        row = db.session.get(User, user.id)
        assert row is not None
        row.locked_until = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    assert auth.login(EMAIL).status_code == 302


def test_the_delay_grows_and_is_capped(app: Flask) -> None:
    from tracker.services.accounts.sign_in import failure_delay

    limit = app.config["LOGIN_MAX_FAILURES"]
    with app.app_context():
        delays = [failure_delay(n) for n in range(limit + 12)]
    assert delays[:limit] == [timedelta(0)] * limit
    assert delays[limit + 1] > delays[limit] > timedelta(0)
    assert max(delays) == timedelta(seconds=app.config["LOGIN_DELAY_MAX_SECONDS"])


def test_unknown_delayed_and_wrong_password_answers_are_identical(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, Role.ADMIN, EMAIL)
    wrong = auth.login(EMAIL, "wrong password!!")
    unknown = auth.login("nobody@example.gc.ca", "wrong password!!")
    with app.app_context():
        row = db.session.scalars(select(User).where(User.email == EMAIL)).one()
        row.locked_until = datetime.now(UTC) + timedelta(minutes=1)
        db.session.commit()
    delayed = auth.login(EMAIL, PASSWORD)
    assert wrong.status_code == unknown.status_code == delayed.status_code == 401
    assert _body(wrong) == _body(unknown) == _body(delayed)
    assert "Too many" not in _body(delayed)
    assert client.get("/").status_code == 302  # the right password while delayed: not signed in


def test_unknown_and_delayed_accounts_take_the_same_time(app: Flask, auth: AuthActions) -> None:
    # Production-like hashing, so that the hash dominates the time of each answer.
    app.config.update(ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=19 * 1024)
    make_user(app, Role.ADMIN, EMAIL)
    with app.app_context():
        row = db.session.scalars(select(User).where(User.email == EMAIL)).one()
        row.locked_until = datetime.now(UTC) + timedelta(minutes=5)
        db.session.commit()

    def timed(email: str) -> float:
        start = time.perf_counter()
        assert auth.login(email, "wrong password!!").status_code == 401
        return time.perf_counter() - start

    timed("warm-up@example.gc.ca")
    unknown = statistics.median(timed("nobody@example.gc.ca") for _ in range(5))
    delayed = statistics.median(timed(EMAIL) for _ in range(5))
    assert 0.5 < delayed / unknown < 2.0


def test_many_attempts_from_one_address_get_429(limited_app: Flask) -> None:
    app = limited_app
    client = app.test_client()
    token = csrf_token(client, "/login")
    codes = []
    for n in range(30):
        response = client.post(
            "/login",
            data={
                "email": f"spray{n}@example.gc.ca",
                "password": "Winter2025!!",
                "csrf_token": token,
            },
        )
        codes.append(response.status_code)
    assert 429 in codes
    assert codes[0] == 401
    first_refusal = codes.index(429)
    assert all(code == 429 for code in codes[first_refusal:])
    with app.app_context():
        failed = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "login.failed")
        ).all()
    assert len(failed) == first_refusal  # refused attempts never reach the password check
    # another address is not affected
    other = app.test_client()
    token = csrf_token(other, "/login")
    response = other.post(
        "/login",
        data={"email": "x@example.gc.ca", "password": "y" * 12, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code == 401


def test_behind_a_proxy_the_limit_counts_the_forwarded_address(tmp_path: Path) -> None:
    from tests.conftest import database_url, reset_schema
    from tracker import create_app
    from tracker.extensions import limiter

    app = create_app(
        {
            "DATABASE_URL": database_url(tmp_path),
            "SECRET_KEY": "test-secret",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOGIN_RATE_LIMIT": "2 per minute",
            "PROXY_COUNT": 1,
        },
        env="testing",
    )
    with app.app_context():
        reset_schema()
        limiter.reset()

    def attempt(client_address: str) -> int:
        client = app.test_client()
        token = csrf_token(client, "/login")
        data = {"email": "x@example.gc.ca", "password": "y" * 12, "csrf_token": token}
        headers = {"X-Forwarded-For": client_address}
        return client.post("/login", data=data, headers=headers).status_code

    assert [attempt("203.0.113.7") for _ in range(3)] == [401, 401, 429]
    assert attempt("198.51.100.2") == 401  # another person behind the same proxy
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_sign_in_works_while_the_limit_store_is_down(tmp_path: Path) -> None:
    from tests.conftest import database_url, reset_schema
    from tracker import create_app

    app = create_app(
        {
            "DATABASE_URL": database_url(tmp_path),
            "SECRET_KEY": "test-secret",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0",  # nothing listens there
        },
        env="testing",
    )
    with app.app_context():
        reset_schema()
    make_user(app, Role.PLANNER, EMAIL)
    assert AuthActions(app.test_client()).login(EMAIL).status_code == 302
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
