"""Bearer-token authentication for the API, and no cookies there at all.

Under /api/ the session cookie is neither read nor written: a request is signed in by its
`Authorization: Bearer <token>` header or not at all. So a page open in a browser can never be
used to call the API on the user's behalf, and the API needs no CSRF protection.
"""

from __future__ import annotations

from flask import Flask, Request, after_this_request, current_app, g, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask.wrappers import Response
from sqlalchemy.exc import SQLAlchemyError

from tracker.api import bp
from tracker.api.problems import API_PREFIX
from tracker.extensions import csrf, db, login_manager
from tracker.models import ApiToken, User
from tracker.services.accounts import tokens


def load_user_from_request(req: Request) -> User | None:
    """Flask-Login's request loader: the token's user for API requests with a bearer token."""
    if not req.path.startswith(API_PREFIX):
        return None
    scheme, _, credentials = req.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    result = tokens.authenticate_token(credentials.strip())
    if result.token is None:
        g.api_token_refusal = result.refusal  # for the 401 problem's challenge
        return None
    g.api_token = result.token
    if result.use_to_record:
        token_id = result.token.id
        after_this_request(lambda response: _record_use(token_id, response))
    return result.token.user


def _record_use(token_id: int, response: Response) -> Response:
    """Write the token's last use once the answer is ready; a failure here costs no answer."""
    try:
        tokens.record_use(token_id)
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.warning("Could not record the use of API token %s", token_id)
    return response


def current_token() -> ApiToken | None:
    """The token that signed in the current API request, if any."""
    token = g.get("api_token")
    return token if isinstance(token, ApiToken) else None


class CookielessApiSessions(SecureCookieSessionInterface):
    """The usual signed-cookie sessions, except under /api/ where there is no session."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(API_PREFIX):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if request.path.startswith(API_PREFIX):
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Install the request loader and the cookieless API sessions; the API's writes need no
    CSRF token, since no cookie signs a request in there."""
    login_manager.request_loader(load_user_from_request)
    app.session_interface = CookielessApiSessions()
    csrf.exempt(bp)
