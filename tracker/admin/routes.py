"""Admin pages: user management."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.access import roles
from tracker.extensions import db
from tracker.models import Role, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@roles(Role.ADMIN)
def users() -> str:
    rows = db.session.scalars(
        select(User).options(selectinload(User.department)).order_by(User.email)
    )
    return render_template("admin/users.html", users=list(rows))
