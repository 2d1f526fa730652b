"""Friendly error pages that leak nothing, and the one place domain exceptions become responses."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug import exceptions
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from tracker.api.problems import is_api_request, problem_for
from tracker.extensions import db, login_manager
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
    503: _l("The service is briefly unavailable. Please try again in a minute."),
}
RETRY_AFTER_SECONDS = 30


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


def render_unavailable(error: DBAPIError) -> tuple[str, int] | Response:
    """The database does not answer (down, restarting, unreachable): a 503 that says to retry.

    The pool drops its connections, so the next request connects afresh: when the database is
    back, the app is too, with no restart.
    """
    current_app.logger.error("Database unavailable: %s", error.orig)
    db.session.remove()
    db.engine.dispose()
    # The user could not be loaded: render the page as for a visitor, not retry the loader.
    login_manager._update_request_context_with_user()
    response = render_error(exceptions.ServiceUnavailable(retry_after=RETRY_AFTER_SECONDS))
    if isinstance(response, Response):
        return response
    body, status = response
    return body, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}  # type: ignore[return-value]


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
    # OperationalError and InterfaceError: the database is unreachable or went away mid-request.
    for unreachable in (OperationalError, InterfaceError):
        app.register_error_handler(unreachable, render_unavailable)
