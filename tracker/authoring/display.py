"""The change log in people's words: field names and values as the pages and the CSV show them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from flask_babel import lazy_gettext as _l

from tracker.fiscal import FiscalQuarter, fiscal_year_label
from tracker.i18n import current_language, date_text, language_marker, quarter_label
from tracker.models import PlanChange
from tracker.services.calendar.periods import start_month
from tracker.vocab import change_label, plan_status_label

FIELD_LABELS = {
    "title_en": _l("Title in English"),
    "title_fr": _l("Title in French"),
    "summary_en": _l("Summary in English"),
    "summary_fr": _l("Summary in French"),
    "description_en": _l("Description in English"),
    "description_fr": _l("Description in French"),
    "name_en": _l("Name in English"),
    "name_fr": _l("Name in French"),
    "goal_en": _l("Goal in English"),
    "goal_fr": _l("Goal in French"),
    "owner_en": _l("Owner organisation in English"),
    "owner_fr": _l("Owner organisation in French"),
    "source_url": _l("Source document (web address)"),
    "predecessor_id": _l("Predecessor plan"),
    "first_year": _l("First fiscal year"),
    "last_year": _l("Last fiscal year"),
    "area_label_en": _l("First level, in English"),
    "area_label_fr": _l("First level, in French"),
    "action_label_en": _l("Second level, in English"),
    "action_label_fr": _l("Second level, in French"),
    "status": _l("Status"),
    "code": _l("Code"),
    "colour": _l("Colour"),
    "area": _l("Area"),
    "lead": _l("Lead department"),
    "participants": _l("Participating departments"),
    "start_quarter": _l("Start quarter"),
    "baseline_target": _l("Baseline target quarter"),
    "current_target": _l("Current target quarter"),
    "illustrative": _l("Illustrative (an example of what the action covers)"),
    "baseline_due": _l("Baseline due date"),
    "current_due": _l("Current due date"),
    "completed_on": _l("Completion date"),
    "position": _l("Order"),
    "review": _l("Fiscal year reviewed"),
}
QUARTERS = frozenset({"start_quarter", "baseline_target", "current_target"})
DATES = frozenset({"baseline_due", "current_due", "completed_on"})


def field_label(name: str) -> str:
    """A field's name for people ('' for none)."""
    return str(FIELD_LABELS.get(name, name))


def shown_value(field: str, value: str) -> str:
    """A stored value for people: quarters and dates in the language's form."""
    if not value:
        return ""
    try:
        if field in QUARTERS:
            return quarter_label(FiscalQuarter.parse(value))
        if field in DATES:
            return date_text(date.fromisoformat(value), "medium")
    except ValueError:
        return value
    if field == "status":
        return plan_status_label(value)
    if field in {"first_year", "last_year", "review"} and value.isdigit():
        return fiscal_year_label(int(value), current_language(), start_month())
    return value


def year_label(year: int) -> str:
    """A fiscal year as people write it."""
    return fiscal_year_label(year, current_language(), start_month())


CSV_HEADER = (
    _l("When (UTC)"),
    _l("Fiscal year"),
    _l("Who"),
    _l("Change"),
    _l("Action"),
    _l("Milestone"),
    _l("Field"),
    _l("From"),
    _l("To"),
    _l("Reason"),
)


def _marked(text: str, language: str) -> str:
    """A written text preceded by its language when that is not the export's ('[EN] ...')."""
    marker = language_marker(language) if text else ""
    return f"{marker} {text}" if marker else text


def csv_rows(rows: Iterable[PlanChange]) -> Iterator[list[object]]:
    """The header, then one row per change (cells made formula-safe by the CSV writer)."""
    yield [str(name) for name in CSV_HEADER]
    for change in rows:
        yield [
            change.at.strftime("%Y-%m-%d %H:%M:%S"),
            year_label(change.fiscal_year),
            change.user_label,
            change_label(change.kind),
            change.action_code,
            change.milestone_code,
            field_label(change.field) if change.field else "",
            shown_value(change.field, change.old_value),
            shown_value(change.field, change.new_value),
            _marked(change.reason, change.reason_language),
        ]
