"""Security headers, production hardening, CSRF, error pages and the language toggle."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tests.conftest import PASSWORD, AuthActions, csrf_token, database_url, make_user, post_form
from tracker import create_app
from tracker.access import public
from tracker.extensions import db
from tracker.models import AuditEvent, Role, User

STRONG_SECRET = "k" * 40
LEAK_MARKER = "sekrit-detail-4242"


def csp_directives(response: TestResponse) -> dict[str, list[str]]:
    """The response's Content-Security-Policy as {directive: [sources]}."""
    policy = response.headers.get("Content-Security-Policy", "")
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response: TestResponse) -> None:
    """Every response carries the CSP, nosniff and a referrer policy."""
    csp = csp_directives(response)
    assert csp, "no Content-Security-Policy"
    assert "'unsafe-inline'" not in csp.get("script-src", csp.get("default-src", []))
    assert "'unsafe-eval'" not in csp.get("script-src", [])
    assert "'unsafe-inline'" not in csp.get("style-src", [])  # the house rule: no style=""
    assert csp.get("frame-ancestors") == ["'none'"]
    assert csp.get("object-src") == ["'none'"]
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in {
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    }


def bad_csrf_post(client: FlaskClient) -> TestResponse:
    return client.post("/login", data={"email": "x@example.gc.ca", "password": "y"})


REQUESTS: dict[str, Callable[[FlaskClient], TestResponse]] = {
    "page": lambda c: c.get("/login"),
    "redirect": lambda c: c.get("/"),
    "not-found": lambda c: c.get("/no/such/page"),
    "static": lambda c: c.get("/static/css/app.css"),
    "healthz": lambda c: c.get("/healthz"),
    "bad-csrf-post": bad_csrf_post,
}


@pytest.mark.parametrize("kind", sorted(REQUESTS))
def test_every_response_carries_security_headers(client: FlaskClient, kind: str) -> None:
    response = REQUESTS[kind](client)
    response.close()
    assert_security_headers(response)


def test_no_hsts_or_secure_cookie_outside_production(client: FlaskClient) -> None:
    response = client.get("/login")  # the CSRF token puts something in the session
    assert "Strict-Transport-Security" not in response.headers
    cookie = response.headers.get("Set-Cookie", "")
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie
    assert "Secure" not in cookie


@pytest.fixture
def production_app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {"SECRET_KEY": STRONG_SECRET, "DATABASE_URL": database_url(tmp_path)}, env="production"
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_production_sends_hsts_and_secure_cookies(production_app: Flask) -> None:
    assert production_app.config["SESSION_COOKIE_SECURE"] is True
    response = production_app.test_client().get("/login")
    assert_security_headers(response)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = response.headers.get("Set-Cookie", "")
    assert cookie.startswith("session=")
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    "secret",
    [None, "", "dev-only-not-a-secret", "short-secret-31-characters-long"],
    ids=["missing", "empty", "development", "short"],
)
def test_production_refuses_a_weak_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, secret: str | None
) -> None:
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    overrides: dict[str, object] = {"DATABASE_URL": database_url(tmp_path)}
    if secret is not None:
        overrides["SECRET_KEY"] = secret
    with pytest.raises(RuntimeError) as error:
        create_app(overrides, env="production")
    message = str(error.value)
    assert "TRACKER_SECRET_KEY" in message
    assert "\n" not in message


def test_production_takes_its_secret_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TRACKER_SECRET_KEY", STRONG_SECRET)
    app = create_app({"DATABASE_URL": database_url(tmp_path)}, env="production")
    assert app.config["SECRET_KEY"] == STRONG_SECRET


# ---------- CSRF ----------


def audit_count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


@pytest.mark.parametrize("token", [None, "not-a-real-token"], ids=["missing", "wrong"])
def test_login_without_a_valid_csrf_token_is_refused(
    app: Flask, client: FlaskClient, token: str | None
) -> None:
    make_user(app, Role.PLANNER, "p@example.gc.ca")
    events_before = audit_count(app)
    client.get("/login")  # a session with a real token exists; the post does not use it
    data = {"email": "p@example.gc.ca", "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/login", data=data)
    assert response.status_code == 400
    assert b"Reload the page" in response.data
    assert client.get("/").status_code == 302  # not signed in
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert audit_count(app) == events_before  # the credentials were never even checked


@pytest.mark.parametrize("token", [None, "not-a-real-token"], ids=["missing", "wrong"])
def test_password_change_without_a_valid_csrf_token_changes_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions, token: str | None
) -> None:
    user_id = make_user(app, Role.PLANNER, "p@example.gc.ca")
    auth.login("p@example.gc.ca")
    with app.app_context():
        before = db.session.get(User, user_id)
        assert before is not None
        old_hash, old_nonce = before.password_hash, before.session_nonce
    new = "a brand new passphrase"
    data = {"current_password": PASSWORD, "new_password": new, "confirm": new}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/account/password", data=data)
    assert response.status_code == 400
    with app.app_context():
        after = db.session.get(User, user_id)
        assert after is not None
        assert (after.password_hash, after.session_nonce) == (old_hash, old_nonce)
    assert client.get("/").status_code == 200  # still signed in: the session was untouched
    assert AuthActions(app.test_client()).login("p@example.gc.ca", new).status_code == 401


def test_a_token_from_another_session_is_refused(app: Flask, client: FlaskClient) -> None:
    make_user(app, Role.PLANNER, "p@example.gc.ca")
    foreign = csrf_token(app.test_client(), "/login")
    client.get("/login")
    response = client.post(
        "/login", data={"email": "p@example.gc.ca", "password": PASSWORD, "csrf_token": foreign}
    )
    assert response.status_code == 400
    assert client.get("/").status_code == 302


# ---------- Error pages ----------


def assert_friendly(response: TestResponse, code: int) -> str:
    """The error page is ours, in the site layout, and shows no internals."""
    body = response.get_data(as_text=True)
    assert response.status_code == code
    assert response.mimetype == "text/html"
    assert 'class="error-page"' in body
    assert f"Error {code}" in body
    assert 'href="/static/css/app.css"' in body  # the full site layout, not a bare page
    for leak in ("Traceback", "File &#34;", 'File "', "werkzeug", "sqlalchemy", LEAK_MARKER):
        assert leak not in body
    assert_security_headers(response)
    return body


def test_404_page_is_friendly(client: FlaskClient) -> None:
    body = assert_friendly(client.get("/no/such/page"), 404)
    assert "We could not find that page." in body


def test_403_page_is_friendly(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(app, Role.DEPARTMENT, "d@example.gc.ca", department="ACR")
    auth.login("d@example.gc.ca")
    body = assert_friendly(client.get("/admin/users"), 403)
    assert "You do not have access to this page." in body


def test_405_page_is_friendly(client: FlaskClient) -> None:
    assert_friendly(client.get("/logout"), 405)


def test_500_page_is_friendly_and_leaks_nothing(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    @public
    def explode() -> str:
        raise RuntimeError(LEAK_MARKER)

    app.add_url_rule("/__explode", "explode", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/__explode")
    body = assert_friendly(response, 500)
    assert "Something went wrong on our side" in body
    # The details go to the log for the operators, never to the page.
    assert LEAK_MARKER in caplog.text


# ---------- Language toggle ----------


def html_lang(response: TestResponse) -> str:
    body = response.get_data(as_text=True)
    start = body.index("<html lang=") + len('<html lang="')
    return body[start : body.index('"', start)]


def toggle(client: FlaskClient, lang: str, next_url: str = "/login") -> TestResponse:
    return post_form(client, "/language", {"lang": lang, "next": next_url}, page="/login")


def test_language_toggle_switches_html_lang(client: FlaskClient) -> None:
    assert html_lang(client.get("/login", headers={"Accept-Language": "en"})) == "en"
    response = toggle(client, "fr")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    page = client.get("/login", headers={"Accept-Language": "en"})
    assert html_lang(page) == "fr"
    assert 'lang="en"' in page.get_data(as_text=True)  # the toggle offers English back
    toggle(client, "en")
    assert html_lang(client.get("/login")) == "en"


def test_language_toggle_ignores_unknown_languages(client: FlaskClient) -> None:
    toggle(client, "fr")
    response = toggle(client, "de")
    assert response.status_code == 302
    assert html_lang(client.get("/login")) == "fr"


def test_language_toggle_requires_csrf(client: FlaskClient) -> None:
    client.get("/login")
    response = client.post("/language", data={"lang": "fr", "next": "/login"})
    assert response.status_code == 400
    assert html_lang(client.get("/login", headers={"Accept-Language": "en"})) == "en"


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/plans/?page=2", "/plans/?page=2"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_language_toggle_redirects_only_to_local_paths(
    client: FlaskClient, next_url: str, expected: str
) -> None:
    response = toggle(client, "fr", next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_navigation_marks_the_current_section(app: Flask, client: FlaskClient) -> None:
    make_user(app, Role.ADMIN, "nav-admin@example.gc.ca")
    AuthActions(client).login("nav-admin@example.gc.ca")
    html = client.get("/admin/users").get_data(as_text=True)
    assert '<a href="/admin/users" aria-current="page">' in html
    assert '<a href="/plans/" aria-current="page">' not in html
