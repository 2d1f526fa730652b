"""URL helpers: safe redirects, and the one place integers from a URL or a query are read."""

from __future__ import annotations

import builtins
from urllib.parse import urlsplit

from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter, Map
from wtforms.validators import Regexp

# The largest id a database column holds (BIGINT, and SQLite's INTEGER): anything above is a
# row that cannot exist, and asking the database about it raises instead of finding nothing.
MAX_ID = 2**63 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` for every route: ASCII digits from 0 to MAX_ID, otherwise the URL is a 404."""

    regex = r"[0-9]+"

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = 0,
                 max: int | None = MAX_ID, signed: bool = False) -> None:  # fmt: skip
        top = MAX_ID if max is None else builtins.min(max, MAX_ID)
        super().__init__(map, fixed_digits, min, top, signed)


# A number a form sends back (a version, an id): ASCII digits, never past MAX_ID.
FORM_NUMBER = r"^[0-9]{1,18}$"
FORM_NUMBER_MESSAGE = _l("This form was changed or is out of date. Reload the page and try again.")


def form_number() -> Regexp:
    """The validator of a number a form sends back (a hidden version or id)."""
    return Regexp(FORM_NUMBER, message=FORM_NUMBER_MESSAGE)


MAX_PAGE = 1_000_000  # far past any list, and page x per_page stays a small offset


def query_page(name: str = "page") -> int:
    """A page number from the query string: 1 when absent, a 400 when not 1..MAX_PAGE."""
    return query_int(name, 1, low=1, high=MAX_PAGE)


def query_int(name: str, default: int | None = None, low: int = 0, high: int = MAX_ID) -> int:
    """The query parameter `name` as an integer in [low, high]; a 400 for anything else.

    An absent or empty parameter gives `default` (a 400 when there is no default).
    """
    text = request.args.get(name, "")
    if text == "":
        if default is None:
            abort(400)
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(high)):
        abort(400)
    value = int(text)
    if not low <= value <= high:
        abort(400)
    return value


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return default
    return target


def init_app(app: Flask) -> None:
    """Replace the `int` converter app-wide, before any route is added."""
    app.url_map.converters["int"] = IdConverter
