"""Whether a plan is ready: what stops its activation, and which texts are still to translate."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from tracker.fiscal import FiscalQuarter
from tracker.models import Action, Plan
from tracker.services.calendar.periods import start_month

# The bilingual texts of each kind of item, by field name.
TEXTS = {
    "plan": ("title", "summary", "owner", "area_label", "action_label"),
    "area": ("name", "goal"),
    "action": ("title", "description"),
    "milestone": ("title",),
}


@dataclass(frozen=True)
class Gap:
    """A text given in one language only: `language` is the one still missing."""

    kind: str  # plan, area, action or milestone
    code: str  # the area's, action's or milestone's code ('' for the plan)
    action_code: str  # the action whose page edits it ('' for the plan and areas)
    field: str
    language: str


def _gaps(obj: object, kind: str, code: str = "", action_code: str = "") -> list[Gap]:
    found = []
    for name in TEXTS[kind]:
        en, fr = getattr(obj, f"{name}_en").strip(), getattr(obj, f"{name}_fr").strip()
        if bool(en) != bool(fr):
            found.append(Gap(kind, code, action_code, name, "fr" if en else "en"))
    return found


def translation_gaps(plan: Plan) -> list[Gap]:
    """Every text of the plan (areas, actions, milestones) given in one language only."""
    gaps = _gaps(plan, "plan")
    for area in plan.areas:
        gaps += _gaps(area, "area", area.code)
        for action in area.actions:
            gaps += _gaps(action, "action", action.code, action.code)
            for milestone in action.milestones:
                gaps += _gaps(milestone, "milestone", milestone.code, action.code)
    return gaps


def _unset(action: Action) -> list[str]:
    """What a draft's action still lacks of its lead, start and baseline target."""
    found = []
    if action.lead_department_id is None:
        found.append(_("Action %(code)s has no lead department yet.", code=action.code))
    if action.start_quarter is None:
        found.append(_("Action %(code)s has no start quarter yet.", code=action.code))
    if action.baseline_target is None or action.current_target is None:
        found.append(_("Action %(code)s has no baseline target yet.", code=action.code))
    return found


def activation_problems(plan: Plan) -> list[str]:
    """Every reason the plan cannot be activated yet (empty when it can)."""
    first, last = FiscalQuarter(plan.first_year, 1), FiscalQuarter(plan.last_year, 4)
    month = start_month()
    starts_on, ends_on = first.start_date(month), last.end_date(month)
    problems = [] if plan.areas else [_("The plan has no areas yet.")]
    for area in plan.areas:
        actions = [a for a in area.actions if not a.retired]
        if not actions:
            problems.append(_("Area %(code)s has no actions.", code=area.code))
        for action in actions:
            problems += _unset(action)
            if action.start_quarter is not None and action.start_quarter < first:
                problems.append(
                    _(
                        "Action %(code)s starts before the plan's first fiscal year.",
                        code=action.code,
                    )
                )
            if action.baseline_target is not None and action.baseline_target > last:
                problems.append(
                    _(
                        "Action %(code)s has a target after the plan's last fiscal year.",
                        code=action.code,
                    )
                )
            for milestone in action.milestones:
                if not milestone.retired and not starts_on <= milestone.baseline_due <= ends_on:
                    problems.append(
                        _(
                            "Milestone %(code)s is due outside the plan's years.",
                            code=action.code + "/" + milestone.code,
                        )
                    )
    return problems
