"""Operations pages for admins: scheduled job runs and the e-mails kept in the log."""

from flask import Blueprint

bp = Blueprint("operations", __name__, url_prefix="/admin")
