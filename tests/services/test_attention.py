"""needs_attention against a hand-computed plan, and its query count at two plan sizes.

Plan "watch" (fiscal years 2025-26 and 2026-27, April start), seen on 2026-02-01. Periods
2025-Q1..Q3 are past due (due 2025-07-15, 2025-10-15, 2026-01-15); 2025-Q4 opens 2026-03-01.
Departments LEAD and PART are assigned; OTHR is not.

A1 2025-Q1..2026-Q4, lead LEAD, participant PART. LEAD accepted Q1, Q2 (M3 completed in its
   forecast) and Q3 (off track). PART submitted Q1 (M1 "completed", not accepted), draft Q2,
   nothing in Q3. OTHR returned Q1 (not assigned: ignored).
   M1 due 2025-12-31, open: overdue 32 days (forecast 2026-03-01). M2 completed on the plan.
   M3 completed in the latest accepted update (Q3).
A2 2025-Q2..2025-Q3, lead LEAD: completed in Q2, so owes nothing for Q3.
A3 2025-Q1..2026-Q4, lead PART: at risk in Q1, nothing in Q2, draft in Q3: silent.
A4 starts 2026-Q1: owes nothing yet.
A5 2025-Q1..2025-Q4, lead LEAD: on track at 50 % in Q3 while 306/364 of its span has passed
   (expected 84.07 %): behind. M4 due 2025-09-30 completed in the Q1 forecast but not in the
   latest (Q3: forecast 2026-03-31): overdue 124 days.
A6 2025-Q1..2026-Q4, lead LEAD: on track at 40 % (expected 306/729 = 41.98 %) but M6 (due
   2026-06-30) is forecast 2026-09-30: milestone slipped.
A7 2025-Q1..2025-Q2, lead LEAD: on track at 60 % in Q2, past its target and not completed:
   still owes Q3 (missing) and is behind (expected 100 %).
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from tests.factories import (
    ActionFactory,
    AreaFactory,
    DepartmentFactory,
    MilestoneFactory,
    PlanFactory,
    counted,
)
from tests.plans.builders import period
from tests.services.monitoring_builders import Q, report, sized_plan
from tracker.extensions import db
from tracker.models import Action, Department
from tracker.services.figures.attention import Attention, needs_attention
from tracker.vocab import ScheduleFlag

TODAY = date(2026, 2, 1)


def build_watch(app: Flask) -> int:
    """The plan described in the module docstring; returns its id."""
    with app.app_context():
        for quarter in ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"):
            period(quarter)
        lead = DepartmentFactory(acronym="LEAD")
        part = DepartmentFactory(acronym="PART")
        other = DepartmentFactory(acronym="OTHR")
        plan = PlanFactory(slug="watch", first_year=2025, last_year=2026)
        area = AreaFactory(plan=plan)

        def action(code: str, start: str, target: str, led_by: object = lead) -> object:
            return ActionFactory(
                area=area,
                code=code,
                lead_department=led_by,
                start_quarter=Q(start),
                baseline_target=Q(target),
                current_target=Q(target),
            )

        a1 = action("A1", "2025-Q1", "2026-Q4")
        a1.participants.append(part)
        m1 = MilestoneFactory(action=a1, title_en="Pilot", baseline_due=date(2025, 12, 31))
        MilestoneFactory(action=a1, baseline_due=date(2025, 11, 30), completed_on=date(2025, 11, 1))
        m3 = MilestoneFactory(action=a1, baseline_due=date(2025, 10, 31))
        report(a1, lead, "2025-Q1", "accepted", percent=10)
        report(
            a1,
            lead,
            "2025-Q2",
            "accepted",
            percent=30,
            forecasts={m3.id: (None, date(2025, 10, 20))},
        )
        report(
            a1,
            lead,
            "2025-Q3",
            "accepted",
            status="off_track",
            percent=35,
            forecasts={m3.id: (None, date(2025, 10, 20)), m1.id: (date(2026, 3, 1), None)},
        )
        report(a1, part, "2025-Q1", "submitted", forecasts={m1.id: (None, date(2025, 6, 1))})
        report(a1, part, "2025-Q2", "draft")
        report(a1, other, "2025-Q1", "returned")

        a2 = action("A2", "2025-Q2", "2025-Q3")
        MilestoneFactory(action=a2, baseline_due=date(2026, 6, 30))
        report(a2, lead, "2025-Q2", "accepted", status="completed", percent=100)

        a3 = action("A3", "2025-Q1", "2026-Q4", led_by=part)
        report(a3, part, "2025-Q1", "accepted", status="at_risk", percent=5)
        report(a3, part, "2025-Q3", "draft")

        action("A4", "2026-Q1", "2026-Q4")

        a5 = action("A5", "2025-Q1", "2025-Q4")
        m4 = MilestoneFactory(action=a5, title_en="Go live", baseline_due=date(2025, 9, 30))
        report(
            a5,
            lead,
            "2025-Q1",
            "accepted",
            percent=20,
            forecasts={m4.id: (None, date(2025, 6, 15))},
        )
        report(a5, lead, "2025-Q2", "accepted", percent=35)
        report(
            a5,
            lead,
            "2025-Q3",
            "accepted",
            percent=50,
            forecasts={m4.id: (date(2026, 3, 31), None)},
        )

        a6 = action("A6", "2025-Q1", "2026-Q4")
        m6 = MilestoneFactory(action=a6, baseline_due=date(2026, 6, 30))
        for quarter in ("2025-Q1", "2025-Q2"):
            report(a6, lead, quarter, "accepted", percent=30)
        report(
            a6,
            lead,
            "2025-Q3",
            "accepted",
            percent=40,
            forecasts={m6.id: (date(2026, 9, 30), None)},
        )

        a7 = action("A7", "2025-Q1", "2025-Q2")
        report(a7, lead, "2025-Q1", "accepted", percent=40)
        report(a7, lead, "2025-Q2", "accepted", percent=60)
        db.session.commit()
        return plan.id


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
    assert counts[0] <= 12  # ten queries, the data version and the BEGIN on SQLite
