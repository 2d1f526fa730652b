"""Calling the API in tests: bearer tokens, GETs and RFC 9457 problem answers (the world the
calls read is built by tests/factories/api.py)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from tracker.extensions import db
from tracker.models import Department


def department_id(app: Flask, acronym: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(Department.id).where(Department.acronym == acronym))
        assert found is not None
        return found


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def api_get(
    client: FlaskClient, path: str, secret: str | None = None, **kwargs: Any
) -> TestResponse:
    """GET an API path, with the token when given."""
    headers = bearer(secret) if secret else {}
    return client.get(path, headers={**headers, **kwargs.pop("headers", {})}, **kwargs)


def assert_problem(response: TestResponse, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with `status`; returns its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    assert body["instance"] == response.request.path
    return dict(body)
