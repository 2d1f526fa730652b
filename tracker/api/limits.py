"""The API's limits: requests per token and per address, body size, and JSON bodies only.

Rate limits (Flask-Limiter, fixed windows) count every API request twice: against the bearer
token that sent it (`API_RATELIMIT_PER_TOKEN`, keyed by the token's hash, so no database read)
and against the client's address (`API_RATELIMIT_PER_IP`). The counters live in Redis when
`TRACKER_RATELIMIT_STORAGE_URL` is set, so that every server counts together, else in the
process's memory. A request over a limit gets 429 as problem+json with `Retry-After`.

Writes must send JSON (415 otherwise) of at most `API_MAX_BODY_BYTES` (413 otherwise).
"""

from __future__ import annotations

from flask import current_app, request
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from tracker.api import bp
from tracker.api.problems import problem
from tracker.extensions import limiter
from tracker.services.accounts.tokens import hash_secret

DEFAULT_PER_TOKEN = "300 per minute"
DEFAULT_PER_IP = "600 per minute"
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _bearer() -> str | None:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" and credentials.strip() else None


def token_key() -> str:
    """The rate-limit key of the request's token: a prefix of its hash, never the secret."""
    return f"token:{hash_secret(_bearer() or '')[:32]}"


def _per_token() -> str:
    return str(current_app.config.get("API_RATELIMIT_PER_TOKEN", DEFAULT_PER_TOKEN))


def _per_ip() -> str:
    return str(current_app.config.get("API_RATELIMIT_PER_IP", DEFAULT_PER_IP))


limiter.limit(_per_token, key_func=token_key, exempt_when=lambda: _bearer() is None)(bp)
limiter.limit(_per_ip, key_func=get_remote_address)(bp)


@bp.before_request
def check_body() -> Response | None:
    """413 for a body over the limit, 415 for a write whose body is not JSON."""
    if request.method not in BODY_METHODS:
        return None
    limit = int(current_app.config.get("API_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES))
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        return problem(415)
    return None
