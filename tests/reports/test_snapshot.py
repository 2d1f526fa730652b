"""The snapshot's figures against the hand-computed plan of tests/factories/reports.py."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import counted
from tests.factories import ActionFactory, DepartmentFactory, update
from tests.factories.reports import EXPECTED_A1, SLUG, YEAR, build_plan
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Plan, StrategicArea
from tracker.reports import snapshot as snap
from tracker.reports.builder import build_snapshot
from tracker.reports.snapshot import LATE, MET, MISSED, ReportSnapshot

Q = FiscalQuarter.parse
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def build(app: Flask, lang: str = "en") -> ReportSnapshot:
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.slug == SLUG))
        assert plan is not None
        return build_snapshot(plan, YEAR, lang, date(2025, 6, 1), NOW, 4)


@pytest.fixture
def snapshot(app: Flask) -> ReportSnapshot:
    build_plan(app)
    return build(app)


def test_year_end_status_counts_only_accepted_updates(snapshot: ReportSnapshot) -> None:
    a1, a2 = snapshot.actions
    # PART's Q4 update is only submitted: LEAD's accepted Q4 update gives the year-end figures.
    assert (a1.status, a1.percent, a1.status_quarter) == ("on_track", 60, Q("2024-Q4"))
    assert a1.quarterly == ("on_track", "on_track", "at_risk", "on_track")
    assert a1.highlight is not None and a1.highlight.department == "LEAD"
    assert a1.highlight.risks == "Risque élevé"
    # A2 has a draft and a returned update: nothing counts.
    assert (a2.status, a2.percent, a2.variance, a2.flag) == (None, None, None, None)
    assert a2.quarterly == (None, None, None, None) and a2.highlight is None


def test_expected_percent_variance_slippage_and_flag(snapshot: ReportSnapshot) -> None:
    a1, a2 = snapshot.actions
    assert a1.expected == pytest.approx(EXPECTED_A1)
    assert a1.variance == pytest.approx(60 - EXPECTED_A1)
    assert (a1.slippage, a2.slippage) == (2, 0)
    assert a1.flag == "milestone_slipped"  # within 10 points, but M2 was done late
    assert a2.expected == 100.0


def test_milestones_due_met_late_and_missed(snapshot: ReportSnapshot) -> None:
    rows = {m.code: m for m in snapshot.milestones}
    assert sorted(rows) == ["M1", "M2", "M3"]  # M4 is due next year
    assert (rows["M1"].outcome, rows["M1"].completed_on) == (MET, date(2024, 9, 15))
    assert (rows["M2"].outcome, rows["M2"].slippage_days) == (LATE, 20)
    assert (rows["M3"].outcome, rows["M3"].forecast_on) == (MISSED, date(2025, 6, 30))
    assert rows["M3"].slippage_days == 107
    a1 = snapshot.actions[0]
    assert (a1.milestones_due, a1.milestones_met, a1.milestones_late) == (3, 1, 1)
    assert a1.milestones_missed == 1
    assert snapshot.milestone_counts == {MET: 1, LATE: 1, MISSED: 1}


def test_pending_updates_are_counted_apart(snapshot: ReportSnapshot) -> None:
    u = snapshot.updates
    assert (u.accepted, u.submitted, u.returned, u.draft) == (5, 1, 1, 1)
    assert (u.pending, u.total) == (3, 8)


def test_department_compliance_for_the_year(snapshot: ReportSnapshot) -> None:
    c = snapshot.compliance
    assert c.quarters == tuple(Q(f"2024-Q{n}") for n in range(1, 5))
    rows = {r.acronym: r for r in c.rows}
    lead, part = rows["LEAD"], rows["PART"]
    assert [cell.state for cell in lead.cells] == ["on_time", "missing", "missing", "missing"]
    assert [cell.owed for cell in lead.cells] == [1, 2, 2, 2]
    assert [cell.state for cell in part.cells] == ["missing", "on_time", "missing", "late"]
    assert (lead.rate.on_time, lead.rate.due) == (4, 7)
    assert (part.rate.on_time, part.rate.due) == (1, 4)
    assert (c.rate.on_time, c.rate.due) == (5, 11)


def test_needs_attention_as_of_the_year_end(snapshot: ReportSnapshot) -> None:
    a = snapshot.attention
    assert a.as_of == date(2025, 3, 31)
    missing = {m.acronym: (m.count, m.quarters) for m in a.missing}
    assert missing == {
        "LEAD": (2, (Q("2024-Q2"), Q("2024-Q3"))),
        "PART": (2, (Q("2024-Q1"), Q("2024-Q3"))),
    }
    assert [(s.action_code, s.last_reported) for s in a.silent] == [("A2", None)]
    assert [m.code for m in a.overdue_milestones] == ["M3"]
    assert snapshot.attention_actions == ()
    assert [x.code for x in snapshot.flagged_actions] == ["A1"]


def test_header_fields_and_both_titles(snapshot: ReportSnapshot) -> None:
    assert (snapshot.plan.title_en, snapshot.plan.title_fr) == (
        "Reporting Plan",
        "Plan des rapports",
    )
    assert (snapshot.year_start, snapshot.year_end) == (date(2024, 4, 1), date(2025, 3, 31))
    assert snapshot.generated_at == NOW and snapshot.language == "en"
    assert snapshot.year_label() == "2024-25" and snapshot.year_label("fr") == "2024-2025"


def test_json_round_trip_is_lossless(snapshot: ReportSnapshot) -> None:
    data = snap.to_dict(snapshot)
    assert snap.from_dict(data) == snapshot
    assert data["areas"][0]["actions"][0]["status_quarter"] == "2024-Q4"
    with pytest.raises(ValueError, match="schema"):
        snap.from_dict({**data, "schema": 99})


def test_query_count_does_not_grow_with_the_plan(app: Flask) -> None:
    build_plan(app)
    with counted(app) as small:
        build(app)
    with app.app_context():
        area = db.session.scalar(select(StrategicArea).where(StrategicArea.code == "SVC"))
        for n in range(12):
            action = ActionFactory(area=area, code=f"B{n}", start_quarter=Q("2024-Q1"))
            department = DepartmentFactory()
            action.participants.append(department)
            update(action, action.lead_department, "2024-Q3", "accepted", "at_risk", 30)
            update(action, department, "2024-Q4", "accepted", "on_track", 40)
        db.session.commit()
    with counted(app) as large:
        result = build(app)
    assert len(result.actions) == 14
    assert len(large) == len(small)
