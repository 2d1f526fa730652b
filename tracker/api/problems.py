"""API errors as `application/problem+json` (RFC 9457), with a field-level `errors` list.

Every problem uses the type "about:blank": its title is the HTTP status phrase and `detail`
says what went wrong in the client's language. Validation problems (400) add
`errors: [{"field": ..., "message": ...}]`, one entry per bad query parameter or body field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import current_app, g, has_request_context, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

PROBLEM_MIMETYPE = "application/problem+json"
API_PREFIX = "/api/"
# Characters a URI path keeps as they are (RFC 3986 pchar and "/"); others are percent-encoded.
PATH_SAFE = "/:@!$&'()*+,;=-._~"

DETAILS: dict[int, Any] = {
    400: _l("The request could not be understood."),
    401: _l("Send a valid API token in the Authorization header: Bearer <token>."),
    403: _l("You do not have access to this resource."),
    404: _l("There is no such resource."),
    405: _l("This method is not allowed on this resource."),
    409: _l("Someone else changed this at the same time."),
    413: _l("The request is too large."),
    415: _l("Send the request body as JSON, with Content-Type: application/json."),
    422: _l("The request was understood but its content is not valid."),
    429: _l("Too many requests. Please wait and try again."),
}
FALLBACK_DETAIL = _l("Something went wrong on our side. It has been logged.")
GENERIC_CLIENT_DETAIL = _l("The request could not be handled.")
REALM = "api"
TOKEN_REFUSALS = {
    "expired": _l("The API token has expired. Create a new one on your API tokens page."),
    "revoked": _l("The API token was revoked."),
}
INVALID_TOKEN = _l("The API token is not valid.")
# Headers of the original error that the problem response keeps.
KEPT_HEADERS = ("Allow", "Retry-After")


def is_api_request() -> bool:
    """True while serving a path under /api/."""
    return has_request_context() and request.path.startswith(API_PREFIX)


@dataclass(frozen=True)
class FieldError:
    """What is wrong with one input field (a query parameter)."""

    field: str
    message: str


class InvalidParameters(Exception):
    """Raised by a view or a parser when query parameters are not valid (400)."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = list(errors)


def problem(
    status: int,
    detail: str | None = None,
    errors: Sequence[FieldError] = (),
    headers: dict[str, str] | None = None,
    **members: Any,
) -> Response:
    """A problem+json response for `status`; `members` are extension members (RFC 9457 3.2),
    such as the current version of what a 409 says changed."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Unknown Error"),
        "status": status,
        "detail": str(detail or DETAILS.get(status, FALLBACK_DETAIL)),
        "instance": quote(request.path, safe=PATH_SAFE),
    }
    if errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    body.update(members)
    response = current_app.response_class(
        current_app.json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE
    )
    response.headers.update(headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def problem_for(error: HTTPException) -> Response:
    """The problem response for an HTTP error raised while serving the API."""
    status = error.code or 500
    kept = {k: v for k, v in error.get_headers() if k in KEPT_HEADERS}
    if status == 401:
        header, detail = challenge()
        return problem(401, detail, headers={**kept, "WWW-Authenticate": header})
    detail = DETAILS.get(status) or (FALLBACK_DETAIL if status >= 500 else GENERIC_CLIENT_DETAIL)
    return problem(status, detail, headers=kept)


def challenge() -> tuple[str, str]:
    """The WWW-Authenticate header (RFC 6750) and the detail of a 401 problem."""
    refusal = g.get("api_token_refusal")  # set by tracker.api.auth when a token was refused
    if refusal is None:  # no credentials: no error code, as RFC 6750 section 3.1 asks
        return f'Bearer realm="{REALM}"', str(DETAILS[401])
    detail = TOKEN_REFUSALS.get(refusal, INVALID_TOKEN)
    return f'Bearer realm="{REALM}", error="invalid_token"', str(detail)
