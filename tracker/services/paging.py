"""A page of rows read one past its size, so a page costs the same on any table size. The audit
trail and a plan's change log page this way; a page may also carry the total its caller counted
(the audit trail says how many events match its filters)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of rows, newest first."""

    items: list[T]
    page: int
    has_next: bool
    total: int | None = None  # rows matching, when the caller counted them
    per_page: int = 0

    @classmethod
    def of(cls, rows: Sequence[T], page: int, per_page: int, total: int | None = None) -> Page[T]:
        """The page from up to `per_page + 1` rows read at its offset (one more: a next page)."""
        return cls(list(rows[:per_page]), page, len(rows) > per_page, total, per_page)

    @property
    def pages(self) -> int | None:
        """How many pages there are, when the total is known (at least one)."""
        if self.total is None or self.per_page < 1:
            return None
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        """True unless this is the first page."""
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        """The previous page's number, if any."""
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        """The next page's number, if any."""
        return self.page + 1 if self.has_next else None
