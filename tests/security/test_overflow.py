"""Finding 1: integers past 64 bits in a URL or query string are a 404 or 400, never a 500."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories.updates import QUARTER
from tests.security.helpers import table_counts
from tests.updates.helpers import World
from tracker.extensions import db
from tracker.models import AuditEvent

HUGE = "99999999999999999999999"
JUST_OVER = str(2**63)


@pytest.mark.parametrize("number", [HUGE, JUST_OVER])
@pytest.mark.parametrize(
    "who, url, status",
    [
        ("planner", "/reports/{n}", 404),
        ("planner", "/review/{n}", 404),
        ("admin", "/admin/users/{n}", 404),
        ("admin", "/admin/periods/{n}", 404),
        ("admin", "/admin/users?page={n}", 400),
        ("admin", "/audit/?page={n}", 400),
        ("admin", "/admin/jobs?page={n}", 400),
        ("admin", "/admin/jobs?mail_page={n}", 400),
        ("admin", "/admin/periods?year={n}", 400),
        ("dept", "/updates/" + QUARTER + "/actions/{n}", 404),
        ("dept", "/updates/1/compare?a={n}&b=1", 400),
        ("dept", "/updates/1/compare?a=1&b={n}", 400),
        ("dept", "/updates/{n}/compare?a=1&b=2", 404),
    ],
)
def test_huge_integers_are_refused_not_crashed(
    request: pytest.FixtureRequest, app: Flask, who: str, url: str, status: int, number: str
) -> None:
    client: FlaskClient = request.getfixturevalue(who)
    before = table_counts(app, exclude={"audit_event"})
    response = client.get(url.format(n=number))
    assert response.status_code == status
    assert table_counts(app, exclude={"audit_event"}) == before


@pytest.mark.parametrize(
    "query",
    [
        "first=x&last=y",
        "first=abc&last=2025",
        "first=2025&last=abc",
        f"first={HUGE}&last={HUGE}",
        "first=2027&last=2025",
    ],
)
@pytest.mark.parametrize("suffix", ["", ".csv"])
def test_compliance_with_bad_years_is_a_400(
    planner: FlaskClient, world: World, query: str, suffix: str
) -> None:
    response = planner.get(f"/plans/{world.plan_slug}/compliance{suffix}?{query}")
    assert response.status_code == 400
    assert "text/html" in response.content_type


@pytest.mark.parametrize("value", ["-1", "0", "abc", "1.5", "", "٣"])
def test_small_bad_page_numbers_are_refused_or_first_page(admin: FlaskClient, value: str) -> None:
    response = admin.get(f"/admin/users?page={value}")
    assert response.status_code in {200, 400}


def test_zero_padded_and_unicode_digits_are_not_ids(app: Flask, planner: FlaskClient) -> None:
    assert planner.get("/review/١").status_code == 404  # Arabic-Indic one
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) is not None


@pytest.mark.parametrize(
    "overrides",
    [
        {"version": HUGE},
        {"milestones-0-milestone_id": HUGE},
        {"version": "١"},
    ],
)
def test_huge_numbers_in_the_update_form_are_refused(
    app: Flask, world: World, dept: FlaskClient, overrides: dict[str, str]
) -> None:
    from tests.updates.helpers import form_data, post_update

    before = table_counts(app, exclude={"audit_event"})
    response = post_update(dept, world.form_url, form_data(world, **overrides))
    assert 400 <= response.status_code < 500
    assert table_counts(app, exclude={"audit_event"}) == before


def test_huge_numbers_in_review_are_refused(app: Flask, world: World, planner: FlaskClient) -> None:
    from tests.conftest import post_form
    from tests.factories.updates import add_update
    from tracker.models import WorkflowState

    sent = add_update(app, world, world.period_id, state=WorkflowState.SUBMITTED)
    before = table_counts(app, exclude={"audit_event"})
    data = {"version": HUGE, "accept": "1", "comment": ""}
    assert post_form(planner, f"/review/{sent}", data).status_code == 400
    assert planner.get(f"/review/?page={HUGE}").status_code in {200, 400}
    assert table_counts(app, exclude={"audit_event"}) == before
