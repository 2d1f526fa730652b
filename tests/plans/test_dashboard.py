"""The plan dashboard page: period choice, headline, charts with their tables, access, queries."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AuthActions, make_user, post_form, queries
from tests.factories import charts as sc
from tests.factories.charts import sized_plan
from tests.plans.chart_pages import get, payload, table
from tracker.models import Role

URL = f"/plans/{sc.SLUG}/"


def test_needs_sign_in(app: Flask, client: FlaskClient) -> None:
    sc.build(app)
    assert client.get(URL).status_code == 302


def test_latest_period_by_default(client: FlaskClient, planner: None) -> None:
    html = get(client, URL)
    assert '<option selected value="2024-Q4">2024-25 Q4</option>' in html
    assert "Figures for 2024-25 Q4." in html
    # Headline: 51.7 % on average (55, 0 and 100); 1 of 3 owed updates submitted.
    assert '<span class="card__value">52%</span>' in html
    assert "Updates submitted: 1 of 3" in html
    status = table(html, "chart-status-table")
    assert status[0][:3] == ["Strategic area", "Completed", "On track"]
    assert status[1] == ["Service", "0", "1", "0", "0", "0", "1", "0", "0"]
    assert status[2] == ["Security", "1", "0", "0", "0", "0", "0", "1", "1"]
    assert status[3] == ["Whole plan", "1", "1", "0", "0", "0", "1", "1", "1"]
    assert "At the end of 2024-25 Q4, 1 of 5 actions were completed, 1 on track and 0 at risk" in (
        html
    )


def test_charts_and_tables_hold_the_same_numbers(client: FlaskClient, planner: None) -> None:
    html = get(client, URL)
    for chart_id in ("chart-status", "chart-progress", "chart-slipped", "chart-submission"):
        data = payload(html, chart_id)
        rows = table(html, f"{chart_id}-table")
        header, body = rows[0], rows[1 : 1 + len(data["labels"])]
        assert [row[0] for row in body] == data["labels"], chart_id
        for n, dataset in enumerate(data["datasets"], start=1):
            assert header[n] == dataset["label"]
            cells = [row[n] for row in body]
            expected = [
                "n/a" if v is None else (f"{v:.1f}%" if data["unit"] == "percent" else str(v))
                for v in dataset["data"]
            ]
            assert cells == expected, chart_id
    progress = payload(html, "chart-progress")
    assert progress["labels"] == ["Service", "Security", "Whole plan"]
    assert progress["datasets"][0]["data"] == [27.5, 100.0, 51.7]
    # Expected (hand-computed in tests/services/figures/test_dashboard.py): 364/547 and 273/638
    # days.
    s1, s2 = 100 * 364 / 547, 100 * 273 / 638
    assert progress["datasets"][1]["data"] == [
        round((s1 + s2) / 2, 1),
        100.0,
        round((s1 + s2 + 100) / 3, 1),
    ]
    submission = payload(html, "chart-submission")
    assert submission["datasets"][0]["data"] == [33.3, None, 33.3]


def test_chosen_period(client: FlaskClient, planner: None) -> None:
    html = get(client, URL + "?period=2024-Q2")
    assert "Figures for 2024-25 Q2." in html
    status = table(html, "chart-status-table")
    assert status[1] == ["Service", "0", "0", "1", "0", "0", "1", "0", "0"]
    assert status[2] == ["Security", "1", "0", "0", "0", "0", "0", "0", "2"]
    slipped = table(html, "chart-slipped-table")
    assert slipped[-1] == ["Whole plan", "5", "1"]


@pytest.mark.parametrize("value", ["2025-Q1", "2023-Q4", "garbage", "2024-Q9"])
def test_unknown_period_is_refused(client: FlaskClient, planner: None, value: str) -> None:
    html = get(client, URL + f"?period={value}", status=400)
    assert "Choose one of the plan's reporting periods from the list." in html
    assert 'id="chart-status"' not in html


def test_plan_before_any_period(app: Flask, client: FlaskClient, planner: None) -> None:
    app.config["TODAY"] = "2023-06-01"
    html = get(client, URL)
    assert "No reporting period of this plan has opened yet" in html
    assert "<canvas" not in html


def test_department_user_sees_no_draft(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    app.config["TODAY"] = sc.TODAY
    sc.build(app)
    make_user(app, Role.DEPARTMENT, "lead@example.gc.ca", department="LEAD")
    auth.login("lead@example.gc.ca")
    html = get(client, URL)
    # LEAD's own Q4 draft says S1 is completed: it must not count.
    assert table(html, "chart-status-table")[1][1] == "0"


def test_scripts_and_csp(client: FlaskClient, planner: None) -> None:
    response = client.get(URL)
    html = response.get_data(as_text=True)
    assert 'integrity="sha384-' in html and 'crossorigin="anonymous"' in html
    assert '<script src="/static/js/charts.js" defer></script>' in html
    assert "<script>" not in html and " style=" not in html
    assert "https://cdn.jsdelivr.net/npm/chart.js@" in response.headers["Content-Security-Policy"]


def test_french(client: FlaskClient, planner: None) -> None:
    post_form(client, "/language", {"lang": "fr", "next": "/"}, page="/")
    html = get(client, URL)
    assert "T4 2024-2025" in html
    assert "27,5" in html  # percentages in the French number format


def test_query_count_does_not_grow(app: Flask, client: FlaskClient, planner: None) -> None:
    sized_plan(app, "small", 2)
    sized_plan(app, "large", 14)
    for query in ("", "?period=2024-Q2"):
        small = queries(app, client, f"/plans/small/{query}")
        assert small == queries(app, client, f"/plans/large/{query}"), query
