"""The attention and compliance worlds: plans "watch" and "comply", whose figures the tests of
tests/services/figures/ work out by hand and the monitoring pages show, and plans of any size
for the query counts. `report` and `sized_plan` run inside an app context."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from tests.factories import (
    ActionFactory,
    AreaFactory,
    DepartmentFactory,
    MilestoneFactory,
    PlanFactory,
    action_with_milestones,
    forecasts_for,
    period,
    plan_areas,
    update,
)
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, Department, Plan, ProgressUpdate

Q = FiscalQuarter.parse
QUARTERS = ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1")


def report(
    action: Action,
    department: Department,
    quarter: str,
    state: str,
    at: datetime | None = None,
    status: str = "on_track",
    percent: int = 0,
    forecasts: dict[int, tuple[date | None, date | None]] | None = None,
) -> ProgressUpdate:
    """A progress update with an explicit submission time."""
    row = update(action, department, quarter, state, status, percent, forecasts)
    row.submitted_at = at
    db.session.flush()
    return row


def sized_plan(slug: str, size: int) -> Plan:
    """A plan with `size` actions and `size` departments, each action led by one department
    with the next one taking part, a milestone each and updates in every state."""
    for quarter in QUARTERS:
        period(quarter)
    [area] = plan_areas(slug, 2025, 2026)
    departments = [DepartmentFactory.create() for _ in range(size)]
    states = ("submitted", "accepted", "draft", "returned")
    for n in range(size):
        lead, part = departments[n], departments[(n + 1) % size]
        action, milestones = action_with_milestones(
            area, lead, [part], [date(2025, 9, 30)], code=f"C{n}"
        )
        for k, quarter in enumerate(QUARTERS[:3]):
            state = states[(n + k) % len(states)]
            report(
                action,
                lead,
                quarter,
                state,
                datetime.fromisoformat("2025-07-01T12:00:00+00:00"),
                "on_track",
                10 * k,
                forecasts_for(milestones, None),
            )
    db.session.commit()
    return area.plan


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def build_watch(app: Flask) -> int:
    """The needs-attention plan below; returns its id.

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


def build_comply(app: Flask) -> int:
    """The compliance plan below; returns its id.

    Plan "comply" (fiscal years 2024-25 to 2026-27), seen on 2026-01-10 in America/Toronto.
    Periods: 2024-Q4 (due 2025-01-15), 2025-Q1 (due 2025-07-15), 2025-Q2 (due 2025-10-15), all
    past due, and 2025-Q3 (due 2026-01-15), open but not yet due.

    A1 2025-Q1.., lead AAA, participant BBB.  A2 2025-Q2.., lead BBB, participant CCC.
    A3 2025-Q1..2025-Q2, lead AAA, completed in Q1 (owes nothing from Q2 on).
    DDD reports on A1 without being assigned: ignored.

                2024-Q4  2025-Q1                2025-Q2                     2025-Q3
    AAA         n/a      on time (A1 noon on    on time (A1 23:59:59 local  pending (A1)
                         the due date, A3)      on the due date)
    BBB         n/a      late (A1 00:00 local   missing (A1 on time,        pending (A1 sent,
                         the day after)         A2 returned)                A2 not)
    CCC         n/a      n/a                    missing (A2 draft)          on time (A2 early)
    Rates: AAA 3/3, BBB 1/3, CCC 0/1; by quarter -, 2/3, 2/4, -; overall 4/7.
    """
    with app.app_context():
        for quarter in ("2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"):
            period(quarter)
        aaa, bbb, ccc, ddd = (DepartmentFactory(acronym=a) for a in ("AAA", "BBB", "CCC", "DDD"))
        plan = PlanFactory(slug="comply", first_year=2024, last_year=2026)
        area = AreaFactory(plan=plan)
        a1 = ActionFactory(area=area, code="A1", lead_department=aaa, start_quarter=Q("2025-Q1"))
        a1.participants.append(bbb)
        a2 = ActionFactory(area=area, code="A2", lead_department=bbb, start_quarter=Q("2025-Q2"))
        a2.participants.append(ccc)
        a3 = ActionFactory(
            area=area,
            code="A3",
            lead_department=aaa,
            start_quarter=Q("2025-Q1"),
            baseline_target=Q("2025-Q2"),
            current_target=Q("2025-Q2"),
        )
        report(a3, aaa, "2025-Q1", "accepted", at("2025-07-10T12:00:00+00:00"), "completed", 100)
        # 12:00 EDT on the due date, and 23:59:59 EDT on the due date: on time.
        report(a1, aaa, "2025-Q1", "submitted", at("2025-07-15T16:00:00+00:00"))
        report(a1, aaa, "2025-Q2", "accepted", at("2025-10-16T03:59:59+00:00"))
        # 00:00 EDT the day after the due date: late.
        report(a1, bbb, "2025-Q1", "submitted", at("2025-07-16T04:00:00+00:00"))
        report(a1, bbb, "2025-Q2", "submitted", at("2025-10-01T12:00:00+00:00"))
        report(a2, bbb, "2025-Q2", "returned", at("2025-10-10T12:00:00+00:00"))
        report(a1, bbb, "2025-Q3", "submitted", at("2026-01-05T12:00:00+00:00"))
        report(a2, ccc, "2025-Q2", "draft")
        report(a2, ccc, "2025-Q3", "submitted", at("2026-01-02T12:00:00+00:00"))
        report(a1, ddd, "2025-Q1", "submitted", at("2025-07-01T12:00:00+00:00"))
        db.session.commit()
        return plan.id
