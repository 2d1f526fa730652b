"""The demo data: real departments, four plans, one account per role and years of quarterly history.

`seed_demo` is idempotent: it imports only the demo plans that are missing, creates only the
missing accounts and writes history only for demo plans that have none, so a second run
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from tracker.demo import review
from tracker.demo.history import plan_drafts
from tracker.demo.workflow import Draft, Setting, write_drafts
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter, quarter_of
from tracker.models import (
    Action,
    Department,
    Milestone,
    MilestoneForecast,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    Revision,
    Role,
    StrategicArea,
    User,
    action_participant,
)
from tracker.services.accounts import users as accounts
from tracker.services.audit.events import add_event
from tracker.services.calendar import clock, periods
from tracker.services.plans.actions import scheduled
from tracker.services.plans.files import import_plan

PLANS_DIR = Path(__file__).resolve().parent / "plans"
LIVE_PLAN = "departmental-it-plan-2025-2028"
SMALL_PLANS = ("vsi-im-it-strategy-2003", "imcc-action-plan-2004")  # history from leads only
DEMO_PLANS = ("gc-it-strategic-plan-2016-2020", LIVE_PLAN, *SMALL_PLANS)
DEMO_PASSWORD = "demo-password-2026"
REVIEWER = "planner@demo.gc.ca"  # accepts and returns the updates of the history
# Accounts of departments that reported in the past but have no demo login. Their password is
# not an argon2 hash, so it never verifies, and they are inactive: no one can sign in with them.
UNUSABLE_PASSWORD = "!demo-history-only"
FRENCH_DEPARTMENTS = ("CSPS", "PWGSC")  # their history is written in French (so is PSPC's)


@dataclass(frozen=True)
class DemoAccount:
    """A demo login, shown by `flask seed accounts`."""

    role: Role
    email: str
    name: str
    department: str | None = None
    language: str = "en"


DEMO_ACCOUNTS = (
    DemoAccount(Role.ADMIN, "admin@demo.gc.ca", "Alex Admin"),
    DemoAccount(Role.PLANNER, REVIEWER, "Pat Planner"),
    DemoAccount(Role.OVERSIGHT, "oversight@demo.gc.ca", "Olive Oversight"),
    DemoAccount(Role.DEPARTMENT, "ssc@demo.gc.ca", "Sam Reporter (SSC)", "SSC"),
    DemoAccount(Role.DEPARTMENT, "tbs@demo.gc.ca", "Taylor Reporter (TBS)", "TBS"),
    DemoAccount(Role.DEPARTMENT, "pspc@demo.gc.ca", "Sophie Rapporteure (SPAC)", "PSPC", "fr"),
)


@dataclass
class SeedResult:
    """What a run of `seed_demo` added, and the row counts afterwards."""

    plans: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    updates: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def created(self) -> bool:
        """True when this run added anything."""
        return bool(self.plans or self.accounts or self.updates)

    def summary(self) -> str:
        """One line for the command line."""
        if not self.created:
            return "Demo data already loaded; nothing changed."
        held = ", ".join(f"{n} {name}" for name, n in self.counts.items())
        return f"Loaded the demo data: {held}."


COUNTED = {
    "departments": Department,
    "plans": Plan,
    "areas": StrategicArea,
    "actions": Action,
    "milestones": Milestone,
    "users": User,
    "reporting periods": ReportingPeriod,
    "progress updates": ProgressUpdate,
    "milestone forecasts": MilestoneForecast,
    "revisions": Revision,
}


def table_counts() -> dict[str, int]:
    """Rows per table of what the demo loads."""
    return {
        name: db.session.scalar(select(func.count()).select_from(model)) or 0
        for name, model in COUNTED.items()
    }


def any_plan_exists() -> bool:
    """True when the database holds at least one plan (then `seed demo --if-empty` skips)."""
    return db.session.scalar(select(Plan.id).limit(1)) is not None


def demo_accounts_present() -> list[DemoAccount]:
    """The demo accounts that exist in this database and can sign in."""
    emails = set(
        db.session.scalars(
            select(User.email).where(User.email.in_([a.email for a in DEMO_ACCOUNTS]), User.active)
        )
    )
    return [a for a in DEMO_ACCOUNTS if a.email in emails]


def seed_demo(today: date | None = None) -> SeedResult:
    """Load whatever part of the demo is missing; history is dated relative to `today`."""
    today = today or clock.today()
    result = SeedResult()
    for slug in DEMO_PLANS:
        if db.session.scalar(select(Plan.id).where(Plan.slug == slug)) is None:
            import_plan(_read_plan(slug))
            result.plans.append(slug)
    result.accounts = _ensure_accounts()
    if review.PLAN in result.plans:  # before the history, which reads the baselines
        _seed_review()
    reporters = reporting_accounts()
    for slug in DEMO_PLANS:
        result.updates += _write_history(slug, reporters, today)
    result.counts = table_counts()
    if result.created:
        detail = {"plans": result.plans, "accounts": result.accounts, "counts": result.counts}
        add_event("demo.seeded", actor_label="cli", detail=detail)
    db.session.commit()
    return result


def _seed_review() -> None:
    reviewer = db.session.scalar(select(User).where(User.email == REVIEWER))
    if reviewer is not None:
        review.seed_review(reviewer)


def _read_plan(slug: str) -> dict[str, Any]:
    """A demo plan file, parsed with libyaml when it is there (several times faster)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with (PLANS_DIR / f"{slug}.yaml").open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.load(handle, Loader=loader)
    return data


def _ensure_accounts() -> list[str]:
    """Create the missing demo logins through the accounts service."""
    existing = set(db.session.scalars(select(User.email)))
    created = []
    for account in DEMO_ACCOUNTS:
        if account.email not in existing:
            data = accounts.UserInput(
                email=account.email,
                name=account.name,
                role=account.role,
                department_acronym=account.department,
                language=account.language,
            )
            accounts.create_user(data, DEMO_PASSWORD)
            created.append(account.email)
    return created


def reporting_accounts() -> dict[int, User]:
    """Each department's reporting account: its demo login, else an inactive history account."""
    users = db.session.scalars(select(User).where(User.email.like("%@demo.gc.ca"))).all()
    by_email = {u.email: u for u in users}
    reporters: dict[int, User] = {}
    for department in _demo_departments():
        login = next((a for a in DEMO_ACCOUNTS if a.department == department.acronym), None)
        email = login.email if login else f"reporter.{department.acronym.lower()}@demo.gc.ca"
        user = by_email.get(email)
        if user is None:
            user = User(
                email=email,
                name=f"{department.acronym} reporting officer (demo history)",
                role=Role.DEPARTMENT.value,
                department=department,
                language="fr" if department.acronym in FRENCH_DEPARTMENTS else "en",
                active=False,
                password_hash=UNUSABLE_PASSWORD,
            )
            db.session.add(user)
        reporters[department.id] = user
    db.session.flush()
    return reporters


def _demo_departments() -> list[Department]:
    """The departments that lead or take part in an action of a demo plan."""
    actions = select(Action.id).join(Plan, Plan.id == Action.plan_id)
    actions = actions.where(Plan.slug.in_(DEMO_PLANS))
    leads = select(Action.lead_department_id).where(Action.id.in_(actions))
    partners = select(action_participant.c.department_id)
    partners = partners.where(action_participant.c.action_id.in_(actions))
    query = select(Department).where(or_(Department.id.in_(leads), Department.id.in_(partners)))
    return list(db.session.scalars(query.order_by(Department.acronym)))


def _write_history(slug: str, reporters: dict[int, User], today: date) -> int:
    """Write the plan's quarterly history unless it already has updates."""
    plan = db.session.scalar(select(Plan).where(Plan.slug == slug))
    if plan is None or _has_updates(plan):
        return 0
    actions = _actions(plan)
    schedules = [scheduled(a) for a in actions]  # the demo plans are active
    first = min(s.start_quarter for s in schedules)
    last = max(max(s.current_target for s in schedules), FiscalQuarter(plan.last_year, 4))
    periods.ensure_periods(first.year, last.year)
    if slug == LIVE_PLAN:
        _open_early(quarter_of(today, periods.start_month()), today)
    drafts = history_drafts(plan, reporters, today)
    by_id = {p.id: p for p in db.session.scalars(select(ReportingPeriod))}
    return write_drafts(drafts, by_id)


def history_drafts(plan: Plan, reporters: dict[int, User], today: date) -> list[Draft]:
    """The plan's quarterly history as rows to write; the same rows on every call."""
    reviewer = db.session.scalar(select(User).where(User.email == REVIEWER))
    if reviewer is None:
        raise LookupError("the demo planner account is missing")
    month = periods.start_month()
    setting = Setting(
        plan=plan,
        periods={p.quarter: p for p in db.session.scalars(select(ReportingPeriod))},
        reporters=reporters,
        reviewer=reviewer,
        today=today,
        now=_now(today),
        start_month=month,
        live=quarter_of(today, month) if plan.slug == LIVE_PLAN else None,
        lead_only=plan.slug in SMALL_PLANS,
        showcase=frozenset(d for d, r in reporters.items() if r.active),
    )
    return plan_drafts(setting, _actions(plan))


def _now(today: date) -> datetime:
    """The time stamps of the live quarter end now, or on `today` when it is set by hand."""
    first, last = datetime.combine(today, time.min, UTC), datetime.combine(today, time.max, UTC)
    return min(max(clock.now(), first), last)


def _has_updates(plan: Plan) -> bool:
    query = select(func.count()).select_from(ProgressUpdate).join(ProgressUpdate.action)
    return bool(db.session.scalar(query.where(Action.plan_id == plan.id)))


def _actions(plan: Plan) -> list[Action]:
    """The plan's actions in roadmap order, with what the history generator reads."""
    query = (
        select(Action)
        .join(Action.area)
        .where(Action.plan_id == plan.id)
        .options(
            selectinload(Action.milestones),
            selectinload(Action.participants),
            joinedload(Action.lead_department),
        )
        .order_by(StrategicArea.position, Action.position)
    )
    return list(db.session.scalars(query))


def _open_early(quarter: FiscalQuarter, today: date) -> None:
    """Open the current quarter's reporting today if its default opening date is still ahead.

    By default a period opens on the first day of the quarter's last month. The demo opens the
    current quarter early, on its first day, so that departments can report as soon as the
    demo is loaded, whatever the date.
    """
    period = db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.quarter == quarter))
    if period is not None and today < period.opens_on:
        period.opens_on = quarter.start_date(periods.start_month())
