"""compliance_matrix against a hand-computed plan, boundaries, filters and query counts.

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

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask import Flask

from tests.factories import ActionFactory, AreaFactory, DepartmentFactory, PlanFactory, counted
from tests.plans.builders import period
from tests.services.monitoring_builders import Q, report, sized_plan
from tracker.extensions import db
from tracker.services.figures.compliance import (
    LATE,
    MISSING,
    NOT_APPLICABLE,
    ON_TIME,
    PENDING,
    Compliance,
    Rate,
    compliance_matrix,
)

TODAY = date(2026, 1, 10)
NA, OK = NOT_APPLICABLE, ON_TIME


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def build_comply(app: Flask) -> int:
    """The plan described in the module docstring; returns its id."""
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


def matrix(app: Flask, **filters: object) -> Compliance:
    plan_id = build_comply(app)
    with app.app_context():
        return compliance_matrix(plan_id, TODAY, **filters)  # type: ignore[arg-type]


def states(result: Compliance) -> dict[str, list[str]]:
    return {row.department.acronym: [c.state for c in row.cells] for row in result.rows}


def test_cells(app: Flask) -> None:
    result = matrix(app)
    assert [str(p.quarter) for p in result.periods] == ["2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"]
    assert states(result) == {
        "AAA": [NA, OK, OK, PENDING],
        "BBB": [NA, LATE, MISSING, PENDING],
        "CCC": [NA, NA, MISSING, OK],
    }


def test_cell_counts(app: Flask) -> None:
    rows = {row.department.acronym: row.cells for row in matrix(app).rows}
    counts = {
        acronym: [(c.owed, c.on_time, c.late, c.missing, c.pending) for c in cells]
        for acronym, cells in rows.items()
    }
    assert counts == {
        "AAA": [(0, 0, 0, 0, 0), (2, 2, 0, 0, 0), (1, 1, 0, 0, 0), (1, 0, 0, 0, 1)],
        "BBB": [(0, 0, 0, 0, 0), (1, 0, 1, 0, 0), (2, 1, 0, 1, 0), (2, 1, 0, 0, 1)],
        "CCC": [(0, 0, 0, 0, 0), (0, 0, 0, 0, 0), (1, 0, 0, 1, 0), (1, 1, 0, 0, 0)],
    }


def test_rates(app: Flask) -> None:
    result = matrix(app)
    assert {r.department.acronym: r.rate for r in result.rows} == {
        "AAA": Rate(3, 3),
        "BBB": Rate(1, 3),
        "CCC": Rate(0, 1),
    }
    assert result.quarter_rates == (Rate(0, 0), Rate(2, 3), Rate(2, 4), Rate(0, 0))
    assert result.rate == Rate(4, 7)
    assert result.rate.percent == pytest.approx(400 / 7)
    assert result.quarter_rates[0].percent is None


def test_due_date_ends_in_the_configured_time_zone(app: Flask) -> None:
    app.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"
    result = matrix(app)
    # In UTC, 03:59:59 on Oct 16 is after the due date; 04:00 on Jul 16 stays late.
    assert states(result)["AAA"][2] == LATE
    assert states(result)["BBB"][1] == LATE


def test_fiscal_year_filter(app: Flask) -> None:
    result = matrix(app, first=2025)
    assert [str(p.quarter) for p in result.periods] == ["2025-Q1", "2025-Q2", "2025-Q3"]
    assert (result.first_year, result.last_year) == (2025, 2026)
    assert states(result)["BBB"] == [LATE, MISSING, PENDING]


def test_fiscal_year_filter_before_any_action(app: Flask) -> None:
    result = matrix(app, first=2024, last=2024)
    assert states(result) == {"AAA": [NA], "BBB": [NA], "CCC": [NA]}
    assert result.rate == Rate(0, 0)


def test_department_filter(app: Flask) -> None:
    result = matrix(app, department="BBB")
    assert states(result) == {"BBB": [NA, LATE, MISSING, PENDING]}
    assert result.quarter_rates == (Rate(0, 0), Rate(0, 1), Rate(1, 2), Rate(0, 0))
    assert result.rate == Rate(1, 3)


@pytest.mark.parametrize("acronym", ["DDD", "ZZZ"])
def test_unassigned_department_is_refused(app: Flask, acronym: str) -> None:
    with pytest.raises(ValueError, match="no action in this plan"):
        matrix(app, department=acronym)


def test_no_period_open_yet(app: Flask) -> None:
    plan_id = build_comply(app)
    with app.app_context():
        result = compliance_matrix(plan_id, date(2024, 1, 1))
    assert result.periods == () and [r.cells for r in result.rows] == [(), (), ()]


def test_query_count_does_not_grow(app: Flask) -> None:
    with app.app_context():
        small, large = sized_plan("small", 2).id, sized_plan("large", 10).id
    counts = []
    for plan_id in (small, large):
        with app.app_context():
            with counted(app) as statements:
                result = compliance_matrix(plan_id, TODAY)
            counts.append(len(statements))
            assert result.rate.due > 0
    assert counts[0] == counts[1]
    assert counts[0] <= 8  # six queries, the data version and the BEGIN on SQLite
