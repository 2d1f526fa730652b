"""Roadmap rows: forecast targets, "as of" statuses and targets, moves, milestones, filters."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask

from tests.factories import charts as sc
from tracker.extensions import db
from tracker.models import Milestone
from tracker.services.figures.frame import load_frame
from tracker.services.figures.roadmap import (
    Roadmap,
    RoadmapFilters,
    RoadmapRow,
    build_roadmap,
    forecast_targets,
    past_periods,
)

Q = sc.Q


def roadmap(app: Flask, **filters: Any) -> Roadmap:
    with app.app_context():
        return build_roadmap(load_frame(sc.SLUG, sc.TODAY), RoadmapFilters(**filters))


def by_code(r: Roadmap) -> dict[str, RoadmapRow]:
    return {row.action.code: row for row in r.rows}


def test_forecast_targets(app: Flask) -> None:
    ids = sc.build(app)
    with app.app_context():
        now = forecast_targets(list(ids.actions.values()))
        # S1: the lead's submitted Q3 forecast (2025-Q2) does not count, the participant's
        # accepted Q3 report names none: the lead's accepted Q2 forecast stands.
        s1 = now[ids.actions["S1"]]
        assert (s1.target, s1.quarter, s1.department) == (Q("2025-Q1"), Q("2024-Q2"), "LEAD")
        assert now[ids.actions["E1"]].target == Q("2024-Q2")
        assert set(now) == {ids.actions["S1"], ids.actions["E1"]}
        then = forecast_targets(list(ids.actions.values()), Q("2024-Q1"))
        assert {k: v.target for k, v in then.items()} == {ids.actions["S1"]: Q("2024-Q4")}
        assert forecast_targets([]) == {}


def test_live_roadmap(app: Flask) -> None:
    sc.build(app)
    r = roadmap(app)
    assert r.as_of is None and r.on == sc.TODAY and r.total == 5
    assert [row.action.code for row in r.rows] == ["S1", "S2", "E1", "E2", "E3"]
    rows = by_code(r)
    s1, s2, e1, e2, e3 = (rows[c] for c in ("S1", "S2", "E1", "E2", "E3"))
    assert (s1.status, s1.percent, s1.target, s1.slippage) == ("on_track", 55, Q("2025-Q1"), 1)
    assert s1.source is not None and s1.source.quarter == Q("2024-Q2")
    assert (s2.status, s2.target, s2.source) == ("not_started", Q("2025-Q4"), None)
    assert (e1.status, e1.percent, e1.target) == ("completed", 100, Q("2024-Q2"))
    assert (e2.status, e2.percent) == ("no_report", None)
    assert e3.status == "cancelled"
    assert all(row.moved == 0 for row in r.rows) and r.moved_later == 0
    # S1's status comes from the participant's report, which gives no milestone dates:
    # Pilot is drawn at its baseline date, which has passed, so it is late.
    (pilot,) = s1.milestones
    assert (pilot.state, pilot.at, pilot.forecast_on) == ("late", date(2024, 9, 30), None)
    (rollout,) = e1.milestones
    assert (rollout.state, rollout.at) == ("done", date(2024, 6, 15))
    # The axis runs over whole fiscal years from the plan's first to the last target.
    assert (r.first, r.last) == (Q("2024-Q1"), Q("2025-Q4"))
    assert [(area.code, [x.action.code for x in rs]) for area, rs in r.groups()] == [
        ("SVC", ["S1", "S2"]),
        ("SEC", ["E1", "E2", "E3"]),
    ]


def test_as_of_a_past_quarter(app: Flask) -> None:
    sc.build(app)
    r = roadmap(app, as_of=Q("2024-Q1"))
    assert r.as_of is not None and r.on == date(2024, 6, 30)
    rows = by_code(r)
    s1, s2, e1 = rows["S1"], rows["S2"], rows["E1"]
    # As of Q1: S1 was on track at 20 % and forecast for 2024-Q4; it has moved one quarter since.
    assert (s1.status, s1.percent, s1.target, s1.now_target, s1.moved) == (
        "on_track",
        20,
        Q("2024-Q4"),
        Q("2025-Q1"),
        1,
    )
    assert s2.status == "no_report" and s2.moved == 0
    # E1 had no accepted forecast yet: its target is the action's current target.
    assert (e1.status, e1.percent, e1.target, e1.source, e1.moved) == (
        "on_track",
        60,
        Q("2024-Q2"),
        None,
        0,
    )
    assert (r.moved_later, r.moved_earlier) == (1, 0)
    # Milestones as they stood on 2024-06-30: the pilot's Q1 forecast; the rollout was done.
    (pilot,) = s1.milestones
    assert (pilot.state, pilot.at, pilot.forecast_on) == (
        "upcoming",
        date(2024, 9, 30),
        date(2024, 9, 30),
    )
    assert e1.milestones[0].state == "done"


def test_as_of_before_a_completion(app: Flask) -> None:
    """A completion after the as-of date had not happened yet."""
    ids = sc.build(app)
    with app.app_context():
        rollout = db.session.get(Milestone, ids.m3)
        assert rollout is not None
        rollout.completed_on = date(2024, 8, 1)
        db.session.commit()
    e1 = by_code(roadmap(app, as_of=Q("2024-Q1")))["E1"]
    assert e1.milestones[0].state == "upcoming" and e1.milestones[0].completed_on is None


@pytest.mark.parametrize(
    ("filters", "codes"),
    [
        ({"area": "SEC"}, ["E1", "E2", "E3"]),
        ({"department": "PART"}, ["S1", "S2"]),
        ({"department": "LEAD"}, ["S1", "E1", "E2", "E3"]),
        ({"status": "no_report"}, ["E2"]),
        ({"status": "on_track"}, ["S1"]),
        ({"year": 2025}, ["S1", "S2", "E2", "E3"]),
        ({"year": 2024}, ["S1", "S2", "E1", "E3"]),
        ({"area": "SVC", "status": "not_started"}, ["S2"]),
        ({"status": "no_report", "as_of": Q("2024-Q1")}, ["S2", "E2", "E3"]),
        ({"area": "SVC", "department": "NOPE"}, []),
    ],
)
def test_filters(app: Flask, filters: dict[str, Any], codes: list[str]) -> None:
    sc.build(app)
    r = roadmap(app, **filters)
    assert [row.action.code for row in r.rows] == codes
    assert r.total == 5


def test_year_filter_sets_the_axis(app: Flask) -> None:
    sc.build(app)
    r = roadmap(app, year=2025)
    assert (r.first, r.last) == (Q("2025-Q1"), Q("2025-Q4"))


def test_as_of_choices_and_refusal(app: Flask) -> None:
    sc.build(app)
    with app.app_context():
        frame = load_frame(sc.SLUG, sc.TODAY)
        # 2024-Q4 ends on 2025-03-31, after "today": not a past quarter yet.
        assert [str(p.quarter) for p in past_periods(frame)] == ["2024-Q1", "2024-Q2", "2024-Q3"]
        with pytest.raises(ValueError):
            build_roadmap(frame, RoadmapFilters(as_of=Q("2023-Q4")))
