"""The domain exceptions that services raise; `tracker.errors` answers each with its HTTP status.

Services know nothing of HTTP: they say what went wrong in the domain's words (there is no such
plan, this user may not do that, someone else changed it first) and the web layer, pages and API
alike, turns that into a 404, 403 or 409 in one place.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of the exceptions a service raises for a request that cannot be served."""

    status = 400


class NotFound(DomainError):
    """What was asked for does not exist, or is not visible to this user."""

    status = 404


class Forbidden(DomainError):
    """The user may not do this."""

    status = 403


class Conflict(DomainError):
    """The data changed since the user read it."""

    status = 409
