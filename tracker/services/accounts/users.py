"""Accounts: password hashing, sign-in with lockout, and user management."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from tracker.db import prepare_write
from tracker.extensions import db
from tracker.models import Department, Role, User
from tracker.models.org import new_session_nonce
from tracker.services.audit.events import add_event

MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """A rule about accounts was broken; `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg.get("ARGON2_TIME_COST", 3),
        memory_cost=cfg.get("ARGON2_MEMORY_COST", 65536),
    )


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher().hash(password)


def check_password_rules(password: str) -> None:
    """Raise AccountError when `password` is too weak to accept."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Use at least {MIN_PASSWORD_LENGTH} characters.", field="new_password")


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: the user, or why not."""

    user: User | None
    locked_until: datetime | None = None


def authenticate(email: str, password: str, now: datetime | None = None) -> SignIn:
    """Check credentials, count failures in the database and lock after too many."""
    now = now or datetime.now(UTC)
    prepare_write()
    email = email.strip().lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        _hasher().hash(password)  # same work as a real check, so timing reveals nothing
        add_event("login.failed", actor_label=email[:254], detail={"reason": "unknown"})
        db.session.commit()
        return SignIn(None)
    if user.locked_until is not None and user.locked_until > now:
        add_event("login.failed", actor=user, detail={"reason": "locked"})
        db.session.commit()
        return SignIn(None, locked_until=user.locked_until)
    if not _verify(user, password) or not user.active:
        return _record_failure(user, now, "inactive" if user.active is False else "password")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    add_event("login.succeeded", actor=user)
    db.session.commit()
    return SignIn(user)


def _verify(user: User, password: str) -> bool:
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def _record_failure(user: User, now: datetime, reason: str) -> SignIn:
    cfg = current_app.config
    # An atomic increment, so failures from every worker process add up.
    failures = db.session.scalar(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
    )
    locked_until = None
    if failures is not None and failures >= cfg["LOGIN_MAX_FAILURES"]:
        locked_until = now + timedelta(minutes=cfg["LOGIN_LOCKOUT_MINUTES"])
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(locked_until=locked_until, failed_logins=0)
        )
        add_event("account.locked", actor=user, detail={"until": locked_until.isoformat()})
    add_event("login.failed", actor=user, detail={"reason": reason})
    db.session.commit()
    return SignIn(None, locked_until=locked_until)


def sign_out(user: User) -> None:
    """Invalidate every session cookie the user holds."""
    user.session_nonce = new_session_nonce()
    add_event("logout", actor=user)
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    """Change the user's password after checking the current one; other sessions end."""
    if not _verify(user, current):
        raise AccountError("The current password is not correct.", field="current_password")
    check_password_rules(new)
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
    email = data.email.strip().lower()
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise AccountError(f"A user with the e-mail {email} already exists.", field="email")
    check_password_rules(password)
    department = _department_for(data)
    user = User(
        email=email,
        name=data.name.strip(),
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
    department = _department_for(data)
    if (not data.active and user.active) or data.role.value != user.role:
        user.session_nonce = new_session_nonce()
    before = {"role": user.role, "active": user.active, "department_id": user.department_id}
    user.name = data.name.strip()
    user.role = data.role.value
    user.department = department
    user.language = data.language
    user.active = data.active
    add_event("user.updated", actor=actor, obj=user, detail={"before": before})
    db.session.commit()


def reset_password(user: User, password: str, actor: User) -> None:
    """An admin sets a new password for `user`; their sessions end and any lock is lifted."""
    check_password_rules(password)
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
    """True while failed sign-ins keep `user` locked out."""
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
