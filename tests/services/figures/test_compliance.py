"""compliance_matrix against the hand-computed plan "comply" (build_comply in
tests/factories/monitoring.py), boundaries, filters and query counts.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask import Flask
from sqlalchemy import select, update

from tests.conftest import counted
from tests.factories.monitoring import build_comply, sized_plan
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, Department, action_participant
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
    # Eight queries (the scope's five, the assignments, the slots' tally and one lookup of the
    # counted slots not owed and the late ones), the data version (read twice outside a
    # request: the matrix's and the plan scope's, each remembered) and the BEGIN on SQLite.
    assert counts[0] <= 11


def _change_comply(app: Flask, retire_a2_on: str | None = None, ccc_since: str = "") -> None:
    """The plan "comply" with A2 retired on a date, or CCC joining A2 late."""
    with app.app_context():
        a2 = db.session.scalars(select(Action).where(Action.code == "A2")).one()
        if retire_a2_on:
            a2.retired_at = datetime.fromisoformat(retire_a2_on)
            a2.retirement_reason = "Merged into A1"
        if ccc_since:
            ccc = db.session.scalars(select(Department).where(Department.acronym == "CCC")).one()
            db.session.execute(
                update(action_participant)
                .where(action_participant.c.action_id == a2.id)
                .where(action_participant.c.department_id == ccc.id)
                .values(since_quarter=FiscalQuarter.parse(ccc_since))
            )
        db.session.commit()


def test_a_retired_action_is_owed_up_to_the_quarter_of_its_retirement(app: Flask) -> None:
    plan_id = build_comply(app)
    _change_comply(app, retire_a2_on="2025-08-20T15:00:00+00:00")  # in 2025-Q2
    with app.app_context():
        result = compliance_matrix(plan_id, TODAY)
    assert states(result) == {
        "AAA": [NA, OK, OK, PENDING],
        "BBB": [NA, LATE, MISSING, OK],  # A2 no longer owed in 2025-Q3
        "CCC": [NA, NA, MISSING, NA],
    }


def test_a_late_participant_owes_from_its_first_quarter(app: Flask) -> None:
    plan_id = build_comply(app)
    _change_comply(app, ccc_since="2025-Q3")
    with app.app_context():
        result = compliance_matrix(plan_id, TODAY)
    assert states(result)["CCC"] == [NA, NA, NA, OK]
