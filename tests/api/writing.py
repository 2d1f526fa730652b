"""Helpers of the API's write tests: send JSON with a token, find an update to change."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.api.helpers import api_get, bearer
from tests.factories.api import SLUG

UPDATES = f"/api/v1/plans/{SLUG}/updates"


def update_url(code: str, quarter: str = "2025-Q2") -> str:
    return f"/api/v1/plans/{SLUG}/actions/{code}/updates/{quarter}"


def send(
    client: FlaskClient,
    method: str,
    path: str,
    secret: str,
    body: Any,
    headers: dict[str, str] | None = None,
) -> TestResponse:
    """`method` `path` with a JSON body and the token."""
    return client.open(
        path, method=method, json=body, headers={**bearer(secret), **(headers or {})}
    )


def own_update(client: FlaskClient, secret: str, code: str, quarter: str = "2025-Q2") -> Any:
    """The token's department's update on action `code` for `quarter`, as the API reads it."""
    response = api_get(client, f"{UPDATES}?period={quarter}&per_page=200", secret)
    assert response.status_code == 200, response.get_data(as_text=True)
    [found] = [u for u in response.get_json()["items"] if u["action"] == code]
    return found


def draft(status: str = "on_track", percent: int = 50, **fields: Any) -> dict[str, Any]:
    """A complete update body (every milestone left to its stored dates is cleared)."""
    return {
        "status": status,
        "percent_complete": percent,
        "forecast_completion": "2026-Q4",
        "accomplishments": "Did the work.",
        "risks": "",
        "next_steps": "More work.",
        **fields,
    }


def milestone_codes(client: FlaskClient, secret: str, code: str) -> list[str]:
    """The codes of action `code`'s milestones."""
    response = api_get(client, f"/api/v1/plans/{SLUG}/actions/{code}", secret)
    assert response.status_code == 200
    return [m["code"] for m in response.get_json()["milestones"]]


def complete(client: FlaskClient, secret: str, code: str, **fields: Any) -> dict[str, Any]:
    """A body that passes the submission rules: every milestone forecast."""
    stones = [
        {"code": m, "forecast_on": "2026-06-30"} for m in milestone_codes(client, secret, code)
    ]
    return draft(milestones=stones, **fields)
