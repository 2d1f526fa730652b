"""Per-request setup: read-only transactions for safe methods and the user loader."""

from __future__ import annotations

from flask import Flask, request

from tracker.db import set_read_only
from tracker.extensions import login_manager
from tracker.services.accounts.users import load_user

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def start_request() -> None:
    """before_request: choose the transaction mode for this request."""
    set_read_only(request.method in SAFE_METHODS)


def init_app(app: Flask) -> None:
    """Install the hooks; login_manager needs the loader and the login view."""
    app.before_request(start_request)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
