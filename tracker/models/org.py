"""Departments, users and API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, UTCDateTime, one_of, utcnow
from tracker.vocab import Role


class Bilingual:
    """Models with `<field>_en` / `<field>_fr` columns."""

    def text(self, field: str, lang: str = "en") -> str:
        """The field in `lang`, falling back to the other language when empty."""
        primary = getattr(self, f"{field}_{'fr' if lang == 'fr' else 'en'}")
        return str(primary or getattr(self, f"{field}_{'en' if lang == 'fr' else 'fr'}") or "")


class Department(Bilingual, Base):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    acronym: Mapped[str] = mapped_column(String(20), unique=True)  # its key: files, API, URLs
    # Its French acronym (SPC for SSC); None when it is the same in both languages.
    acronym_fr: Mapped[str | None] = mapped_column(String(20))
    name_en: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"<Department {self.acronym}>"


def new_session_nonce() -> str:
    """A random value that, once replaced, invalidates every session cookie of a user."""
    return secrets.token_urlsafe(16)


class User(UserMixin, Base):
    __tablename__ = "user_account"
    __table_args__ = (
        one_of("role", Role, "role"),
        CheckConstraint(
            "(role = 'department') = (department_id IS NOT NULL)", name="department_role"
        ),
        CheckConstraint("language IN ('en', 'fr')", name="language"),
        CheckConstraint("failed_logins >= 0", name="failed_logins"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(2), default="en")
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    department: Mapped[Department | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        # The nonce makes old cookies useless after logout, password change or deactivation.
        return f"{self.id}.{self.session_nonce}"

    def has_role(self, *roles: Role) -> bool:
        """True when the user holds one of `roles`."""
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class TokenScope(StrEnum):
    """What a token may do: read only, or read and write."""

    READ = "read"
    READ_WRITE = "read_write"


class ApiToken(Base):
    __tablename__ = "api_token"
    __table_args__ = (Index("ix_api_token_user", "user_id"), one_of("scope", TokenScope, "scope"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Tokens made before scopes existed could only read: they keep that.
    scope: Mapped[str] = mapped_column(String(10), default=TokenScope.READ.value)

    user: Mapped[User] = relationship()

    @property
    def can_write(self) -> bool:
        """True when the token may change data."""
        return self.scope == TokenScope.READ_WRITE.value


class IdempotencyKey(Base):
    """The response to a POST sent with an `Idempotency-Key`, kept per token until it expires,
    so that a retried request gets the first answer instead of doing the work twice."""

    __tablename__ = "api_idempotency_key"
    __table_args__ = (
        UniqueConstraint("token_id", "key"),
        Index("ix_api_idempotency_key_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
