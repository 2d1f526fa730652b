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
from sqlalchemy import Select, select

from tracker.extensions import db
from tracker.models import (
    Action,
    Plan,
    PlanStatus,
    ProgressUpdate,
    ReportingPeriod,
    Role,
    StrategicArea,
    User,
    WorkflowState,
    action_participant,
)
from tracker.services.fiscal import FiscalQuarter
from tracker.services.mail import Mail
from tracker.services.periods import PeriodState, start_month, state_of

MISSING = "missing"
DONE_STATES = frozenset({WorkflowState.SUBMITTED.value, WorkflowState.ACCEPTED.value})
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
class _Assigned:
    sort: tuple[str, int, int, str]
    plan_en: str
    plan_fr: str
    code: str
    title_en: str
    title_fr: str


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


def _pick(en: str, fr: str, lang: str) -> str:
    """Bilingual text in `lang`, falling back to the other language when empty."""
    return (fr or en) if lang == "fr" else (en or fr)


def _assigned_query(quarter: FiscalQuarter) -> Select[Action, StrategicArea, Plan]:
    """Actions of active plans covering `quarter` that have started by then."""
    return (
        select(Action, StrategicArea, Plan)
        .join(StrategicArea, StrategicArea.id == Action.area_id)
        .join(Plan, Plan.id == Action.plan_id)
        .where(Plan.status == PlanStatus.ACTIVE.value)
        .where(Plan.first_year <= quarter.year, Plan.last_year >= quarter.year)
        .where(Action.start_quarter <= quarter)
    )


def _assignments(quarter: FiscalQuarter) -> dict[tuple[int, int], _Assigned]:
    """(action id, department id) -> action, for lead and participating departments."""
    actions: dict[int, _Assigned] = {}
    pairs: set[tuple[int, int]] = set()
    for action, area, plan in db.session.execute(_assigned_query(quarter)):
        actions[action.id] = _Assigned(
            (plan.title_en, area.position, action.position, action.code),
            plan.title_en,
            plan.title_fr,
            action.code,
            action.title_en,
            action.title_fr,
        )
        pairs.add((action.id, action.lead_department_id))
    participants = select(action_participant.c.action_id, action_participant.c.department_id).where(
        action_participant.c.action_id.in_(_assigned_query(quarter).with_only_columns(Action.id))
    )
    pairs.update((a, d) for a, d in db.session.execute(participants))
    return {pair: actions[pair[0]] for pair in pairs}


def _owed(period_id: int, quarter: FiscalQuarter) -> dict[int, list[tuple[_Assigned, str]]]:
    """Department id -> the assigned actions whose update is missing, draft or returned."""
    states = {
        (a, d): s
        for a, d, s in db.session.execute(
            select(
                ProgressUpdate.action_id, ProgressUpdate.department_id, ProgressUpdate.state
            ).where(ProgressUpdate.period_id == period_id)
        )
    }
    owed: dict[int, list[tuple[_Assigned, str]]] = defaultdict(list)
    for pair, action in _assignments(quarter).items():
        state = states.get(pair, MISSING)
        if state not in DONE_STATES:
            owed[pair[1]].append((action, state))
    return owed


def reminders_for(round_: Round) -> list[Reminder]:
    """Every reminder of `round_`: one per active department user whose department owes updates."""
    owed = _owed(round_.period_id, round_.quarter)
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
                _pick(a.plan_en, a.plan_fr, lang), a.code, _pick(a.title_en, a.title_fr, lang), s
            )
            for a, s in sorted(owed[user.department_id or 0], key=lambda pair: pair[0].sort)
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
