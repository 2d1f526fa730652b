"""Tests for tracker.fiscal (table tests plus hypothesis properties)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.fiscal import (
    FiscalQuarter,
    fiscal_year_label,
    fiscal_year_of,
    parse_fiscal_year,
    quarter_of,
    quarters_between,
    quarters_of_year,
    year_bounds,
)

# Keep clear of date.min/date.max so neighbouring quarters stay representable.
dates = st.dates(min_value=date(2, 1, 1), max_value=date(9997, 12, 31))
months = st.integers(min_value=1, max_value=12)
years = st.integers(min_value=2, max_value=9997)
quarters = st.builds(FiscalQuarter, years, st.integers(min_value=1, max_value=4))
langs = st.sampled_from(["en", "fr"])


# --- table tests -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start_month", "expected"),
    [
        (date(2025, 4, 1), 4, "2025-Q1"),
        (date(2025, 6, 30), 4, "2025-Q1"),
        (date(2025, 7, 1), 4, "2025-Q2"),
        (date(2025, 12, 31), 4, "2025-Q3"),
        (date(2026, 1, 15), 4, "2025-Q4"),
        (date(2026, 3, 31), 4, "2025-Q4"),
        (date(2025, 3, 31), 4, "2024-Q4"),
        (date(2025, 1, 1), 1, "2025-Q1"),
        (date(2025, 5, 20), 1, "2025-Q2"),
        (date(2025, 12, 31), 1, "2025-Q4"),
        (date(2025, 7, 1), 7, "2025-Q1"),
        (date(2025, 6, 30), 7, "2024-Q4"),
        (date(2026, 2, 1), 7, "2025-Q3"),
    ],
)
def test_quarter_of_examples(day: date, start_month: int, expected: str) -> None:
    assert str(quarter_of(day, start_month)) == expected
    assert fiscal_year_of(day, start_month) == int(expected[:4])


@pytest.mark.parametrize(
    ("quarter", "start_month", "start", "end"),
    [
        ("2025-Q1", 4, date(2025, 4, 1), date(2025, 6, 30)),
        ("2025-Q2", 4, date(2025, 7, 1), date(2025, 9, 30)),
        ("2025-Q3", 4, date(2025, 10, 1), date(2025, 12, 31)),
        ("2023-Q4", 4, date(2024, 1, 1), date(2024, 3, 31)),
        ("2025-Q1", 1, date(2025, 1, 1), date(2025, 3, 31)),
        ("2025-Q4", 7, date(2026, 4, 1), date(2026, 6, 30)),
        ("2023-Q4", 12, date(2024, 9, 1), date(2024, 11, 30)),
        ("2023-Q4", 11, date(2024, 8, 1), date(2024, 10, 31)),
        ("2023-Q4", 10, date(2024, 7, 1), date(2024, 9, 30)),
        ("2023-Q4", 9, date(2024, 6, 1), date(2024, 8, 31)),
        ("2023-Q3", 12, date(2024, 6, 1), date(2024, 8, 31)),
        ("2023-Q4", 2, date(2023, 11, 1), date(2024, 1, 31)),
        ("2023-Q4", 3, date(2023, 12, 1), date(2024, 2, 29)),
    ],
)
def test_quarter_dates(quarter: str, start_month: int, start: date, end: date) -> None:
    q = FiscalQuarter.parse(quarter)
    assert (q.start_date(start_month), q.end_date(start_month)) == (start, end)


@pytest.mark.parametrize(
    ("year", "lang", "start_month", "expected"),
    [
        (2025, "en", 4, "2025-26"),
        (2025, "fr", 4, "2025-2026"),
        (1999, "en", 4, "1999-00"),
        (1999, "fr", 4, "1999-2000"),
        (2009, "en", 7, "2009-10"),
        (2025, "en", 1, "2025"),
        (2025, "fr", 1, "2025"),
        (2025, "fr-CA", 4, "2025-2026"),
    ],
)
def test_fiscal_year_label(year: int, lang: str, start_month: int, expected: str) -> None:
    assert fiscal_year_label(year, lang, start_month) == expected


@pytest.mark.parametrize(
    ("quarter", "lang", "start_month", "expected"),
    [
        (FiscalQuarter(2025, 1), "en", 4, "2025-26 Q1"),
        (FiscalQuarter(2025, 1), "fr", 4, "T1 2025-2026"),
        (FiscalQuarter(1999, 4), "en", 4, "1999-00 Q4"),
        (FiscalQuarter(2025, 3), "en", 1, "2025 Q3"),
        (FiscalQuarter(2025, 3), "fr", 1, "T3 2025"),
    ],
)
def test_quarter_label(quarter: FiscalQuarter, lang: str, start_month: int, expected: str) -> None:
    assert quarter.label(lang, start_month) == expected


def test_label_defaults_to_english_april() -> None:
    assert FiscalQuarter(2025, 2).label() == "2025-26 Q2"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-26", 2025),
        ("2025-2026", 2025),
        ("2025", 2025),
        (" 1999-00 ", 1999),
        ("1999-2000", 1999),
        ("2025\u20132026", 2025),
    ],
)
def test_parse_fiscal_year(text: str, expected: int) -> None:
    assert parse_fiscal_year(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-27", '"2025-27" is not a fiscal year: 27 does not follow 2025'),
        ("2025-2027", '"2025-2027" is not a fiscal year: 2027 does not follow 2025'),
        ("1999-2000x", '"1999-2000x" is not a fiscal year'),
        ("2025-026", '"2025-026" is not a fiscal year'),
        ("", '"" is not a fiscal year'),
        ("25-26", '"25-26" is not a fiscal year'),
        ("abcd", '"abcd" is not a fiscal year'),
    ],
)
def test_parse_fiscal_year_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_fiscal_year(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-Q4", FiscalQuarter(2019, 4)),
        ("2019-q1", FiscalQuarter(2019, 1)),
        ("  2025-Q2\n", FiscalQuarter(2025, 2)),
    ],
)
def test_parse_quarter(text: str, expected: FiscalQuarter) -> None:
    assert FiscalQuarter.parse(text) == expected


@pytest.mark.parametrize(
    "text", ["2019-Q5", "2019-Q0", "2019Q1", "", "abcd-Q1", "19-Q1", "2019-Q1x", "Q1-2019"]
)
def test_parse_quarter_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=f'^"{text}" is not a quarter'):
        FiscalQuarter.parse(text)


@pytest.mark.parametrize(("year", "quarter"), [(2025, 0), (2025, 5), (-1, 1), (10000, 1)])
def test_constructor_validates(year: int, quarter: int) -> None:
    with pytest.raises(ValueError):
        FiscalQuarter(year, quarter)


@pytest.mark.parametrize("start_month", [0, 13, -4])
def test_bad_start_month(start_month: int) -> None:
    with pytest.raises(ValueError, match="start month must be 1..12"):
        quarter_of(date(2025, 1, 1), start_month)
    with pytest.raises(ValueError, match="start month must be 1..12"):
        FiscalQuarter(2025, 1).start_date(start_month)


def test_bad_language() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        fiscal_year_label(2025, "de")


def test_arithmetic_examples() -> None:
    q = FiscalQuarter(2025, 4)
    assert q + 1 == FiscalQuarter(2026, 1)
    assert 1 + q == FiscalQuarter(2026, 1)
    assert q - 4 == FiscalQuarter(2024, 4)
    assert FiscalQuarter(2026, 2) - FiscalQuarter(2025, 3) == 3
    assert q.next() == FiscalQuarter(2026, 1)
    assert FiscalQuarter(2026, 1).previous() == q
    assert FiscalQuarter(2024, 4) < FiscalQuarter(2025, 1) < FiscalQuarter(2025, 2)


def test_quarters_between_and_of_year() -> None:
    assert quarters_between(FiscalQuarter(2024, 3), FiscalQuarter(2025, 1)) == [
        FiscalQuarter(2024, 3),
        FiscalQuarter(2024, 4),
        FiscalQuarter(2025, 1),
    ]
    assert quarters_between(FiscalQuarter(2025, 2), FiscalQuarter(2025, 1)) == []
    assert [str(q) for q in quarters_of_year(2025)] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert year_bounds(2025) == (date(2025, 4, 1), date(2026, 3, 31))
    assert year_bounds(2025, 1) == (date(2025, 1, 1), date(2025, 12, 31))
    assert year_bounds(2025, 7) == (date(2025, 7, 1), date(2026, 6, 30))


# --- properties ------------------------------------------------------------------------------


@given(dates, months)
def test_date_lies_within_its_quarter(d: date, start_month: int) -> None:
    q = quarter_of(d, start_month)
    assert q.start_date(start_month) <= d <= q.end_date(start_month)
    assert q.year == fiscal_year_of(d, start_month)


@given(dates, months)
def test_date_lies_within_its_year(d: date, start_month: int) -> None:
    first, last = year_bounds(fiscal_year_of(d, start_month), start_month)
    assert first <= d <= last


@given(quarters, months)
def test_quarters_tile_time(q: FiscalQuarter, start_month: int) -> None:
    assert q.end_date(start_month) + timedelta(days=1) == q.next().start_date(start_month)
    assert q.previous().end_date(start_month) + timedelta(days=1) == q.start_date(start_month)
    assert quarter_of(q.start_date(start_month), start_month) == q
    assert quarter_of(q.end_date(start_month), start_month) == q


@given(st.builds(FiscalQuarter, st.integers(0, 9999), st.integers(1, 4)))
def test_parse_str_round_trip(q: FiscalQuarter) -> None:
    assert FiscalQuarter.parse(str(q)) == q


@given(st.integers(min_value=0, max_value=9999 * 4 + 3))
def test_ordinal_round_trip(n: int) -> None:
    assert FiscalQuarter.from_ordinal(n).ordinal == n


@given(quarters, st.integers(min_value=-8, max_value=8))
def test_arithmetic_consistency(q: FiscalQuarter, n: int) -> None:
    assert (q + n) - q == n
    assert (q + n) - n == q
    assert q - n == q + (-n)
    assert (q + n > q) == (n > 0)


def within_a_century(q: FiscalQuarter) -> st.SearchStrategy[FiscalQuarter]:
    """Quarters at most fifty years from `q`: a longer span tests nothing more, and listing
    the 40,000 quarters between two far-apart years takes seconds per example."""
    years_near = st.integers(min_value=max(2, q.year - 50), max_value=min(9997, q.year + 50))
    return st.builds(FiscalQuarter, years_near, st.integers(min_value=1, max_value=4))


@given(quarters.flatmap(lambda q: st.tuples(st.just(q), within_a_century(q))))
def test_quarters_between_is_inclusive_and_contiguous(
    pair: tuple[FiscalQuarter, FiscalQuarter],
) -> None:
    a, b = pair
    first, last = min(a, b), max(a, b)
    span = quarters_between(first, last)
    assert span[0] == first and span[-1] == last
    assert len(span) == last - first + 1
    assert all(y - x == 1 for x, y in pairwise(span))


@given(years, months)
def test_four_quarters_cover_the_year(year: int, start_month: int) -> None:
    qs = quarters_of_year(year)
    first, last = year_bounds(year, start_month)
    assert len(qs) == 4 and all(q.year == year for q in qs)
    assert qs[0].start_date(start_month) == first
    assert qs[-1].end_date(start_month) == last
    for x, y in pairwise(qs):
        assert x.end_date(start_month) + timedelta(days=1) == y.start_date(start_month)
    days = sum((q.end_date(start_month) - q.start_date(start_month)).days + 1 for q in qs)
    assert days == (last - first).days + 1
    assert days in (365, 366)


@given(st.integers(min_value=0, max_value=9998), langs, months)
def test_year_label_round_trip(year: int, lang: str, start_month: int) -> None:
    assert parse_fiscal_year(fiscal_year_label(year, lang, start_month)) == year


@given(quarters, langs, months)
def test_quarter_label_year_part_round_trips(q: FiscalQuarter, lang: str, month: int) -> None:
    label = q.label(lang, month)
    year_part = label.split(" ")[1] if lang == "fr" else label.split(" ")[0]
    assert parse_fiscal_year(year_part) == q.year
    assert f"{q.quarter}" in label.replace(year_part, "")


@pytest.mark.parametrize(
    "text",
    ["2027-Q2", "2027-28 Q2", "2027–28 Q2", "T2 2027-2028", "t2 2027-2028", "2027 Q2", "T2 2027"],
)
def test_parse_any_reads_the_canonical_form_and_the_labels(text: str) -> None:
    assert FiscalQuarter.parse_any(text) == FiscalQuarter(2027, 2)


@pytest.mark.parametrize("text", ["Q2 2027", "2027-29 Q2", "2027-28 Q5", "2027-28", ""])
def test_parse_any_refuses_what_is_not_a_quarter(text: str) -> None:
    with pytest.raises(ValueError):
        FiscalQuarter.parse_any(text)


@given(st.builds(FiscalQuarter, st.integers(1000, 9998), st.integers(1, 4)))
def test_parse_any_reads_back_every_label(quarter: FiscalQuarter) -> None:
    for lang in ("en", "fr"):
        for month in (1, 4, 7):
            assert FiscalQuarter.parse_any(quarter.label(lang, month)) == quarter
