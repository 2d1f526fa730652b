"""Government fiscal years and quarters (Government of Canada default: 1 April start)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import overload

DEFAULT_START_MONTH = 4
_QUARTER_RE = re.compile(r"([0-9]{4})-[Qq]([1-4])")
_YEAR_RE = re.compile(r"([0-9]{4})(?:[-\u2013]([0-9]{2}|[0-9]{4}))?")
_YEAR = r"[0-9]{4}(?:[-\u2013](?:[0-9]{2}|[0-9]{4}))?"
_LABEL_EN_RE = re.compile(rf"({_YEAR})\s+[Qq]([1-4])")  # 2025-26 Q1, or 2025 Q1
_LABEL_FR_RE = re.compile(rf"[Tt]([1-4])\s+({_YEAR})")  # T1 2025-2026, or T1 2025


def _check_start_month(start_month: int) -> int:
    """Return start_month if it is a valid month number (1..12), else raise ValueError."""
    if not 1 <= start_month <= 12:
        raise ValueError(f"fiscal year start month must be 1..12, not {start_month!r}")
    return start_month


def _lang(lang: str) -> str:
    """Normalise a language tag ("en", "fr", "fr-CA", "fr_CA") to "en" or "fr"."""
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    if code not in ("en", "fr"):
        raise ValueError(f"unsupported language {lang!r} (expected 'en' or 'fr')")
    return code


def _month_at(year: int, start_month: int, offset: int) -> tuple[int, int]:
    """Return (calendar year, month) lying `offset` months after the start of fiscal `year`."""
    index = start_month - 1 + offset
    return year + index // 12, index % 12 + 1


@dataclass(frozen=True, order=True)
class FiscalQuarter:
    """A quarter of a fiscal year, identified by the calendar year in which the year starts."""

    year: int
    quarter: int

    def __post_init__(self) -> None:
        """Validate the year (0..9999) and quarter (1..4)."""
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter must be 1..4, not {self.quarter!r}")
        if not 0 <= self.year <= 9999:
            raise ValueError(f"fiscal year must be 0..9999, not {self.year!r}")

    @classmethod
    def parse(cls, text: str) -> FiscalQuarter:
        """Parse the canonical form "2019-Q4" (surrounding whitespace and a lowercase q allowed)."""
        match = _QUARTER_RE.fullmatch(text.strip())
        if match is None:
            raise ValueError(f'"{text}" is not a quarter (expected a form like "2019-Q4")')
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def parse_any(cls, text: str) -> FiscalQuarter:
        """Parse the canonical form "2019-Q4" or a display label ("2019-20 Q4", "T4 2019-2020",
        "2019 Q4"), as people copy them from the screens into a spreadsheet."""
        value = " ".join(text.split())
        if _QUARTER_RE.fullmatch(value):
            return cls.parse(value)
        if match := _LABEL_EN_RE.fullmatch(value):
            return cls(parse_fiscal_year(match[1]), int(match[2]))
        if match := _LABEL_FR_RE.fullmatch(value):
            return cls(parse_fiscal_year(match[2]), int(match[1]))
        raise ValueError(f'"{text}" is not a quarter (expected a form like "2019-20 Q4")')

    @classmethod
    def from_ordinal(cls, n: int) -> FiscalQuarter:
        """Return the quarter whose ordinal is n (inverse of `ordinal`)."""
        year, index = divmod(n, 4)
        return cls(year, index + 1)

    @property
    def ordinal(self) -> int:
        """Return a running quarter number: year * 4 + quarter - 1."""
        return self.year * 4 + self.quarter - 1

    def __str__(self) -> str:
        """Return the canonical form, e.g. "2019-Q4"."""
        return f"{self.year:04d}-Q{self.quarter}"

    def __add__(self, other: int) -> FiscalQuarter:
        """Return the quarter `other` quarters later."""
        if not isinstance(other, int):
            return NotImplemented
        return FiscalQuarter.from_ordinal(self.ordinal + other)

    __radd__ = __add__

    @overload
    def __sub__(self, other: int) -> FiscalQuarter: ...

    @overload
    def __sub__(self, other: FiscalQuarter) -> int: ...

    def __sub__(self, other: int | FiscalQuarter) -> FiscalQuarter | int:
        """Subtract a number of quarters, or count the quarters between two quarters."""
        if isinstance(other, FiscalQuarter):
            return self.ordinal - other.ordinal
        if isinstance(other, int):
            return FiscalQuarter.from_ordinal(self.ordinal - other)
        return NotImplemented

    def next(self) -> FiscalQuarter:
        """Return the following quarter."""
        return self + 1

    def previous(self) -> FiscalQuarter:
        """Return the preceding quarter."""
        return self - 1

    def start_date(self, start_month: int = DEFAULT_START_MONTH) -> date:
        """Return the first day of the quarter."""
        _check_start_month(start_month)
        year, month = _month_at(self.year, start_month, 3 * (self.quarter - 1))
        return date(year, month, 1)

    def end_date(self, start_month: int = DEFAULT_START_MONTH) -> date:
        """Return the last day of the quarter."""
        _check_start_month(start_month)
        year, month = _month_at(self.year, start_month, 3 * (self.quarter - 1) + 2)
        return date(year, month, calendar.monthrange(year, month)[1])

    def label(self, lang: str = "en", start_month: int = DEFAULT_START_MONTH) -> str:
        """Return a display label: "2025-26 Q1" (en) or "T1 2025-2026" (fr)."""
        year = fiscal_year_label(self.year, lang, start_month)
        if _lang(lang) == "fr":
            return f"T{self.quarter} {year}"
        return f"{year} Q{self.quarter}"

    def short_label(self, lang: str = "en") -> str:
        """The quarter without its year, for an axis under the years: "Q1" (en), "T1" (fr)."""
        return f"{'T' if _lang(lang) == 'fr' else 'Q'}{self.quarter}"


def fiscal_year_of(d: date, start_month: int = DEFAULT_START_MONTH) -> int:
    """Return the fiscal year (calendar year in which it starts) containing date d."""
    _check_start_month(start_month)
    return d.year if d.month >= start_month else d.year - 1


def quarter_of(d: date, start_month: int = DEFAULT_START_MONTH) -> FiscalQuarter:
    """Return the fiscal quarter containing date d."""
    offset = (d.month - _check_start_month(start_month)) % 12
    return FiscalQuarter(fiscal_year_of(d, start_month), offset // 3 + 1)


def fiscal_year_label(year: int, lang: str = "en", start_month: int = DEFAULT_START_MONTH) -> str:
    """Return "2025-26" (en), "2025-2026" (fr), or "2025" when the year starts in January."""
    code = _lang(lang)
    if _check_start_month(start_month) == 1:
        return f"{year:04d}"
    if code == "fr":
        return f"{year:04d}-{year + 1:04d}"
    return f"{year:04d}-{(year + 1) % 100:02d}"


def parse_fiscal_year(text: str) -> int:
    """Parse "2025-26", "2025-2026" or "2025" into the fiscal year's start year."""
    match = _YEAR_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(
            f'"{text}" is not a fiscal year (expected a form like "2025-26", "2025-2026" or "2025")'
        )
    year, end = int(match[1]), match[2]
    if end is not None:
        expected = f"{(year + 1) % 100:02d}" if len(end) == 2 else f"{year + 1:04d}"
        if end != expected:
            raise ValueError(
                f'"{text}" is not a fiscal year: {end} does not follow {match[1]}'
                f' (expected "{match[1]}-{expected}")'
            )
    return year


def quarters_between(first: FiscalQuarter, last: FiscalQuarter) -> list[FiscalQuarter]:
    """Return every quarter from first to last inclusive (empty if last precedes first)."""
    return [FiscalQuarter.from_ordinal(n) for n in range(first.ordinal, last.ordinal + 1)]


def quarters_of_year(year: int) -> list[FiscalQuarter]:
    """Return the four quarters of fiscal year `year`, in order."""
    return [FiscalQuarter(year, q) for q in range(1, 5)]


def year_bounds(year: int, start_month: int = DEFAULT_START_MONTH) -> tuple[date, date]:
    """Return the first and last day of fiscal year `year`."""
    return (
        FiscalQuarter(year, 1).start_date(start_month),
        FiscalQuarter(year, 4).end_date(start_month),
    )


@dataclass(frozen=True)
class Schedule:
    """An action's quarters: its start, its baseline target and its current target. A draft's
    action may lack any of them; `of` gives None until all three are set."""

    start_quarter: FiscalQuarter
    baseline_target: FiscalQuarter
    current_target: FiscalQuarter

    @classmethod
    def of(
        cls,
        start: FiscalQuarter | None,
        baseline: FiscalQuarter | None,
        current: FiscalQuarter | None,
    ) -> Schedule | None:
        """The schedule, or None while one of its quarters is not set."""
        if start is None or baseline is None or current is None:
            return None
        return cls(start, baseline, current)

    @property
    def slippage(self) -> int:
        """Quarters between the current and the baseline target (positive = late)."""
        return self.current_target - self.baseline_target
