"""Reminding a late department by hand: who is late, the "Remind" action and its record.

A department is *late* when it still owes updates (the rule of `figures.obligations`, the one
compliance counts as "missing") for an active plan's latest reporting period whose due date has
passed: the open period once it is overdue, else the last closed one.

A planner or an administrator may remind it: every active user of the department gets the
quarterly reminder e-mail (templates/mail/reminder.<lang>.txt, in the user's language) listing
what the department still owes, and the reminder is recorded (a ReminderSent row, which the
pages show as "Reminded on 2 Dec by Pat Planner", and an audit event). A second reminder to the
same department for the same period within REMIND_AGAIN_AFTER is refused and nothing is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker.db import prepare_write
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Department, Plan, PlanStatus, ReminderSent, Role, User
from tracker.services.audit.events import add_event
from tracker.services.calendar import clock
from tracker.services.errors import Conflict, Forbidden, NotFound
from tracker.services.figures.compliance import latest_overdue
from tracker.services.figures.obligations import DepartmentRef, PeriodRef, PlanRef
from tracker.services.operations import reminders
from tracker.services.operations.mail import MailError, send_mail

REMIND_AGAIN_AFTER = timedelta(hours=24)
REMINDERS = frozenset({Role.PLANNER.value, Role.ADMIN.value})


class ReminderRefused(Conflict):
    """The reminder was not sent; `message` says why in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LastReminder:
    """The latest reminder sent by hand for one department and period."""

    sent_at: datetime
    sent_by: str  # the sender's name ("" when the account is gone)

    @property
    def again_at(self) -> datetime:
        """When the department may be reminded again about the same period."""
        return self.sent_at + REMIND_AGAIN_AFTER


@dataclass(frozen=True)
class LateDepartment:
    """A department that still owes updates for the plan's latest overdue period."""

    plan: PlanRef
    department: DepartmentRef
    period: PeriodRef
    missing: int
    last_reminder: LastReminder | None
    can_remind: bool = True  # False within REMIND_AGAIN_AFTER of the last reminder


def late_departments(plan_id: int, today: date) -> list[LateDepartment]:
    """The plan's late departments, by acronym, with their latest reminder, on top of the
    cached count of the latest past-due period (`compliance.latest_overdue`)."""
    overdue = latest_overdue(plan_id, today)
    period = overdue.period
    if period is None or overdue.plan.status != PlanStatus.ACTIVE.value:
        return []  # draft and archived plans owe nothing: departments do not report on them
    last, now = last_reminders(plan_id, period.id), clock.now()
    found = []
    for department, missing in overdue.missing:
        reminded = last.get(department.id)
        free = reminded is None or now >= reminded.again_at
        found.append(LateDepartment(overdue.plan, department, period, missing, reminded, free))
    return found


def late_in_active_plans(today: date) -> list[LateDepartment]:
    """Late departments of every active plan, plan by plan (the planner's home page)."""
    plans = db.session.scalars(
        select(Plan.id).where(Plan.status == PlanStatus.ACTIVE.value).order_by(Plan.slug)
    ).all()
    return [late for plan_id in plans for late in late_departments(plan_id, today)]


def last_reminder_id(plan_id: int) -> int:
    """The id of the plan's latest reminder (0 before any): it changes with every reminder, so
    a page showing who was reminded can be kept until it does."""
    latest = db.session.scalar(
        select(func.max(ReminderSent.id)).where(ReminderSent.plan_id == plan_id)
    )
    return int(latest or 0)


def last_reminders(plan_id: int, period_id: int) -> dict[int, LastReminder]:
    """Department id -> the latest reminder sent for the plan's period."""
    latest = (
        select(ReminderSent.department_id, func.max(ReminderSent.id).label("id"))
        .where(ReminderSent.plan_id == plan_id, ReminderSent.period_id == period_id)
        .group_by(ReminderSent.department_id)
        .subquery()
    )
    rows = db.session.execute(
        select(ReminderSent.department_id, ReminderSent.sent_at, User.name)
        .join(latest, latest.c.id == ReminderSent.id)
        .outerjoin(User, User.id == ReminderSent.sent_by_id)
    )
    return {d: LastReminder(at, name or "") for d, at, name in rows}


def send_reminder(user: User, slug: str, acronym: str, quarter: FiscalQuarter) -> int:
    """E-mail every active user of the late department `acronym` about `quarter` of plan `slug`
    and record it; the number of e-mails sent. Refused (nothing sent) when the department is not
    late for that period, was reminded within REMIND_AGAIN_AFTER, or has nobody to write to."""
    if user.role not in REMINDERS:
        raise Forbidden()
    plan = db.session.scalar(select(Plan).where(Plan.slug == slug))
    department = db.session.scalar(select(Department).where(Department.acronym == acronym))
    if plan is None or department is None:
        raise NotFound()
    prepare_write()  # one reminder at a time: the check below and the insert are one step
    db.session.execute(
        select(Department.id).where(Department.id == department.id).with_for_update()
    )
    today, now = clock.today(), clock.now()
    late = next(
        (
            d
            for d in late_departments(plan.id, today)
            if d.department.id == department.id and d.period.quarter == quarter
        ),
        None,
    )
    if late is None:
        db.session.rollback()
        raise ReminderRefused(
            _("%(dept)s owes no update for this period now: no reminder was sent.", dept=acronym)
        )
    _refuse_repeat(plan.id, late, now)
    round_ = reminders.Round(late.period.id, quarter, late.period.due_on, 0)
    letters = reminders.reminders_for(round_, today, department.id)
    if not letters:
        db.session.rollback()
        raise ReminderRefused(
            _("%(dept)s has no active user to remind: no reminder was sent.", dept=acronym)
        )
    record = ReminderSent(
        plan_id=plan.id,
        department_id=department.id,
        period_id=late.period.id,
        sent_by_id=user.id,
        sent_at=now,
        recipients=len(letters),
    )
    db.session.add(record)
    detail = {"plan": plan.slug, "period": str(quarter), "recipients": len(letters)}
    add_event("reminder.sent", actor=user, obj=department, detail=detail)
    db.session.flush()
    return _deliver(record, letters, today)


def _refuse_repeat(plan_id: int, late: LateDepartment, now: datetime) -> None:
    last = late.last_reminder
    if last is None or now >= last.again_at:
        return
    db.session.rollback()
    again = format_datetime(last.again_at, "short")
    raise ReminderRefused(
        _(
            "%(dept)s was already reminded about this period on %(when)s by %(who)s. "
            "No reminder was sent; you can remind it again after %(again)s.",
            dept=late.department.acronym,
            when=format_datetime(last.sent_at, "short"),
            who=last.sent_by or _("a former user"),
            again=again,
        )
    )


def _deliver(record: ReminderSent, letters: list[reminders.Reminder], today: date) -> int:
    """Send each e-mail; keep the record only when at least one went out."""
    sent = 0
    for letter in letters:
        try:
            send_mail(reminders.compose(letter, today))
        except MailError:
            if sent == 0:
                db.session.rollback()
                raise
            break
        sent += 1
    record.recipients = sent
    db.session.commit()
    return sent
