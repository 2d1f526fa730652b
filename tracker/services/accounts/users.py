"""Accounts: users, their names and passwords, and user management (sign-in is in sign_in.py)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Department, Role, User
from tracker.models.org import new_session_nonce
from tracker.services.accounts.passwords import (
    PasswordRejected,
    check_password_rules,
    hash_password,
)
from tracker.services.accounts.sign_in import normal_email, verify_user_password
from tracker.services.audit.events import add_event

# Unicode categories a name may not hold: controls, format characters (bidi overrides and
# isolates, zero-width spaces and joiners), line and paragraph separators.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


class AccountError(ValueError):
    """A rule about accounts was broken; `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def normal_name(name: str) -> str:
    """A display name in NFC; AccountError when it hides bidi overrides or control characters."""
    name = unicodedata.normalize("NFC", name.strip())
    if any(unicodedata.category(c) in HIDDEN_CATEGORIES for c in name):
        raise AccountError(
            _("The name must not contain invisible or control characters."), field="name"
        )
    return name


def _check_new_password(
    password: str, email: str, name: str, current_hash: str | None = None
) -> None:
    try:
        check_password_rules(password, email, name, current_hash)
    except PasswordRejected as error:
        raise AccountError(str(error), field="new_password") from error


def sign_out(user: User) -> None:
    """Invalidate every session cookie the user holds."""
    user.session_nonce = new_session_nonce()
    add_event("logout", actor=user)
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    """Change the user's password after checking the current one; other sessions end."""
    if not verify_user_password(user, current):
        raise AccountError(_("The current password is not correct."), field="current_password")
    _check_new_password(new, user.email, user.name, current_hash=user.password_hash)
    user.password_hash = hash_password(new)
    user.session_nonce = new_session_nonce()
    add_event("password.changed", actor=user, obj=user)
    db.session.commit()


@dataclass(frozen=True)
class UserInput:
    """What an admin or the CLI supplies to create or edit a user."""

    email: str
    name: str
    role: Role
    department_acronym: str | None = None
    language: str = "en"
    active: bool = True


def _department_for(data: UserInput) -> Department | None:
    if data.role is not Role.DEPARTMENT:
        if data.department_acronym:
            raise AccountError("Only department users belong to a department.", "department")
        return None
    if not data.department_acronym:
        raise AccountError("A department user needs a department.", field="department")
    department = db.session.scalar(
        select(Department).where(Department.acronym == data.department_acronym.upper())
    )
    if department is None:
        raise AccountError(
            f"No department with the acronym {data.department_acronym!r}.", field="department"
        )
    return department


def create_user(data: UserInput, password: str, actor: User | None = None) -> User:
    """Create a user after checking the role, department, e-mail and password rules."""
    email, name = normal_email(data.email), normal_name(data.name)
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise AccountError(f"A user with the e-mail {email} already exists.", field="email")
    _check_new_password(password, email, name)
    department = _department_for(data)
    user = User(
        email=email,
        name=name,
        role=data.role.value,
        department=department,
        language=data.language,
        active=data.active,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    add_event("user.created", actor=actor, actor_label="cli", obj=user, detail={"role": user.role})
    db.session.commit()
    return user


def update_user(user: User, data: UserInput, actor: User) -> None:
    """Change a user's details; deactivating or changing the role ends their sessions."""
    if user.id == actor.id and (not data.active or data.role is not Role.ADMIN):
        raise AccountError("You cannot deactivate yourself or remove your own admin role.", "role")
    name = normal_name(data.name)
    department = _department_for(data)
    if (not data.active and user.active) or data.role.value != user.role:
        user.session_nonce = new_session_nonce()
    before = _details(user)
    user.name = name
    user.role = data.role.value
    user.department = department
    user.language = data.language
    user.active = data.active
    add_event(
        "user.updated", actor=actor, obj=user, detail={"before": before, "after": _details(user)}
    )
    db.session.commit()


def _details(user: User) -> dict[str, object]:
    """What an admin can change about a user, as the audit trail records it."""
    return {
        "name": user.name,
        "role": user.role,
        "department": user.department.acronym if user.department else None,
        "language": user.language,
        "active": user.active,
    }


def reset_password(user: User, password: str, actor: User) -> None:
    """An admin sets a new password for `user`; their sessions end and any lock is lifted."""
    _check_new_password(password, user.email, user.name)
    user.password_hash = hash_password(password)
    user.session_nonce = new_session_nonce()
    user.failed_logins = 0
    user.locked_until = None
    add_event("password.reset", actor=actor, obj=user)
    db.session.commit()


def load_user(session_id: str) -> User | None:
    """Flask-Login's user loader: the user only while the cookie's nonce is current."""
    user_id, _, nonce = session_id.partition(".")
    if not user_id.isdigit() or not nonce:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_nonce != nonce or not user.active:
        return None
    return user


def is_locked(user: User, now: datetime | None = None) -> bool:
    """True while failed sign-ins pause `user`'s sign-in."""
    return user.locked_until is not None and user.locked_until > (now or datetime.now(UTC))


def unlock_user(user: User, actor: User) -> None:
    """Lift a sign-in lock and clear the failure count; refused when there is nothing to lift."""
    if user.locked_until is None and user.failed_logins == 0:
        raise AccountError("This account is not locked.")
    before = {
        "failed_logins": user.failed_logins,
        "locked_until": user.locked_until.isoformat() if user.locked_until else None,
    }
    user.failed_logins = 0
    user.locked_until = None
    add_event("account.unlocked", actor=actor, obj=user, detail={"before": before})
    db.session.commit()


@dataclass(frozen=True)
class UserFilter:
    """What the admin's user list is narrowed to; empty values mean no filter."""

    role: Role | None = None
    department_acronym: str | None = None
    active: bool | None = None
    text: str = ""


def list_users(filters: UserFilter, page: int, per_page: int = 50) -> Pagination:
    """A page of users matching `filters`, by e-mail, with their departments loaded."""
    query = select(User).options(selectinload(User.department)).order_by(User.email)
    if filters.role is not None:
        query = query.where(User.role == filters.role.value)
    if filters.department_acronym:
        query = query.join(User.department).where(Department.acronym == filters.department_acronym)
    if filters.active is not None:
        query = query.where(User.active == filters.active)
    if filters.text:
        query = query.where(
            or_(
                User.email.icontains(filters.text, autoescape=True),
                User.name.icontains(filters.text, autoescape=True),
            )
        )
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)
