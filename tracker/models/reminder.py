"""Reminders a planner sent by hand to a late department: who, when, for which period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.org import Department, User
from tracker.models.plan import Plan
from tracker.models.progress import ReportingPeriod


class ReminderSent(Base):
    """One "Remind" click: the e-mails went to the department's users. Rows are only inserted."""

    __tablename__ = "reminder_sent"
    __table_args__ = (
        Index("ix_reminder_sent_department_period", "department_id", "period_id", "sent_at"),
        CheckConstraint("recipients >= 0", name="recipients_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recipients: Mapped[int]

    plan: Mapped[Plan] = relationship()
    department: Mapped[Department] = relationship()
    period: Mapped[ReportingPeriod] = relationship()
    sent_by: Mapped[User | None] = relationship()
