"""The demo data: idempotent seeding, the four plans, the accounts, a live quarter, the history."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from tests.conftest import AuthActions, database_url, reset_schema
from tracker import create_app
from tracker.demo import seed as demo
from tracker.extensions import db
from tracker.fiscal import quarter_of
from tracker.models import (
    Action,
    ActionStatus,
    AuditEvent,
    Department,
    Plan,
    PlanChange,
    PlanReview,
    ProgressUpdate,
    Revision,
    User,
    WorkflowState,
)
from tracker.services.calendar import periods
from tracker.services.plans import baselines
from tracker.services.updates.rules import PlanWindow, RuleContext, check_submission
from tracker.services.updates.save import input_of

# Inside the live plan, and before the default opening (1 December) of its quarter, 2026-Q3.
TODAY = date(2026, 11, 22)
GC_PLAN = "gc-it-strategic-plan-2016-2020"
ENGLISH = re.compile(r"\b(the|with|and)\b")
FOUR_AREAS = ["SERVICE", "SECURE", "MANAGE", "WORK"]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app and database for the module, seeded once (seeding takes a few seconds)."""
    path: Path = tmp_path_factory.mktemp("demo")
    config = {"DATABASE_URL": database_url(path), "SECRET_KEY": "test-secret", "TODAY": TODAY}
    app = create_app(config, env="testing")
    with app.app_context():
        reset_schema()
        demo.seed_demo()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(seeded: Flask) -> Flask:
    """The seeded app behind this module's `client`, `runner` and `auth` fixtures."""
    return seeded


def _updates(slug: str) -> list[ProgressUpdate]:
    """A plan's updates with their period, action and milestone forecasts."""
    return list(
        db.session.scalars(
            select(ProgressUpdate)
            .join(ProgressUpdate.action)
            .join(Plan, Plan.id == Action.plan_id)
            .where(Plan.slug == slug)
            .options(
                joinedload(ProgressUpdate.period),
                joinedload(ProgressUpdate.department),
                joinedload(ProgressUpdate.action).selectinload(Action.milestones),
                selectinload(ProgressUpdate.milestone_forecasts),
            )
        ).unique()
    )


def _series(updates: list[ProgressUpdate]) -> dict[tuple[int, int], list[ProgressUpdate]]:
    """Updates by (action, department), oldest quarter first."""
    series: dict[tuple[int, int], list[ProgressUpdate]] = defaultdict(list)
    for update in sorted(updates, key=lambda u: u.period.quarter):
        series[(update.action_id, update.department_id)].append(update)
    return series


def test_seeding_again_changes_nothing(seeded: Flask, runner: FlaskCliRunner) -> None:
    with seeded.app_context():
        before = demo.table_counts()
        result = demo.seed_demo()
        assert not result.created
        assert demo.table_counts() == before
        seeded_events = select(func.count()).where(AuditEvent.action == "demo.seeded")
        assert db.session.scalar(seeded_events) == 1
    again = runner.invoke(args=["seed", "demo"])
    assert again.exit_code == 0 and "already loaded" in again.output
    skipped = runner.invoke(args=["seed", "demo", "--if-empty"])
    assert skipped.exit_code == 0 and "already holds plans" in skipped.output
    with seeded.app_context():
        assert demo.table_counts() == before


@pytest.mark.parametrize(
    ("slug", "status", "areas"),
    [
        (GC_PLAN, "archived", FOUR_AREAS),
        ("departmental-it-plan-2025-2028", "active", FOUR_AREAS),
        ("imcc-action-plan-2004", "archived", ["COMMUNITY", "CAPACITY", "CAREERS"]),
        ("vsi-im-it-strategy-2003", "archived", ["FUNDING", "ACCESS", "AWARENESS"]),
    ],
)
def test_the_four_plans_and_their_areas(
    seeded: Flask, slug: str, status: str, areas: list[str]
) -> None:
    with seeded.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.slug == slug))
        assert plan is not None and plan.status == status
        assert [area.code for area in plan.areas] == areas
        assert all(area.actions for area in plan.areas)


def test_about_twenty_real_departments(seeded: Flask) -> None:
    with seeded.app_context():
        acronyms = set(db.session.scalars(select(Department.acronym)))
    assert len(acronyms) >= 20
    assert {"TBS", "SSC", "PSPC", "CRA", "ESDC", "STATCAN"} <= acronyms


@pytest.mark.parametrize("account", demo.DEMO_ACCOUNTS, ids=lambda a: a.email)
def test_every_demo_account_signs_in(
    seeded: Flask, client: FlaskClient, auth: AuthActions, account: demo.DemoAccount
) -> None:
    assert auth.login(account.email, demo.DEMO_PASSWORD).status_code == 302
    assert client.get("/").status_code == 200
    with seeded.app_context():
        user = db.session.scalar(select(User).where(User.email == account.email))
        assert user is not None and user.role == account.role.value
        assert (user.department.acronym if user.department else None) == account.department


def test_one_demo_account_per_role(seeded: Flask) -> None:
    assert {a.role for a in demo.DEMO_ACCOUNTS} == set(demo.Role)
    assert {"ssc@demo.gc.ca", "tbs@demo.gc.ca"} <= {a.email for a in demo.DEMO_ACCOUNTS}
    assert any(a.language == "fr" for a in demo.DEMO_ACCOUNTS)


def test_history_accounts_cannot_sign_in(seeded: Flask, auth: AuthActions) -> None:
    assert auth.login("reporter.cra@demo.gc.ca", demo.DEMO_PASSWORD).status_code == 401
    assert auth.login("reporter.cra@demo.gc.ca", demo.UNUSABLE_PASSWORD).status_code == 401


def test_seed_accounts_prints_the_logins(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["seed", "accounts"])
    assert result.exit_code == 0
    for account in demo.DEMO_ACCOUNTS:
        assert account.email in result.output
    assert demo.DEMO_PASSWORD in result.output


def test_the_live_quarter_is_open_today(seeded: Flask) -> None:
    with seeded.app_context():
        period = periods.current_period(TODAY)
        assert period is not None and period.quarter == quarter_of(TODAY)
        assert periods.state_of(period, TODAY) is periods.PeriodState.OPEN
        # Opened early: by default it would open on 1 December.
        assert (
            period.opens_on
            == period.quarter.start_date()
            < periods.default_dates(period.quarter)[0]
        )


def _live_states(acronym: str | None = None) -> tuple[set[str], set[str]]:
    """(workflow states in the live quarter, codes of actions still to start) for a department."""
    quarter = quarter_of(TODAY)
    states, waiting = set(), set()
    for (_, _), series in _series(_updates("departmental-it-plan-2025-2028")).items():
        if acronym and series[0].department.acronym != acronym:
            continue
        last = series[-1]
        if last.period.quarter == quarter:
            states.add(last.state)
        elif last.status != "completed" and last.period.quarter == quarter - 1:
            waiting.add(last.action.code)
    return states, waiting


@pytest.mark.parametrize("acronym", ["SSC", "TBS", None])
def test_the_live_quarter_shows_every_workflow_state(seeded: Flask, acronym: str | None) -> None:
    with seeded.app_context():
        states, waiting = _live_states(acronym)
        assert states == {s.value for s in WorkflowState}
        assert waiting, "some actions have no update yet this quarter"
        returned = db.session.scalars(
            select(ProgressUpdate).where(ProgressUpdate.state == WorkflowState.RETURNED.value)
        ).all()
        assert returned and all(u.review_comment and u.reviewed_by_id for u in returned)


def test_the_history_has_late_missing_slipped_and_off_track_updates(seeded: Flask) -> None:
    with seeded.app_context():
        updates = _updates(GC_PLAN)
        series = _series(updates)
        late = [u for u in updates if u.submitted_at and u.submitted_at.date() > u.period.due_on]
        assert 0 < len(late) < len(updates) / 4
        gaps = [s for s in series.values() if s[-1].period.quarter - s[0].period.quarter >= len(s)]
        assert gaps, "some department skipped a quarter"
        assert any(u.status == "off_track" for u in updates)
        for action in {u.action for u in updates if u.action.slippage > 0}:
            lead = series[(action.id, action.lead_department_id)]
            assert any(u.status in ("at_risk", "off_track") and u.risks for u in lead)
        decreases = [
            (before, after)
            for s in series.values()
            for before, after in zip(s, s[1:], strict=False)
            if after.percent_complete < before.percent_complete  # type: ignore[operator]
        ]
        assert len(decreases) == 1 and decreases[0][1].decrease_reason
        assert sum(u.state == "accepted" for u in updates) > 0.9 * len(updates)
        by_language = defaultdict(list)
        for u in updates:
            by_language[u.department.acronym in ("PSPC", "CSPS")].append(
                u.accomplishments + u.next_steps
            )
        assert all(text and not ENGLISH.search(text) for text in by_language[True])
        assert all(text and ENGLISH.search(text) for text in by_language[False])


def test_completed_actions_end_at_100_percent_with_every_milestone_done(seeded: Flask) -> None:
    with seeded.app_context():
        completed = [u for u in _updates(GC_PLAN) if u.status == "completed"]
        assert completed
        for update in completed:
            assert update.percent_complete == 100
            done = {f.milestone_id for f in update.milestone_forecasts if f.completed_on}
            assert done == {m.id for m in update.action.milestones}


@pytest.mark.parametrize("slug", [p for p in demo.DEMO_PLANS])
def test_updates_sent_for_review_follow_the_workflow_rules(seeded: Flask, slug: str) -> None:
    with seeded.test_request_context():
        plan = db.session.scalar(select(Plan).where(Plan.slug == slug))
        assert plan is not None
        window = PlanWindow.of(plan, 4)
        latest = datetime.combine(TODAY, time.max, UTC)
        for series in _series(_updates(slug)).values():
            accepted: int | None = None
            for update in series:
                if update.state != WorkflowState.DRAFT.value:
                    milestones = tuple(m.id for m in update.action.milestones)
                    rules = RuleContext(window, TODAY, milestones, accepted)
                    assert check_submission(input_of(update), rules) == {}
                    assert update.submitted_at and update.submitted_by_id
                    assert update.created_at <= update.submitted_at <= latest
                if update.state in ("accepted", "returned"):
                    assert update.reviewed_at and update.submitted_at <= update.reviewed_at
                if update.state == WorkflowState.ACCEPTED.value:
                    accepted = update.percent_complete


def test_every_update_has_its_revisions(seeded: Flask) -> None:
    with seeded.app_context():
        counts = dict(
            db.session.execute(
                select(Revision.update_id, func.count()).group_by(Revision.update_id)
            ).all()
        )
        updates = db.session.scalars(select(ProgressUpdate)).all()
        assert updates and all(counts.get(u.id, 0) == u.version >= 1 for u in updates)
        latest = db.session.execute(
            select(ProgressUpdate, Revision).join(
                Revision,
                (Revision.update_id == ProgressUpdate.id)
                & (Revision.number == ProgressUpdate.version),
            )
        ).all()
        assert len(latest) == len(updates)
        for update, revision in latest:
            assert revision.state == update.state == revision.snapshot["state"]
            assert revision.snapshot["percent_complete"] == update.percent_complete
            assert revision.snapshot["version"] == update.version


def test_check_constraints_hold(seeded: Flask) -> None:
    with seeded.app_context():
        low, high = db.session.execute(
            select(
                func.min(ProgressUpdate.percent_complete), func.max(ProgressUpdate.percent_complete)
            )
        ).one()
        statuses = set(db.session.scalars(select(ProgressUpdate.status).distinct()))
    assert 0 <= low and high == 100
    assert statuses <= {s.value for s in ActionStatus}


def test_the_history_is_deterministic(seeded: Flask) -> None:
    """Generating the archived plan's history again gives exactly the rows seeded earlier."""
    keys = ("action_id", "department_id", "period_id", "status", "percent_complete")
    keys += ("forecast_completion", "accomplishments", "risks", "next_steps", "state")
    with seeded.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.slug == GC_PLAN))
        assert plan is not None
        drafts = demo.history_drafts(plan, demo.reporting_accounts(), TODAY)
        drafted = {
            tuple(d.values[k] for k in keys[:-1]) + (d.steps[-1].state.value,) for d in drafts
        }
        stored = {tuple(getattr(u, k) for k in keys) for u in _updates(GC_PLAN)}
    assert drafted == stored


def test_the_gc_plan_has_a_completed_yearly_review(seeded: Flask) -> None:
    """The 2017-18 review re-baselined three actions, each with its reason; both baselines stay."""
    with seeded.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.slug == GC_PLAN))
        assert plan is not None
        review = db.session.scalar(select(PlanReview).where(PlanReview.plan_id == plan.id))
        assert review is not None and not review.is_open and review.fiscal_year == 2017
        assert review.approval_note
        changed = db.session.scalars(
            select(PlanChange).where(
                PlanChange.plan_id == plan.id, PlanChange.kind == "rebaselined"
            )
        ).all()
        assert len(changed) == 3 and all(c.reason for c in changed)
        original = baselines.baselines(plan.id, original=True)
        latest = baselines.baselines(plan.id)
        moved = [a for a, target in latest.targets.items() if original.targets[a] != target]
        assert len(moved) == 3
