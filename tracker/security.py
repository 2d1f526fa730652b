"""Security headers on every response."""

from __future__ import annotations

from functools import cache

from flask import Flask, current_app, request, session
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

# The headers every response carries unless its view set them otherwise.
FIXED_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def content_security_policy() -> str:
    """The CSP: no inline script, only our origin plus configured script sources."""
    return _policy(tuple(current_app.config.get("CSP_SCRIPT_SOURCES", ())))


@cache
def _policy(script_sources: tuple[str, ...]) -> str:
    """The CSP text for these script sources (built once: every response carries it)."""
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src", "'self'", *script_sources]),
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
    present = {key.lower() for key in headers.keys()}  # noqa: SIM118 (Headers iterates pairs)
    if "content-security-policy" not in present:
        headers.add("Content-Security-Policy", content_security_policy())
    headers.extend([(key, value) for key, value in FIXED_HEADERS if key.lower() not in present])
    if "cache-control" not in present and _signed_in_page():
        # A page for one signed-in user: no shared proxy or browser history may keep a copy.
        headers.add("Cache-Control", "no-store")
    if current_app.config.get("HSTS") and HSTS[0].lower() not in present:
        headers.add(*HSTS)
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
