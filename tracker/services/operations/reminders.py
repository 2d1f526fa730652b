"""Quarterly reminders: who has updates missing, in draft or returned, and the e-mail they get.

A reminder round is a reporting period and an offset in days from its due date (config
REMINDER_OFFSETS_DAYS, e.g. -14, -3 and 1). On the round's date, every active department user
whose department still owes updates for that period gets one e-mail listing them, in their
language. After downtime a round is still sent up to REMINDER_CATCH_UP_DAYS late, and only the
latest round that has arrived is sent (no burst of stale reminders).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_date
from flask import current_app
from sqlalchemy import select

from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Plan, PlanStatus, ReportingPeriod, Role, User
from tracker.services.calendar.periods import PeriodState, start_month, state_of
from tracker.services.figures import obligations
from tracker.services.operations.mail import Mail

MISSING = "missing"
LOCALES = {"en": "en_CA", "fr": "fr_CA"}


@dataclass(frozen=True)
class Round:
    """One reminder round: a period and an offset in days from its due date."""

    period_id: int
    quarter: FiscalQuarter
    due_on: date
    offset: int


@dataclass(frozen=True)
class MissingUpdate:
    """An update a department still owes, in the recipient's language."""

    plan_title: str
    code: str
    title: str
    state: str  # "missing", "draft" or "returned"


@dataclass(frozen=True)
class Reminder:
    """One e-mail to one user about one round."""

    user_id: int
    email: str
    name: str
    language: str
    round: Round
    items: tuple[MissingUpdate, ...]

    @property
    def key(self) -> str:
        """The run key that makes this reminder go out once."""
        return f"reminder:{self.round.quarter}:{self.round.offset}:{self.user_id}"


@dataclass(frozen=True)
class _Owed:
    """An update a department owes and has not submitted; `sort` gives the plan's order."""

    sort: tuple[str, int]
    plan: obligations.PlanRef
    action: obligations.ActionRef
    state: str


def offsets() -> tuple[int, ...]:
    """The configured reminder offsets, in days from the due date, in order."""
    return tuple(sorted({int(o) for o in current_app.config["REMINDER_OFFSETS_DAYS"]}))


def due_rounds(today: date) -> list[Round]:
    """The rounds to send on `today`: per open period, the latest offset arrived in time."""
    days = offsets()
    if not days:
        return []
    catch_up = int(current_app.config["REMINDER_CATCH_UP_DAYS"])
    periods = db.session.scalars(
        select(ReportingPeriod)
        .where(ReportingPeriod.due_on >= today - timedelta(days=days[-1] + catch_up))
        .where(ReportingPeriod.due_on <= today - timedelta(days=days[0]))
        .order_by(ReportingPeriod.quarter)
    )
    rounds = []
    for period in periods:
        if state_of(period, today) is not PeriodState.OPEN:
            continue
        arrived = [
            o for o in days if 0 <= (today - (period.due_on + timedelta(o))).days <= catch_up
        ]
        if arrived:
            rounds.append(Round(period.id, period.quarter, period.due_on, max(arrived)))
    return rounds


def _owed(round_: Round, today: date) -> dict[int, list[_Owed]]:
    """Department id -> the updates it owes for the round's period that are not submitted.

    Who owes what is `figures.obligations`' rule (the one compliance and attention use):
    assigned actions of active plans covering the quarter, started and not yet finished.
    """
    quarter = round_.quarter
    plan_ids = db.session.scalars(
        select(Plan.id)
        .where(Plan.status == PlanStatus.ACTIVE.value)
        .where(Plan.first_year <= quarter.year, Plan.last_year >= quarter.year)
        .order_by(Plan.slug)
    ).all()
    owed: dict[int, list[_Owed]] = defaultdict(list)
    for plan_id in plan_ids:
        scope = obligations.load_scope(plan_id, today)
        periods = [p for p in scope.periods if p.id == round_.period_id]
        if not periods:
            continue
        order = {action.id: (action, n) for n, action in enumerate(scope.actions)}
        for row in db.session.execute(obligations.owed_updates(scope, periods)):
            department_id, action_id, _period_id, state, _submitted_at = row
            if not obligations.is_counted(state):
                action, position = order[action_id]
                sort = (scope.plan.slug, position)
                owed[department_id].append(_Owed(sort, scope.plan, action, state or MISSING))
    return owed


def reminders_for(round_: Round, today: date, department_id: int | None = None) -> list[Reminder]:
    """Every reminder of `round_`: one per active department user whose department owes updates
    (with `department_id`, that department's users only: a planner's "Remind")."""
    owed = _owed(round_, today)
    if department_id is not None:
        owed = {department_id: owed[department_id]} if department_id in owed else {}
    if not owed:
        return []
    users = db.session.scalars(
        select(User)
        .where(User.role == Role.DEPARTMENT.value, User.active.is_(True))
        .where(User.department_id.in_(list(owed)))
        .order_by(User.email)
    )
    reminders = []
    for user in users:
        lang = user.language if user.language in LOCALES else "en"
        items = tuple(
            MissingUpdate(
                o.plan.text("title", lang), o.action.code, o.action.text("title", lang), o.state
            )
            for o in sorted(owed[user.department_id or 0], key=lambda o: o.sort)
        )
        reminders.append(Reminder(user.id, user.email, user.name, lang, round_, items))
    return reminders


def compose(reminder: Reminder, today: date) -> Mail:
    """The e-mail for `reminder` from templates/mail/reminder.<lang>.txt (first line: Subject)."""
    lang = reminder.language
    template = current_app.jinja_env.get_template(f"mail/reminder.{lang}.txt")
    base_url = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    rendered = template.render(
        reminder=reminder,
        quarter=reminder.round.quarter.label(lang, start_month()),
        due=format_date(reminder.round.due_on, format="long", locale=LOCALES[lang]),
        days_left=(reminder.round.due_on - today).days,
        link=f"{base_url}/updates/" if base_url else "",
    )
    head, _, body = rendered.partition("\n")
    if not head.startswith("Subject:"):
        raise ValueError(f"mail/reminder.{lang}.txt must start with a 'Subject:' line")
    return Mail(reminder.email, head.removeprefix("Subject:").strip(), body.strip() + "\n", lang)
