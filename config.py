"""Configuration classes. Values are overridden by instance/config.py, then TRACKER_* variables."""

from __future__ import annotations

import os
from datetime import timedelta

DEV_SECRET_KEY = "dev-only-not-a-secret"


class Config:
    """Defaults shared by every environment."""

    SECRET_KEY = DEV_SECRET_KEY
    # None means "SQLite file in the instance folder", resolved by the factory.
    DATABASE_URL: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {}
    SQLITE_BUSY_TIMEOUT_MS = 30_000

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    REMEMBER_COOKIE_DURATION = timedelta(days=0)

    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "America/Toronto"
    LANGUAGES = ("en", "fr")

    FISCAL_YEAR_START_MONTH = 4

    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCKOUT_MINUTES = 15

    HSTS = False


class DevelopmentConfig(Config):
    """Local development: `make run`."""

    DEBUG = False


class TestingConfig(Config):
    """The test suite: CSRF stays on so that tests can prove it works."""

    TESTING = True
    # Fast hashing in tests; production keeps argon2's defaults.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024


class ProductionConfig(Config):
    """Behind gunicorn and TLS."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_name() -> str:
    """The environment named by TRACKER_ENV, development by default."""
    return os.environ.get("TRACKER_ENV", "development")
