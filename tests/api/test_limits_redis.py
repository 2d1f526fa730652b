"""With TRACKER_RATELIMIT_STORAGE_URL the rate-limit counters live in Redis, shared by every
server. Needs a Redis server (database 6 on localhost, or TEST_REDIS_URL): skipped without one."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask

from tests.api.helpers import api_get, assert_problem
from tests.conftest import database_url, reset_schema
from tests.factories.api import make_tokens
from tracker import create_app
from tracker.extensions import db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/6")


@pytest.fixture
def redis_app(tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"test-{secrets.token_hex(4)}"
    app = create_app(
        {
            "DATABASE_URL": database_url(tmp_path),
            "SECRET_KEY": "test-secret",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URL": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": prefix,
            "API_RATELIMIT_PER_TOKEN": "2 per minute",
        },
        env="testing",
    )
    with app.app_context():
        reset_schema()
    yield app, prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_counters_are_kept_in_redis(redis_app: tuple[Flask, str]) -> None:
    app, prefix = redis_app
    assert app.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    secret = make_tokens(app)["acr"]
    client = app.test_client()
    for _ in range(2):
        assert api_get(client, "/api/v1/me", secret).status_code == 200
    assert_problem(api_get(client, "/api/v1/me", secret), 429)
    assert list(redis.Redis.from_url(REDIS_URL).scan_iter(f"*{prefix}*"))
