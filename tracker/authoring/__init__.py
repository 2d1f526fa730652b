"""Plan authoring for planners and admins: create a plan, edit its fields, areas, actions and
milestones, re-plan with reasons, activate and archive it, and read its change log."""

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/plans")
