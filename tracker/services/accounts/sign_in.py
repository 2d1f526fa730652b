"""Sign-in: credentials checked, failures counted on the user's row, and a short, growing pause
of the account's sign-in after too many (never a lockout an attacker could impose on the owner).

Per-address limits on the sign-in page come on top (Flask-Limiter, in tracker/auth/routes.py).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from tracker.db import prepare_write
from tracker.extensions import db
from tracker.models import User
from tracker.services.accounts.passwords import (
    hash_password,
    needs_rehash,
    verify_password,
    waste_a_check,
)
from tracker.services.audit.events import add_event


def normal_email(email: str) -> str:
    """The one spelling of an e-mail address: NFC, trimmed, lower case (look-alikes are one)."""
    return unicodedata.normalize("NFC", email.strip()).lower()


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: the user, or None (never why: that would tell)."""

    user: User | None


def failure_delay(failures: int) -> timedelta:
    """How long sign-in pauses after `failures` failures in a row: doubling, then capped."""
    cfg = current_app.config
    extra = failures - cfg["LOGIN_MAX_FAILURES"]
    if extra < 0:
        return timedelta(0)
    return timedelta(seconds=min(2 ** min(extra, 30), cfg["LOGIN_DELAY_MAX_SECONDS"]))


def authenticate(email: str, password: str, now: datetime | None = None) -> SignIn:
    """Check credentials; failures pause the account's sign-in for a short, growing delay.

    Unknown accounts, paused accounts and wrong passwords take the same time (one argon2
    verification each) and give the same answer, so none can be told from the others.
    """
    now = now or datetime.now(UTC)
    prepare_write()
    email = normal_email(email)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        waste_a_check(password)
        add_event("login.failed", actor_label=email[:254], detail={"reason": "unknown"})
        db.session.commit()
        return SignIn(None)
    if user.locked_until is not None and user.locked_until > now:
        waste_a_check(password)  # not checked, and not counted: the owner is not pushed back
        add_event("login.failed", actor=user, detail={"reason": "delayed"})
        db.session.commit()
        return SignIn(None)
    if not verify_user_password(user, password) or not user.active:
        return _record_failure(user, now, "inactive" if user.active is False else "password")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    add_event("login.succeeded", actor=user)
    db.session.commit()
    return SignIn(user)


def verify_user_password(user: User, password: str) -> bool:
    """True when `password` is the user's; rehashes it when the hashing parameters rose."""
    if not verify_password(user.password_hash, password):
        return False
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def _record_failure(user: User, now: datetime, reason: str) -> SignIn:
    # An atomic increment, so failures from every worker process add up.
    failures = db.session.scalar(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
    )
    delay = failure_delay(failures or 0)
    if delay:
        until = now + delay
        db.session.execute(update(User).where(User.id == user.id).values(locked_until=until))
        detail = {"until": until.isoformat(), "failures": failures}
        add_event("account.locked", actor=user, detail=detail)
    add_event("login.failed", actor=user, detail={"reason": reason})
    db.session.commit()
    return SignIn(None)
