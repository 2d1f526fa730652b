"""Reading chart pages in tests: the JSON a chart is drawn from and the tables beside it."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import DepartmentFactory, action_with_milestones, forecasts_for, plan_areas
from tests.plans.builders import update
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter


def payload(html: str, chart_id: str) -> dict[str, Any]:
    """The JSON of chart `chart_id` (its <script type="application/json"> block)."""
    match = re.search(
        rf'<script type="application/json" id="{re.escape(chart_id)}-data">(.*?)</script>',
        html,
        re.S,
    )
    assert match, f"no JSON for {chart_id}"
    return dict(json.loads(match.group(1)))


class _Tables(HTMLParser):
    """Collect the text of every cell of the table with a given id, row by row."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.depth = table_id, 0
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and (dict(attrs).get("id") == self.table_id or self.depth):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table(html: str, table_id: str) -> list[list[str]]:
    """Rows of the table `table_id` (header, body and footer), each a list of cell texts."""
    parser = _Tables(table_id)
    parser.feed(html)
    assert parser.rows, f"no table {table_id}"
    return parser.rows


def get(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def sized_plan(app: Flask, slug: str, size: int) -> None:
    """A plan with `size` actions over two areas and four quarters: participants, milestones,
    forecasts and updates in every workflow state."""
    states = ("accepted", "submitted", "draft", "returned")
    with app.app_context():
        lead, part = DepartmentFactory.create(), DepartmentFactory.create()
        areas = plan_areas(slug, 2024, 2025, count=2)
        for n in range(size):
            action, milestones = action_with_milestones(
                areas[n % 2],
                lead,
                [part],
                [date(2024, 9, 30), date(2025, 3, 31)],
                code=f"C{n}",
                start_quarter=FiscalQuarter(2024, 1),
                baseline_target=FiscalQuarter(2024, 4),
                current_target=FiscalQuarter(2025, 2),
            )
            for k in range(1, 5):
                dates = forecasts_for(milestones, date(2024, 12, k))
                row = update(
                    action, lead, f"2024-Q{k}", states[(n + k) % 4], "on_track", 10 * k, dates
                )
                row.forecast_completion = FiscalQuarter(2025, 1)
                update(action, part, f"2024-Q{k}", states[(n + k + 1) % 4], "at_risk", 5 * k)
        db.session.commit()
