"""API tokens: created and shown once, stored as a hash, revoked, expired; the tokens page."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.helpers import api_get, assert_problem
from tests.conftest import AuthActions, counted, csrf_token, make_user, post_form
from tracker.extensions import db
from tracker.models import ApiToken, AuditEvent, Role, User
from tracker.models.base import utcnow
from tracker.services.accounts import tokens as api_tokens
from tracker.services.accounts.tokens import TokenError, TokenNotFound, TokenState

EMAIL = "planner@example.gc.ca"


@pytest.fixture
def user_id(app: Flask) -> int:
    return make_user(app, Role.PLANNER, EMAIL)


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    assert user is not None
    return user


def _token(token_id: int) -> ApiToken:
    db.session.expire_all()
    token = db.session.get(ApiToken, token_id)
    assert token is not None
    return token


def test_a_new_token_is_returned_once_and_only_its_hash_is_stored(app: Flask, user_id: int) -> None:
    with app.app_context():
        new = api_tokens.create_token(_user(user_id), "  Nightly export  ", 30)
        assert new.secret.startswith(api_tokens.TOKEN_PREFIX)
        assert len(new.secret) > 40
        token = _token(new.token.id)
        assert token.name == "Nightly export"
        assert token.token_hash == hashlib.sha256(new.secret.encode()).hexdigest()
        stored = [str(getattr(token, c.key)) for c in ApiToken.__table__.columns]
        assert all(new.secret not in value for value in stored)
        assert token.expires_at is not None
        assert timedelta(days=29) < token.expires_at - token.created_at <= timedelta(days=30)
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "api_token.created")
        )
        assert event is not None and event.actor_id == user_id
        assert new.secret not in str(event.detail)
        # A second token has another secret.
        assert api_tokens.create_token(_user(user_id), "other", 7).secret != new.secret


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [
        ("", 30, "name"),
        ("   ", 30, "name"),
        ("x" * 101, 30, "name"),
        ("ok", 0, "expires_in_days"),
        ("ok", 3650, "expires_in_days"),
        ("ok", 31, "expires_in_days"),
    ],
)
def test_invalid_token_requests_are_refused(
    app: Flask, user_id: int, name: str, days: int, field: str
) -> None:
    with app.app_context():
        with pytest.raises(TokenError) as error:
            api_tokens.create_token(_user(user_id), name, days)
        assert error.value.field == field
        db.session.rollback()
        assert db.session.scalars(select(ApiToken)).all() == []


def test_active_tokens_are_limited(app: Flask, user_id: int) -> None:
    with app.app_context():
        user = _user(user_id)
        for n in range(api_tokens.MAX_ACTIVE_TOKENS):
            api_tokens.create_token(user, f"t{n}", 7)
        with pytest.raises(TokenError):
            api_tokens.create_token(user, "one too many", 7)
        db.session.rollback()
        first = api_tokens.list_tokens(user)[-1].token
        api_tokens.revoke_token(user, first.id)
        api_tokens.create_token(user, "after a revocation", 7)


def test_authentication_accepts_only_live_tokens(app: Flask, user_id: int) -> None:
    with app.app_context():
        user = _user(user_id)
        new = api_tokens.create_token(user, "script", 7)
        now = utcnow()
        assert api_tokens.authenticate_token(new.secret, now).token is not None
        assert api_tokens.authenticate_token(new.secret + "x", now).refusal == "unknown"
        assert api_tokens.authenticate_token("", now).refusal == "unknown"
        assert api_tokens.authenticate_token(new.token.token_hash, now).refusal == "unknown"
        later = now + timedelta(days=8)
        assert api_tokens.authenticate_token(new.secret, later).refusal == "expired"
        assert api_tokens.state_of(_token(new.token.id), later) is TokenState.EXPIRED
        api_tokens.revoke_token(user, new.token.id)
        assert api_tokens.authenticate_token(new.secret, now).refusal == "revoked"


def test_a_deactivated_users_tokens_stop_working(app: Flask, user_id: int) -> None:
    with app.app_context():
        new = api_tokens.create_token(_user(user_id), "script", 7)
        _user(user_id).active = False
        db.session.commit()
        assert api_tokens.authenticate_token(new.secret).refusal == "inactive"


def test_last_use_is_written_at_most_once_a_minute(app: Flask, user_id: int) -> None:
    with app.app_context():
        new = api_tokens.create_token(_user(user_id), "script", 7)
        start = utcnow()
        assert api_tokens.authenticate_token(new.secret, start).use_to_record
        api_tokens.record_use(new.token.id, start)
        assert _token(new.token.id).last_used_at == start
        soon = start + timedelta(seconds=59)
        assert not api_tokens.authenticate_token(new.secret, soon).use_to_record
        api_tokens.record_use(new.token.id, soon)  # a concurrent request: no second write
        assert _token(new.token.id).last_used_at == start
        later = start + timedelta(seconds=61)
        assert api_tokens.authenticate_token(new.secret, later).use_to_record
        api_tokens.record_use(new.token.id, later)
        assert _token(new.token.id).last_used_at == later


def test_api_requests_record_the_last_use_once(
    app: Flask, client: FlaskClient, user_id: int
) -> None:
    with app.app_context():
        new = api_tokens.create_token(_user(user_id), "script", 7)
        token_id = new.token.id
    with counted(app) as first:
        assert api_get(client, "/api/v1/me", new.secret).status_code == 200
    with app.app_context():
        used = _token(token_id).last_used_at
        assert used is not None
    with counted(app) as second:
        assert api_get(client, "/api/v1/me", new.secret).status_code == 200
    assert any(s.startswith("UPDATE api_token") for s in first)
    assert not any(s.startswith("UPDATE") for s in second)
    with app.app_context():
        assert _token(token_id).last_used_at == used


def test_users_can_only_revoke_their_own_tokens_once(app: Flask, user_id: int) -> None:
    other_id = make_user(app, Role.OVERSIGHT, "o@example.gc.ca")
    with app.app_context():
        new = api_tokens.create_token(_user(user_id), "script", 7)
        with pytest.raises(TokenNotFound):
            api_tokens.revoke_token(_user(other_id), new.token.id)
        assert _token(new.token.id).revoked_at is None
        api_tokens.revoke_token(_user(user_id), new.token.id)
        with pytest.raises(TokenError):
            api_tokens.revoke_token(_user(user_id), new.token.id)
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert actions.count("api_token.revoked") == 1


# ---------- Through the API ----------


def test_revoked_and_expired_tokens_get_a_401_problem(
    app: Flask, client: FlaskClient, user_id: int
) -> None:
    with app.app_context():
        live = api_tokens.create_token(_user(user_id), "live", 7)
        revoked = api_tokens.create_token(_user(user_id), "revoked", 7)
        api_tokens.revoke_token(_user(user_id), revoked.token.id)
        expired = api_tokens.create_token(_user(user_id), "expired", 7)
        _token(expired.token.id).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert api_get(client, "/api/v1/me", live.secret).status_code == 200
    for secret, words in ((revoked.secret, "revoked"), (expired.secret, "expired")):
        response = api_get(client, "/api/v1/me", secret)
        body = assert_problem(response, 401)
        assert words in body["detail"]
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'


# ---------- The tokens page ----------


def test_the_page_creates_a_token_and_shows_it_once(
    app: Flask, client: FlaskClient, auth: AuthActions, user_id: int
) -> None:
    auth.login(EMAIL)
    page = client.get("/account/tokens")
    assert page.status_code == 200
    assert b"You have no API tokens." in page.data
    response = post_form(client, "/account/tokens", {"name": "Dashboard", "expires_in_days": "90"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        token = db.session.scalars(select(ApiToken)).one()
    body = response.get_data(as_text=True)
    secret = body.split('id="new-token" type="text" readonly value="')[1].split('"')[0]
    assert hashlib.sha256(secret.encode()).hexdigest() == token.token_hash
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert secret not in listing
    # On a phone each token reads as a card: its cells name their columns (table--stack), but
    # for the revoke button's, which names itself.
    assert 'class="table table--stack"' in listing
    cells = re.findall(r"<td([^>]*)>", listing.split("<tbody>", 1)[1])
    assert len(cells) == 6 and all("data-label=" in cell for cell in cells[:5])
    assert '<td data-label="Access">Read only</td>' in listing
    assert "Set-Cookie" not in response.headers or secret not in response.headers["Set-Cookie"]
    assert api_get(app.test_client(), "/api/v1/me", secret).get_json()["email"] == EMAIL


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "expires_in_days": "90"}, b"Give the token a name."),
        ({"name": "x", "expires_in_days": "12"}, b"Not a valid choice"),
    ],
)
def test_the_page_refuses_bad_input(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    user_id: int,
    data: dict[str, str],
    message: bytes,
) -> None:
    auth.login(EMAIL)
    response = post_form(client, "/account/tokens", data)
    assert response.status_code == 400
    assert message in response.data
    with app.app_context():
        assert db.session.scalars(select(ApiToken)).all() == []


def test_the_page_needs_a_csrf_token(
    app: Flask, client: FlaskClient, auth: AuthActions, user_id: int
) -> None:
    auth.login(EMAIL)
    response = client.post("/account/tokens", data={"name": "x", "expires_in_days": "90"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalars(select(ApiToken)).all() == []


def test_the_page_revokes_only_the_users_own_tokens(
    app: Flask, client: FlaskClient, auth: AuthActions, user_id: int
) -> None:
    other_id = make_user(app, Role.OVERSIGHT, "o@example.gc.ca")
    with app.app_context():
        mine = api_tokens.create_token(_user(user_id), "mine", 7).token.id
        theirs = api_tokens.create_token(_user(other_id), "theirs", 7).token.id
    auth.login(EMAIL)
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "mine" in listing and "theirs" not in listing
    token = csrf_token(client, "/account/tokens")
    response = client.post(f"/account/tokens/{theirs}/revoke", data={"csrf_token": token})
    assert response.status_code == 404
    response = client.post(f"/account/tokens/{mine}/revoke", data={"csrf_token": token})
    assert response.status_code == 302
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "is revoked" in listing
    # A revoked token has no button: its cell is empty, which its card on a phone leaves out.
    assert "<td></td>" in listing and "Revoke<" not in listing
    with app.app_context():
        assert _token(mine).revoked_at is not None
        assert _token(theirs).revoked_at is None


def test_the_account_area_links_to_the_tokens_page(
    client: FlaskClient, auth: AuthActions, user_id: int
) -> None:
    auth.login(EMAIL)
    assert b'href="/account/tokens"' in client.get("/").data


def test_the_page_creates_read_only_tokens_unless_read_and_write_is_chosen(
    app: Flask, client: FlaskClient, auth: AuthActions, user_id: int
) -> None:
    auth.login(EMAIL)
    post_form(client, "/account/tokens", {"name": "Reader", "expires_in_days": "30"})
    data = {"name": "Writer", "expires_in_days": "30", "scope": "read_write"}
    post_form(client, "/account/tokens", data)
    refused = post_form(client, "/account/tokens", {**data, "name": "X", "scope": "admin"})
    assert refused.status_code == 400
    with app.app_context():
        rows = db.session.execute(select(ApiToken.name, ApiToken.scope)).all()
        scopes = {name: scope for name, scope in rows}
    assert scopes == {"Reader": "read", "Writer": "read_write"}
    page = client.get("/account/tokens").get_data(as_text=True)
    assert page.count("Read and write</td>") == 1 and page.count("Read only</td>") == 1
