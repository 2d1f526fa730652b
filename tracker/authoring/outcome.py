"""How an authoring view runs a service: saved, refused with field messages, or stale.

A stale edit (someone saved the item since the planner opened it) is answered with the page
again, the planner's input still in the form, the fields that differ from the saved item listed,
and the form's version moved on: saving again replaces the other version on purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash
from flask_babel import gettext as _

from tracker.authoring.forms import VersionedForm
from tracker.extensions import db
from tracker.models import PlanChange
from tracker.services.plans import changes
from tracker.services.plans.edits import PlanInvalid, StaleEdit

SKIPPED = frozenset({"csrf_token", "version"})


@dataclass(frozen=True)
class Difference:
    """A field whose saved value differs from what the planner typed."""

    label: str
    saved: str
    yours: str


@dataclass(frozen=True)
class Conflict:
    """What the page shows about a stale edit."""

    differences: list[Difference]
    last: PlanChange | None


def attempt(form: VersionedForm, call: Callable[[], Any]) -> bool | StaleEdit:
    """Run `call`: True when saved, False when refused (messages on the form), or the
    StaleEdit when someone saved the item first."""
    try:
        call()
    except PlanInvalid as error:
        db.session.rollback()
        form.add_errors(error.errors)
        return False
    except StaleEdit as error:
        db.session.rollback()
        return error
    return True


def _shown(value: object) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "✓" if value else "–"
    return "" if value is None else str(value)


def conflict(
    form: VersionedForm, saved: VersionedForm | None, plan_id: int, action_code: str = ""
) -> Conflict:
    """Compare the planner's form with `saved` (the same form filled from the saved item),
    and move the form's version to the saved one."""
    differences = []
    if saved is not None:
        for field in form:
            if field.short_name in SKIPPED or field.short_name not in saved:
                continue
            theirs, yours = _shown(saved[field.short_name].data), _shown(field.data)
            if theirs != yours:
                differences.append(Difference(str(field.label.text), theirs, yours))
        form.version.data = saved.version.data
    flash_conflict()
    return Conflict(differences, changes.last_change(plan_id, action_code))


def flash_conflict() -> None:
    """The message above a stale edit's page."""
    flash(
        _(
            "Someone saved this since you opened it. Nothing was overwritten and your input "
            "is still in the form: check the differences below, then save again to keep yours."
        ),
        "warning",
    )


def flash_outcome(form: VersionedForm, outcome: bool | StaleEdit, done: str) -> None:
    """For a button's form (delete, retire...): say what happened, to show after a redirect."""
    if outcome is True:
        flash(done, "success")
    elif outcome is False:
        for messages in form.errors.values():
            for message in messages:
                flash(message, "error")
    else:
        flash_conflict()
