"""Rollups: figures derived from the progress updates, kept in step with them as they change.

They are derived data (`tracker/services/figures/rollups.py` writes them in the transaction that
moves them, `flask figures rebuild` recomputes them from history, `flask figures check` compares).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.fiscal import FiscalQuarter
from tracker.models.base import Base, QuarterType, UTCDateTime


class ActionFigure(Base):
    """Where one action stands as of one reporting period: its counted update (latest accepted,
    else latest submitted, up to the period's quarter) and its latest accepted forecast
    completion. No row: the action has no counted update as of that period."""

    __tablename__ = "action_figure"
    __table_args__ = (Index("ix_action_figure_quarter_action", "quarter", "action_id"),)

    action_id: Mapped[int] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), primary_key=True
    )
    period_id: Mapped[int] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="CASCADE"), primary_key=True
    )
    quarter: Mapped[FiscalQuarter] = mapped_column(QuarterType())  # the period's quarter
    # The counted update and what it says.
    update_id: Mapped[int] = mapped_column(ForeignKey("progress_update.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    percent: Mapped[int]
    update_quarter: Mapped[FiscalQuarter] = mapped_column(QuarterType())
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    # The latest accepted update naming a forecast completion (roadmap, slippage); NULL: none.
    forecast_update_id: Mapped[int | None] = mapped_column(
        ForeignKey("progress_update.id", ondelete="CASCADE")
    )
    forecast_completion: Mapped[FiscalQuarter | None] = mapped_column(QuarterType())
    forecast_quarter: Mapped[FiscalQuarter | None] = mapped_column(QuarterType())
    forecast_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))


class ObligationFigure(Base):
    """One department's update slot on one action for one reporting period: the state and
    submission time of its update there, what the obligations (compliance, attention, late
    departments) read instead of the updates themselves. No row: the department has no update
    for that slot (not even a draft)."""

    __tablename__ = "obligation_figure"
    __table_args__ = (
        # A period's slots of some actions: the counted slots outside an action's active
        # quarters, and the slots of the cells with missing updates (`owed_counts`).
        Index("ix_obligation_figure_period_action", "period_id", "action_id"),
        # A period's slots submitted after a given instant: the late ones (`owed_counts`).
        Index("ix_obligation_figure_period_submitted", "period_id", "submitted_at"),
        # SQLite: rows stored in key order, so a slot is read in one lookup (a third faster at
        # 400k).
        {"sqlite_with_rowid": False},
    )

    action_id: Mapped[int] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), primary_key=True
    )
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True)
    period_id: Mapped[int] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="CASCADE"), primary_key=True
    )
    update_id: Mapped[int] = mapped_column(
        ForeignKey("progress_update.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ObligationTally(Base):
    """How many of a department's update slots on a plan's actions for one reporting period
    hold a counted update (submitted or accepted), whether owed or not: the matrix's
    submitted counts read in one row per cell instead of one per slot (`owed_counts` takes
    away the counted slots that are not owed). Kept with the slots (`slot_rollups`); no row:
    none."""

    __tablename__ = "obligation_tally"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True
    )
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True)
    period_id: Mapped[int] = mapped_column(
        ForeignKey("reporting_period.id", ondelete="CASCADE"), primary_key=True
    )
    counted: Mapped[int]
