"""Deny-by-default access rules: every view declares who may use it.

A view without a declared rule is refused for everyone (and a test walking the URL map fails),
so forgetting a decorator can never open a page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])

ACCESS_ATTR = "_access_rule"
# Flask's own static route serves public files only.
EXEMPT_ENDPOINTS = frozenset({"static"})


@dataclass(frozen=True)
class AccessRule:
    """Who may call a view: anyone, any signed-in user, or the listed roles."""

    public: bool = False
    roles: frozenset[Role] | None = None  # None with public=False: any signed-in user


def _declare(rule: AccessRule) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        setattr(view, ACCESS_ATTR, rule)
        return view

    return decorator


def public(view: F) -> F:
    """Anyone, signed in or not."""
    return _declare(AccessRule(public=True))(view)


def signed_in(view: F) -> F:
    """Any signed-in user, whatever the role."""
    return _declare(AccessRule())(view)


def roles(*allowed: Role) -> Callable[[F], F]:
    """Only signed-in users holding one of `allowed`."""
    return _declare(AccessRule(roles=frozenset(allowed)))


def rule_for(endpoint: str | None) -> AccessRule | None:
    """The rule declared on the view behind `endpoint`, or None when none was declared."""
    if endpoint is None:
        return None
    if endpoint in EXEMPT_ENDPOINTS:
        return AccessRule(public=True)
    view = current_app.view_functions.get(endpoint)
    return getattr(view, ACCESS_ATTR, None)


def enforce_access() -> Response | None:
    """before_request hook: refuse the request unless the view's rule admits the user."""
    if request.endpoint is None:  # 404 or 405: let the router answer.
        return None
    rule = rule_for(request.endpoint)
    if rule is None:
        abort(403)
    if rule.public:
        return None
    if not current_user.is_authenticated:
        if request.blueprint == "api":
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if rule.roles is not None and current_user.role not in rule.roles:
        from tracker.services.audit.events import record_denied_access

        record_denied_access(signed_in_user(), request.path)
        abort(403)
    return None


def init_app(app: Flask) -> None:
    """Install the access check before every request."""
    app.before_request(enforce_access)


def signed_in_user() -> User:
    """The signed-in user as a real model object (not Flask-Login's proxy)."""
    user = current_user._get_current_object()
    if not isinstance(user, User):
        abort(401)
    return user
