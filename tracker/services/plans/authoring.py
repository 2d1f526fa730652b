"""Creating a plan, editing its own fields, and its lifecycle: draft -> active -> archived.

A new plan is a draft: only planners and admins see it, and no department owes anything on it
until it is activated. Activation lists every problem that stands in its way; an archived plan
stays readable and reportable but can no longer be changed.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.db import prepare_write
from tracker.extensions import db
from tracker.models import ChangeKind, Plan, PlanStatus, User
from tracker.models.plan import DEFAULT_LEVEL_NAMES
from tracker.services.audit.events import add_event
from tracker.services.calendar import periods
from tracker.services.plans import changes
from tracker.services.plans.edits import (
    FORM,
    Errors,
    PlanInvalid,
    bilingual,
    check_version,
    commit,
    raise_if,
    writable_plan,
)
from tracker.services.plans.readiness import activation_problems

SLUG_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
URL_RE = re.compile(r"https?://[^\s]+")
FIRST_YEAR, LAST_YEAR = 1900, 2200
MAX_YEARS = 20


@dataclass(frozen=True)
class PlanFields:
    """A plan's own fields as a planner edits them (texts stripped, years as numbers)."""

    title_en: str
    title_fr: str
    first_year: int
    last_year: int
    summary_en: str = ""
    summary_fr: str = ""
    owner_en: str = ""
    owner_fr: str = ""
    source_url: str = ""
    predecessor_slug: str = ""
    area_label_en: str = DEFAULT_LEVEL_NAMES["area_label_en"]
    area_label_fr: str = DEFAULT_LEVEL_NAMES["area_label_fr"]
    action_label_en: str = DEFAULT_LEVEL_NAMES["action_label_en"]
    action_label_fr: str = DEFAULT_LEVEL_NAMES["action_label_fr"]


def _check_fields(fields: PlanFields, plan: Plan | None) -> tuple[Errors, Plan | None]:
    """Field errors, and the predecessor plan the fields name."""
    errors: Errors = {}
    bilingual(errors, "title", fields.title_en, fields.title_fr)
    for level in ("area_label", "action_label"):
        bilingual(errors, level, getattr(fields, f"{level}_en"), getattr(fields, f"{level}_fr"))
    if not FIRST_YEAR <= fields.first_year <= LAST_YEAR:
        errors["first_year"] = [
            _("Enter a year between %(a)s and %(b)s.", a=FIRST_YEAR, b=LAST_YEAR)
        ]
    if fields.last_year < fields.first_year:
        errors["last_year"] = [_("The last fiscal year cannot come before the first.")]
    elif fields.last_year - fields.first_year >= MAX_YEARS:
        errors["last_year"] = [_("A plan spans at most %(n)s fiscal years.", n=MAX_YEARS)]
    if fields.source_url and not URL_RE.fullmatch(fields.source_url):
        errors["source_url"] = [_("Enter a web address starting with https:// or http://.")]
    predecessor = None
    if fields.predecessor_slug:
        predecessor = db.session.scalar(select(Plan).where(Plan.slug == fields.predecessor_slug))
        if predecessor is None or (plan is not None and predecessor.id == plan.id):
            errors["predecessor_slug"] = [_("Choose another plan from the list.")]
    return errors, predecessor


def _values(fields: PlanFields, predecessor: Plan | None) -> dict[str, object]:
    values: dict[str, object] = {k: v for k, v in asdict(fields).items() if k != "predecessor_slug"}
    values["predecessor_id"] = predecessor.id if predecessor else None
    return values


def create_plan(slug: str, fields: PlanFields, actor: User) -> Plan:
    """A new draft plan, its reporting periods, and the first row of its change log."""
    prepare_write()
    errors, predecessor = _check_fields(fields, None)
    if not SLUG_RE.fullmatch(slug) or len(slug) > 80:
        errors["slug"] = [_("Use lowercase letters, digits and hyphens, e.g. it-plan-2026.")]
    elif db.session.scalar(select(Plan.id).where(Plan.slug == slug)) is not None:
        errors["slug"] = [_("Another plan already uses this short name.")]
    raise_if(errors)
    plan = Plan(slug=slug, status=PlanStatus.DRAFT.value, **_values(fields, predecessor))
    db.session.add(plan)
    db.session.flush()
    periods.ensure_periods(plan.first_year, plan.last_year)
    changes.record(plan, ChangeKind.CREATED, actor, new=plan.title_en or plan.title_fr)
    add_event("plan.created", actor=actor, obj=plan, detail={"slug": slug})
    commit()
    return plan


def edit_plan(slug: str, fields: PlanFields, version: int, actor: User) -> Plan:
    """Save the plan's own fields (StaleEdit when edited from an older version)."""
    plan = writable_plan(slug)
    check_version(plan, version)
    errors, predecessor = _check_fields(fields, plan)
    if plan.status != PlanStatus.DRAFT.value and (
        fields.first_year > plan.first_year or fields.last_year < plan.last_year
    ):
        errors.setdefault("first_year", []).append(
            _("An active plan's years can be extended, not shortened.")
        )
    raise_if(errors)
    changed = changes.record_fields(plan, plan, _values(fields, predecessor), actor)
    if changed:
        periods.ensure_periods(plan.first_year, plan.last_year)
        add_event("plan.edited", actor=actor, obj=plan, detail={"fields": changed})
    commit(plan)
    return plan


def _set_status(plan: Plan, status: PlanStatus, actor: User) -> None:
    changes.record(
        plan, ChangeKind.STATUS_CHANGED, actor, field="status", old=plan.status, new=status.value
    )
    add_event(f"plan.{status.value}", actor=actor, obj=plan, detail={"from": plan.status})
    plan.status = status.value


def activate_plan(slug: str, version: int, actor: User) -> Plan:
    """Draft -> active: refused with every problem listed while the plan is not ready."""
    plan = writable_plan(slug)
    check_version(plan, version)
    if plan.status != PlanStatus.DRAFT.value:
        raise PlanInvalid.one(FORM, _("Only a draft plan can be activated."))
    problems = activation_problems(plan)
    if problems:
        raise PlanInvalid({FORM: problems})
    _set_status(plan, PlanStatus.ACTIVE, actor)
    commit(plan)
    return plan


def archive_plan(slug: str, version: int, actor: User) -> Plan:
    """Active -> archived: the plan stays readable and reportable, and is no longer changed."""
    plan = writable_plan(slug)
    check_version(plan, version)
    if plan.status != PlanStatus.ACTIVE.value:
        raise PlanInvalid.one(FORM, _("Only an active plan can be archived."))
    _set_status(plan, PlanStatus.ARCHIVED, actor)
    commit(plan)
    return plan


def other_plans(slug: str | None) -> list[Plan]:
    """The plans a plan may name as its predecessor, newest first."""
    stmt = select(Plan).order_by(Plan.first_year.desc(), Plan.slug)
    if slug:
        stmt = stmt.where(Plan.slug != slug)
    return list(db.session.scalars(stmt))
