"""The review queue: planners accept submitted updates or return them with a comment."""

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review")
