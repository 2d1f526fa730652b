"""What an audit event recorded in its detail, in people's words: quarters and dates in the
reader's language, field changes as "field: before → after", never a dump of keys and values."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask_babel import format_date, format_datetime, gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from tracker.admin.forms import ROLE_LABELS
from tracker.authoring.display import field_label, year_label
from tracker.fiscal import FiscalQuarter
from tracker.i18n import current_language, quarter_label

NONE = "–"

USER_FIELDS: Mapping[str, LazyString] = {
    "name": _l("Name"),
    "role": _l("Role"),
    "department": _l("Department"),
    "language": _l("Language"),
    "active": _l("Active"),
}
PERIOD_FIELDS: Mapping[str, LazyString] = {
    "opens_on": _l("Opens on"),
    "due_on": _l("Due on"),
    "locks_on": _l("Locks on"),
    "reopened_until": _l("Reopened until"),
}
LANGUAGES = {"en": "English", "fr": "Français"}
SCOPES: Mapping[str, LazyString] = {"read": _l("Read only"), "read_write": _l("Read and write")}
VIA: Mapping[str, LazyString] = {
    "import": _l("from a spreadsheet"),
    "api": _l("through the API"),
}
IMPORT_OUTCOMES: Mapping[str, LazyString] = {
    "created": _l("Draft created"),
    "updated": _l("Draft updated"),
    "unchanged": _l("Unchanged"),
    "skipped_submitted": _l("Skipped: already submitted"),
    "skipped_accepted": _l("Skipped: already accepted"),
}
PLAN_COUNTS: Mapping[str, LazyString] = {
    "departments": _l("Departments"),
    "areas": _l("Areas"),
    "actions": _l("Actions"),
    "milestones": _l("Milestones"),
}
EDITED = frozenset({"plan.edited", "area.edited", "action.edited", "milestone.edited"})


def year(value: Any) -> str:
    """A fiscal year recorded as its start year, as people write it."""
    return year_label(int(value)) if str(value).isdigit() else str(value)


def quoted(text: str) -> str:
    """A name people typed, in the language's quotation marks."""
    return f"«\u00a0{text}\u00a0»" if current_language() == "fr" else f"“{text}”"


def pair(label: str, value: str) -> str:
    """'label: value' with the language's colon."""
    return str(gettext("%(field)s: %(value)s", field=label, value=value))


def change(label: str, before: str, after: str) -> str:
    """'label: before → after' with the language's colon."""
    return str(
        gettext("%(field)s: %(before)s → %(after)s", field=label, before=before, after=after)
    )


def _quarter(text: Any) -> str:
    try:
        return quarter_label(FiscalQuarter.parse(str(text)))
    except ValueError:
        return str(text)


def _day(text: Any) -> str:
    if not text:
        return NONE
    try:
        return str(format_date(date.fromisoformat(str(text)), "medium"))
    except ValueError:
        return str(text)


def _moment(text: Any) -> str:
    try:
        return str(format_datetime(datetime.fromisoformat(str(text)), "medium"))
    except ValueError:
        return str(text)


def values(kind: str, detail: Mapping[str, Any]) -> dict[str, str]:
    """The named places a kind fills from its detail (reason, from, to, year, file ...)."""
    found: dict[str, str] = {}
    text_keys = {"reason": "reason", "path": "path", "subject": "subject", "to": "to"}
    for key, place in text_keys.items():
        if isinstance(detail.get(key), str):
            found[place] = detail[key]
    if kind in ("action.target_moved", "action.rebaselined"):
        found |= {"from": _quarter(detail.get("from")), "to": _quarter(detail.get("to"))}
    elif kind in ("milestone.due_moved", "milestone.rebaselined"):
        found |= {"from": _day(detail.get("from")), "to": _day(detail.get("to"))}
    elif kind == "mail.logged" and isinstance(detail.get("to"), list):
        found["to"] = ", ".join(str(a) for a in detail["to"])
    if "fiscal_year" in detail:
        found["year"] = year(detail["fiscal_year"])
    if "version" in detail:
        found["version"] = str(detail["version"])
    if detail.get("baseline_version") is not None:
        found["version"] = str(detail["baseline_version"])
    if "name" in detail:
        found["name"] = quoted(str(detail["name"]))
    if "scope" in detail:
        found["scope"] = str(SCOPES.get(str(detail["scope"]), detail["scope"]))
    if "expires_at" in detail:
        found["expires"] = _moment(detail["expires_at"])
    if "failures" in detail:
        found["failures"] = str(detail["failures"])
    if kind == "account.locked" and "until" in detail:
        found["until"] = _moment(detail["until"])
    if kind == "period.reopened" and isinstance(detail.get("after"), dict):
        found["until"] = _day(detail["after"].get("reopened_until"))
    if "role" in detail:
        role = ROLE_LABELS.get(detail["role"])
        found["role"] = str(role) if role is not None else str(detail["role"])
    if "via" in detail:
        found["via"] = str(VIA.get(str(detail["via"]), detail["via"]))
    for key in ("file", "filename"):
        if isinstance(detail.get(key), str):
            found["file"] = quoted(detail[key] or "?")
    if "recipients" in detail:
        found["recipients"] = str(detail["recipients"])
    quarter = detail.get("quarter", detail.get("period"))
    if isinstance(quarter, str):
        found["period"] = _quarter(quarter)
    if isinstance(detail.get("department"), str):
        found["department"] = detail["department"]
    return found


def variant(kind: str, detail: Mapping[str, Any]) -> str:
    """Which form of the kind's sentence fits (why a sign-in failed, which way a row moved)."""
    if kind == "login.failed":
        return str(detail.get("reason", ""))
    if kind.endswith(".moved") and isinstance(detail.get("step"), int):
        return "up" if detail["step"] < 0 else "down"
    if kind in ("update.saved", "update.submitted") and detail.get("via"):
        return "via"
    if kind == "updates.imported" and not detail.get("file"):
        return "api"
    if kind == "plan.imported" and detail.get("created"):
        return "created"
    if kind == "plan.review_closed" and detail.get("baseline_version") is not None:
        return "baseline"
    return ""


def gone(kind: str, detail: Mapping[str, Any]) -> dict[str, str]:
    """The named places of an object deleted since, from what the event recorded."""
    found: dict[str, str] = {}
    group = kind.split(".", 1)[0]
    if group in ("action", "milestone", "area") and detail.get("code"):
        found[group] = str(detail["code"])
    if group == "milestone" and detail.get("action"):
        found["action"] = str(detail["action"])
    if group == "update" and detail.get("action") and detail.get("period"):
        found["action"] = str(detail["action"])
        found["update"] = _quarter(detail["period"])
    return found


def _shown(key: str, value: Any) -> str:
    if value is None or value == "":
        return NONE
    if isinstance(value, bool):
        return str(gettext("yes") if value else gettext("no"))
    if key == "role":
        return str(ROLE_LABELS.get(value, value))
    if key == "language":
        return LANGUAGES.get(str(value), str(value))
    if key in PERIOD_FIELDS:
        return _day(value)
    return str(value)


def _before_after(labels: Mapping[str, LazyString], detail: Mapping[str, Any]) -> tuple[str, ...]:
    before, after = detail.get("before"), detail.get("after")
    if not isinstance(before, dict) or not isinstance(after, dict):
        return ()
    return tuple(
        change(str(label), _shown(key, before.get(key)), _shown(key, after.get(key)))
        for key, label in labels.items()
        if before.get(key) != after.get(key)
    )


def _counts(labels: Mapping[str, LazyString], counts: Any) -> tuple[str, ...]:
    if not isinstance(counts, dict):
        return ()
    return tuple(
        pair(str(labels.get(key, key)), str(n)) for key, n in counts.items() if key in labels
    )


def lines(kind: str, detail: Mapping[str, Any]) -> tuple[str, ...]:
    """What changed, one line per field, for the kinds that record it."""
    if kind == "user.updated":
        return _before_after(USER_FIELDS, detail)
    if kind.startswith("period."):
        return _before_after(PERIOD_FIELDS, detail)
    if kind in EDITED and isinstance(detail.get("fields"), list):
        names = ", ".join(field_label(str(f)) for f in detail["fields"])
        return (pair(gettext("Fields changed"), names),)
    if kind == "updates.imported":
        return _counts(IMPORT_OUTCOMES, detail.get("counts"))
    if kind == "plan.imported":
        return _counts(PLAN_COUNTS, detail.get("counts"))
    return ()


def generic_lines(detail: Mapping[str, Any]) -> tuple[str, ...]:
    """An unknown kind's detail as 'key: value' lines (nested values as compact JSON)."""
    shown = []
    for key, value in sorted(detail.items()):
        if isinstance(value, dict | list):
            text = json.dumps(value, ensure_ascii=False, default=str)
        else:
            text = _shown(str(key), value)
        shown.append(pair(str(key), text[:300]))
    return tuple(shown)
