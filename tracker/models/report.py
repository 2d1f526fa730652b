"""Annual reports: frozen snapshots and their rendered files."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.plan import Plan


class AnnualReport(Base):
    """One issued version of a plan's yearly report. Never edited; regenerating adds a version."""

    __tablename__ = "annual_report"
    __table_args__ = (
        # Versions are numbered per language: a French copy never supersedes an English one.
        UniqueConstraint("plan_id", "fiscal_year", "language", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    fiscal_year: Mapped[int]
    language: Mapped[str] = mapped_column(String(5))  # the files' language (en, fr)
    version: Mapped[int]
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    triggered_by: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    plan: Mapped[Plan] = relationship()
    files: Mapped[list[ReportFile]] = relationship(
        back_populates="report", order_by="ReportFile.format"
    )


class ReportFile(Base):
    """A rendered file of a report (pdf, xlsx, csv, milestones CSV) with its checksum."""

    __tablename__ = "report_file"
    __table_args__ = (
        UniqueConstraint("report_id", "format"),
        CheckConstraint("format IN ('pdf', 'xlsx', 'csv', 'milestones')", name="format"),
        CheckConstraint("size_bytes >= 0", name="size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("annual_report.id"))
    format: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary)

    report: Mapped[AnnualReport] = relationship(back_populates="files")
