"""Review help (issue 13): the queue and the review page flag jumps, "on track" while behind
schedule, and milestone dates that contradict each other, in words.

The world (tests/factories/updates.py): S1.1 runs from 2025-Q1 to 2026-Q4 (2025-04-01 to
2027-03-31); at the end of 2025-Q2 (2025-09-30) 25 % is expected. Milestones M1 (due
2026-03-31) and M2 (due 2026-12-31).
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from tests.factories.updates import PLANNER_EMAIL, World, add_update
from tests.review.test_review import submit
from tests.updates.helpers import login
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import MilestoneForecast, WorkflowState
from tracker.services.updates.review_flags import FlagKind, Previous, jump_flag

Q = FiscalQuarter.parse


def pages(app: Flask, update_id: int) -> tuple[str, str]:
    planner = login(app, PLANNER_EMAIL)
    queue = planner.get("/review/").get_data(as_text=True)
    show = planner.get(f"/review/{update_id}").get_data(as_text=True)
    return queue, show


def test_a_jump_of_31_points_in_a_quarter_is_flagged(app: Flask, world: World) -> None:
    add_update(app, world, world.previous_period_id, percent=35)
    update_id = submit(app, world, percent_complete="66")
    words = "Up 31 points since 2025-26 Q1: more than 25 points a quarter."
    queue, show = pages(app, update_id)
    assert words in queue and words in show
    assert "1 update on this page has a point to look at twice" in queue


def test_on_track_far_behind_the_expected_percent_is_flagged(app: Flask, world: World) -> None:
    update_id = submit(app, world, percent_complete="10")
    words = "“On track” at 10%, while 25% was expected by the end of the quarter."
    queue, show = pages(app, update_id)
    assert words in queue and words in show


def test_an_ordinary_update_has_no_flag(app: Flask, world: World) -> None:
    add_update(app, world, world.previous_period_id, percent=30)
    update_id = submit(app, world, percent_complete="40")
    queue, show = pages(app, update_id)
    assert "review-flags" not in queue and "Look twice" not in show


def test_milestone_dates_that_contradict_each_other_are_flagged(app: Flask, world: World) -> None:
    """Stored as an older version of the rules allowed (the form now refuses the first)."""
    update_id = add_update(app, world, world.period_id, state=WorkflowState.SUBMITTED, percent=40)
    m1, m2 = world.milestone_ids
    with app.app_context():
        first = db.session.scalar(
            select(MilestoneForecast).where(MilestoneForecast.update_id == update_id)
        )
        assert first is not None
        first.forecast_on, first.completed_on = date(2025, 6, 30), date(2025, 3, 1)
        db.session.add(
            MilestoneForecast(update_id=update_id, milestone_id=m2, forecast_on=date(2027, 6, 30))
        )
        db.session.commit()
    queue, show = pages(app, update_id)
    for words in (
        "Milestone M1: the forecast, June 30, 2025, is after its completion date.",
        "Milestone M1: completed on March 1, 2025, before the action starts.",
        "Milestone M2: forecast for June 30, 2027, after the action's forecast completion.",
    ):
        assert words in queue and words in show, words


@pytest.mark.parametrize(
    ("before", "since", "now", "flagged"),
    [
        (35, "2025-Q1", 66, True),  # +31 in one quarter
        (35, "2025-Q1", 60, False),  # +25: not more than 25
        (80, "2025-Q1", 50, True),  # -30 in one quarter
        (30, "2024-Q4", 80, False),  # +50 over two quarters
        (30, "2024-Q4", 81, True),  # +51 over two quarters
        (None, "2025-Q1", 90, False),  # nothing to compare with
    ],
)
def test_jump_rule(before: int | None, since: str, now: int, flagged: bool) -> None:
    flag = jump_flag(now, Q("2025-Q2"), Previous(Q(since), before))
    assert (flag is not None) == flagged
    if flag is not None:
        assert (flag.kind, flag.points) == (FlagKind.JUMP, now - (before or 0))


def test_flags_are_worded_in_french(app: Flask, world: World) -> None:
    add_update(app, world, world.previous_period_id, percent=35)
    update_id = submit(app, world, percent_complete="66")
    planner = login(app, PLANNER_EMAIL)
    with planner.session_transaction() as session:
        session["lang"] = "fr"
    html = planner.get(f"/review/{update_id}").get_data(as_text=True)
    assert "À vérifier de près" in html
    assert "En hausse de 31 points depuis le T1 2025-2026\u00a0: plus de 25 points" in html
