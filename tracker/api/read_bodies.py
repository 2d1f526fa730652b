"""The answers of the API's reads (a plan, its actions, progress updates, reporting periods, the
signed-in user) as pydantic models, as in `tracker.api.plan_bodies`: `tracker.api.serialize`
builds them from the services' rows, the views send their JSON, and the OpenAPI document shows
their JSON Schemas. Objects are closed (`extra="forbid"`) and every field is required (an
absent value is null), so a field cannot be sent undocumented.

Dates are ISO 8601, quarters are written "2025-Q3", bilingual text is {"en": ..., "fr": ...}.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, PlainSerializer

from tracker.api.bodies import Closed, Quarter
from tracker.models import ActionStatus, PlanStatus, Role, WorkflowState
from tracker.services.calendar.periods import PeriodState
from tracker.vocab import MilestoneState, ScheduleFlag

Url = Annotated[str, Field(json_schema_extra={"format": "uri-reference"})]
# A timestamp as `isoformat()` writes it: UTC as "+00:00", as the API always sent it.
Timestamp = Annotated[
    datetime, PlainSerializer(datetime.isoformat, return_type=str, when_used="json")
]
Percent = Annotated[int, Field(ge=0, le=100)]
Version = Annotated[
    int,
    Field(description="The version to send with a change (re-planning): a stale one gets 409."),
]
# The states of the update an action's current status comes from.
COUNTED = (WorkflowState.ACCEPTED, WorkflowState.SUBMITTED)
LANGUAGES = ("en", "fr")


class Bilingual(Closed):
    """Text in English and French."""

    en: str
    fr: str


class Page(Closed):
    """A page's position and links (its `items` are declared by each page)."""

    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=200)
    total: int = Field(ge=0)
    pages: int = Field(ge=0)
    next: Url | None
    prev: Url | None


class Plan(Closed):
    """A plan without its content."""

    slug: str
    title: Bilingual
    summary: Bilingual
    first_year: int = Field(description="Calendar year in which the first fiscal year starts.")
    last_year: int = Field(description="Calendar year in which the last fiscal year starts.")
    status: PlanStatus
    url: Url


class PlanPage(Page):
    """A page of plans."""

    items: list[Plan]


class Headline(Closed):
    """A plan's headline figures; averages cover actions that reported and are not cancelled."""

    actions: int
    completed: int
    on_track: int
    at_risk_or_off_track: int
    slipped: int = Field(
        description="Actions forecast past their baseline target: the forecast completion of "
        "the latest accepted update that gives one, else the current target, is after the "
        "baseline target (the dashboard's and the roadmap's count)."
    )
    not_reported: int
    flagged: int
    average_percent: float | None
    average_expected_percent: float | None


class CurrentStatus(Closed):
    """From the latest accepted update, else the latest submitted one."""

    status: ActionStatus
    percent_complete: Percent
    period: Quarter
    state: WorkflowState = Field(json_schema_extra={"enum": [s.value for s in COUNTED]})
    department: str = Field(description="Acronym of the reporting department.")


class MilestoneCounts(Closed):
    """How many milestones there are, are done, are late, have slipped."""

    total: int
    done: int
    late: int
    slipped: int


class ActionSummary(Closed):
    """An action and where it stands."""

    code: str
    title: Bilingual
    illustrative: bool
    lead_department: str | None = Field(description="Acronym of the lead department.")
    participants: list[str]
    # Null only in a draft plan, whose actions may wait for their lead, start and targets.
    start_quarter: Quarter | None
    baseline_target: Quarter | None
    current_target: Quarter | None
    slippage_quarters: int = Field(description="Current minus baseline target.")
    expected_percent: float
    schedule_variance: float | None
    flag: ScheduleFlag | None = Field(description="Why an 'on track' status is doubtful.")
    current: CurrentStatus | None
    milestone_counts: MilestoneCounts
    url: Url


class Area(Closed):
    """A strategic area and its actions."""

    code: str
    position: int
    colour: str = Field(pattern="^#[0-9a-fA-F]{6}$")
    name: Bilingual
    goal: Bilingual
    actions: list[ActionSummary]


class PlanDetail(Plan):
    """A plan, its headline figures, its areas and actions."""

    as_of: date
    headline: Headline
    areas: list[Area]


class Milestone(Closed):
    """A milestone: the plan's dates and the latest accepted forecast."""

    code: str
    title: Bilingual
    baseline_due: date
    forecast_on: date | None
    completed_on: date | None
    slippage_days: int | None
    state: MilestoneState
    version: Version


class ActionDetail(ActionSummary):
    """An action with its description and milestones."""

    plan: str
    area: str
    description: Bilingual
    as_of: date
    expected_percent_by_milestones: float | None
    milestones: list[Milestone]
    version: Version


class Period(Closed):
    """A reporting period (one fiscal quarter) and its state today."""

    quarter: Quarter
    label: Bilingual
    starts_on: date
    ends_on: date
    opens_on: date
    due_on: date
    locks_on: date
    reopened_until: date | None
    state: PeriodState
    current: bool = Field(description="The period departments report on today.")


class PeriodPage(Page):
    """A page of reporting periods."""

    items: list[Period]
    current: Quarter | None


class MilestoneForecast(Closed):
    """An update's forecast or completion date for one milestone."""

    code: str
    forecast_on: date | None
    completed_on: date | None


class Update(Closed):
    """One department's quarterly progress update on one action."""

    id: int
    action: str
    action_url: Url
    department: str
    period: Quarter
    state: WorkflowState
    status: ActionStatus
    percent_complete: Percent | None
    forecast_completion: Quarter | None
    accomplishments: str
    risks: str
    next_steps: str
    decrease_reason: str
    review_comment: str
    milestones: list[MilestoneForecast]
    version: int
    created_at: Timestamp
    updated_at: Timestamp
    submitted_at: Timestamp | None
    reviewed_at: Timestamp | None


class UpdatePage(Page):
    """A page of progress updates."""

    items: list[Update]
    plan: str
    period: Quarter


class Department(Closed):
    """A department."""

    acronym: str
    name: Bilingual


class TokenInUse(Closed):
    """The token in use."""

    name: str
    created_at: Timestamp
    expires_at: Timestamp | None


class Me(Closed):
    """The signed-in user and the token in use."""

    id: int
    email: str = Field(json_schema_extra={"format": "email"})
    name: str
    role: Role
    language: str = Field(json_schema_extra={"enum": list(LANGUAGES)})
    department: Department | None
    token: TokenInUse | None
