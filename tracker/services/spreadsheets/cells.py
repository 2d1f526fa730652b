"""Turning one spreadsheet cell into a typed value, with the message shown when it cannot be.

Excel stores numbers and dates as such, a CSV file only text: each parser accepts both.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import gettext as _

from tracker.fiscal import FiscalQuarter
from tracker.models import ActionStatus
from tracker.services.spreadsheets.columns import fold, in_every_language, quarter_text
from tracker.services.spreadsheets.reading import Cell
from tracker.vocab import STATUS_LABELS

_WHOLE = re.compile(r"-?[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class CellProblem(ValueError):
    """A cell whose value cannot be used; the message says what to write instead."""


def text(cell: Cell) -> str:
    """The cell as text, one kind of line ending, no blank space around it."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def status_lookup() -> dict[str, ActionStatus]:
    """Every way of writing a status: its code and its label in each language."""
    found: dict[str, ActionStatus] = {}
    for status, label in STATUS_LABELS.items():
        member = ActionStatus(status)
        found[fold(member.value)] = member
        found[fold(member.value.replace("_", " "))] = member
        for written in in_every_language(label):
            found[written] = member
    return found


def status(cell: Cell, lookup: dict[str, ActionStatus]) -> ActionStatus:
    """A status from its label (English or French) or its code."""
    found = lookup.get(fold(text(cell)))
    if found is None:
        labels = ", ".join(str(label) for label in STATUS_LABELS.values())
        raise CellProblem(_("Choose a status from the list: %(labels)s.", labels=labels))
    return found


def percent(cell: Cell) -> int | None:
    """A whole number from 0 to 100, or None when the cell is blank."""
    value = cell.value
    if cell.blank:
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _WHOLE.fullmatch(value.strip().rstrip("%").strip()):
        number = int(value.strip().rstrip("%"))
    if number is None or not 0 <= number <= 100:
        raise CellProblem(_("Enter a whole number from 0 to 100."))
    return number


def quarter(cell: Cell) -> FiscalQuarter | None:
    """A fiscal quarter written as the screens show it (2026-27 Q4, T4 2026-2027) or like
    2026-Q4, or None when the cell is blank."""
    if cell.blank:
        return None
    try:
        if not isinstance(cell.value, str):
            raise ValueError(cell.value)
        return FiscalQuarter.parse_any(cell.value)
    except ValueError as error:
        example = quarter_text(FiscalQuarter(2026, 4))
        raise CellProblem(_("Write the quarter like %(example)s.", example=example)) from error


def day(cell: Cell) -> date | None:
    """A date (an Excel date, or text written YYYY-MM-DD), or None when the cell is blank."""
    value = cell.value
    if cell.blank:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CellProblem(_("Enter a date as YYYY-MM-DD, for example 2026-03-31."))
