"""Plan pages: list, overview with derived figures, action page, 404s and query counts."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AuthActions, make_user, post_form, queries
from tests.factories import (
    ActionFactory,
    AreaFactory,
    DepartmentFactory,
    MilestoneFactory,
    PlanFactory,
    ensure_department,
    update,
)
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Role

Q = FiscalQuarter.parse


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return " ".join(response.get_data(as_text=True).split())


def build_example(app: Flask) -> None:
    """Plan "gc" with three actions whose figures are computed by hand in the tests below.

    A1: 2015-Q1 .. baseline 2016-Q2, current 2016-Q4 (+2 quarters), long past: expected 100 %;
        accepted "on track" at 40 % (variance -60: flagged); milestone M1 forecast 91 days late,
        milestone M2 completed 15 days early.
    A2: no counted update (only another department's draft at 77 %): "No report yet".
    A3: 2090-Q1 .. 2091-Q4: expected 0 %; submitted "at risk" at 10 %.
    """
    with app.app_context():
        lead = ensure_department("LEAD")
        other = DepartmentFactory(acronym="OTHR", name_en="Other Department")
        plan = PlanFactory(slug="gc", title_en="GC IT Plan")
        area = AreaFactory(plan=plan, name_en="Service IT", goal_en="Serve people well")
        a1 = ActionFactory(
            area=area,
            code="S1.1",
            title_en="Modernise the web",
            lead_department=lead,
            start_quarter=Q("2015-Q1"),
            baseline_target=Q("2016-Q2"),
            current_target=Q("2016-Q4"),
        )
        a1.participants.append(other)
        m1 = MilestoneFactory(action=a1, title_en="Pilot live", baseline_due=date(2016, 3, 31))
        MilestoneFactory(
            action=a1,
            title_en="Rollout done",
            baseline_due=date(2016, 9, 30),
            completed_on=date(2016, 9, 15),
        )
        a2 = ActionFactory(area=area, code="S1.2", title_en="Quiet action", lead_department=lead)
        a3 = ActionFactory(
            area=area,
            code="S1.3",
            title_en="Future action",
            lead_department=lead,
            start_quarter=Q("2090-Q1"),
            baseline_target=Q("2091-Q4"),
            current_target=Q("2091-Q4"),
        )
        update(a1, lead, "2016-Q1", "accepted", "on_track", 40, {m1.id: (date(2016, 6, 30), None)})
        update(a2, other, "2016-Q1", "draft", "off_track", 77)
        update(a3, lead, "2016-Q1", "submitted", "at_risk", 10)
        PlanFactory(slug="other-plan", title_en="Other plan")
        db.session.commit()


def test_pages_need_sign_in(app: Flask, client: FlaskClient) -> None:
    build_example(app)
    for url in ("/plans/", "/plans/gc/", "/plans/gc/actions/S1.1"):
        assert client.get(url).status_code == 302


def test_plan_list(app: Flask, client: FlaskClient, signed_in_planner: None) -> None:
    build_example(app)
    html = page(client, "/plans/")
    assert 'href="/plans/gc/"' in html and "GC IT Plan" in html and "Active" in html


def test_overview_headline(app: Flask, client: FlaskClient, signed_in_planner: None) -> None:
    build_example(app)
    html = page(client, "/plans/gc/")
    for label, value in [
        ("Actions", 3),
        ("Completed", 0),
        ("On track", 1),
        ("At risk or off track", 1),
        ("Actions forecast past their baseline target", 1),
        ("No report yet", 1),
    ]:
        card = f'<span class="card__value">{value}</span> <span class="card__label">{label}</span>'
        assert card in html
    # Average over A1 and A3: (40 + 10) / 2 reported, (100 + 0) / 2 expected.
    assert '<span class="card__value">25%</span>' in html
    assert "Expected today: 50%" in html
    assert "Over 2 reporting actions" in html
    assert "1 action is reported on track while its schedule says otherwise." in html


def row_of(html: str, code: str) -> str:
    match = re.search(rf'<tr> <td data-label="Code">{re.escape(code)}</td>(.*?)</tr>', html)
    assert match, code
    return match.group(1)


def test_overview_action_rows(app: Flask, client: FlaskClient, signed_in_planner: None) -> None:
    build_example(app)
    html = page(client, "/plans/gc/")
    assert "Service IT" in html and "Serve people well" in html
    a1 = row_of(html, "S1.1")
    assert 'href="/plans/gc/actions/S1.1"' in a1 and "Modernise the web" in a1
    assert '<abbr title="Department LEAD">LEAD</abbr>' in a1
    assert '<abbr title="Other Department">OTHR</abbr>' in a1
    assert "2016-17 Q2" in a1 and "2016-17 Q4" in a1
    assert "+2 quarters" in a1
    assert "On track" in a1 and "Behind the expected percent" in a1
    complete, expected = (
        '<td class="num" data-label="Complete">',
        '<td class="num" data-label="Expected">',
    )
    assert f"{complete}40%</td> {expected}100%</td>" in a1
    a2 = row_of(html, "S1.2")
    assert "No report yet" in a2 and "77%" not in a2 and "Off track" not in a2
    a3 = row_of(html, "S1.3")
    assert "At risk" in a3 and f"{complete}10%</td> {expected}0%</td>" in a3
    assert "quarters" not in a3 and "None" in a3
    # On a phone each action reads as a card: every cell names its column (table--stack).
    assert 'class="table table--compact table--stack"' in html
    cells = re.findall(r"<td([^>]*)>", a1 + a2 + a3)
    assert len(cells) == 24 and all("data-label=" in cell for cell in cells)  # Code: row_of
    assert '<td data-label="Lead">' in a1 and '<td data-label="Status">' in a1


def test_action_page(app: Flask, client: FlaskClient, signed_in_planner: None) -> None:
    build_example(app)
    html = page(client, "/plans/gc/actions/S1.1")
    assert "S1.1 Modernise the web" in html
    assert "<dt>Start</dt><dd>2015-16 Q1</dd>" in html
    assert "<dt>Baseline target</dt><dd>2016-17 Q2</dd>" in html
    assert "<dt>Current target</dt><dd>2016-17 Q4</dd>" in html
    assert "+2 quarters" in html
    assert "Reported by LEAD for 2016-17 Q1 (Accepted)" in html
    assert "Behind the expected percent" in html
    assert "-60 points" in html
    pilot = re.search(r"<th scope=\"row\">Pilot live</th>(.*?)</tr>", html)
    assert pilot and "2016-03-31" in pilot[1] and "2016-06-30" in pilot[1]
    assert "+91 days" in pilot[1] and "Late" in pilot[1] and "Not yet" in pilot[1]
    rollout = re.search(r"<th scope=\"row\">Rollout done</th>(.*?)</tr>", html)
    assert rollout and "2016-09-15" in rollout[1] and "15 days early" in rollout[1]
    assert "Done" in rollout[1]


def test_action_page_without_report(
    app: Flask, client: FlaskClient, signed_in_planner: None
) -> None:
    build_example(app)
    html = page(client, "/plans/gc/actions/S1.2")
    summary = html.split('id="summary-heading"')[1].split("</section>")[0]
    assert "No report yet" in summary and "77%" not in summary
    assert '<dt>Percent complete</dt><dd><span class="muted">n/a</span></dd>' in summary
    assert "This action has no milestones." in html


def test_department_user_sees_plans_but_not_other_drafts(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    build_example(app)
    make_user(app, Role.DEPARTMENT, "lead@example.gc.ca", department="LEAD")
    auth.login("lead@example.gc.ca")
    overview = page(client, "/plans/gc/")
    action = page(client, "/plans/gc/actions/S1.2")
    assert "77%" not in overview and "77%" not in action


def test_french_quarters(app: Flask, client: FlaskClient, signed_in_planner: None) -> None:
    build_example(app)
    post_form(client, "/language", {"lang": "fr", "next": "/"}, page="/")
    html = page(client, "/plans/gc/actions/S1.1")
    assert "T4 2016-2017" in html


@pytest.mark.parametrize(
    "url",
    [
        "/plans/nope/",
        "/plans/nope/actions/S1.1",
        "/plans/gc/actions/X9",
        "/plans/other-plan/actions/S1.1",
    ],
)
def test_unknown_plan_or_action_is_404(
    app: Flask, client: FlaskClient, signed_in_planner: None, url: str
) -> None:
    build_example(app)
    assert client.get(url).status_code == 404


# --- query counts --------------------------------------------------------------------------


def build_plan(app: Flask, slug: str, actions: int) -> None:
    """A plan whose actions each have participants, milestones and accepted updates."""
    with app.app_context():
        lead, part = DepartmentFactory(), DepartmentFactory()
        plan = PlanFactory(slug=slug)
        areas = [AreaFactory(plan=plan), AreaFactory(plan=plan)]
        for n in range(actions):
            action = ActionFactory(area=areas[n % 2], code=f"C{n}", lead_department=lead)
            action.participants.append(part)
            milestone = MilestoneFactory(action=action)
            update(
                action, lead, "2025-Q1", "accepted", "on_track", 30, {milestone.id: (None, None)}
            )
            update(action, part, "2025-Q2", "submitted", "at_risk", 35)
        db.session.commit()


def test_query_count_does_not_grow_with_actions(
    app: Flask, client: FlaskClient, signed_in_planner: None
) -> None:
    build_plan(app, "small", 2)
    build_plan(app, "large", 12)
    assert queries(app, client, "/plans/small/") == queries(app, client, "/plans/large/")
    assert queries(app, client, "/plans/small/actions/C1") == queries(
        app, client, "/plans/large/actions/C11"
    )
