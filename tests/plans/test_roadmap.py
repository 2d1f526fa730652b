"""The roadmap page: filters in the URL, "as of" with what moved, chart JSON against the tables."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import AuthActions, make_user, post_form, queries
from tests.factories import charts as sc
from tests.factories.charts import sized_plan
from tests.plans.chart_pages import get, payload, table
from tracker.extensions import db
from tracker.models import Action, Plan, Role, StrategicArea
from tracker.plans.chart_specs import day_of

URL = f"/plans/{sc.SLUG}/roadmap"
TITLE = '</script><script>alert("x")</script>'


def body(html: str) -> list[list[str]]:
    """The roadmap table's action rows (area heading rows left out)."""
    return [row for row in table(html, "chart-roadmap-table")[1:] if len(row) > 1]


def test_needs_sign_in(app: Flask, client: FlaskClient) -> None:
    sc.build(app)
    assert client.get(URL).status_code == 302


def test_live_roadmap(client: FlaskClient, planner: None) -> None:
    html = get(client, URL)
    data = payload(html, "chart-roadmap")
    assert data["kind"] == "gantt"
    assert data["labels"] == ["S1", "S2", "E1", "E2", "E3"]
    rows = body(html)
    assert [row[0] for row in rows] == data["labels"]
    s1 = rows[0]
    assert s1[:7] == ["S1", "Action S1", "LEAD", "On track", "55%", "2024-25 Q1", "2024-25 Q4"]
    assert s1[7] == "2025-26 Q1LEAD, 2024-25 Q2 report"  # the target, then its source
    assert rows[3][3:5] == ["No report yet", "n/a"]
    keys = [d["key"] for d in data["datasets"]]
    assert keys == [
        "baseline",
        "forecast",
        "milestone-done",
        "milestone-late",
        "milestone-upcoming",
    ]
    baseline, forecast = data["datasets"][0]["data"], data["datasets"][1]["data"]
    # S1: from 2024-04-01 to the day after 2024-25 Q4 (baseline) and 2025-26 Q1 (forecast).
    assert [day_of(v) for v in baseline[0]] == [date(2024, 4, 1), date(2025, 4, 1)]
    assert [day_of(v) for v in forecast[0]] == [date(2024, 4, 1), date(2025, 7, 1)]
    for row, cells in zip(data["rows"], rows, strict=True):
        assert row["baseline"] == cells[6] and cells[7].startswith(row["target"])
    assert data["rows"][0]["url"] == f"/plans/{sc.SLUG}/actions/S1"
    assert [(m["key"], day_of(m["value"])) for m in data["markers"]] == [("today", sc.TODAY)]
    assert "5 of 5 actions shown: 1 forecast past their baseline target, 1 milestones late." in html


def test_time_axis_and_area_key(client: FlaskClient, planner: None) -> None:
    html = get(client, URL)
    data = payload(html, "chart-roadmap")
    axis = data["axis"]
    quarters = axis["quarters"]
    # Every quarter from the axis's first day, three months apart, named without its year.
    assert quarters[0]["value"] == axis["min"] and quarters[-1]["value"] < axis["max"]
    assert [day_of(q["value"]).month for q in quarters[:5]] == [4, 7, 10, 1, 4]
    assert [q["label"] for q in quarters[:5]] == ["Q1", "Q2", "Q3", "Q4", "Q1"]
    assert len(quarters) == 4 * len(axis["years"])
    assert {y["value"] for y in axis["years"]} <= {q["value"] for q in quarters}
    # The legend's key: one entry per area shown, in the order of the table's area headings.
    headings = [row[0] for row in table(html, "chart-roadmap-table")[1:] if len(row) == 1]
    assert [a["name"] for a in data["areas"]] == headings == ["Service", "Security"]
    assert all(a["colour"].startswith("#") for a in data["areas"])
    assert data["texts"]["areas"] == "Bar colour: strategic area"
    # Rows carry the full title the chart shortens on its labels.
    assert [(r["code"], r["title"]) for r in data["rows"]][0] == ("S1", "Action S1")


def test_area_key_follows_the_filter(client: FlaskClient, planner: None) -> None:
    data = payload(get(client, f"{URL}?area=SEC"), "chart-roadmap")
    assert [a["code"] for a in data["areas"]] == ["SEC"]


def test_milestones_in_chart_and_table(client: FlaskClient, planner: None) -> None:
    html = get(client, URL)
    data = payload(html, "chart-roadmap")
    drawn = {
        (d["key"].removeprefix("milestone-"), p["y"], day_of(p["x"]))
        for d in data["datasets"]
        if d["key"].startswith("milestone-")
        for p in d["data"]
    }
    listed = {
        (row[2].lower(), row[0], row[3].split(" (")[0])
        for row in table(html, "roadmap-milestones-table")[1:]
    }
    assert drawn == {("late", "S1", date(2024, 9, 30)), ("done", "E1", date(2024, 6, 15))}
    assert listed == {("late", "S1", "Sep 30, 2024"), ("done", "E1", "Jun 15, 2024")}


def test_as_of_shows_what_moved(client: FlaskClient, planner: None) -> None:
    html = get(client, URL + "?as_of=2024-Q1")
    assert '<option selected value="2024-Q1">2024-25 Q1</option>' in html
    data = payload(html, "chart-roadmap")
    assert [d["key"] for d in data["datasets"]][:3] == ["baseline", "forecast", "moved"]
    moved = data["datasets"][2]["data"]
    assert moved[0] is not None and moved[1:] == [None, None, None, None]
    rows = body(html)
    assert rows[0][3:5] == ["On track", "20%"]
    assert rows[0][7].startswith("2024-25 Q4")
    assert rows[0][8] == "Moved +1 quarter since 2024-25 Q1"
    assert rows[2][8] == "Unchanged since 2024-25 Q1"
    assert 'class="roadmap-table__moved"' in html
    assert "since 2024-25 Q1, 1 moved later and 0 earlier." in html
    assert [m["key"] for m in data["markers"]] == ["today", "as-of"]


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("area=SEC", ["E1", "E2", "E3"]),
        ("department=PART", ["S1", "S2"]),
        ("status=no_report", ["E2"]),
        ("year=2025", ["S1", "S2", "E2", "E3"]),
        ("area=SVC&status=not_started", ["S2"]),
        ("status=no_report&as_of=2024-Q1", ["S2", "E2", "E3"]),
    ],
)
def test_filters_change_chart_and_table(
    client: FlaskClient, planner: None, query: str, codes: list[str]
) -> None:
    html = get(client, f"{URL}?{query}")
    assert payload(html, "chart-roadmap")["labels"] == codes
    assert [row[0] for row in body(html)] == codes
    assert f"{len(codes)} of 5 actions shown" in html


def test_filter_without_match(client: FlaskClient, planner: None) -> None:
    html = get(client, URL + "?area=SVC&status=completed")
    assert "No action matches these filters." in html
    assert "<canvas" not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("area=NOPE", "Choose one of the plan's strategic areas from the list."),
        ("department=XYZ", "Choose a department assigned to this plan from the list."),
        ("status=great", "Choose a status from the list."),
        ("year=1999", "Choose one of the plan's fiscal years from the list."),
        ("year=x", "Choose one of the plan's fiscal years from the list."),
        ("as_of=2024-Q4", "Choose the end of a past quarter of the plan from the list."),
        ("as_of=2019-Q1", "Choose the end of a past quarter of the plan from the list."),
    ],
)
def test_bad_filters_are_refused(
    client: FlaskClient, planner: None, query: str, message: str
) -> None:
    html = get(client, f"{URL}?{query}", status=400)
    assert message in html
    assert "<canvas" not in html


def test_unknown_plan(client: FlaskClient, planner: None) -> None:
    get(client, "/plans/nope/roadmap", status=404)


def test_department_user(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    app.config["TODAY"] = sc.TODAY
    sc.build(app)
    make_user(app, Role.DEPARTMENT, "lead@example.gc.ca", department="LEAD")
    auth.login("lead@example.gc.ca")
    rows = body(get(client, URL))
    assert rows[0][3] == "On track"  # LEAD's own draft ("Completed") never counts


def test_french(client: FlaskClient, planner: None) -> None:
    post_form(client, "/language", {"lang": "fr", "next": "/"}, page="/")
    html = get(client, URL)
    data = payload(html, "chart-roadmap")
    assert data["axis"]["years"][0]["label"] == "2024-2025"
    assert [q["label"] for q in data["axis"]["quarters"][:4]] == ["T1", "T2", "T3", "T4"]
    assert data["texts"]["areas"] == "Couleur des barres\u00a0: domaine stratégique"
    assert "T4 2024-2025" in html


@pytest.mark.parametrize("query", ["", "?as_of=2024-Q2", "?area=AREA1&year=2024"])
def test_query_count_does_not_grow(
    app: Flask, client: FlaskClient, planner: None, query: str
) -> None:
    sized_plan(app, "small", 2)
    sized_plan(app, "large", 14)
    small = queries(
        app, client, f"/plans/small/roadmap{query.replace('AREA1', area(app, 'small'))}"
    )
    large = queries(
        app, client, f"/plans/large/roadmap{query.replace('AREA1', area(app, 'large'))}"
    )
    assert small == large


def area(app: Flask, slug: str) -> str:
    with app.app_context():
        return str(
            db.session.scalar(
                select(StrategicArea.code)
                .join(Plan)
                .where(Plan.slug == slug)
                .order_by(StrategicArea.position)
                .limit(1)
            )
        )


def test_plan_text_cannot_break_out_of_the_json(
    app: Flask, client: FlaskClient, planner: None
) -> None:
    with app.app_context():
        action = db.session.scalar(select(Action).where(Action.code == "S1"))
        assert action is not None
        action.title_en = TITLE
        db.session.commit()
    html = get(client, URL)
    assert "<script>alert" not in html
    assert payload(html, "chart-roadmap")["rows"][0]["title"] == TITLE


def test_each_choice_gets_its_own_cached_page_and_refusals_are_never_kept(
    client: FlaskClient, planner: None
) -> None:
    everything = body(get(client, URL))
    assert len(everything) == 5
    for _ in range(2):  # the second round comes from the cache
        filtered = get(client, f"{URL}?area=SVC&status=completed")
        assert "0 of 5 actions shown" in filtered
        assert "No action matches these filters." in filtered
        assert "Choose a status from the list." in get(client, f"{URL}?status=great", status=400)
        assert body(get(client, URL)) == everything
        # Unknown parameters are not choices of the page: the same content as without them.
        assert body(get(client, f"{URL}?utm_source=mail")) == everything
