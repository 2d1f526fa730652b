"""The /healthz probe answers for the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tracker import create_app
from tracker.extensions import db


def test_healthz_reports_a_working_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json() == {"status": "ok", "database": True}


def test_healthz_needs_no_sign_in_and_sets_no_cookie(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_healthz_reports_an_unreachable_database(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    unusable = tmp_path / "no" / "such" / "directory" / "tracker.db"
    app = create_app({"DATABASE_URL": f"sqlite:///{unusable}", "SECRET_KEY": "t"}, env="testing")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.is_json
    assert response.get_json() == {"status": "unavailable", "database": False}
    assert "database does not answer" in caplog.text  # the cause goes to the log
    assert not unusable.parent.exists()
    with app.app_context():
        db.engine.dispose()
