"""Translated display labels for the fixed vocabularies, and the Jinja filters that show them.

One mapping per vocabulary so that every page, report and export says the same words.
Templates use `status|status_label`, `update.state|state_label`, `plan.status|plan_status_label`
and `flag|flag_label`; Python code can index the dicts directly (values are lazy strings).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from flask import Flask
from flask_babel import lazy_gettext as _l

from tracker.models.types import ActionStatus, PlanStatus, WorkflowState
from tracker.services import progress

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

# Codes returned by tracker.services.progress.status_flag; shown beside an "On track" status.
FLAG_LABELS: Mapping[str, str] = {
    progress.FLAG_BEHIND_EXPECTED: _l("Behind the expected percent"),
    progress.FLAG_MILESTONE_SLIPPED: _l("A milestone has slipped"),
}

MILESTONE_STATE_LABELS: Mapping[str, str] = {
    progress.MILESTONE_DONE: _l("Done"),
    progress.MILESTONE_LATE: _l("Late"),
    progress.MILESTONE_UPCOMING: _l("Upcoming"),
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


def flag_label(value: str | None) -> str:
    """Label of a schedule flag code from the progress service."""
    return _label(FLAG_LABELS, value)


def milestone_state_label(value: str | None) -> str:
    """Label of a milestone state (done, late, upcoming)."""
    return _label(MILESTONE_STATE_LABELS, value)


def init_app(app: Flask) -> None:
    """Register the label filters with Jinja."""
    app.jinja_env.filters["status_label"] = status_label
    app.jinja_env.filters["state_label"] = state_label
    app.jinja_env.filters["plan_status_label"] = plan_status_label
    app.jinja_env.filters["flag_label"] = flag_label
    app.jinja_env.filters["milestone_state_label"] = milestone_state_label
