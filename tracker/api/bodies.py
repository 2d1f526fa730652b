"""The request bodies of the API's writes, and the body of the quarter's answer, as pydantic
models: `tracker.api.declare` validates requests with them and the OpenAPI document shows their
JSON Schemas. Objects are closed (`extra="forbid"`) and strict: a string is never a number.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tracker.models import ActionStatus
from tracker.services.updates.review import Decision
from tracker.services.updates.rules import TEXT_MAX

QUARTER_PATTERN = "^[0-9]{4}-Q[1-4]$"
# No NUL character in any text: PostgreSQL cannot store one, so it is refused here (422).
NO_NUL = r"^[^\x00]*$"
Quarter = Annotated[str, StringConstraints(pattern=QUARTER_PATTERN), Field(examples=["2026-Q1"])]
Text = Annotated[str, Field(max_length=TEXT_MAX, pattern=NO_NUL)]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=NO_NUL)]


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class MilestoneDates(Closed):
    """An update's forecast or completion date for one of the action's milestones."""

    code: Code
    forecast_on: date | None = None
    completed_on: date | None = None


class UpdateFields(Closed):
    """What a department reports on one action for one quarter."""

    status: ActionStatus
    percent_complete: Annotated[int, Field(ge=0, le=100)] | None = None
    forecast_completion: Quarter | None = Field(
        None, description="The quarter in which the action will be completed."
    )
    accomplishments: Text = ""
    risks: Text = ""
    next_steps: Text = ""
    decrease_reason: Text = Field("", description="Why the percent complete went down, if so.")
    milestones: list[MilestoneDates] = Field(
        default_factory=list,
        max_length=200,
        description="Dates by milestone code; a milestone left out has no dates.",
    )


class UpdateBody(UpdateFields):
    """A draft of the department's update, and the version it was read at."""

    version: int = Field(
        ge=0, le=2**31 - 1, description="The update's version as read; 0 when there is none yet."
    )


class SubmitBody(Closed):
    """Submit the stored draft for review, as read at `version`."""

    version: int = Field(ge=0, le=2**31 - 1)


class ReviewBody(Closed):
    """A planner's decision on a submitted update, as read at `version`."""

    decision: Decision
    version: int = Field(ge=0, le=2**31 - 1)
    comment: Text = Field("", description="Required to return an update.")


class QuarterItem(UpdateFields):
    """One action's update in a whole quarter; milestones left out keep their dates."""

    plan: Code
    action: Code


class QuarterBody(Closed):
    """Every action of a quarter the department reports on, or some of them."""

    items: list[QuarterItem] = Field(min_length=1, max_length=1000)


class ItemWarning(Closed):
    """A rule the draft does not meet yet: fix it before submitting."""

    field: str
    message: str


class ItemOutcome(Closed):
    """What happened to one item."""

    plan: str
    action: str
    outcome: str = Field(
        description="created, updated, unchanged, skipped_submitted or skipped_accepted."
    )
    update_id: int | None
    warnings: list[ItemWarning]


class QuarterResult(Closed):
    """The outcome of a whole quarter: every item written as a draft, or none."""

    period: Quarter
    department: str
    counts: dict[str, int]
    items: list[ItemOutcome]
