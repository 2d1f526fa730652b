"""A department's quarter: the update form, history comparison, spreadsheet template and import."""

from flask import Blueprint

Page = str | tuple[str, int]  # what a view returns: a page, or a page and its status

bp = Blueprint("updates", __name__, url_prefix="/updates")
