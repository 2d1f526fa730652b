"""Fixtures: a fresh database per test, a client, and helpers to sign in and post forms.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set
(`make test-postgres`). Under pytest-xdist each worker has a database of its own on that server
(`test` -> `test_gw0`, `test_gw1`, ...), created when missing.
"""

from __future__ import annotations

import atexit
import gc
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from werkzeug.routing import Rule

from tracker import create_app
from tracker.extensions import db
from tracker.models import Role
from tracker.services.accounts import users

if TYPE_CHECKING:
    from tests.factories.updates import World

# Timing-based deadlines flake on a loaded two-core machine; correctness is what is tested.
settings.register_profile("tracker", deadline=None)
settings.load_profile("tracker")

TRANSLATIONS = Path(__file__).resolve().parent.parent / "tracker" / "translations"
FRENCH_PO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the French catalogue if its .mo is missing or stale, as `make translations` does."""
    mo = FRENCH_PO.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= FRENCH_PO.stat().st_mtime:
        return
    with FRENCH_PO.open("rb") as source:
        catalog = read_po(source)
    partial = mo.with_suffix(f".{os.getpid()}.tmp")
    with partial.open("wb") as target:
        write_mo(target, catalog)
    partial.replace(mo)  # atomic: parallel sessions never read half a file


def pytest_collection_finish(session: pytest.Session) -> None:
    """Leave what importing the project and the test modules made out of garbage collection,
    as gunicorn's master does before forking (gunicorn.conf.py): each full collection would
    otherwise walk those few hundred thousand objects again, a large share of the suite's time
    in the tests that render reports."""
    gc.freeze()


PASSWORD = "correct horse battery staple"
CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'type="hidden" name="csrf_token" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


# Configuration without the aggregate cache: every request computes what it shows.
NO_CACHE = {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}


class SharedTemplateCode(BytecodeCache):
    """Compiled templates kept for the whole session: every test builds an app of its own, whose
    Jinja environment would otherwise parse and compile each template it renders again."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = SharedTemplateCode()


def share_url_builders() -> None:
    """Compile each URL rule's builder once a session instead of once per test.

    Every test builds an app of its own, and Werkzeug compiles two Python functions per URL rule
    when the app adds it (about 280 rules here): three quarters of `create_app`'s time. A builder
    depends only on the rule's text, its parts and the names of its defaults; it reaches the
    rule's converters through `self`, so one function serves the same rule in every app. Rules
    whose defaults fill a part of their path are compiled as usual (the default is baked in)."""
    compile_builder: Callable[..., Any] = Rule._compile_builder
    builders: dict[tuple[Any, ...], Any] = {}

    def shared(self: Rule, append_unknown: bool = True) -> Any:
        defaults = self.defaults or {}
        if any(dynamic and part in defaults for dynamic, part in self._trace):
            return compile_builder(self, append_unknown)
        key = (self.rule, tuple(self._trace), tuple(defaults), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    Rule._compile_builder = shared  # type: ignore[method-assign]


share_url_builders()


def clear_cache(app: Flask) -> None:
    """Empty the aggregate cache, so that the next request computes what it shows."""
    from tracker.cache import cache

    with app.app_context():
        cache.clear()


def database_url(tmp_path: Path) -> str:
    """PostgreSQL when TEST_DATABASE_URL is set (this worker's database), else a SQLite file for
    this test."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'test.db'}"
    return worker_database(url, os.environ.get("PYTEST_XDIST_WORKER", ""))


@cache
def worker_database(url: str, worker: str) -> str:
    """`url` outside xdist; under xdist the URL of a database named after the worker (`test` ->
    `test_gw0`) on the same server, created if missing, so workers never share rows.

    Commits do not wait for the disk (synchronous_commit=off): a crash could lose the last
    transactions of a test database, nothing else, and every test commits many times."""
    parsed = make_url(url)
    if "options" not in parsed.query:
        parsed = parsed.update_query_dict({"options": "-c synchronous_commit=off"})
    if not worker:
        return parsed.render_as_string(hide_password=False)
    name = f"{parsed.database}_{worker}"
    # CREATE DATABASE cannot run in a transaction; the server's `postgres` database always exists.
    server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            exists = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                quoted = conn.dialect.identifier_preparer.quote_identifier(name)
                conn.execute(text(f"CREATE DATABASE {quoted}"))
    finally:
        server.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


_pg_schema_built = False
PG_RESTART_SEQUENCES = """
SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'S' AND n.nspname = 'public'
"""


@cache
def sqlite_schema() -> Path:
    """An empty SQLite database with the models' tables, made once a session: copying it is
    much cheaper than creating every table and index for each test."""
    folder = Path(tempfile.mkdtemp(prefix="tracker-schema-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "schema.db"
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        db.metadata.create_all(engine)
    finally:
        engine.dispose()  # the last connection's close checkpoints the WAL into the file
    return path


def reset_schema() -> None:
    """Give the test an empty database with the models' tables."""
    global _pg_schema_built
    if db.engine.dialect.name != "postgresql":
        target = db.engine.url.database
        if target and target != ":memory:" and not Path(target).exists():
            shutil.copyfile(sqlite_schema(), target)
        else:
            db.create_all()
        return
    # Rebuilding the schema costs about a second a test on PostgreSQL (DDL is fsynced), so it
    # is built once a session, and again only when a test (the migration tests) dropped it;
    # otherwise emptying the tables and restarting the id sequences is enough.
    if _pg_schema_built and set(db.metadata.tables) <= set(inspect(db.engine).get_table_names()):
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
            conn.execute(text(PG_RESTART_SEQUENCES))
        return
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    db.create_all()
    _pg_schema_built = True


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    """Settings a test module adds to the test app's (override this fixture in the module)."""
    return {}


@pytest.fixture
def app(tmp_path: Path, app_overrides: dict[str, Any]) -> Iterator[Flask]:
    settings = {"DATABASE_URL": database_url(tmp_path), "SECRET_KEY": "test-secret"}
    app = create_app({**settings, **app_overrides}, env="testing")
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    with app.app_context():
        reset_schema()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


def csrf_token(client: FlaskClient, url: str) -> str:
    """GET `url` and return the CSRF token of its first form."""
    page = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, f"no CSRF token on {url}"
    return next(group for group in match.groups() if group)


def post_form(
    client: FlaskClient, url: str, data: dict[str, Any], page: str | None = None, **kwargs: Any
) -> Any:
    """POST `data` to `url` with a valid CSRF token taken from `page` (default `url`)."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page or url)}, **kwargs)


def make_user(
    app: Flask,
    role: Role,
    email: str | None = None,
    department: str | None = None,
    password: str = PASSWORD,
) -> int:
    """Create a user (and its department if missing) and return its id."""
    from tests.factories import ensure_department

    with app.app_context():
        if department:
            ensure_department(department)
        user = users.create_user(
            users.UserInput(
                email=email or f"{role.value}@example.gc.ca",
                name=f"{role.value.title()} User",
                role=role,
                department_acronym=department,
            ),
            password,
        )
        return user.id


class AuthActions:
    """Sign in and out through the real pages."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = PASSWORD) -> Any:
        return post_form(self._client, "/login", {"email": email, "password": password})

    def logout(self) -> Any:
        return post_form(self._client, "/logout", {}, page="/")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def world(app: Flask) -> World:
    """The quarterly workflow's world (tests/factories/updates.py), today set to its TODAY.

    tests/api and the reminder tests override `world` with worlds of their own."""
    from tests.factories.updates import build_world  # it builds its users with make_user

    return build_world(app)


# --- query counts ---------------------------------------------------------------------------


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def queries(app: Flask, client: FlaskClient, url: str) -> int:
    """How many statements one GET of `url` runs, its body read to the end (a streamed CSV
    queries as it goes), after a warm-up request for connections and caches."""
    client.get(url)
    with counted(app) as statements:
        response = client.get(url)
        assert response.status_code == 200, url
        response.get_data()
    return len(statements)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked `postgres` needs TEST_DATABASE_URL: skipped without it, failed in CI."""
    if not item.get_closest_marker("postgres"):
        return
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        return
    reason = "needs PostgreSQL: set TEST_DATABASE_URL or run `make test-postgres`"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason} (CI=true: a skipped PostgreSQL test is a failure)", pytrace=False)
    pytest.skip(reason)


def sign_in_as(app: Flask, role: Role) -> FlaskClient:
    email = f"{role.value}-matrix@example.gc.ca"
    make_user(app, role, email, department="ACR" if role is Role.DEPARTMENT else None)
    client = app.test_client()
    assert AuthActions(client).login(email).status_code == 302
    return client


def rollups_agree_after(request: pytest.FixtureRequest) -> Iterator[None]:
    """For an autouse fixture of a workflow test package: after each test that has an app, its
    rollups agree with a fresh computation from history (`flask figures check`)."""
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    yield
    from tracker.services.figures.rollups import differences

    with app.app_context():
        db.session.rollback()
        found = differences()
        db.session.remove()
    assert found == [], "rollups differ from history:\n" + "\n".join(found[:20])
