"""Per-request setup: read-only transactions for safe methods, the user loader, client address."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, request
from sqlalchemy.orm import Session

from tracker.db import listen_once, set_read_only
from tracker.extensions import limiter, login_manager
from tracker.models import AuditEvent
from tracker.services.accounts.users import load_user

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def start_request() -> None:
    """before_request: choose the transaction mode for this request."""
    set_read_only(request.method in SAFE_METHODS)


def unlimited_request() -> bool:
    """Flask-Limiter's request filter: True (nothing to count) unless the request goes to the
    API, whose blueprint has limits (tracker/api/limits.py), or to a view decorated with
    `limiter.limit` (the sign-in form). Without it every page paid for Flask-Limiter's search
    of limits that are not there: a fifth of the trivial route's time."""
    if request.blueprint == "api":
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return not hasattr(view, "__wrapper-limiter-instance")  # set by limiter.limit


def stamp_client_address(session: Session, _context: Any, _instances: Any) -> None:
    """before_flush: the audit events a request adds carry the address it came from."""
    if not has_request_context():
        return  # a job or a command: no client
    address = (request.remote_addr or "")[:45]
    for obj in session.new:
        if isinstance(obj, AuditEvent) and not obj.ip_address:
            obj.ip_address = address


def init_app(app: Flask) -> None:
    """Install the hooks; login_manager needs the loader and the login view."""
    app.before_request(start_request)
    limiter.request_filter(unlimited_request)
    listen_once(Session, "before_flush", stamp_client_address)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
