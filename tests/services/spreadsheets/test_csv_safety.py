"""CSV formula-injection protection and line-by-line CSV output."""

from __future__ import annotations

import csv
import io

import pytest

from tracker.services.spreadsheets.csv_safety import BOM, csv_lines, safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+33 1 23", "'+33 1 23"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindent", "'\tindent"),
        ("\rreturn", "'\rreturn"),
        ("Plain text", "Plain text"),
        ("a=b", "a=b"),
        ("", ""),
        ("É = 3", "É = 3"),
    ],
)
def test_text_that_would_run_is_quoted(value: str, expected: str) -> None:
    assert safe_cell(value) == expected


@pytest.mark.parametrize("value", [-5, 3.5, 0, None])
def test_numbers_and_empty_cells_pass_through(value: object) -> None:
    assert safe_cell(value) == value


def test_lines_round_trip_through_a_csv_reader() -> None:
    rows = [["Name", "Note"], ['=HYPERLINK("http://x")', 'say "hi", then\nleave'], [-1, None]]
    lines = list(csv_lines(rows))
    assert lines[0] == BOM and len(lines) == 4
    assert all(line.endswith("\r\n") for line in lines[1:])
    parsed = list(csv.reader(io.StringIO("".join(lines[1:]))))
    assert parsed == [
        ["Name", "Note"],
        ['\'=HYPERLINK("http://x")', 'say "hi", then\nleave'],
        ["-1", ""],
    ]


def test_without_bom() -> None:
    assert list(csv_lines([["a"]], bom=False)) == ["a\r\n"]
