"""Start a plan from another: its structure (areas, actions, milestones, lead and participating
departments) copied into a new draft whose predecessor is the source. No progress, no reviews,
no change log come along. The copy goes through the plan-file import (schema and store), so it
obeys the same rules as a file; the plan as it stands now becomes the copy's baseline."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.db import prepare_write
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import ChangeKind, Plan, PlanStatus, User
from tracker.services.audit.events import add_event
from tracker.services.calendar import clock, periods
from tracker.services.errors import NotFound
from tracker.services.plans import changes
from tracker.services.plans.edits import FORM, Errors, PlanInvalid, commit, raise_if
from tracker.services.plans.schema import SLUG_RE, existing_departments, parse_plan_document
from tracker.services.plans.store import load_plan, plan_document, write_plan


@dataclass(frozen=True)
class PlanCopy:
    """The new plan a planner starts from another."""

    slug: str
    title_en: str
    title_fr: str
    first_year: int
    last_year: int
    shift_years: int = 0  # every quarter and date moves by this many years


def copy_plan(source_slug: str, new: PlanCopy, actor: User) -> Plan:
    """Copy the structure of plan `source_slug` into a new draft plan, and commit."""
    prepare_write()
    source = load_plan(source_slug)
    if source is None:
        raise NotFound()
    errors: Errors = {}
    if not SLUG_RE.fullmatch(new.slug) or len(new.slug) > 80:
        errors["slug"] = [_("Use lowercase letters, digits and hyphens, e.g. it-plan-2026.")]
    elif db.session.scalar(select(Plan.id).where(Plan.slug == new.slug)) is not None:
        errors["slug"] = [_("Another plan already uses this short name.")]
    raise_if(errors)
    document = copied_document(plan_document(source), new)
    spec, problems = parse_plan_document(
        document, existing_departments(), periods.start_month(), clock.today()
    )
    if spec is None:
        raise PlanInvalid({FORM: problems})
    write_plan(spec, actor)
    plan = db.session.scalars(select(Plan).where(Plan.slug == new.slug)).one()
    changes.record(
        plan, ChangeKind.CREATED, actor, new=f"{plan.title_en} (copied from {source_slug})"
    )
    add_event("plan.copied", actor=actor, obj=plan, detail={"from": source_slug})
    commit()
    return plan


def copied_document(source: dict[str, Any], new: PlanCopy) -> dict[str, Any]:
    """The source plan's document made into the new draft's: live actions and milestones
    only, each as planned now (current targets and due dates become the baselines), with no
    completion, retirement or late joining, moved by `shift_years`."""
    document = copy.deepcopy(source)
    document["plan"] |= {
        "slug": new.slug,
        "title": {"en": new.title_en, "fr": new.title_fr},
        "first_year": new.first_year,
        "last_year": new.last_year,
        "status": PlanStatus.DRAFT.value,
        "predecessor": source["plan"]["slug"],
    }
    for area in document["areas"]:
        area["actions"] = [_action(a, new.shift_years) for a in area["actions"] if not a["retired"]]
    return document


def _action(action: dict[str, Any], years: int) -> dict[str, Any]:
    target = _quarter(action["target"], years)  # None when not set (a draft's action)
    return action | {
        "participants": [
            p["department"] if isinstance(p, dict) else p for p in action["participants"]
        ],
        "start": _quarter(action["start"], years),
        "baseline_target": target,
        "target": target,
        "retired": None,
        "milestones": [
            m
            | {
                "baseline_due": _day(m["current_due"] or m["baseline_due"], years),
                "current_due": None,
                "completed": None,
                "retired": None,
            }
            for m in action["milestones"]
            if not m["retired"]
        ],
    }


def _quarter(text: str | None, years: int) -> str | None:
    if text is None:
        return None
    quarter = FiscalQuarter.parse(text)
    return str(FiscalQuarter(quarter.year + years, quarter.quarter))


def _day(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)
