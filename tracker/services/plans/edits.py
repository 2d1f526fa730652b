"""What every edit of a plan shares: field errors, the archived rule, versions and the commit.

Edits are checked against the version the planner's form was read at (optimistic locking):
a stale version raises `StaleEdit` before anything changes, and the database's version check
(`version_id_col` on plans, areas, actions and milestones) catches the race between that check
and the commit. Either way nothing is written and the caller still holds what was typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tracker.db import prepare_write
from tracker.extensions import db
from tracker.models import Plan, PlanStatus
from tracker.services.errors import Conflict, DomainError, NotFound
from tracker.services.plans.fields import CODE_RE

Errors = dict[str, list[str]]
FORM = "_form"  # the key of errors that belong to no one field


class PlanInvalid(DomainError):
    """The edit was refused; `errors` maps each field name (or FORM) to its messages."""

    status = 400

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors: Errors = {name: list(messages) for name, messages in errors.items()}

    @classmethod
    def one(cls, field: str, message: str) -> PlanInvalid:
        """A refusal with one message."""
        return cls({field: [message]})


class StaleEdit(Conflict):
    """Someone saved the item since the planner opened it; `current` is the saved item."""

    def __init__(self, current: Any) -> None:
        super().__init__("stale version")
        self.current = current


def raise_if(errors: Errors) -> None:
    """Raise PlanInvalid when `errors` holds any message."""
    found = {name: messages for name, messages in errors.items() if messages}
    if found:
        raise PlanInvalid(found)


class Versioned(Protocol):
    """A row with a version number (plans, areas, actions, milestones)."""

    version: int


def check_version(item: Versioned, version: int) -> None:
    """Refuse an edit made from an older version of `item`."""
    if item.version != version:
        raise StaleEdit(item)


def writable_plan(slug: str) -> Plan:
    """The plan called `slug`, for a change: not found, or refused while it is archived."""
    prepare_write()
    plan = db.session.scalar(select(Plan).where(Plan.slug == slug))
    if plan is None:
        raise NotFound()
    if plan.status == PlanStatus.ARCHIVED.value:
        raise PlanInvalid.one(FORM, _("This plan is archived: it can be read but not changed."))
    return plan


def bilingual(errors: Errors, name: str, en: str, fr: str) -> None:
    """A text needs at least one language; the other may wait (it is listed as to translate)."""
    if not en.strip() and not fr.strip():
        errors.setdefault(f"{name}_en", []).append(
            _("Enter the text in English or in French (the other may be translated later).")
        )


def commit(stale: Any = None) -> None:
    """Commit the edit; a concurrent change of a versioned row becomes StaleEdit."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleEdit(stale) from None
    except IntegrityError:
        db.session.rollback()
        raise PlanInvalid.one(
            FORM, _("Someone else saved a conflicting change at the same time. Try again.")
        ) from None


def reorder(model: type[Any], siblings: list[Any], item: Any, step: int) -> bool:
    """Move `item` `step` places among `siblings` (in their order) and renumber them all.
    Positions are written with a bulk UPDATE, which leaves the rows' versions alone: a new
    order is no reason to refuse someone's edit of an item's fields. False when it cannot move."""
    order = list(siblings)
    index = order.index(item)
    target = index + step
    if not 0 <= target < len(order):
        return False
    order.insert(target, order.pop(index))
    for position, sibling in enumerate(order):
        if sibling.position != position:
            db.session.execute(
                update(model)
                .where(model.id == sibling.id)
                .values(position=position)
                .execution_options(synchronize_session=False)
            )
    for sibling in order:
        db.session.expire(sibling, ["position"])
    return True


def check_code(errors: Errors, code: str, taken: set[str], name: str = "code") -> None:
    """A code such as S1.2 or 3: letters, digits, '.', '_' or '-', unique where it is used."""
    if not code:
        errors.setdefault(name, []).append(_("Enter a code, for example S1.2."))
    elif len(code) > 20 or not CODE_RE.fullmatch(code):
        errors.setdefault(name, []).append(
            _("Use letters, digits, '.', '_' or '-', starting and ending with a letter or digit.")
        )
    elif code in taken:
        errors.setdefault(name, []).append(_("Another item already uses this code."))
