"""API tokens: created for a user and shown once, stored only as a SHA-256 hash, revocable.

A token is a long random secret, so a plain SHA-256 is enough to make a stolen database useless
(no slow hash needed, unlike passwords). `last_used_at` is written at most once a minute per token
so that a busy script does not turn every read into a write, and after the response is built
(see `tracker.api.auth`), so the request's reads stay in their read-only transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload

from tracker.db import prepare_write
from tracker.extensions import db
from tracker.models import ApiToken, TokenScope, User
from tracker.services.audit.events import add_event
from tracker.services.calendar import clock

# The prefix lets people (and secret scanners) recognise a leaked token.
TOKEN_PREFIX = "rtk_"
EXPIRY_CHOICES_DAYS = (7, 30, 90, 180, 365)
DEFAULT_EXPIRY_DAYS = 90
MAX_ACTIVE_TOKENS = 10
MAX_NAME_LENGTH = 100
# Longer "tokens" are not ours: refuse them before hashing.
MAX_SECRET_LENGTH = 200
TOUCH_INTERVAL = timedelta(minutes=1)


class TokenError(ValueError):
    """A rule about tokens was broken; `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class TokenNotFound(LookupError):
    """No token with that id belongs to the user."""


class TokenState(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class NewToken:
    """A freshly created token and its secret, which is never stored and never shown again."""

    token: ApiToken
    secret: str


def hash_secret(secret: str) -> str:
    """The SHA-256 hex digest stored in place of the secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def state_of(token: ApiToken, now: datetime | None = None) -> TokenState:
    """Whether `token` can still be used at `now`."""
    if token.revoked_at is not None:
        return TokenState.REVOKED
    if token.expires_at is not None and token.expires_at <= (now or clock.now()):
        return TokenState.EXPIRED
    return TokenState.ACTIVE


def _active(user_id: int, now: datetime) -> int:
    return int(
        db.session.scalar(
            select(func.count(ApiToken.id)).where(
                ApiToken.user_id == user_id,
                ApiToken.revoked_at.is_(None),
                or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
            )
        )
        or 0
    )


def create_token(
    user: User,
    name: str,
    expires_in_days: int,
    now: datetime | None = None,
    scope: TokenScope = TokenScope.READ,
) -> NewToken:
    """Create a token for `user` that expires after `expires_in_days` and may do what `scope`
    allows; return it with its secret."""
    now = now or clock.now()
    name = name.strip()
    if not name:
        raise TokenError(_("Give the token a name."), field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise TokenError(_("Use at most %(n)s characters.", n=MAX_NAME_LENGTH), field="name")
    if expires_in_days not in EXPIRY_CHOICES_DAYS:
        raise TokenError(_("Choose one of the offered lifetimes."), field="expires_in_days")
    if _active(user.id, now) >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            _("You already have %(n)s active tokens. Revoke one first.", n=MAX_ACTIVE_TOKENS)
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = now + timedelta(days=expires_in_days)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=hash_secret(secret),
        created_at=now,
        expires_at=expires_at,
        scope=scope.value,
    )
    db.session.add(token)
    db.session.flush()
    add_event(
        "api_token.created",
        actor=user,
        obj=token,
        detail={"name": name, "expires_at": expires_at.isoformat(), "scope": scope.value},
    )
    db.session.commit()
    return NewToken(token, secret)


@dataclass(frozen=True)
class TokenRow:
    token: ApiToken
    state: TokenState


def list_tokens(user: User, now: datetime | None = None) -> list[TokenRow]:
    """The user's tokens and their states, newest first (revoked and expired ones included)."""
    now = now or clock.now()
    tokens = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return [TokenRow(token, state_of(token, now)) for token in tokens]


def revoke_token(user: User, token_id: int, now: datetime | None = None) -> ApiToken:
    """Revoke one of the user's own tokens (TokenNotFound for anyone else's)."""
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    )
    if token is None:
        raise TokenNotFound(token_id)
    if token.revoked_at is not None:
        raise TokenError(_("This token is already revoked."))
    token.revoked_at = now or clock.now()
    add_event("api_token.revoked", actor=user, obj=token, detail={"name": token.name})
    db.session.commit()
    return token


@dataclass(frozen=True)
class TokenCheck:
    """The token a secret belongs to when it may be used, else why not."""

    token: ApiToken | None
    refusal: str | None = None  # "unknown", "revoked", "expired" or "inactive"
    use_to_record: bool = False  # last_used_at is older than TOUCH_INTERVAL: call record_use


def authenticate_token(secret: str, now: datetime | None = None) -> TokenCheck:
    """Find the usable token for `secret`, with its user and department, in one read query."""
    now = now or clock.now()
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > MAX_SECRET_LENGTH:
        return TokenCheck(None, "unknown")
    token = db.session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == hash_secret(secret))
        .options(joinedload(ApiToken.user).joinedload(User.department))
    )
    if token is None:
        return TokenCheck(None, "unknown")
    state = state_of(token, now)
    if state is not TokenState.ACTIVE:
        return TokenCheck(None, state.value)
    if not token.user.active:
        return TokenCheck(None, "inactive")
    stale = token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL
    return TokenCheck(token, use_to_record=stale)


def record_use(token_id: int, now: datetime | None = None) -> None:
    """Set the token's last use to `now` unless it was set less than TOUCH_INTERVAL ago."""
    now = now or clock.now()
    prepare_write()
    # The WHERE makes concurrent requests of the same token write once.
    db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOUCH_INTERVAL),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
