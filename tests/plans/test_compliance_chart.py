"""The compliance page's chart: departments by outcome per quarter, with its table."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.factories import charts as sc
from tests.plans.chart_pages import get, payload, table

URL = f"/plans/{sc.SLUG}/compliance"


def test_outcomes_by_quarter(client: FlaskClient, planner: None) -> None:
    html = get(client, URL)
    data = payload(html, "chart-compliance")
    assert data["kind"] == "stacked-bar"
    assert data["labels"] == ["2024-25 Q1", "2024-25 Q2", "2024-25 Q3", "2024-25 Q4"]
    # LEAD and PART: Q1 and Q2 each miss an update (E3's, PART's S1), Q3 LEAD on time and PART
    # missing S2, Q4 not due yet (LEAD's draft, PART's returned report).
    assert [(d["key"], d["data"]) for d in data["datasets"]] == [
        ("compliance-on_time", [0, 0, 1, 0]),
        ("compliance-late", [0, 0, 0, 0]),
        ("compliance-missing", [2, 2, 1, 0]),
        ("compliance-pending", [0, 0, 0, 2]),
    ]
    rows = table(html, "chart-compliance-table")
    assert rows[0] == ["Quarter", "On time", "Late", "Missing", "Pending", "On-time rate"]
    assert rows[1] == ["2024-25 Q1", "0", "0", "2", "0", "50%"]
    assert rows[4] == ["2024-25 Q4", "0", "0", "0", "2", "n/a"]
    assert "8 of 13 owed updates were submitted on time (62%)" in html
    assert "The lowest on-time rate was in 2024-25 Q1 (50%)." in html


def test_department_filter_narrows_the_chart(client: FlaskClient, planner: None) -> None:
    html = get(client, URL + "?department=PART")
    data = payload(html, "chart-compliance")
    assert [sum(d["data"][n] for d in data["datasets"]) for n in range(4)] == [1, 1, 1, 1]


def test_bad_filter_has_no_chart(client: FlaskClient, planner: None) -> None:
    html = get(client, URL + "?first=1999", status=400)
    assert 'id="chart-compliance"' not in html
