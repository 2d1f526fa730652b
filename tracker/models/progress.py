"""Reporting periods, quarterly progress updates, milestone forecasts and revisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.fiscal import FiscalQuarter
from tracker.models.base import Base, QuarterType, UTCDateTime, one_of, utcnow
from tracker.models.org import Department, User
from tracker.models.plan import Action, Milestone
from tracker.vocab import ActionStatus, WorkflowState


class ReportingPeriod(Base):
    """A fiscal quarter with the dates that open, close and lock its reporting."""

    __tablename__ = "reporting_period"
    __table_args__ = (
        CheckConstraint("opens_on <= due_on AND due_on <= locks_on", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[FiscalQuarter] = mapped_column(QuarterType(), unique=True)
    opens_on: Mapped[date]
    due_on: Mapped[date]
    locks_on: Mapped[date]
    # An admin may reopen a locked period until this date (audited).
    reopened_until: Mapped[date | None]

    def __repr__(self) -> str:
        return f"<ReportingPeriod {self.quarter}>"


class ProgressUpdate(Base):
    """One department's quarterly report on one action."""

    __tablename__ = "progress_update"
    __table_args__ = (
        UniqueConstraint("action_id", "department_id", "period_id"),
        one_of("status", ActionStatus, "status"),
        one_of("state", WorkflowState, "state"),
        CheckConstraint("percent_complete BETWEEN 0 AND 100", name="percent_range"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("narrative_language IN ('en', 'fr')", name="narrative_language"),
        CheckConstraint("review_comment_language IN ('en', 'fr')", name="review_comment_language"),
        # A draft may be incomplete; anything sent for review carries a percent.
        CheckConstraint("percent_complete IS NOT NULL OR state = 'draft'", name="percent_given"),
        Index("ix_progress_update_department_period", "department_id", "period_id"),
        Index("ix_progress_update_period_state", "period_id", "state"),
        Index("ix_progress_update_action_period", "action_id", "period_id"),
        # Each action's latest update of a state in a period, and the lead's or newest one
        # there (services/figures/counted.py), from the index alone.
        Index(
            "ix_progress_update_action_period_state_department",
            "action_id",
            "period_id",
            "state",
            "department_id",
        ),
        # The planners' review queue: submitted updates, oldest first.
        Index("ix_progress_update_state_submitted", "state", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"))
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.NOT_STARTED.value)
    percent_complete: Mapped[int | None]
    forecast_completion: Mapped[FiscalQuarter | None] = mapped_column(QuarterType())
    accomplishments: Mapped[str] = mapped_column(Text, default="")
    risks: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    decrease_reason: Mapped[str] = mapped_column(Text, default="")
    # The interface language the narrative above (and the review comment below) was written in,
    # so that a page or report in the other language can say so instead of mixing silently.
    narrative_language: Mapped[str] = mapped_column(String(2), default="en")
    state: Mapped[str] = mapped_column(String(20), default=WorkflowState.DRAFT.value)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    review_comment_language: Mapped[str] = mapped_column(String(2), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)

    action: Mapped[Action] = relationship()
    department: Mapped[Department] = relationship()
    period: Mapped[ReportingPeriod] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    milestone_forecasts: Mapped[list[MilestoneForecast]] = relationship(
        back_populates="update", cascade="all, delete-orphan"
    )
    # View-only: revisions are append-only, the ORM must never re-parent or delete them.
    revisions: Mapped[list[Revision]] = relationship(viewonly=True, order_by="Revision.number")

    __mapper_args__ = {"version_id_col": version}


class MilestoneForecast(Base):
    """An update's forecast (or actual completion) date for one milestone of its action."""

    __tablename__ = "milestone_forecast"

    update_id: Mapped[int] = mapped_column(
        ForeignKey("progress_update.id", ondelete="CASCADE"), primary_key=True
    )
    milestone_id: Mapped[int] = mapped_column(
        ForeignKey("milestone.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    forecast_on: Mapped[date | None]
    completed_on: Mapped[date | None]

    update: Mapped[ProgressUpdate] = relationship(back_populates="milestone_forecasts")
    milestone: Mapped[Milestone] = relationship()


class Revision(Base):
    """An append-only full snapshot of an update, written at every save."""

    __tablename__ = "revision"
    __table_args__ = (UniqueConstraint("update_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("progress_update.id", ondelete="CASCADE"))
    number: Mapped[int]
    state: Mapped[str] = mapped_column(String(20))
    event: Mapped[str] = mapped_column(String(40))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship()
