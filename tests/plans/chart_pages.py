"""Reading chart pages in tests: the JSON a chart is drawn from and the tables beside it."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient


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
