"""The bodies of the API's plan history and re-planning: a plan's baseline versions, its change
log, and the requests and answers that move a target or a due date. Pydantic models, as in
`tracker.api.bodies`: requests are validated with them and the OpenAPI document shows their
JSON Schemas. Answers are built with them too, so a field cannot be sent undocumented.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from tracker.api.bodies import NO_NUL, Closed, Quarter
from tracker.api.read_bodies import Page
from tracker.vocab import ChangeKind

Version = Annotated[
    int, Field(ge=0, le=2**31 - 1, description="The version as read; a stale one gets 409.")
]
Reason = Annotated[
    str,
    Field(
        min_length=1,
        max_length=2000,
        pattern=NO_NUL,
        description="Why it moves; kept in the plan's change log with who and when.",
    ),
]


class TargetMove(Closed):
    """Move an action's current target quarter (its baseline stays), with a reason."""

    target: Quarter
    reason: Reason
    version: Version


class DueMove(Closed):
    """Move a milestone's current due date (its baseline stays), with a reason."""

    due: date
    reason: Reason
    version: Version


class ActionTargets(Closed):
    """An action's schedule as re-planned, and the version to send with its next change."""

    plan: str
    code: str
    start_quarter: Quarter | None
    baseline_target: Quarter | None
    current_target: Quarter | None
    version: int
    url: str


class MilestoneDue(Closed):
    """A milestone's due dates as re-planned, and the version to send with its next change."""

    plan: str
    action: str
    code: str
    baseline_due: date
    due_on: date = Field(description="The current due date: as re-planned, else the baseline.")
    version: int


class BaselineTargetItem(Closed):
    """An action's baseline target in one version (null: not set yet, in a draft)."""

    action: str
    target: Quarter | None


class BaselineDueItem(Closed):
    """A milestone's baseline due date in one version."""

    action: str
    milestone: str
    due: date


class BaselineVersionItem(Closed):
    """One set of baselines: 0 is the original, then one per yearly review that re-baselined.
    An action or milestone added after a version keeps its own baseline in it."""

    number: int = Field(ge=0)
    made_at: datetime = Field(description="When the version came into force.")
    review_fiscal_year: int | None = Field(
        description="The fiscal year of the review that made it (2017 for 2017-18); null for "
        "the original."
    )
    targets: list[BaselineTargetItem]
    due_dates: list[BaselineDueItem]


class BaselineVersions(Closed):
    """A plan's baseline versions, oldest first."""

    plan: str
    versions: list[BaselineVersionItem]


class Change(Closed):
    """One change to a plan: what, from what to what, who, when and why."""

    id: int
    at: datetime
    fiscal_year: int = Field(description="The fiscal year the change was made in.")
    kind: ChangeKind
    action: str | None
    milestone: str | None
    field: str | None
    old_value: str = Field(description="Quarters and dates in ISO form; empty: none.")
    new_value: str
    reason: str
    by: str | None = Field(description="Who made it; null for the command line.")


class ChangePage(Page):
    """A page of a plan's change log, newest first."""

    items: list[Change]
    plan: str
