"""The plan's change log: an append-only row for every change to a plan's structure or dates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, UTCDateTime, one_of, utcnow
from tracker.models.org import User
from tracker.vocab import ChangeKind


class PlanChange(Base):
    """Who changed what in a plan, from what to what, when and why. Rows are only ever inserted.

    The action's and milestone's codes are copied so that a change stays readable after the
    item is deleted (the foreign keys then become NULL); `fiscal_year` is the fiscal year the
    change was made in, which the log and the yearly report filter on.
    """

    __tablename__ = "plan_change"
    __table_args__ = (
        one_of("kind", ChangeKind, "kind"),
        CheckConstraint("reason_language IN ('en', 'fr')", name="reason_language"),
        Index("ix_plan_change_plan_at", "plan_id", "at"),
        Index("ix_plan_change_plan_year", "plan_id", "fiscal_year", "at"),
        Index("ix_plan_change_plan_action", "plan_id", "action_code", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("action.id", ondelete="SET NULL"), index=True
    )
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("milestone.id", ondelete="SET NULL"), index=True
    )
    action_code: Mapped[str] = mapped_column(String(20), default="")
    milestone_code: Mapped[str] = mapped_column(String(20), default="")
    kind: Mapped[str] = mapped_column(String(30))
    field: Mapped[str] = mapped_column(String(60), default="")
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    reason_language: Mapped[str] = mapped_column(String(2), default="en")  # as written
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    user_label: Mapped[str] = mapped_column(String(254), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    fiscal_year: Mapped[int]

    user: Mapped[User | None] = relationship()
