"""JSON Schemas (OpenAPI 3.1) of the API's bodies; they mirror `tracker.api.serialize`.

Objects are closed (`additionalProperties: false`), so a test validating real responses against
them fails as soon as a field is added without being documented.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tracker.models import ActionStatus, PlanStatus, Role, WorkflowState
from tracker.services.calendar.periods import PeriodState
from tracker.vocab import MilestoneState, ScheduleFlag

Schema = dict[str, Any]

QUARTER_PATTERN = "^[0-9]{4}-Q[1-4]$"


def ref(name: str) -> Schema:
    """A reference to a schema in components."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """`schema` or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def obj(description: str, /, **properties: Schema) -> Schema:
    """A closed object whose properties are all required (absent values are null)."""
    return {
        "type": "object",
        "description": description,
        "additionalProperties": False,
        "required": sorted(properties),
        "properties": properties,
    }


def enum(values: type[StrEnum] | tuple[str, ...], description: str = "") -> Schema:
    """A string restricted to the values of a vocabulary."""
    names = [v.value for v in values] if isinstance(values, type) else list(values)
    return {
        "type": "string",
        "enum": names,
        **({"description": description} if description else {}),
    }


STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
NUMBER: Schema = {"type": "number"}
BOOLEAN: Schema = {"type": "boolean"}
DATE: Schema = {"type": "string", "format": "date"}
TIMESTAMP: Schema = {"type": "string", "format": "date-time"}
QUARTER: Schema = {"type": "string", "pattern": QUARTER_PATTERN, "examples": ["2025-Q3"]}
PERCENT: Schema = {"type": "integer", "minimum": 0, "maximum": 100}
URL: Schema = {"type": "string", "format": "uri-reference"}
VERSION: Schema = {
    "type": "integer",
    "description": "The version to send with a change (re-planning): a stale one gets 409.",
}
FLAGS = (ScheduleFlag.BEHIND_EXPECTED, ScheduleFlag.MILESTONE_SLIPPED)
MILESTONE_STATES = (MilestoneState.DONE, MilestoneState.LATE, MilestoneState.UPCOMING)


def page_of(item: str, description: str, **extra: Schema) -> Schema:
    """A page of `item`s with its position and links."""
    return obj(
        description,
        items={"type": "array", "items": ref(item)},
        page={"type": "integer", "minimum": 1},
        per_page={"type": "integer", "minimum": 1, "maximum": 200},
        total={"type": "integer", "minimum": 0},
        pages={"type": "integer", "minimum": 0},
        next=nullable(URL),
        prev=nullable(URL),
        **extra,
    )


PLAN_FIELDS: dict[str, Schema] = {
    "slug": STRING,
    "title": ref("Bilingual"),
    "summary": ref("Bilingual"),
    "first_year": {
        "type": "integer",
        "description": "Calendar year in which the first fiscal year starts.",
    },
    "last_year": {
        "type": "integer",
        "description": "Calendar year in which the last fiscal year starts.",
    },
    "status": enum(PlanStatus),
    "url": URL,
}

ACTION_FIELDS: dict[str, Schema] = {
    "code": STRING,
    "title": ref("Bilingual"),
    "illustrative": BOOLEAN,
    "lead_department": nullable(
        {"type": "string", "description": "Acronym of the lead department."}
    ),
    "participants": {"type": "array", "items": STRING},
    # Null only in a draft plan, whose actions may wait for their lead, start and targets.
    "start_quarter": nullable(QUARTER),
    "baseline_target": nullable(QUARTER),
    "current_target": nullable(QUARTER),
    "slippage_quarters": {"type": "integer", "description": "Current minus baseline target."},
    "expected_percent": NUMBER,
    "schedule_variance": nullable(NUMBER),
    "flag": nullable(enum(FLAGS, "Why an 'on track' status is doubtful.")),
    "current": nullable(ref("CurrentStatus")),
    "milestone_counts": obj(
        "How many milestones there are, are done, are late, have slipped.",
        total=INTEGER,
        done=INTEGER,
        late=INTEGER,
        slipped=INTEGER,
    ),
    "url": URL,
}

SCHEMAS: dict[str, Schema] = {
    "Bilingual": obj("Text in English and French.", en=STRING, fr=STRING),
    "FieldError": obj("What is wrong with one parameter.", field=STRING, message=STRING),
    "Problem": {
        "type": "object",
        "description": "An error (RFC 9457). `errors` lists what is wrong with each parameter "
        "or body field; `current_version` is the version now stored, after a conflict.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": URL,
            "title": STRING,
            "status": INTEGER,
            "detail": STRING,
            "instance": URL,
            "errors": {"type": "array", "items": ref("FieldError")},
            "current_version": INTEGER,
        },
    },
    "Plan": obj("A plan without its content.", **PLAN_FIELDS),
    "PlanPage": page_of("Plan", "A page of plans."),
    "Headline": obj(
        "A plan's headline figures; averages cover actions that reported and are not cancelled.",
        actions=INTEGER,
        completed=INTEGER,
        on_track=INTEGER,
        at_risk_or_off_track=INTEGER,
        slipped={
            "type": "integer",
            "description": "Actions forecast past their baseline target: the forecast "
            "completion of the latest accepted update that gives one, else the current target, "
            "is after the baseline target (the dashboard's and the roadmap's count).",
        },
        not_reported=INTEGER,
        flagged=INTEGER,
        average_percent=nullable(NUMBER),
        average_expected_percent=nullable(NUMBER),
    ),
    "CurrentStatus": obj(
        "From the latest accepted update, else the latest submitted one.",
        status=enum(ActionStatus),
        percent_complete=PERCENT,
        period=QUARTER,
        state=enum((WorkflowState.ACCEPTED.value, WorkflowState.SUBMITTED.value)),
        department={"type": "string", "description": "Acronym of the reporting department."},
    ),
    "ActionSummary": obj("An action and where it stands.", **ACTION_FIELDS),
    "Area": obj(
        "A strategic area and its actions.",
        code=STRING,
        position=INTEGER,
        colour={"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
        name=ref("Bilingual"),
        goal=ref("Bilingual"),
        actions={"type": "array", "items": ref("ActionSummary")},
    ),
    "PlanDetail": obj(
        "A plan, its headline figures, its areas and actions.",
        **PLAN_FIELDS,
        as_of=DATE,
        headline=ref("Headline"),
        areas={"type": "array", "items": ref("Area")},
    ),
    "Milestone": obj(
        "A milestone: the plan's dates and the latest accepted forecast.",
        code=STRING,
        title=ref("Bilingual"),
        baseline_due=DATE,
        forecast_on=nullable(DATE),
        completed_on=nullable(DATE),
        slippage_days=nullable(INTEGER),
        state=enum(MILESTONE_STATES),
        version=VERSION,
    ),
    "ActionDetail": obj(
        "An action with its description and milestones.",
        **ACTION_FIELDS,
        plan=STRING,
        area=STRING,
        description=ref("Bilingual"),
        as_of=DATE,
        expected_percent_by_milestones=nullable(NUMBER),
        milestones={"type": "array", "items": ref("Milestone")},
        version=VERSION,
    ),
    "Period": obj(
        "A reporting period (one fiscal quarter) and its state today.",
        quarter=QUARTER,
        label=ref("Bilingual"),
        starts_on=DATE,
        ends_on=DATE,
        opens_on=DATE,
        due_on=DATE,
        locks_on=DATE,
        reopened_until=nullable(DATE),
        state=enum(PeriodState),
        current={"type": "boolean", "description": "The period departments report on today."},
    ),
    "PeriodPage": page_of("Period", "A page of reporting periods.", current=nullable(QUARTER)),
    "MilestoneForecast": obj(
        "An update's forecast or completion date for one milestone.",
        code=STRING,
        forecast_on=nullable(DATE),
        completed_on=nullable(DATE),
    ),
    "Update": obj(
        "One department's quarterly progress update on one action.",
        id=INTEGER,
        action=STRING,
        action_url=URL,
        department=STRING,
        period=QUARTER,
        state=enum(WorkflowState),
        status=enum(ActionStatus),
        percent_complete=nullable(PERCENT),
        forecast_completion=nullable(QUARTER),
        accomplishments=STRING,
        risks=STRING,
        next_steps=STRING,
        decrease_reason=STRING,
        review_comment=STRING,
        milestones={"type": "array", "items": ref("MilestoneForecast")},
        version=INTEGER,
        created_at=TIMESTAMP,
        updated_at=TIMESTAMP,
        submitted_at=nullable(TIMESTAMP),
        reviewed_at=nullable(TIMESTAMP),
    ),
    "UpdatePage": page_of("Update", "A page of progress updates.", plan=STRING, period=QUARTER),
    "Department": obj("A department.", acronym=STRING, name=ref("Bilingual")),
    "Me": obj(
        "The signed-in user and the token in use.",
        id=INTEGER,
        email={"type": "string", "format": "email"},
        name=STRING,
        role=enum(Role),
        language=enum(("en", "fr")),
        department=nullable(ref("Department")),
        token=nullable(
            obj(
                "The token in use.",
                name=STRING,
                created_at=TIMESTAMP,
                expires_at=nullable(TIMESTAMP),
            )
        ),
    ),
}
