"""The kinds of audit events by their names for people, in groups, and the kinds of objects.

The codes are what the services record (`add_event("update.submitted", ...)`); a test reads the
source and proves every code recorded anywhere is listed here, so the trail never shows a code.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

KIND_GROUPS: tuple[tuple[LazyString, Mapping[str, LazyString]], ...] = (
    (
        _l("Sign-in and accounts"),
        {
            "login.succeeded": _l("Signed in"),
            "login.failed": _l("Sign-in failed"),
            "logout": _l("Signed out"),
            "account.locked": _l("Sign-in paused"),
            "account.unlocked": _l("Sign-in pause lifted"),
            "password.changed": _l("Password changed"),
            "password.reset": _l("Password set by an administrator"),
            "user.created": _l("Account created"),
            "user.updated": _l("Account changed"),
            "api_token.created": _l("API token created"),
            "api_token.revoked": _l("API token revoked"),
        },
    ),
    (
        _l("Refused access"),
        {
            "access.denied": _l("Access refused"),
            "access.not_found": _l("Access refused as not found"),
        },
    ),
    (
        _l("Progress updates"),
        {
            "update.saved": _l("Update saved as a draft"),
            "update.submitted": _l("Update submitted"),
            "update.accepted": _l("Update accepted"),
            "update.returned": _l("Update returned"),
            "updates.imported": _l("Updates imported from a spreadsheet"),
            "updates.import_refused": _l("Spreadsheet refused"),
        },
    ),
    (
        _l("Plans"),
        {
            "plan.created": _l("Plan created"),
            "plan.edited": _l("Plan edited"),
            "plan.active": _l("Plan activated"),
            "plan.archived": _l("Plan archived"),
            "plan.draft": _l("Plan returned to draft"),
            "plan.copied": _l("Plan copied"),
            "plan.imported": _l("Plan file imported"),
            "plan.review_opened": _l("Yearly review opened"),
            "plan.review_closed": _l("Yearly review closed"),
            "area.added": _l("Area added"),
            "area.edited": _l("Area edited"),
            "area.moved": _l("Area reordered"),
            "area.deleted": _l("Area deleted"),
            "action.added": _l("Action added"),
            "action.edited": _l("Action edited"),
            "action.moved": _l("Action reordered"),
            "action.retired": _l("Action retired"),
            "action.deleted": _l("Action deleted"),
            "action.target_moved": _l("Target moved"),
            "action.rebaselined": _l("Target re-baselined"),
            "milestone.added": _l("Milestone added"),
            "milestone.edited": _l("Milestone edited"),
            "milestone.moved": _l("Milestone reordered"),
            "milestone.retired": _l("Milestone retired"),
            "milestone.deleted": _l("Milestone deleted"),
            "milestone.due_moved": _l("Due date moved"),
            "milestone.rebaselined": _l("Due date re-baselined"),
        },
    ),
    (
        _l("Reporting calendar and reports"),
        {
            "period.dates_changed": _l("Quarter dates changed"),
            "period.reopened": _l("Quarter reopened"),
            "period.closed": _l("Quarter locked again"),
            "report.generate": _l("Yearly report generated"),
            "reminder.sent": _l("Late department reminded"),
            "mail.logged": _l("E-mail kept, not sent"),
            "demo.seeded": _l("Demo data loaded"),
        },
    ),
)

KIND_LABELS: Mapping[str, LazyString] = {
    code: label for _, kinds in KIND_GROUPS for code, label in kinds.items()
}

OBJECT_TYPE_LABELS: Mapping[str, LazyString] = {
    "Plan": _l("Plan"),
    "StrategicArea": _l("Area"),
    "Action": _l("Action"),
    "Milestone": _l("Milestone"),
    "ProgressUpdate": _l("Progress update"),
    "ReportingPeriod": _l("Reporting quarter"),
    "AnnualReport": _l("Yearly report"),
    "User": _l("User account"),
    "Department": _l("Department"),
    "ApiToken": _l("API token"),
}


def kind_label(code: str) -> str:
    """The kind's name for people; a kind not listed shows its code (never an error)."""
    label = KIND_LABELS.get(code)
    return str(label) if label is not None else code


def object_type_label(name: str) -> str:
    """An object type's name for people ('' for none); an unknown model shows its name."""
    label = OBJECT_TYPE_LABELS.get(name)
    return str(label) if label is not None else name
