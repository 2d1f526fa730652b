"""Friendly error pages that leak nothing, and the one place domain exceptions become responses."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug import exceptions
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from tracker.api.problems import is_api_request, problem_for
from tracker.models import User
from tracker.services.audit.events import record_denied_access
from tracker.services.errors import DomainError, NotFound

MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please sign in to continue."),
    403: _l("You do not have access to this page."),
    404: _l("We could not find that page."),
    405: _l("That action is not allowed here."),
    409: _l("Someone else changed this at the same time."),
    413: _l("The file is too large."),
    429: _l("Too many attempts. Please wait and try again."),
}


def render_error(error: HTTPException) -> tuple[str, int] | Response:
    """Render errors/error.html for any HTTP error (problem+json under /api/)."""
    if is_api_request():
        return problem_for(error)
    code = error.code or 500
    message = MESSAGES.get(code, _l("Something went wrong on our side. It has been logged."))
    if isinstance(error, CSRFError):
        message = _l("Your form expired or was sent from elsewhere. Reload the page and try again.")
    return render_template("errors/error.html", code=code, message=message), code


def render_domain_error(error: DomainError) -> tuple[str, int] | Response:
    """A service's NotFound, Forbidden or Conflict, answered like the HTTP error it stands for.

    A signed-in user refused with NotFound is audited: services answer 404 for what lies
    outside the user's scope, so a run of them is someone probing other departments' data.
    """
    if isinstance(error, NotFound) and isinstance(current_user._get_current_object(), User):
        record_denied_access(current_user._get_current_object(), request.path, "access.not_found")
    return render_error(HTTP_ERRORS[error.status]())


HTTP_ERRORS: dict[int, type[HTTPException]] = {
    400: exceptions.BadRequest,
    403: exceptions.Forbidden,
    404: exceptions.NotFound,
    409: exceptions.Conflict,
}


def init_app(app: Flask) -> None:
    """Register the handlers; Flask logs unexpected exceptions and answers them as 500."""
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(DomainError, render_domain_error)
