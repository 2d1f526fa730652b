"""owed_counts (tracker/services/figures/owed_counts.py) against the reference it replaces: every
owed slot joined to its update (`obligations.owed_updates`), counted one by one. Plan "comply"
(tests/factories/monitoring.py) is changed rule by rule (counted slots that are not owed: a
department never assigned, a report after the action finished, a late participant, a retired
action, a removed participant, a former lead; a due date moved; updates edited and deleted),
and after each change both must give the same counts and the same missing slots."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import select, update

from tests.conftest import rollups_agree_after
from tests.factories.monitoring import at, build_comply, report
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    Department,
    ObligationTally,
    ProgressUpdate,
    ReportingPeriod,
    action_participant,
)
from tracker.services.figures import owed_counts, rollups
from tracker.services.figures.obligations import (
    COUNTED_STATES,
    PeriodRef,
    PlanScope,
    is_counted,
    load_scope,
    owed_updates,
)
from tracker.services.figures.owed_counts import CellCounts, cell_counts, missing_slots

TODAY = date(2026, 1, 10)
LATER = date(2026, 2, 1)  # 2025-Q3 is past due too


@pytest.fixture(autouse=True)
def _rollups_agree(request: pytest.FixtureRequest) -> Iterator[None]:
    yield from rollups_agree_after(request)


def reference(
    scope: PlanScope, periods: tuple[PeriodRef, ...], department_id: int | None = None
) -> dict[tuple[int, int], CellCounts]:
    """The counts from every owed slot, one by one."""
    deadlines = {p.id: p.deadline for p in periods}
    owed: Counter[tuple[int, int]] = Counter()
    submitted: Counter[tuple[int, int]] = Counter()
    on_time: Counter[tuple[int, int]] = Counter()
    rows = db.session.execute(owed_updates(scope, periods, department_id))
    for dept, _action, period_id, state, submitted_at in rows:
        cell = (dept, period_id)
        owed[cell] += 1
        if is_counted(state):
            submitted[cell] += 1
            if submitted_at is None or submitted_at < deadlines[period_id]:
                on_time[cell] += 1
    return {c: CellCounts(n, submitted[c], on_time[c]) for c, n in owed.items()}


def reference_missing(scope: PlanScope, periods: tuple[PeriodRef, ...]) -> set[tuple]:
    rows = db.session.execute(owed_updates(scope, periods))
    return {
        (dept, action, period, state)
        for dept, action, period, state, _ in rows
        if state not in COUNTED_STATES
    }


def agree(app: Flask, plan_id: int) -> dict[tuple[int, int], CellCounts]:
    """Both ways agree, for every department and for each one alone, on two days; the counts
    of the whole plan on TODAY."""
    with app.app_context():
        found = {}
        for today in (TODAY, LATER):
            scope = load_scope(plan_id, today)
            found[today] = cell_counts(scope, scope.periods)
            assert found[today] == reference(scope, scope.periods)
            for dept in scope.departments:
                assert cell_counts(scope, scope.periods, dept) == reference(
                    scope, scope.periods, dept
                )
            closed = tuple(p for p in scope.periods if p.past_due(today))
            assert set(missing_slots(scope, closed)) == reference_missing(scope, closed)
        return found[TODAY]


def ids(*acronyms: str) -> list[int]:
    found = {d.acronym: d.id for d in db.session.scalars(select(Department))}
    return [found[a] for a in acronyms]


def action(code: str) -> Action:
    return db.session.scalars(select(Action).where(Action.code == code)).one()


def test_the_plan_as_built(app: Flask) -> None:
    # DDD reports on A1 without being assigned: its update is counted in the tally, not owed.
    plan_id = build_comply(app)
    counts = agree(app, plan_id)
    with app.app_context():
        (ddd,) = ids("DDD")
        assert all(dept != ddd for dept, _ in counts)
        assert db.session.scalar(
            select(ObligationTally.counted).where(ObligationTally.department_id == ddd)
        )


def test_reports_after_an_action_finished_are_not_owed(app: Flask) -> None:
    plan_id = build_comply(app)
    with app.app_context():
        aaa = db.session.scalars(select(Department).where(Department.acronym == "AAA")).one()
        # A3 was completed in 2025-Q1: AAA's reports of Q2 and Q3 are not owed.
        report(action("A3"), aaa, "2025-Q2", "accepted", at("2025-10-01T12:00:00+00:00"))
        report(action("A3"), aaa, "2025-Q3", "submitted", at("2026-01-20T12:00:00+00:00"))
        db.session.commit()
    agree(app, plan_id)


def test_a_late_participants_earlier_reports_are_not_owed(app: Flask) -> None:
    plan_id = build_comply(app)
    with app.app_context():
        a2 = action("A2")
        (ccc,) = ids("CCC")
        draft = db.session.scalars(
            select(ProgressUpdate).where(
                ProgressUpdate.action_id == a2.id, ProgressUpdate.department_id == ccc
            )
        ).first()
        assert draft is not None and draft.state == "draft"
        draft.state, draft.submitted_at = "submitted", datetime(2025, 10, 1, tzinfo=UTC)
        db.session.execute(
            update(action_participant)
            .where(action_participant.c.action_id == a2.id)
            .where(action_participant.c.department_id == ccc)
            .values(since_quarter=FiscalQuarter.parse("2025-Q3"))
        )
        db.session.commit()
    agree(app, plan_id)


def test_a_retired_actions_later_reports_are_not_owed(app: Flask) -> None:
    plan_id = build_comply(app)
    with app.app_context():
        a1 = action("A1")
        a1.retired_at = datetime(2025, 8, 20, 15, tzinfo=UTC)  # in 2025-Q2
        a1.retirement_reason = "Merged"
        db.session.commit()
    agree(app, plan_id)


def test_a_removed_participants_and_a_former_leads_reports_are_not_owed(app: Flask) -> None:
    plan_id = build_comply(app)
    with app.app_context():
        bbb, ccc = db.session.scalars(
            select(Department).where(Department.acronym.in_(["BBB", "CCC"])).order_by("acronym")
        )
        a1, a2 = action("A1"), action("A2")
        a1.participants.remove(bbb)  # its A1 reports stay in the history
        a2.participants.remove(ccc)
        a2.lead_department = ccc  # BBB's A2 update now belongs to a former lead
        db.session.commit()
    counts = agree(app, plan_id)
    with app.app_context():
        (bbb_id,) = ids("BBB")
        assert all(dept != bbb_id for dept, _ in counts)


def test_lookups_split_over_several_statements_agree(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A few values per statement: every lookup takes several, a slot may be read twice.
    monkeypatch.setattr(owed_counts, "VALUES", 4)
    plan_id = build_comply(app)
    with app.app_context():
        aaa = db.session.scalars(select(Department).where(Department.acronym == "AAA")).one()
        report(action("A3"), aaa, "2025-Q2", "accepted", at("2025-10-01T12:00:00+00:00"))
        a1 = action("A1")
        a1.retired_at = datetime(2025, 8, 20, 15, tzinfo=UTC)
        a1.retirement_reason = "Merged"
        db.session.commit()
    agree(app, plan_id)


def test_a_moved_due_date_moves_on_time(app: Flask) -> None:
    plan_id = build_comply(app)
    before = agree(app, plan_id)
    with app.app_context():
        q1 = db.session.scalars(
            select(ReportingPeriod).where(ReportingPeriod.quarter == FiscalQuarter.parse("2025-Q1"))
        ).one()
        q1.due_on = q1.locks_on = date(2025, 7, 31)  # BBB's A1 report of 07-16: on time
        db.session.commit()
        (bbb,) = ids("BBB")
        cell = (bbb, q1.id)
    after = agree(app, plan_id)
    assert (before[cell].on_time, after[cell].on_time) == (0, 1)


def test_the_tally_follows_edits_returns_and_deletions(app: Flask) -> None:
    plan_id = build_comply(app)
    with app.app_context():
        (bbb,) = ids("BBB")
        rows = db.session.scalars(
            select(ProgressUpdate).where(ProgressUpdate.department_id == bbb)
        ).all()
        rows[0].state = "returned"
        rows[1].state = "accepted"
        db.session.delete(rows[2])
        db.session.commit()
        assert rollups.differences() == []
    agree(app, plan_id)
