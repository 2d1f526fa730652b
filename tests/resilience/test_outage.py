"""Fault drill: the database goes away and comes back; the app answers 503 meanwhile and
recovers by itself, with no restart."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from tests.conftest import AuthActions, make_user, reset_schema
from tests.resilience.proxy import Proxy
from tracker import create_app
from tracker.extensions import db
from tracker.models import Role

Outage = tuple[Flask, Callable[[], None], Callable[[], None]]


@pytest.fixture
def outage(tmp_path: Path) -> Iterator[Outage]:
    """An app whose database can be cut off and brought back: (app, cut, restore)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        url = make_url(base)
        proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
        proxy.up()
        database = url.set(host="127.0.0.1", port=proxy.port).render_as_string(False)
        cut, restore = proxy.down, proxy.up
    else:
        folder = tmp_path / "data"
        folder.mkdir()
        database = f"sqlite:///{folder / 'tracker.db'}"

        def cut() -> None:
            folder.rename(tmp_path / "gone")
            with app.app_context():
                db.engine.dispose()  # open handles would outlive the move

        def restore() -> None:
            (tmp_path / "gone").rename(folder)

    app = create_app({"DATABASE_URL": database, "SECRET_KEY": "test-secret"}, env="testing")
    with app.app_context():
        reset_schema()
    yield app, cut, restore
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if base:
        proxy.down()


def test_database_outage_gives_503_and_recovers_without_restart(outage: Outage) -> None:
    app, cut, restore = outage
    make_user(app, Role.PLANNER, "planner@example.gc.ca")
    client: FlaskClient = app.test_client()
    assert AuthActions(client).login("planner@example.gc.ca").status_code == 302
    assert client.get("/").status_code == 200

    cut()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"status": "unavailable", "database": False}
    page = client.get("/")
    assert page.status_code == 503
    html = page.get_data(as_text=True)
    assert "briefly unavailable" in html
    assert "Traceback" not in html and "sqlite" not in html.lower() and "psycopg" not in html
    assert page.headers.get("Retry-After")
    assert client.get("/api/v1/plans").status_code in {401, 503}

    restore()
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200  # same session, same process: recovered
