"""Data versions: one counter per scope (everything, a plan, a plan's drafts) that every change
to the data of that scope advances."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base


class DataVersion(Base):
    """One row per scope (`tracker.cache`: "all", "plan:<id>", "drafts:<plan id>",
    "drafts:<plan id>:<department id>"), inserted by the first change of that scope; cached
    figures are keyed with the versions of the scopes they depend on. Writers in different
    plans never update the same row."""

    __tablename__ = "data_version"

    scope: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
