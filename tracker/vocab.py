"""The fixed vocabularies (roles, statuses, workflow states, schedule flags) and their names.

A value type module: it sits below the models and imports nothing from the application. Each
vocabulary has one mapping to its translated label, so every page, report and export says the
same words; the values of the label mappings are lazy strings, translated when shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString


class Role(StrEnum):
    ADMIN = "admin"
    PLANNER = "planner"
    DEPARTMENT = "department"
    OVERSIGHT = "oversight"


class PlanStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class ChangeKind(StrEnum):
    """What a row of a plan's change log records."""

    CREATED = "created"
    FIELD_CHANGED = "field_changed"
    STATUS_CHANGED = "status_changed"
    AREA_ADDED = "area_added"
    AREA_DELETED = "area_deleted"
    ACTION_ADDED = "action_added"
    ACTION_MOVED = "action_moved"
    ACTION_RETIRED = "action_retired"
    ACTION_DELETED = "action_deleted"
    TARGET_MOVED = "target_moved"
    MILESTONE_ADDED = "milestone_added"
    MILESTONE_RETIRED = "milestone_retired"
    MILESTONE_DELETED = "milestone_deleted"
    DUE_MOVED = "due_moved"
    PARTICIPANTS_CHANGED = "participants_changed"
    LEAD_CHANGED = "lead_changed"
    REORDERED = "reordered"
    REVIEW_OPENED = "review_opened"
    REBASELINED = "rebaselined"
    REVIEW_CLOSED = "review_closed"


class ReviewState(StrEnum):
    """Where a plan's yearly review stands."""

    OPEN = "open"
    CLOSED = "closed"


class ActionStatus(StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    COMPLETED = "completed"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"


class WorkflowState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class JobOutcome(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ScheduleFlag(StrEnum):
    """Why an "on track" status is doubtful (see `figures.progress.status_flag`)."""

    BEHIND_EXPECTED = "behind_expected"
    MILESTONE_SLIPPED = "milestone_slipped"


class MilestoneState(StrEnum):
    DONE = "done"
    LATE = "late"
    UPCOMING = "upcoming"


STATUS_LABELS: Mapping[str, str] = {
    ActionStatus.NOT_STARTED: _l("Not started"),
    ActionStatus.ON_TRACK: _l("On track"),
    ActionStatus.AT_RISK: _l("At risk"),
    ActionStatus.OFF_TRACK: _l("Off track"),
    ActionStatus.COMPLETED: _l("Completed"),
    ActionStatus.ON_HOLD: _l("On hold"),
    ActionStatus.CANCELLED: _l("Cancelled"),
}

STATE_LABELS: Mapping[str, str] = {
    WorkflowState.DRAFT: _l("Draft"),
    WorkflowState.SUBMITTED: _l("Submitted"),
    WorkflowState.ACCEPTED: _l("Accepted"),
    WorkflowState.RETURNED: _l("Returned"),
}

PLAN_STATUS_LABELS: Mapping[str, str] = {
    PlanStatus.DRAFT: _l("Draft"),
    PlanStatus.ACTIVE: _l("Active"),
    PlanStatus.ARCHIVED: _l("Archived"),
}

CHANGE_LABELS: Mapping[str, str] = {
    ChangeKind.CREATED: _l("Plan created"),
    ChangeKind.FIELD_CHANGED: _l("Field changed"),
    ChangeKind.STATUS_CHANGED: _l("Status changed"),
    ChangeKind.AREA_ADDED: _l("Area added"),
    ChangeKind.AREA_DELETED: _l("Area deleted"),
    ChangeKind.ACTION_ADDED: _l("Action added"),
    ChangeKind.ACTION_MOVED: _l("Action moved to another area"),
    ChangeKind.ACTION_RETIRED: _l("Action retired"),
    ChangeKind.ACTION_DELETED: _l("Action deleted"),
    ChangeKind.TARGET_MOVED: _l("Target moved"),
    ChangeKind.MILESTONE_ADDED: _l("Milestone added"),
    ChangeKind.MILESTONE_RETIRED: _l("Milestone retired"),
    ChangeKind.MILESTONE_DELETED: _l("Milestone deleted"),
    ChangeKind.DUE_MOVED: _l("Due date moved"),
    ChangeKind.PARTICIPANTS_CHANGED: _l("Participants changed"),
    ChangeKind.LEAD_CHANGED: _l("Lead department changed"),
    ChangeKind.REORDERED: _l("Order changed"),
    ChangeKind.REVIEW_OPENED: _l("Yearly review opened"),
    ChangeKind.REBASELINED: _l("Re-baselined"),
    ChangeKind.REVIEW_CLOSED: _l("Yearly review closed"),
}

FLAG_LABELS: Mapping[str, str] = {
    ScheduleFlag.BEHIND_EXPECTED: _l("Behind the expected percent"),
    ScheduleFlag.MILESTONE_SLIPPED: _l("A milestone has slipped"),
}

MILESTONE_STATE_LABELS: Mapping[str, str] = {
    MilestoneState.DONE: _l("Done"),
    MilestoneState.LATE: _l("Late"),
    MilestoneState.UPCOMING: _l("Upcoming"),
}


def _label(mapping: Mapping[str, str], value: str | StrEnum | None) -> str:
    """The translated label of `value`, or the raw value when it is unknown."""
    if value is None:
        return ""
    return str(mapping.get(str(value), str(value)))


def status_label(value: str | None) -> str:
    """Label of an ActionStatus value, e.g. 'on_track' -> 'On track'."""
    return _label(STATUS_LABELS, value)


def state_label(value: str | None) -> str:
    """Label of a WorkflowState value."""
    return _label(STATE_LABELS, value)


def plan_status_label(value: str | None) -> str:
    """Label of a PlanStatus value."""
    return _label(PLAN_STATUS_LABELS, value)


def change_label(value: str | None) -> str:
    """Label of a ChangeKind value."""
    return _label(CHANGE_LABELS, value)


def flag_label(value: str | None) -> str:
    """Label of a ScheduleFlag value."""
    return _label(FLAG_LABELS, value)


def milestone_state_label(value: str | None) -> str:
    """Label of a MilestoneState value (done, late, upcoming)."""
    return _label(MILESTONE_STATE_LABELS, value)


# Who acted when no account did: the labels the services record for themselves (audit events'
# actor, a report's "generated by").
SYSTEM_ACTORS: Mapping[str, LazyString] = {
    "cli": _l("The command line"),
    "scheduler": _l("The scheduler"),
    "demo": _l("The demo loader"),
}


def actor_label(label: str) -> str:
    """Who acted, as recorded without an account ("user:<e-mail>", "cli", "scheduler", ...):
    the e-mail, or the system in words; any other label as recorded."""
    label = label.removeprefix("user:")
    return str(SYSTEM_ACTORS[label]) if label in SYSTEM_ACTORS else label
