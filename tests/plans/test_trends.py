"""The trends page: reported against expected by quarter, the milestone trend, queries."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AuthActions, make_user, post_form, queries
from tests.factories import charts as sc
from tests.factories.charts import sized_plan
from tests.plans.chart_pages import get, payload, table
from tracker.models import Role
from tracker.plans.chart_specs import day_of

URL = f"/plans/{sc.SLUG}/trends"
QUARTERS = ["2024-25 Q1", "2024-25 Q2", "2024-25 Q3", "2024-25 Q4"]


def test_needs_sign_in(app: Flask, client: FlaskClient) -> None:
    sc.build(app)
    assert client.get(URL).status_code == 302


def test_reported_against_expected(client: FlaskClient, planner: None) -> None:
    html = get(client, URL)
    plan, svc, sec = (payload(html, f"chart-trend-{n}") for n in range(3))
    assert plan["labels"] == svc["labels"] == QUARTERS
    assert plan["datasets"][0]["data"] == [40.0, 46.7, 51.7, 51.7]
    assert svc["datasets"][0]["data"] == [20.0, 20.0, 27.5, 27.5]
    assert sec["datasets"][0]["data"] == [60.0, 100.0, 100.0, 100.0]
    rows = table(html, "chart-trend-0-table")
    assert rows[0][:3] == ["Quarter", "Reported (average)", "Expected (average)"]
    assert [r[1] for r in rows[1:]] == ["40.0%", "46.7%", "51.7%", "51.7%"]
    assert [r[2] for r in rows[1:]] == [f"{v:.1f}%" for v in plan["datasets"][1]["data"]]
    assert [r[4] for r in rows[1:]] == ["2", "3", "3", "3"]
    assert "In 2024-25 Q4, the whole plan reported 52% complete against" in html


def test_milestone_trend(client: FlaskClient, planner: None) -> None:
    html = get(client, URL)
    assert '<option selected value="S1">S1 Action S1</option>' in html
    data = payload(html, "chart-milestone-trend")
    assert data["labels"] == QUARTERS[:3]
    pilot, reporting = data["datasets"]
    assert pilot["label"] == "M1 Pilot"
    assert [day_of(v) for v in pilot["data"]] == [
        date(2024, 9, 30),
        date(2024, 11, 30),
        date(2025, 1, 31),
    ]
    assert [day_of(v) for v in reporting["data"]] == [
        date(2024, 6, 30),
        date(2024, 9, 30),
        date(2024, 12, 31),
    ]
    rows = table(html, "chart-milestone-trend-table")
    assert rows[1:] == [
        ["2024-25 Q1", "Sep 30, 2024", "Jun 30, 2024"],
        ["2024-25 Q2", "Nov 30, 2024", "Sep 30, 2024"],
        ["2024-25 Q3", "Jan 31, 2025", "Dec 31, 2024"],
        ["Baseline date", "Sep 30, 2024", "n/a"],
    ]
    assert "1 of 1 milestones slipped" in html and "The largest slip is 123 days." in html


def test_chosen_action(client: FlaskClient, planner: None) -> None:
    html = get(client, URL + "?action=E1")
    rows = table(html, "chart-milestone-trend-table")
    assert rows[1] == ["2024-25 Q2", "Jun 15, 2024 (completed)", "Sep 30, 2024"]
    assert payload(html, "chart-milestone-trend")["datasets"][0]["marks"] == [True]


def test_action_without_milestone_dates(client: FlaskClient, planner: None) -> None:
    html = get(client, URL + "?action=S2")
    assert "Action S2 has no milestones." in html
    assert 'id="chart-milestone-trend"' not in html


@pytest.mark.parametrize("value", ["NOPE", "s1", "1"])
def test_unknown_action_is_refused(client: FlaskClient, planner: None, value: str) -> None:
    html = get(client, f"{URL}?action={value}", status=400)
    assert "Choose one of the plan's actions from the list." in html
    assert 'id="chart-milestone-trend"' not in html


def test_department_user(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    app.config["TODAY"] = sc.TODAY
    sc.build(app)
    make_user(app, Role.DEPARTMENT, "part@example.gc.ca", department="PART")
    auth.login("part@example.gc.ca")
    html = get(client, URL)
    assert payload(html, "chart-trend-0")["datasets"][0]["data"][-1] == 51.7


@pytest.mark.parametrize("query", ["", "?action=C1"])
def test_query_count_does_not_grow(
    app: Flask, client: FlaskClient, planner: None, query: str
) -> None:
    sized_plan(app, "small", 2)
    sized_plan(app, "large", 14)
    assert queries(app, client, f"/plans/small/trends{query}") == queries(
        app, client, f"/plans/large/trends{query}"
    )


def test_french(client: FlaskClient, planner: None) -> None:
    post_form(client, "/language", {"lang": "fr", "next": "/"}, page="/")
    html = get(client, URL)
    assert payload(html, "chart-trend-0")["labels"][0] == "T1 2024-2025"
    assert table(html, "chart-milestone-trend-table")[1][1] == "30 sept. 2024"
