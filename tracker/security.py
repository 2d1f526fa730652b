"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, current_app, request, session
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response


def content_security_policy() -> str:
    """The CSP: no inline script, only our origin plus configured script sources."""
    script_sources = " ".join(["'self'", *current_app.config.get("CSP_SCRIPT_SOURCES", ())])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script_sources}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _signed_in_page() -> bool:
    # The session cookie says so: no database read here (this runs even when it is down).
    return request.endpoint != "static" and "_user_id" in session


def add_security_headers(response: Response) -> Response:
    """after_request hook."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if _signed_in_page() and "Cache-Control" not in headers:
        # A page for one signed-in user: no shared proxy or browser history may keep a copy.
        headers["Cache-Control"] = "no-store"
    if current_app.config.get("HSTS"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    """Install the headers hook; behind PROXY_COUNT reverse proxies, trust their X-Forwarded-*.

    The client's address matters: sign-in limits count per address, and the audit trail
    records it. Behind a proxy every request would otherwise come from the proxy itself.
    """
    app.after_request(add_security_headers)
    proxies = int(app.config.get("PROXY_COUNT", 0))
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
