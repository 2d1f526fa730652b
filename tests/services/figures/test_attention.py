"""needs_attention against the hand-computed plan "watch" (build_watch in
tests/factories/monitoring.py), and its query count at two plan sizes.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import select, update

from tests.conftest import counted
from tests.factories import (
    PlanFactory,
)
from tests.factories.monitoring import build_watch, report, sized_plan
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, Department, action_participant
from tracker.services.figures.attention import Attention, needs_attention
from tracker.vocab import ScheduleFlag

TODAY = date(2026, 2, 1)


@pytest.fixture
def attention(app: Flask) -> Attention:
    plan_id = build_watch(app)
    with app.app_context():
        return needs_attention(plan_id, TODAY)


def test_missing_updates_by_department(attention: Attention) -> None:
    missing = {
        group.department.acronym: [(i.action.code, str(i.quarter), i.state) for i in group.items]
        for group in attention.missing
    }
    assert missing == {
        "LEAD": [("A7", "2025-Q3", None)],
        "PART": [
            ("A1", "2025-Q3", None),
            ("A3", "2025-Q3", "draft"),
            ("A1", "2025-Q2", "draft"),
            ("A3", "2025-Q2", None),
        ],
    }
    assert attention.missing_count == 5
    assert [g.department.acronym for g in attention.missing] == ["LEAD", "PART"]
    assert attention.missing[0].items[0].due_on == date(2026, 1, 15)


def test_off_track_then_at_risk(attention: Attention) -> None:
    items = [
        (i.action.code, i.status, i.percent, str(i.quarter), i.department)
        for i in attention.off_track
    ]
    assert items == [
        ("A1", "off_track", 35, "2025-Q3", "LEAD"),
        ("A3", "at_risk", 5, "2025-Q1", "PART"),
    ]


def test_overdue_milestones(attention: Attention) -> None:
    items = [
        (i.action.code, i.milestone.title_en, i.days_overdue, i.forecast_on)
        for i in attention.overdue_milestones
    ]
    assert items == [
        ("A1", "Pilot", 32, date(2026, 3, 1)),
        ("A5", "Go live", 124, date(2026, 3, 31)),
    ]


def test_on_track_contradicted_by_schedule(attention: Attention) -> None:
    items = {i.action.code: i for i in attention.flagged}
    assert list(items) == ["A5", "A6", "A7"]
    assert items["A5"].flag == ScheduleFlag.BEHIND_EXPECTED
    assert items["A5"].expected == pytest.approx(100 * 306 / 364)
    assert items["A5"].variance == pytest.approx(50 - 100 * 306 / 364)
    assert items["A6"].flag == ScheduleFlag.MILESTONE_SLIPPED
    assert items["A6"].expected == pytest.approx(100 * 306 / 729)
    assert (items["A7"].flag, items["A7"].percent, items["A7"].expected) == (
        ScheduleFlag.BEHIND_EXPECTED,
        60,
        100.0,
    )


def test_silent_for_two_quarters(attention: Attention) -> None:
    assert [str(q) for q in attention.silent_quarters] == ["2025-Q2", "2025-Q3"]
    assert [(i.action.code, str(i.last_reported)) for i in attention.silent] == [("A3", "2025-Q1")]


def test_result_is_frozen_plain_data(attention: Attention) -> None:
    assert attention.plan.slug == "watch" and attention.today == TODAY
    with pytest.raises(dataclasses.FrozenInstanceError):
        attention.missing[0].items[0].state = "accepted"  # type: ignore[misc]
    assert attention.missing[1].items[0].action.text("title", "fr").startswith("Mesure")


def test_missing_turns_up_only_after_the_due_date(app: Flask) -> None:
    plan_id = build_watch(app)
    with app.app_context():
        on_due_date = needs_attention(plan_id, date(2026, 1, 15))
    # On its due date 2025-Q3 is not missing yet; 2025-Q2 is, and silence needs Q1 and Q2.
    assert [(i.action.code, str(i.quarter)) for g in on_due_date.missing for i in g.items] == [
        ("A1", "2025-Q2"),
        ("A3", "2025-Q2"),
    ]
    assert [str(q) for q in on_due_date.silent_quarters] == ["2025-Q1", "2025-Q2"]
    assert on_due_date.silent == ()


def test_submitting_clears_missing_and_silence(app: Flask) -> None:
    plan_id = build_watch(app)
    with app.app_context():
        a3 = db.session.scalar(select(Action).where(Action.code == "A3"))
        part = db.session.scalar(select(Department).where(Department.acronym == "PART"))
        report(a3, part, "2025-Q2", "submitted")
        db.session.commit()
        found = needs_attention(plan_id, TODAY)
    assert found.silent == ()
    part_items = [(i.action.code, str(i.quarter)) for i in found.missing[1].items]
    assert ("A3", "2025-Q2") not in part_items


def test_empty_plan(app: Flask) -> None:
    with app.app_context():
        plan = PlanFactory(slug="empty", first_year=2025, last_year=2026)
        db.session.commit()
        found = needs_attention(plan.id, TODAY)
    assert (found.missing, found.off_track, found.overdue_milestones, found.flagged) == (
        (),
        (),
        (),
        (),
    )
    assert (found.silent, found.silent_quarters) == ((), ())


def test_query_count_does_not_grow(app: Flask) -> None:
    with app.app_context():
        small, large = sized_plan("small", 2).id, sized_plan("large", 10).id
    counts = []
    for plan_id in (small, large):
        with app.app_context():
            with counted(app) as statements:
                found = needs_attention(plan_id, TODAY)
            counts.append(len(statements))
            assert found.missing_count > 0
    assert counts[0] == counts[1]
    # Thirteen queries (the missing updates: the assignments, the slots' tally, one lookup of
    # the counted slots not owed and one of the slots of the cells short of updates), the data
    # version (read twice outside a request: the list's and the plan scope's, each remembered)
    # and the BEGIN on SQLite.
    assert counts[0] <= 16


def test_a_retired_action_is_missing_only_up_to_its_retirement(app: Flask) -> None:
    plan_id = build_watch(app)
    with app.app_context():
        a3 = db.session.scalars(select(Action).where(Action.code == "A3")).one()
        a3.retired_at = datetime(2025, 9, 1, tzinfo=UTC)  # in 2025-Q2
        a3.retirement_reason = "Cancelled"
        db.session.commit()
        found = needs_attention(plan_id, TODAY)
    missing = [(i.action.code, str(i.quarter)) for g in found.missing for i in g.items]
    assert ("A3", "2025-Q2") in missing and ("A3", "2025-Q3") not in missing


def test_a_late_participant_is_not_missing_before_it_joined(app: Flask) -> None:
    plan_id = build_watch(app)
    with app.app_context():
        a1 = db.session.scalars(select(Action).where(Action.code == "A1")).one()
        db.session.execute(
            update(action_participant)
            .where(action_participant.c.action_id == a1.id)
            .values(since_quarter=FiscalQuarter(2025, 3))
        )
        db.session.commit()
        found = needs_attention(plan_id, TODAY)
    missing = [(i.action.code, str(i.quarter)) for g in found.missing for i in g.items]
    assert ("A1", "2025-Q3") in missing and ("A1", "2025-Q2") not in missing
