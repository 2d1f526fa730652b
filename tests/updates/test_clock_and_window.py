"""The clock's TODAY override and the plan window that bounds forecasts."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask import Flask

from tests.factories.updates import DEPT_EMAIL, World, build_world
from tests.updates.helpers import form_data, login, post_update, the_update
from tracker.fiscal import FiscalQuarter
from tracker.models import Plan
from tracker.services.calendar import clock
from tracker.services.updates.rules import FORECAST_GRACE_QUARTERS, PlanWindow


@pytest.mark.parametrize(
    "override", ["2025-10-05", date(2025, 10, 5), datetime(2025, 10, 5, 23, 59)]
)
def test_today_override(app: Flask, override: object) -> None:
    app.config["TODAY"] = override
    with app.app_context():
        assert clock.today() == date(2025, 10, 5)


def test_today_without_override_is_a_real_date(app: Flask) -> None:
    app.config.pop("TODAY", None)
    with app.app_context():
        assert abs((clock.today() - date.today()).days) <= 1
        assert clock.now().tzinfo is not None


def test_plan_window_reaches_one_year_past_the_plan() -> None:
    plan = Plan(first_year=2025, last_year=2027)
    window = PlanWindow.of(plan, 4)
    assert FORECAST_GRACE_QUARTERS == 4
    assert (window.first_quarter, window.last_quarter) == (
        FiscalQuarter(2025, 1),
        FiscalQuarter(2028, 4),
    )
    assert (window.starts_on, window.ends_on) == (date(2025, 4, 1), date(2029, 3, 31))
    assert len(window.quarters()) == 16
    january = PlanWindow.of(plan, 1)
    assert (january.starts_on, january.ends_on) == (date(2025, 1, 1), date(2028, 12, 31))


def test_quarter_choices_follow_the_window(app: Flask) -> None:
    world: World = build_world(app)
    html = login(app, DEPT_EMAIL).get(world.form_url).get_data(as_text=True)
    assert '<option value="2025-Q1">' in html and '<option value="2028-Q4">' in html
    assert 'value="2024-Q4"' not in html and 'value="2029-Q1"' not in html


def test_narratives_are_tidied(app: Flask) -> None:
    world = build_world(app)
    data = form_data(world, accomplishments="  line one\r\nline two \r\n")
    assert post_update(login(app, DEPT_EMAIL), world.form_url, data).status_code == 302
    update = the_update(app, world)
    assert update is not None and update.accomplishments == "line one\nline two"
