"""The JSON API under /api/v1/: bearer tokens, problem+json errors, an OpenAPI 3.1 document.

The blueprint is declared here and its views live in `tracker.api.routes`, so this package stays
import-light: `tracker.errors` uses `tracker.api.problems` without loading the views.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
