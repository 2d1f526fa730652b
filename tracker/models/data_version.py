"""The data version: one counter that every change to plan or progress data advances."""

from __future__ import annotations

from sqlalchemy import DDL, CheckConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base

SINGLE_ROW = 1


class DataVersion(Base):
    """A single row; `tracker.cache` adds one to `value` in every transaction that changes data
    the pages aggregate, and keys its cached figures with it."""

    __tablename__ = "data_version"
    __table_args__ = (CheckConstraint(f"id = {SINGLE_ROW}", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(default=0)


# `create_all` (the tests) gets the row too; the migration inserts it for `db upgrade`.
event.listen(
    DataVersion.__table__,
    "after_create",
    DDL(f"INSERT INTO data_version (id, value) VALUES ({SINGLE_ROW}, 0)"),  # type: ignore[no-untyped-call]
)
