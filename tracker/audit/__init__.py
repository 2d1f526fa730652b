"""The audit trail, read only: admins and oversight browse and filter events."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")
