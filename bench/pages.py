"""The pages the bench measures, found in the application's URL map, and their query counts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, event, select

from bench.client import csrf_token
from bench.content import PASSWORD
from bench.generate import PLAN_SLUG
from tracker.extensions import db
from tracker.models import Action, ApiToken, User
from tracker.services.accounts.tokens import EXPIRY_CHOICES_DAYS, create_token

# (label, URL rule, path pattern, who looks at it). Rows whose rule the app lacks are skipped.
CANDIDATES = (
    ("plan dashboard", "/plans/<slug>/", "/plans/{slug}/", "planner"),
    ("roadmap", "/plans/<slug>/roadmap", "/plans/{slug}/roadmap", "planner"),
    ("trends", "/plans/<slug>/trends", "/plans/{slug}/trends", "planner"),
    ("compliance", "/plans/<slug>/compliance", "/plans/{slug}/compliance", "planner"),
    ("attention", "/plans/<slug>/attention", "/plans/{slug}/attention", "planner"),
    ("department quarter", "/updates/", "/updates/", "department"),
    ("review queue", "/review/", "/review/", "planner"),
    ("action page", "/plans/<slug>/actions/<code>", "/plans/{slug}/actions/{code}", "planner"),
    ("reports list", "/reports/", "/reports/", "oversight"),
    ("API: plan", "/api/v1/plans/<slug>", "/api/v1/plans/{slug}", "api"),
    (
        "API: action",
        "/api/v1/plans/<slug>/actions/<code>",
        "/api/v1/plans/{slug}/actions/{code}",
        "api",
    ),  # fmt: skip
    ("API: updates", "/api/v1/plans/<slug>/updates", "/api/v1/plans/{slug}/updates", "api"),
    ("API: periods", "/api/v1/periods", "/api/v1/periods", "api"),
)
TRIVIAL = ("trivial route (/healthz, 1 query)", "/healthz", "/healthz", "anonymous")
ACCOUNTS = {
    "planner": "planner1@bench.example",
    "department": "d001-1@bench.example",
    "oversight": "oversight1@bench.example",
}


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    role: str


def available(app: Flask) -> tuple[list[Page], list[str]]:
    """The candidate pages the app serves, with real paths; and the labels it does not serve."""
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    with app.app_context():
        code = db.session.scalar(select(Action.code).order_by(Action.id).limit(1)) or "none"
    found, missing = [], []
    for label, rule, pattern, role in CANDIDATES:
        if rule in rules:
            found.append(Page(label, pattern.format(slug=PLAN_SLUG, code=code), role))
        else:
            missing.append(label)
    return found, missing


@dataclass(frozen=True)
class Statement:
    """One SQL statement as sent to the driver, with its parameters."""

    sql: str
    params: Any


@contextmanager
def counting(app: Flask) -> Iterator[list[Statement]]:
    """Collect the SQL statements run while the block is active."""
    statements: list[Statement] = []

    def count(_conn: Any, _cursor: Any, sql: str, params: Any, *_args: Any) -> None:
        statements.append(Statement(sql, params))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


# The API is read with a bearer token of the first planner (role "api" in CANDIDATES).
API_ACCOUNT = ACCOUNTS["planner"]
API_TOKEN_NAME = "bench"


def api_token(app: Flask) -> str:
    """A new bearer token of the API account; the bench's earlier tokens are deleted first."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == API_ACCOUNT))
        if user is None:
            raise RuntimeError(f"no user {API_ACCOUNT} in the bench database")
        db.session.execute(
            delete(ApiToken).where(ApiToken.user_id == user.id, ApiToken.name == API_TOKEN_NAME)
        )
        secret = create_token(user, API_TOKEN_NAME, max(EXPIRY_CHOICES_DAYS)).secret
        db.session.commit()
        return secret


def sign_in(app: Flask, role: str, token: str | None = None) -> FlaskClient:
    """A test client signed in through the login form as the generated user of `role`; for
    "api", one sending the bearer `token` (a new one when None)."""
    client = app.test_client()
    if role == "anonymous":
        return client
    if role == "api":
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token or api_token(app)}"
        return client
    email = ACCOUNTS[role]
    token = csrf_token(client.get("/login").get_data(as_text=True))
    reply = client.post("/login", data={"csrf_token": token, "email": email, "password": PASSWORD})
    if reply.status_code != 302:
        raise RuntimeError(f"in-process login of {email}: HTTP {reply.status_code}")
    return client


def statements_of(app: Flask, client: FlaskClient, path: str) -> list[Statement]:
    """The statements of one GET of `path`, requested once before so that one-off work (such as
    loading translations) is not counted; raises unless both answers are 200."""
    first = client.get(path)
    if first.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {first.status_code}")
    with counting(app) as statements:
        second = client.get(path)
    if second.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {second.status_code}")
    # SQLite's BEGIN goes through a cursor too; PostgreSQL's does not: count queries only.
    return [s for s in statements if not s.sql.startswith("BEGIN")]


def query_counts(app: Flask, pages: list[Page]) -> dict[str, int]:
    """Queries per request of each page and of the trivial route, measured in-process."""
    clients = {role: sign_in(app, role) for role in [*ACCOUNTS, "api", "anonymous"]}
    trivial = Page(TRIVIAL[0], TRIVIAL[2], TRIVIAL[3])
    return {
        page.label: len(statements_of(app, clients[page.role], page.path))
        for page in [*pages, trivial]
    }
