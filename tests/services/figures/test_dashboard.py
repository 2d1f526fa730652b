"""Dashboard figures per area for a period, against the hand computations of
tests/factories/charts.py."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from tests.factories import charts as sc
from tracker.extensions import db
from tracker.models import ProgressUpdate
from tracker.services.figures.dashboard import (
    AreaFigures,
    Submission,
    choose_period,
    plan_dashboard,
)
from tracker.services.figures.frame import STATUS_ORDER, load_frame

Q = sc.Q
# Expected percent of each action, by hand: (date - start) / (end of current target - start).
S1_START, S1_END = date(2024, 4, 1), date(2025, 9, 30)  # 2024-Q1 .. 2025-Q2 (current)
S2_START, S2_END = date(2024, 7, 1), date(2026, 3, 31)  # 2024-Q2 .. 2025-Q4


def statuses(f: AreaFigures) -> dict[str, int]:
    return {s: n for s, n in f.by_status if n}


def test_latest_period_by_area(app: Flask) -> None:
    sc.build(app)
    with app.app_context():
        d = plan_dashboard(load_frame(sc.SLUG, sc.TODAY))
        assert d.period is not None and d.period.quarter == Q("2024-Q4")
        assert d.on == date(2025, 3, 31)
        svc, sec = d.areas
        assert svc.area is not None and svc.area.code == "SVC"
        # S1: the participant's accepted Q3 report beats the lead's submitted one and the
        # later submitted Q4 report; S2: its submitted Q2 report (the returned Q4 one never counts).
        assert statuses(svc) == {"on_track": 1, "not_started": 1}
        assert svc.averaged == 2
        assert svc.average_percent == pytest.approx((55 + 0) / 2)
        at = date(2025, 3, 31)
        s1 = sc.expected(S1_START, S1_END, at)  # 364 / 547 days
        s2 = sc.expected(S2_START, S2_END, at)  # 273 / 638 days
        assert s1 == pytest.approx(100 * 364 / 547) and s2 == pytest.approx(100 * 273 / 638)
        assert svc.average_expected == pytest.approx((s1 + s2) / 2)
        assert svc.variance == pytest.approx(27.5 - (s1 + s2) / 2)
        # S1's latest accepted forecast up to Q4 is 2025-Q1 (the Q3 one was only submitted).
        assert svc.slipped == 1
        # Owed for Q4: S1 by LEAD and PART, S2 by PART; only PART's S1 report is submitted.
        assert svc.submission == Submission(owed=3, submitted=1, on_time=1)
        assert svc.submission.rate == pytest.approx(100 / 3)
        # E1 completed in Q2, E2 not started, E3 cancelled (left out of the averages).
        assert statuses(sec) == {"completed": 1, "cancelled": 1, "no_report": 1}
        assert (sec.averaged, sec.average_percent, sec.average_expected) == (1, 100.0, 100.0)
        assert sec.slipped == 0
        # E1 finished in Q2 and E3 was cancelled in Q3: nothing is owed in Q4.
        assert sec.submission == Submission() and sec.submission.rate is None


def test_whole_plan_totals(app: Flask) -> None:
    sc.build(app)
    with app.app_context():
        t = plan_dashboard(load_frame(sc.SLUG, sc.TODAY)).total
        at = date(2025, 3, 31)
        assert t.area is None and t.actions == 5
        assert [s for s, _n in t.by_status] == list(STATUS_ORDER)
        assert statuses(t) == {
            "on_track": 1,
            "not_started": 1,
            "completed": 1,
            "cancelled": 1,
            "no_report": 1,
        }
        assert t.average_percent == pytest.approx((55 + 0 + 100) / 3)
        s1, s2 = sc.expected(S1_START, S1_END, at), sc.expected(S2_START, S2_END, at)
        assert t.average_expected == pytest.approx((s1 + s2 + 100) / 3)
        assert t.slipped == 1
        assert t.submission == Submission(3, 1, 1)


def test_earlier_period(app: Flask) -> None:
    sc.build(app)
    with app.app_context():
        d = plan_dashboard(load_frame(sc.SLUG, sc.TODAY), Q("2024-Q2"))
        at = date(2024, 9, 30)
        assert d.on == at
        svc, sec = d.areas
        # As of Q2: S1 is the lead's accepted at-risk 40 %, already forecast for 2025-Q1.
        assert statuses(svc) == {"at_risk": 1, "not_started": 1}
        assert svc.average_percent == pytest.approx(20.0)
        s1, s2 = sc.expected(S1_START, S1_END, at), sc.expected(S2_START, S2_END, at)
        assert s1 == pytest.approx(100 * 182 / 547) and s2 == pytest.approx(100 * 91 / 638)
        assert svc.average_expected == pytest.approx((s1 + s2) / 2)
        assert svc.slipped == 1
        # E3's cancellation came in Q3: as of Q2 it has no report.
        assert statuses(sec) == {"completed": 1, "no_report": 2}
        # Owed for Q2: S1 by LEAD and PART (PART never reported), S2 by PART, E1 and E3 by LEAD.
        assert svc.submission == Submission(owed=3, submitted=2, on_time=2)
        assert sec.submission == Submission(owed=2, submitted=1, on_time=1)


def test_period_choice(app: Flask) -> None:
    sc.build(app)
    with app.app_context():
        frame = load_frame(sc.SLUG, sc.TODAY)
        assert [str(p.quarter) for p in frame.periods] == [
            "2024-Q1",
            "2024-Q2",
            "2024-Q3",
            "2024-Q4",
        ]
        assert choose_period(frame, None) == frame.periods[-1]
        with pytest.raises(ValueError):
            choose_period(frame, Q("2025-Q1"))
        early = load_frame(sc.SLUG, date(2024, 1, 1))
        assert early.periods == ()
        empty = plan_dashboard(early)
        assert empty.period is None and empty.total.actions == 0


def test_late_submission_is_not_on_time(app: Flask) -> None:
    ids = sc.build(app)
    with app.app_context():
        row = db.session.scalar(
            select(ProgressUpdate).where(
                ProgressUpdate.action_id == ids.actions["S2"], ProgressUpdate.state == "returned"
            )
        )
        assert row is not None
        row.state = "submitted"
        row.submitted_at = datetime(2025, 5, 1, tzinfo=UTC)  # after the due date, 2025-04-15
        db.session.commit()
        svc = plan_dashboard(load_frame(sc.SLUG, date(2025, 5, 2))).areas[0]
        assert svc.submission == Submission(owed=3, submitted=2, on_time=1)
