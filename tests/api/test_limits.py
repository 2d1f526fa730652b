"""Rate limits of the API: per token and per client address, answered as 429 problems."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.conftest import Writers
from tests.api.helpers import api_get, assert_problem


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    """The limits are off in the test configuration; this module turns them on."""
    return {"RATELIMIT_ENABLED": True}


def test_too_many_requests_are_a_429_problem_with_retry_after(
    app: Flask, client: FlaskClient, writers: Writers
) -> None:
    app.config["API_RATELIMIT_PER_TOKEN"] = "3 per minute"
    bcd, planner = writers.tokens["bcd"], writers.tokens["planner"]
    for _ in range(3):
        assert api_get(client, "/api/v1/me", bcd).status_code == 200
    refused = api_get(client, "/api/v1/me", bcd)
    assert_problem(refused, 429)
    assert int(refused.headers["Retry-After"]) > 0
    assert api_get(client, "/api/v1/me", planner).status_code == 200  # counted per token
    app.config["API_RATELIMIT_PER_TOKEN"] = "1000 per minute"
    app.config["API_RATELIMIT_PER_IP"] = "1 per minute"  # a new limit: a new count
    assert api_get(client, "/api/v1/me", planner).status_code == 200
    assert_problem(api_get(client, "/api/v1/me", writers.tokens["acr"]), 429)  # per address
