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
    # PostgreSQL's JIT compiler, per connection. Off: it compiles a query whose estimated cost
    # passes `jit_above_cost`, which costs 100-400 ms each time, and this application's queries
    # (a rollup refresh on each save, the pages' figures) run in milliseconds without it.
    POSTGRES_JIT = False

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

    # Scheduler (`flask --app tracker scheduler run`): see docs/operations.md.
    SCHEDULER_TIMEZONE = "America/Toronto"
    SCHEDULER_MISFIRE_GRACE_SECONDS = 3600
    # A run still "running" after this long was interrupted (crash, kill) and may be retried.
    JOB_RUN_TIMEOUT_MINUTES = 60
    # The yearly report is due on this local date and hour after each fiscal year ends.
    REPORT_SCHEDULE_MONTH = 4
    REPORT_SCHEDULE_DAY = 15
    REPORT_SCHEDULE_HOUR = 2
    # 1: a forked child draws a report's PDF while the spreadsheets are written (faster on an
    # idle multi-core machine, one more process's memory); 0: everything in the calling process.
    REPORT_RENDER_PROCESSES = 0
    # Security marking on the yearly report's cover and every page, per report language
    # (TRACKER_REPORT_SECURITY_MARKING_EN / _FR).
    REPORT_SECURITY_MARKING_EN = "UNCLASSIFIED"
    REPORT_SECURITY_MARKING_FR = "NON CLASSIFIÉ"
    # Folder holding the report fonts' npm packages; None means the project's node_modules.
    REPORT_FONTS_DIR: str | None = None
    # Reminder e-mails: days relative to a period's due date (-14 = 14 days before).
    REMINDER_OFFSETS_DAYS: tuple[int, ...] = (-14, -3, 1)
    REMINDER_HOUR = 6
    REMINDER_CATCH_UP_DAYS = 7
    # Absolute address of the site, used for links in e-mails (e.g. https://tracker.example.ca).
    PUBLIC_BASE_URL: str | None = None

    # SMTP; without MAIL_HOST messages go to the log and to the admin jobs page.
    MAIL_HOST: str | None = None
    MAIL_PORT: int | None = None
    MAIL_USE_TLS: bool | None = None
    MAIL_USE_SSL: bool | None = None
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_SENDER: str | None = None
    MAIL_TIMEOUT_SECONDS = 30

    # Password hashing: argon2id, above OWASP's minimum (19 MiB, t=2, p=1); production refuses
    # less. Raising them rehashes each password at its owner's next sign-in.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024  # KiB
    ARGON2_PARALLELISM = 4

    # Sign-in: from the 5th failure in a row, the account's sign-in pauses 1 s, then 2, 4, ...
    # up to LOGIN_DELAY_MAX_SECONDS (never a long lockout an attacker could impose on the owner),
    # and each client address may try LOGIN_RATE_LIMIT times (Flask-Limiter; Redis at
    # RATELIMIT_STORAGE_URL shares the counts between workers and servers).
    LOGIN_MAX_FAILURES = 5
    LOGIN_DELAY_MAX_SECONDS = 60
    LOGIN_RATE_LIMIT = "10 per minute; 50 per hour"
    # Redis down: count in this process meanwhile, and never refuse a sign-in for that alone.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Reverse proxies in front of gunicorn whose X-Forwarded-For/-Proto are trusted (0: none).
    PROXY_COUNT = 0

    HSTS = False

    # Rate limits (Flask-Limiter), for sign-in above and the API below.
    # TRACKER_RATELIMIT_STORAGE_URL=redis://host:6379/1 shares the counters between servers;
    # without it each process counts alone, in memory.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URL: str | None = None
    RATELIMIT_HEADERS_ENABLED = True
    # The JSON API: requests per token and per client address, and the largest body accepted.
    API_RATELIMIT_PER_TOKEN = "300 per minute"
    API_RATELIMIT_PER_IP = "600 per minute"
    API_MAX_BODY_BYTES = 1024 * 1024
    # How long the answer to a POST with an Idempotency-Key is kept for a retry.
    IDEMPOTENCY_KEY_HOURS = 24

    # Chart.js comes from the CDN with Subresource Integrity (tracker/assets.py). Air-gapped
    # servers run `make vendor` and set TRACKER_CHARTJS_LOCAL=true to serve static/vendor/.
    CHARTJS_LOCAL = False

    # Aggregated page figures, kept until the data changes (tracker/cache.py). Per process by
    # default; CACHE_TYPE=RedisCache and CACHE_REDIS_URL share one store between workers.
    CACHE_TYPE = "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 3600
    CACHE_THRESHOLD = 200
    CACHE_KEY_PREFIX = "tracker:"
    # While a plan's data changes several times a second, a signed-in reader may be shown its
    # figures as they were up to this many seconds ago instead of waiting for them to be
    # computed again; never older than the reader's own last write (tracker/cache.py). 0: off.
    FIGURES_MAX_LAG_SECONDS = 2.0


class DevelopmentConfig(Config):
    """Local development: `make run`."""

    DEBUG = False


class TestingConfig(Config):
    """The test suite: CSRF stays on so that tests can prove it works."""

    TESTING = True
    # Fast hashing in tests; production keeps the defaults above.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    # Tests sign in many times from one address; tests/security turns the limits on.
    RATELIMIT_ENABLED = False
    # Figures are exact after every write; tests/test_cache.py turns the lag on.
    FIGURES_MAX_LAG_SECONDS = 0.0


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
