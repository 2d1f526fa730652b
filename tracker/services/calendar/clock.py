"""The one place that says what day and time it is (overridable for tests and demos)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from tracker.models.base import utcnow


def today() -> date:
    """Today in the application's time zone, or the configured `TODAY` (ISO date) override."""
    override = current_app.config.get("TODAY")
    if isinstance(override, datetime):
        return override.date()
    if isinstance(override, date):
        return override
    if override:
        return date.fromisoformat(str(override))
    zone = ZoneInfo(str(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC")))
    return datetime.now(zone).date()


def now() -> datetime:
    """The current time, timezone-aware UTC, for who/when stamps."""
    return utcnow()
