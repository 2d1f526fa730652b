"""The yearly review of a plan and the baseline versions it leaves behind.

A plan's baselines (action target quarters, milestone due dates) change only inside an open
review. Each version holds a full copy of the baselines it fixed, so "the baseline of version N"
is one indexed read, and "the baseline in force at a date" is the newest version made by then.
Version 0 is the plan's original baseline.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.fiscal import FiscalQuarter
from tracker.models.base import Base, QuarterType, UTCDateTime, one_of, utcnow
from tracker.models.org import User
from tracker.vocab import ReviewState


class PlanReview(Base):
    """One yearly review of a plan: at most one per fiscal year, and one open at a time."""

    __tablename__ = "plan_review"
    __table_args__ = (
        one_of("state", ReviewState, "state"),
        UniqueConstraint("plan_id", "fiscal_year"),
        # One open review per plan: a partial unique index on both databases.
        Index(
            "uq_plan_review_one_open",
            "plan_id",
            unique=True,
            sqlite_where=text("state = 'open'"),
            postgresql_where=text("state = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    fiscal_year: Mapped[int]
    state: Mapped[str] = mapped_column(String(10), default=ReviewState.OPEN.value)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approval_note: Mapped[str] = mapped_column(Text, default="")

    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def is_open(self) -> bool:
        """True while the review can still change baselines."""
        return self.state == ReviewState.OPEN.value


class BaselineVersion(Base):
    """A numbered set of baselines: 0 is the original, then one per re-baselining review."""

    __tablename__ = "baseline_version"
    __table_args__ = (
        UniqueConstraint("plan_id", "number"),
        Index("ix_baseline_version_plan_made", "plan_id", "made_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    number: Mapped[int]
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_review.id", ondelete="SET NULL"), index=True
    )
    # When the version came into force (the review's closing; the plan's creation for 0).
    made_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    review: Mapped[PlanReview | None] = relationship()


class BaselineTarget(Base):
    """An action's baseline target quarter in one baseline version."""

    __tablename__ = "baseline_target"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("baseline_version.id", ondelete="CASCADE"), primary_key=True
    )
    action_id: Mapped[int] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    target: Mapped[FiscalQuarter] = mapped_column(QuarterType())


class BaselineDue(Base):
    """A milestone's baseline due date in one baseline version."""

    __tablename__ = "baseline_due"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("baseline_version.id", ondelete="CASCADE"), primary_key=True
    )
    milestone_id: Mapped[int] = mapped_column(
        ForeignKey("milestone.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    due: Mapped[date]
