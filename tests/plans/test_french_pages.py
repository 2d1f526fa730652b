"""French pages: percentages, dates, departments' French acronyms and area names."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import charts as sc
from tests.plans.chart_pages import get, payload, table
from tests.test_locale_formats import BARE_PERCENT, ISO_DATE, NBSP, french, visible_text
from tracker.extensions import db
from tracker.models import Department


def test_french_trend_page_writes_percentages_and_dates_the_french_way(
    client: FlaskClient, planner: None
) -> None:
    french(client)
    html = get(client, f"/plans/{sc.SLUG}/trends")
    assert payload(html, "chart-trend-0")["locale"] == "fr"
    # the table helper folds spaces: the page itself has the no-break space before "%"
    assert [r[1] for r in table(html, "chart-trend-0-table")[1:]] == [
        "40,0 %",
        "46,7 %",
        "51,7 %",
        "51,7 %",
    ]
    assert f"<td>51,7{NBSP}%</td>" in html or f">51,7{NBSP}%<" in html
    assert f"52{NBSP}%" in html  # the summary sentence, in whole percent
    assert "51,7%" not in html and "52 %" not in html
    assert table(html, "chart-milestone-trend-table")[1][1] == "30 sept. 2024"
    assert "2024-09-30<" not in html  # ISO only in machine attributes


def test_french_pages_show_french_acronyms(app: Flask, client: FlaskClient, planner: None) -> None:
    with app.app_context():
        lead = db.session.scalar(select(Department).where(Department.acronym == "LEAD"))
        assert lead is not None
        lead.acronym_fr = "RESP"
        db.session.commit()
    overview = f"/plans/{sc.SLUG}/"
    assert ">LEAD</abbr>" in get(client, overview)
    french(client)
    html = get(client, overview)
    assert ">RESP</abbr>" in html and ">LEAD<" not in html
    compliance = client.get(f"/plans/{sc.SLUG}/compliance.csv").get_data(as_text=True)
    assert "\nRESP," in compliance and "\nLEAD," not in compliance
    assert f",75{NBSP}%\r\n" in compliance  # the on-time rate, written the French way


def test_area_headings_show_names_not_codes(client: FlaskClient, planner: None) -> None:
    html = get(client, f"/plans/{sc.SLUG}/")
    assert "Service</h3>" in html and ">SVC " not in html


@pytest.mark.parametrize(
    "path",
    ["/", "/roadmap", "/roadmap?as_of=2024-Q2", "/trends", "/compliance", "/attention"]
    + ["/actions/S1", "/actions/E1"],
)
def test_french_plan_pages_show_no_iso_date_and_no_bare_percent(
    client: FlaskClient, planner: None, path: str
) -> None:
    french(client)
    text = visible_text(get(client, f"/plans/{sc.SLUG}{path}"))
    assert ISO_DATE.findall(text) == []
    assert BARE_PERCENT.findall(text) == []
