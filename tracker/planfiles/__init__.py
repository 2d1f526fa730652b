"""Plan files in the browser: upload a YAML plan, preview what it changes, apply it; export."""

from flask import Blueprint

Page = str | tuple[str, int]  # what a view returns: a page, or a page and its status

bp = Blueprint("planfiles", __name__, url_prefix="/plans")
