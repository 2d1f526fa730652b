"""Derived figures: expected percent, variance, flags, slippage and the action status query."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from tests.factories import (
    ActionFactory,
    AreaFactory,
    DepartmentFactory,
    MilestoneFactory,
    update,
)
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.services.figures import progress
from tracker.vocab import ScheduleFlag

Q = FiscalQuarter.parse


def scheduled(start: str, target: str, baseline: str | None = None) -> Any:
    """A stand-in for an Action with the quarters the maths read."""
    return SimpleNamespace(
        start_quarter=Q(start), current_target=Q(target), baseline_target=Q(baseline or target)
    )


@pytest.mark.parametrize(
    ("start", "target", "at", "start_month", "expected"),
    [
        # April fiscal year: 2025-Q1 starts 2025-04-01, 2025-Q4 ends 2026-03-31 (364 days apart).
        ("2025-Q1", "2025-Q4", date(2025, 3, 31), 4, 0.0),  # before start
        ("2025-Q1", "2025-Q4", date(2025, 4, 1), 4, 0.0),  # on the start day
        ("2025-Q1", "2025-Q4", date(2025, 4, 2), 4, 100 / 364),  # one day in
        ("2025-Q1", "2025-Q4", date(2025, 10, 1), 4, 100 * 183 / 364),  # 183 days in
        ("2025-Q1", "2025-Q4", date(2026, 3, 30), 4, 100 * 363 / 364),  # the day before the end
        ("2025-Q1", "2025-Q4", date(2026, 3, 31), 4, 100.0),  # the target quarter's last day
        ("2025-Q1", "2025-Q4", date(2030, 1, 1), 4, 100.0),  # after target
        # January fiscal year: 2025-Q1 starts 2025-01-01, 2025-Q2 ends 2025-06-30 (180 days).
        ("2025-Q1", "2025-Q2", date(2024, 12, 31), 1, 0.0),
        ("2025-Q1", "2025-Q2", date(2025, 1, 1), 1, 0.0),
        ("2025-Q1", "2025-Q2", date(2025, 3, 2), 1, 100 * 60 / 180),
        ("2025-Q1", "2025-Q2", date(2025, 6, 30), 1, 100.0),
        # July fiscal year: 2025-Q1 is 2025-07-01 .. 2025-09-30 (91 days).
        ("2025-Q1", "2025-Q1", date(2025, 8, 1), 7, 100 * 31 / 91),
    ],
)
def test_expected_percent(
    start: str, target: str, at: date, start_month: int, expected: float
) -> None:
    action = scheduled(start, target)
    assert progress.expected_percent(action, at, start_month) == pytest.approx(expected)


def test_expected_percents_at_many_dates_equal_expected_percent_at_each() -> None:
    """The trends compute each action's schedule once for 40 quarter ends: the same floats."""
    action = scheduled("2025-Q1", "2025-Q4")
    dates = [date(2025, 3, 31) + timedelta(days=n) for n in range(0, 400, 7)]
    expected = [progress.expected_percent(action, at, 4) for at in dates]
    assert progress.expected_percents(action, dates, 4) == expected


def test_expected_percent_uses_the_current_target_not_the_baseline() -> None:
    action = scheduled("2025-Q1", "2025-Q4", baseline="2025-Q2")
    assert progress.expected_percent(action, date(2025, 10, 1), 4) == pytest.approx(100 * 183 / 364)


def test_expected_percent_defaults_to_april() -> None:
    action = scheduled("2025-Q1", "2025-Q4")
    assert progress.expected_percent(action, date(2025, 10, 1)) == pytest.approx(100 * 183 / 364)


MILESTONES = [
    SimpleNamespace(baseline_due=d)
    for d in (date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31), date(2026, 3, 31))
]


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (date(2025, 6, 29), 0.0),
        (date(2025, 6, 30), 25.0),  # due on that very day counts
        (date(2025, 9, 29), 25.0),
        (date(2025, 9, 30), 50.0),
        (date(2026, 3, 31), 100.0),
        (date(2027, 1, 1), 100.0),
    ],
)
def test_expected_percent_by_milestones(at: date, expected: float) -> None:
    assert progress.expected_percent_by_milestones(MILESTONES, at) == pytest.approx(expected)


def test_expected_percent_by_milestones_without_milestones_is_none() -> None:
    assert progress.expected_percent_by_milestones([], date(2025, 1, 1)) is None


@pytest.mark.parametrize(
    ("reported", "expected", "variance"),
    [(40, 100 * 183 / 364, 40 - 100 * 183 / 364), (100, 100.0, 0.0), (0, 0.0, 0.0), (80, 50, 30)],
)
def test_schedule_variance(reported: float, expected: float, variance: float) -> None:
    assert progress.schedule_variance(reported, expected) == pytest.approx(variance)


@pytest.mark.parametrize(
    ("status", "variance", "slipped", "flag"),
    [
        ("on_track", 0.0, 0, None),
        ("on_track", -10.0, 0, None),  # exactly at the threshold: not flagged
        ("on_track", -10.01, 0, ScheduleFlag.BEHIND_EXPECTED),
        ("on_track", -40.0, 2, ScheduleFlag.BEHIND_EXPECTED),  # variance is named first
        ("on_track", 5.0, 1, ScheduleFlag.MILESTONE_SLIPPED),
        ("on_track", None, 1, ScheduleFlag.MILESTONE_SLIPPED),
        ("on_track", None, 0, None),
        ("at_risk", -40.0, 3, None),  # the department already says so
        ("off_track", -40.0, 3, None),
        ("completed", -40.0, 0, None),
    ],
)
def test_status_flag(status: str, variance: float | None, slipped: int, flag: str | None) -> None:
    assert progress.status_flag(status, variance, slipped) == flag


def test_variance_threshold_is_ten_points() -> None:
    assert progress.VARIANCE_THRESHOLD == 10.0


@pytest.mark.parametrize(
    ("baseline", "current", "quarters"),
    [("2025-Q3", "2026-Q1", 2), ("2025-Q3", "2025-Q3", 0), ("2025-Q3", "2025-Q2", -1)],
)
def test_slippage_quarters(baseline: str, current: str, quarters: int) -> None:
    assert progress.slippage_quarters(scheduled("2025-Q1", current, baseline)) == quarters


@pytest.mark.parametrize(
    ("when", "days"),
    [(None, None), (date(2025, 7, 15), 15), (date(2025, 6, 30), 0), (date(2025, 6, 1), -29)],
)
def test_milestone_slippage_days(when: date | None, days: int | None) -> None:
    milestone = SimpleNamespace(baseline_due=date(2025, 6, 30))
    assert progress.milestone_slippage_days(milestone, when) == days


@pytest.mark.parametrize(
    ("forecast", "completed", "today", "state", "days"),
    [
        (None, None, date(2025, 6, 30), "upcoming", None),  # due today: not late yet
        (None, None, date(2025, 7, 1), "late", None),
        (date(2025, 8, 1), None, date(2025, 5, 1), "upcoming", 32),  # forecast slip, not due
        (date(2025, 8, 1), None, date(2025, 7, 1), "late", 32),
        (date(2025, 8, 1), date(2025, 6, 20), date(2025, 9, 1), "done", -10),  # completion wins
        (None, date(2025, 7, 3), date(2025, 9, 1), "done", 3),
    ],
)
def test_milestone_progress(
    forecast: date | None, completed: date | None, today: date, state: str, days: int | None
) -> None:
    milestone = SimpleNamespace(baseline_due=date(2025, 6, 30))
    result = progress.milestone_progress(milestone, forecast, completed, today)
    assert (result.state, result.slippage_days) == (state, days)
    assert (result.forecast_on, result.completed_on) == (forecast, completed)


def test_count_slipped() -> None:
    milestone = SimpleNamespace(baseline_due=date(2025, 6, 30))
    rows = [
        progress.milestone_progress(milestone, f, c, date(2025, 1, 1))
        for f, c in [(None, None), (date(2025, 7, 1), None), (None, date(2025, 6, 1))]
    ]
    assert progress.count_slipped(rows) == 1


# --- action_statuses -------------------------------------------------------------------------


def _two_departments() -> tuple[Any, Any, Any]:
    """An action led by LEAD with PART taking part."""
    lead, part = DepartmentFactory(acronym="LEAD"), DepartmentFactory(acronym="PART")
    action = ActionFactory(area=AreaFactory(), lead_department=lead)
    action.participants.append(part)
    db.session.flush()
    return action, lead, part


def test_accepted_beats_a_newer_submitted(app: Flask) -> None:
    with app.app_context():
        action, lead, _ = _two_departments()
        update(action, lead, "2025-Q1", "accepted", "on_track", 20)
        update(action, lead, "2025-Q2", "submitted", "at_risk", 30)
        db.session.commit()
        state = progress.action_statuses([action.id])[action.id]
    assert (state.status, state.percent, state.state) == ("on_track", 20, "accepted")
    assert (state.quarter, state.department) == (Q("2025-Q1"), "LEAD")


def test_newer_accepted_beats_older_accepted(app: Flask) -> None:
    with app.app_context():
        action, lead, _ = _two_departments()
        update(action, lead, "2025-Q2", "accepted", "at_risk", 35)
        update(action, lead, "2025-Q1", "accepted", "on_track", 20)
        db.session.commit()
        state = progress.action_statuses([action.id])[action.id]
    assert (state.status, state.percent, state.quarter) == ("at_risk", 35, Q("2025-Q2"))


def test_latest_submitted_when_nothing_accepted(app: Flask) -> None:
    with app.app_context():
        action, lead, _ = _two_departments()
        update(action, lead, "2025-Q1", "submitted", "on_track", 10)
        update(action, lead, "2025-Q2", "submitted", "off_track", 15)
        update(action, lead, "2025-Q3", "draft", "completed", 100)
        db.session.commit()
        state = progress.action_statuses([action.id])[action.id]
    assert (state.status, state.percent, state.state) == ("off_track", 15, "submitted")


def test_drafts_and_returned_updates_are_ignored(app: Flask) -> None:
    with app.app_context():
        action, lead, part = _two_departments()
        update(action, lead, "2025-Q1", "draft", "on_track", 10)
        update(action, part, "2025-Q1", "returned", "at_risk", 10)
        other = ActionFactory(area=action.area, lead_department=lead)
        db.session.commit()
        assert progress.action_statuses([action.id, other.id]) == {}


def test_lead_department_preferred_within_a_quarter(app: Flask) -> None:
    with app.app_context():
        action, lead, part = _two_departments()
        update(action, part, "2025-Q2", "accepted", "at_risk", 50)
        update(action, lead, "2025-Q2", "accepted", "on_track", 40)
        update(action, part, "2025-Q1", "accepted", "on_track", 10)
        db.session.commit()
        state = progress.action_statuses([action.id])[action.id]
    assert (state.department, state.status, state.percent) == ("LEAD", "on_track", 40)


def test_the_lead_speaks_for_the_action_over_a_newer_participant(app: Flask) -> None:
    """The lead answers for the action: its counted update beats a participant's newer one;
    a participant's update counts only while the lead has none."""
    with app.app_context():
        action, lead, part = _two_departments()
        update(action, part, "2025-Q2", "accepted", "at_risk", 20)
        db.session.commit()
        alone = progress.action_statuses([action.id])[action.id]
        update(action, lead, "2025-Q1", "submitted", "on_track", 10)
        db.session.commit()
        state = progress.action_statuses([action.id])[action.id]
    assert (alone.department, alone.quarter) == ("PART", Q("2025-Q2"))
    assert (state.department, state.quarter, state.status) == ("LEAD", Q("2025-Q1"), "on_track")


def test_as_of_period_ignores_later_quarters(app: Flask) -> None:
    with app.app_context():
        action, lead, _ = _two_departments()
        first = update(action, lead, "2025-Q1", "accepted", "on_track", 10)
        update(action, lead, "2025-Q2", "accepted", "completed", 100)
        db.session.commit()
        before = progress.action_statuses([action.id], Q("2025-Q1"))[action.id]
        now = progress.action_statuses([action.id])[action.id]
        assert before.update_id == first.id
    assert (before.percent, now.percent) == (10, 100)


def test_action_statuses_several_actions_in_one_query(app: Flask) -> None:
    with app.app_context():
        lead = DepartmentFactory()
        area = AreaFactory()
        actions = [ActionFactory(area=area, lead_department=lead) for _ in range(5)]
        for i, action in enumerate(actions[:4]):
            update(action, lead, "2025-Q1", "accepted", "on_track", i * 10)
        MilestoneFactory(action=actions[0])
        db.session.commit()
        ids = [a.id for a in actions]
        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            states = progress.action_statuses(ids)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1
    assert {i: s.percent for i, s in states.items()} == {ids[n]: n * 10 for n in range(4)}
    assert ids[4] not in states


def test_action_statuses_without_ids(app: Flask) -> None:
    with app.app_context():
        assert progress.action_statuses([]) == {}
