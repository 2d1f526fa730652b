"""Plan pages: dashboard, roadmap, trends, action pages, needs attention and compliance."""

from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/plans")
