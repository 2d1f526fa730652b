"""A page of rows read one past its size: no total is counted, so a page costs the same on any
table size. The audit trail and a plan's change log page this way."""

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

    @classmethod
    def of(cls, rows: Sequence[T], page: int, per_page: int) -> Page[T]:
        """The page from up to `per_page + 1` rows read at its offset (one more: a next page)."""
        return cls(list(rows[:per_page]), page, len(rows) > per_page)

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
