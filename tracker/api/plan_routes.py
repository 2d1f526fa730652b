"""The JSON API's reads of a plan's history: its baseline versions and its change log.

The same access as the pages: anyone who may see the plan reads its baselines (the roadmap
shows them), and the change log is for planners, admins and oversight (`/plans/<slug>/changes`).
"""

from __future__ import annotations

from flask import jsonify
from werkzeug.wrappers import Response

from tracker.access import signed_in_user
from tracker.api.declare import operation, query_args
from tracker.api.params import PAGING
from tracker.api.plan_bodies import (
    BaselineDueItem,
    BaselineTargetItem,
    BaselineVersionItem,
    BaselineVersions,
    Change,
    ChangePage,
)
from tracker.api.routes import paged
from tracker.api.serialize import quarter
from tracker.models import ChangeKind, Plan, PlanChange, Role
from tracker.services.plans import baselines, changes, reads
from tracker.services.updates import listing

CHANGE_READERS = (Role.PLANNER, Role.ADMIN, Role.OVERSIGHT)


def _version(plan: Plan, table: baselines.VersionTable) -> BaselineVersionItem:
    actions = [a for area in plan.areas for a in area.actions]
    return BaselineVersionItem(
        number=table.number,
        made_at=table.made_at,
        review_fiscal_year=table.review_year,
        targets=[
            BaselineTargetItem(
                action=a.code,
                target=quarter(table.baselines.targets.get(a.id, a.baseline_target)),
            )
            for a in actions
        ],
        due_dates=[
            BaselineDueItem(
                action=a.code, milestone=m.code, due=table.baselines.due(m.id, m.baseline_due)
            )
            for a in actions
            for m in a.milestones
        ],
    )


@operation(
    "GET",
    "/plans/<slug>/baselines",
    "The plan's baseline versions (the original, then one per re-baselining yearly review), "
    "each with every action's baseline target and every milestone's baseline due date.",
    response=BaselineVersions,
    errors=(404,),
)
def baseline_versions(slug: str) -> Response:
    query_args().finish()
    listing.check_visible(slug, signed_in_user())
    plan = reads.get_plan(slug)
    found = BaselineVersions(
        plan=plan.slug, versions=[_version(plan, t) for t in baselines.version_tables(plan)]
    )
    return jsonify(found.model_dump(mode="json"))


def _change(row: PlanChange) -> Change:
    return Change(
        id=row.id,
        at=row.at,
        fiscal_year=row.fiscal_year,
        kind=ChangeKind(row.kind),
        action=row.action_code or None,
        milestone=row.milestone_code or None,
        field=row.field or None,
        old_value=row.old_value,
        new_value=row.new_value,
        reason=row.reason,
        by=row.user_label or None,
    )


@operation(
    "GET",
    "/plans/<slug>/changes",
    "The plan's change log, newest first: who changed what, from what to what, when and why.",
    response=ChangePage,
    query=("action", "fiscal_year", *PAGING),
    errors=(403, 404),
    paged=True,
    roles=CHANGE_READERS,
)
def change_log(slug: str) -> Response:
    args = query_args()
    chosen = changes.ChangeFilter(args.item_code("action") or "", args.year("fiscal_year"))
    paging = args.paging()
    args.finish()
    plan = reads.plan_row(slug)
    pagination = changes.change_pagination(plan.id, chosen, paging.page, paging.per_page)
    rows = [_change(c) for c in pagination.items]
    return paged(ChangePage, pagination, rows, plan=plan.slug)
