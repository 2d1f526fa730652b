"""Health of the services the application depends on."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from tracker.extensions import db


def database_ok() -> bool:
    """True when the database answers a trivial query: on a pooled connection of its own, not
    through the request's session, whose transaction bookkeeping would cost more than the
    query (the health route is what load balancers poll, and the bench's trivial route)."""
    try:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except SQLAlchemyError:
        current_app.logger.exception("Health check: the database does not answer")
        return False
    return True
