"""Reported against expected per quarter, the status rule per quarter, milestone trends."""

from __future__ import annotations

import random
from datetime import date

import pytest
from flask import Flask

from tests.factories import (
    ActionFactory,
    AreaFactory,
    PlanFactory,
    ensure_department,
    period,
    update,
)
from tests.factories import charts as sc
from tracker.extensions import db
from tracker.services.figures import progress
from tracker.services.figures.frame import load_frame
from tracker.services.figures.trends import milestone_trend, progress_trends

Q = sc.Q
S1_START, S1_END = date(2024, 4, 1), date(2025, 9, 30)
S2_START, S2_END = date(2024, 7, 1), date(2026, 3, 31)
E1_START, E1_END = date(2024, 4, 1), date(2024, 9, 30)
E3_START, E3_END = date(2024, 4, 1), date(2025, 6, 30)


def test_plan_and_area_series(app: Flask) -> None:
    sc.build(app)
    with app.app_context():
        plan, svc, sec = progress_trends(load_frame(sc.SLUG, sc.TODAY))
    assert plan.area is None and svc.area is not None and svc.area.code == "SVC"
    assert [str(p.quarter) for p in plan.points] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    q1, q2, q3, q4 = plan.points
    ends = [date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31), date(2025, 3, 31)]
    # Q1: S1 20 % and E1 60 %.
    assert (q1.counted, q1.reported) == (2, pytest.approx(40.0))
    assert q1.expected == pytest.approx(
        (sc.expected(S1_START, S1_END, ends[0]) + sc.expected(E1_START, E1_END, ends[0])) / 2
    )
    # Q2: S1 40 %, S2 0 % (submitted), E1 100 % (done: expected 100).
    assert (q2.counted, q2.reported) == (3, pytest.approx(140 / 3))
    assert q2.expected == pytest.approx(
        (sc.expected(S1_START, S1_END, ends[1]) + sc.expected(S2_START, S2_END, ends[1]) + 100) / 3
    )
    # Q3 and Q4: S1 55 % (the participant's accepted report), S2 0 %, E1 100 %; E3 cancelled.
    for point, end in ((q3, ends[2]), (q4, ends[3])):
        assert (point.counted, point.reported) == (3, pytest.approx(155 / 3))
        assert point.expected == pytest.approx(
            (sc.expected(S1_START, S1_END, end) + sc.expected(S2_START, S2_END, end) + 100) / 3
        )
        assert point.variance == pytest.approx(point.reported - point.expected)
    assert [p.reported for p in svc.points] == [20.0, 20.0, 27.5, 27.5]
    assert [p.reported for p in sec.points] == [60.0, 100.0, 100.0, 100.0]
    assert [p.counted for p in sec.points] == [1, 1, 1, 1]


def test_quarter_without_reports(app: Flask) -> None:
    with app.app_context():
        period("2024-Q1")
        plan = PlanFactory(slug="quiet", first_year=2024, last_year=2024)
        ActionFactory(area=AreaFactory(plan=plan), start_quarter=Q("2024-Q1"))
        db.session.commit()
        (series, _area) = progress_trends(load_frame("quiet", sc.TODAY))
    (point,) = series.points
    assert (point.reported, point.expected, point.counted, point.variance) == (None, None, 0, None)


def random_history(seed: int) -> list[int]:
    """Random counted and uncounted updates of four actions by three departments."""
    rng = random.Random(seed)
    quarters = [f"2024-Q{n}" for n in range(1, 5)]
    departments = [ensure_department(a) for a in ("DA", "DB", "DC")]
    plan = PlanFactory(slug=f"random-{seed}", first_year=2024, last_year=2024)
    area = AreaFactory(plan=plan)
    actions = []
    for n in range(4):
        action = ActionFactory(
            area=area,
            code=f"R{n}",
            lead_department=departments[n % 3],
            start_quarter=Q("2024-Q1"),
        )
        actions.append(action)
        for quarter in quarters:
            for department in departments:
                if rng.random() < 0.45:
                    state = rng.choice(["draft", "submitted", "accepted", "returned"])
                    update(action, department, quarter, state, "on_track", rng.randrange(101))
    db.session.commit()
    return [a.id for a in actions]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_states_by_quarter_follow_the_status_rule(app: Flask, seed: int) -> None:
    """The one query for every quarter agrees with `progress.action_statuses` for each."""
    with app.app_context():
        periods = [period(f"2024-Q{n}") for n in range(1, 5)]
        ids = random_history(seed)
        picks = progress.percents_by_period(ids, [p.id for p in periods])
        for n, p in enumerate(periods):
            rule = progress.action_statuses(ids, p.quarter)
            found = {a: (r.status, r.percent) for a, r in picks[n].items()}
            assert found == {a: (s.status, s.percent) for a, s in rule.items()}, p.quarter


def test_milestone_trend_default_and_dates(app: Flask) -> None:
    ids = sc.build(app)
    with app.app_context():
        frame = load_frame(sc.SLUG, sc.TODAY)
        trend = milestone_trend(frame)
    # S1 is the first action whose reports give milestone dates.
    assert trend.action is not None and trend.action.code == "S1"
    assert trend.reported == {ids.actions["S1"], ids.actions["E1"]}
    # Q1 and Q2: the lead's accepted reports; Q3: the participant's submitted report is the one
    # with dates (the lead's accepted report has none); Q4: no report with dates.
    assert [str(q) for q in trend.quarters] == ["2024-Q1", "2024-Q2", "2024-Q3"]
    (pilot,) = trend.lines
    assert pilot.code == "M1" and pilot.baseline_due == date(2024, 9, 30)
    assert pilot.dates == (date(2024, 9, 30), date(2024, 11, 30), date(2025, 1, 31))
    assert pilot.done == (False, False, False)
    assert pilot.drift_days == 123


def test_milestone_trend_of_a_chosen_action(app: Flask) -> None:
    sc.build(app)
    with app.app_context():
        frame = load_frame(sc.SLUG, sc.TODAY)
        e1 = milestone_trend(frame, "E1")
        s2 = milestone_trend(frame, "S2")
        with pytest.raises(ValueError):
            milestone_trend(frame, "NOPE")
    assert [str(q) for q in e1.quarters] == ["2024-Q2"]
    (rollout,) = e1.lines
    assert (rollout.dates, rollout.done, rollout.drift_days) == ((date(2024, 6, 15),), (True,), 0)
    assert s2.action is not None and s2.lines == () and s2.quarters == ()
