"""The chart pages in Chromium: every chart drawn from the page's JSON and equal to its table.

The demo planner opens the GC IT Strategic Plan's dashboard, roadmap and trends. Chart.js comes
through the CDN URL with its integrity hash and is answered from node_modules (the offline
router of conftest.py). Screenshots of each page are saved in tests/e2e/artifacts/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, Account
from tests.e2e.support import LiveServer
from tests.e2e.test_smoke import account_for, sign_in

PLAN = "/plans/gc-it-strategic-plan-2016-2020"
AREAS = ["Service IT", "Secure IT", "Manage IT", "Work IT"]

CHART_STATE = """(id) => {
  const chart = Chart.getChart(document.getElementById(id));
  if (!chart) return null;
  return {
    type: chart.config.type,
    labels: chart.data.labels,
    datasets: chart.data.datasets.map((d) => ({ key: d.key, label: d.label, data: d.data })),
  };
}"""

TABLE_ROWS = """(id) => Array.from(document.querySelectorAll(`#${id} tr`)).map(
  (tr) => Array.from(tr.querySelectorAll("th, td")).map(
    (c) => c.textContent.trim().replace(/\\s+/g, " ")
  )
)"""


@pytest.fixture
def planner(page: Page, live_server: LiveServer, demo_accounts: list[Account]) -> Page:
    """The page, signed in as the demo planner."""
    sign_in(page, account_for(demo_accounts, "planner"))
    return page


def page_json(page: Page, chart_id: str) -> dict[str, Any]:
    return dict(json.loads(page.locator(f"#{chart_id}-data").text_content() or "{}"))


def chart_state(page: Page, chart_id: str) -> dict[str, Any]:
    # After a navigation the new page's scripts may still be loading: wait for its chart.
    page.wait_for_function(
        "(id) => window.Chart && Chart.getChart(document.getElementById(id))", arg=chart_id
    )
    state = page.evaluate(CHART_STATE, chart_id)
    assert state is not None, f"no Chart.js instance on #{chart_id}"
    return dict(state)


def chart_ids(page: Page) -> list[str]:
    return list(page.eval_on_selector_all("canvas[data-chart]", "(cs) => cs.map((c) => c.id)"))


def cell(unit: str, value: float | None) -> str:
    """A value as the English tables print it."""
    if value is None:
        return "n/a"
    if unit == "percent":
        return f"{value:.1f}%"
    return str(value)


def assert_chart_is_its_json(page: Page, chart_id: str) -> dict[str, Any]:
    """The drawn chart has exactly the labels and datasets the page handed over."""
    data = page_json(page, chart_id)
    state = chart_state(page, chart_id)
    assert state["labels"] == data["labels"], chart_id
    assert [(d["key"], d["label"], d["data"]) for d in state["datasets"]] == [
        (d["key"], d["label"], d["data"]) for d in data["datasets"]
    ], chart_id
    return data


def assert_table_holds_the_numbers(page: Page, chart_id: str, data: dict[str, Any]) -> None:
    """The table after a chart: one row per label, one column per dataset, same values."""
    rows = page.evaluate(TABLE_ROWS, f"{chart_id}-table")
    header, body = rows[0], rows[1 : 1 + len(data["labels"])]
    assert [row[0] for row in body] == data["labels"], chart_id
    for n, dataset in enumerate(data["datasets"], start=1):
        assert header[n] == dataset["label"], chart_id
        if data["unit"] == "date":
            days = [None if v is None else _day(v) for v in dataset["data"]]
            assert [row[n].split(" (")[0] for row in body] == [d or "n/a" for d in days]
        else:
            assert [row[n] for row in body] == [cell(data["unit"], v) for v in dataset["data"]]


def _day(ms: int) -> str:
    """A chart's date as the English table prints it ('Sep 30, 2024')."""
    from datetime import UTC, datetime

    from babel.dates import format_date

    return str(format_date(datetime.fromtimestamp(ms / 1000, UTC).date(), "medium", locale="en"))


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"charts-{name}.png"), full_page=True)


def test_dashboard(planner: Page, axe: Callable[[Page], None]) -> None:
    page = planner
    page.goto(f"{PLAN}/")
    expect(page.get_by_role("heading", name="Progress by strategic area")).to_be_visible()
    assert chart_ids(page) == [
        "chart-status",
        "chart-progress",
        "chart-slipped",
        "chart-submission",
    ]
    for chart_id in chart_ids(page):
        data = assert_chart_is_its_json(page, chart_id)
        assert_table_holds_the_numbers(page, chart_id, data)
        canvas = page.locator(f"#{chart_id}")
        expect(canvas).to_have_attribute("role", "img")
        expect(canvas).to_have_attribute("aria-describedby", f"{chart_id}-summary")
    status = chart_state(page, "chart-status")
    assert status["type"] == "bar" and status["labels"] == AREAS
    assert sum(sum(d["data"]) for d in status["datasets"]) == 24  # every action, once
    assert chart_state(page, "chart-progress")["labels"] == [*AREAS, "Whole plan"]
    screenshot(page, "dashboard")
    axe(page)

    # Another period: chart and table follow the choice in the URL.
    page.get_by_label("Reporting period", exact=True).select_option("2017-Q4")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"period=2017-Q4"))
    data = assert_chart_is_its_json(page, "chart-status")
    assert_table_holds_the_numbers(page, "chart-status", data)
    expect(page.get_by_text("Figures for 2017-18 Q4.")).to_be_visible()


def test_roadmap_filters_and_as_of(planner: Page, axe: Callable[[Page], None]) -> None:
    page = planner
    page.goto(f"{PLAN}/roadmap")
    data = assert_chart_is_its_json(page, "chart-roadmap")
    codes = page.evaluate(
        "() => Array.from(document.querySelectorAll('#chart-roadmap-table tr[data-code]'))"
        ".map((tr) => tr.dataset.code)"
    )
    assert codes == data["labels"] and len(codes) == 24
    milestones = [d for d in data["datasets"] if d["key"].startswith("milestone-")]
    assert (
        sum(len(d["data"]) for d in milestones)
        == page.locator("#roadmap-milestones-table tbody tr").count()
    )
    assert {d["key"] for d in milestones} == {
        "milestone-done",
        "milestone-late",
        "milestone-upcoming",
    }
    screenshot(page, "roadmap")
    axe(page)

    # A filter changes both the chart and the table, and lands in the URL.
    page.get_by_label("Strategic area", exact=True).select_option(label="Secure IT")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"area=SECURE"))
    filtered = assert_chart_is_its_json(page, "chart-roadmap")
    rows = page.locator("#chart-roadmap-table tr[data-code]")
    assert filtered["labels"] == [
        rows.nth(n).get_attribute("data-code") for n in range(rows.count())
    ]
    assert 0 < len(filtered["labels"]) < 24
    assert all(code.startswith("SE") for code in filtered["labels"])

    # As of a past quarter: a third dataset for what moved, and the table says so in words.
    page.get_by_label("As of", exact=True).select_option("2017-Q4")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"as_of=2017-Q4"))
    moved = assert_chart_is_its_json(page, "chart-roadmap")
    assert [d["key"] for d in moved["datasets"]][:3] == ["baseline", "forecast", "moved"]
    expect(
        page.get_by_text(re.compile(r"Moved \+\d+ quarters? since 2017-18 Q4")).first
    ).to_be_visible()
    screenshot(page, "roadmap-as-of")
    axe(page)


def test_roadmap_bar_opens_the_action(planner: Page) -> None:
    page = planner
    page.emulate_media(reduced_motion="reduce")  # no smooth scrolling under the pointer
    page.goto(f"{PLAN}/roadmap")
    # The middle of the first action's forecast bar, in the canvas's own CSS pixels.
    point = page.evaluate(
        """() => {
          const chart = Chart.getChart(document.getElementById("chart-roadmap"));
          const bar = chart.getDatasetMeta(1).data[0];
          return { x: (bar.base + bar.x) / 2, y: bar.y };
        }"""
    )
    page.locator("#chart-roadmap").click(position=point)
    expect(page).to_have_url(re.compile(rf"{PLAN}/actions/S1\.1$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("S1.1")


GANTT_STATE = """() => {
  const chart = Chart.getChart(document.getElementById("chart-roadmap"));
  const y = chart.scales.y;
  const first = y.getPixelForValue(0);
  return {
    rows: y.ticks.map((t) => t.label),
    quarters: chart.scales.x.ticks.map((t) => t.label).filter(Boolean),
    years: chart.scales.years.ticks.map((t) => t.label),
    positions: [chart.scales.x.position, chart.scales.years.position],
    legend: chart.legend.legendItems.map((item) => item.text),
    legendTitle: chart.options.plugins.legend.title.text,
    label: { x: Math.max(4, chart.chartArea.left - 30), y: first },
  };
}"""


def gantt(page: Page) -> dict[str, Any]:
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('chart-roadmap'))"
    )
    return dict(page.evaluate(GANTT_STATE))


def test_roadmap_gantt_reads_well(planner: Page) -> None:
    page = planner
    page.goto(f"{PLAN}/roadmap")
    data = page_json(page, "chart-roadmap")
    state = gantt(page)
    # Rows: the code, then the title as far as it fits, cut with an ellipsis; in full in the table.
    for label, row in zip(state["rows"], data["rows"], strict=True):
        assert label.startswith(f"{row['code']} "), label
        shown = label.removeprefix(f"{row['code']} ")
        assert shown == row["title"] or (
            shown.endswith("…") and row["title"].startswith(shown[:-1])
        ), (label, row["title"])
        assert (
            row["title"]
            in page.locator(f"#chart-roadmap-table tr[data-code='{row['code']}']").inner_text()
        )
    assert any(label.endswith("…") for label in state["rows"])
    # Fiscal years above their quarters, at the top.
    assert state["positions"] == ["top", "top"]
    assert state["years"] == ["2016-17", "2017-18", "2018-19", "2019-20", "2020-21"]
    assert set(state["quarters"]) == {"Q1", "Q2", "Q3", "Q4"}
    # The legend names each area's colour, then the series.
    assert state["legendTitle"] == "Bar colour: strategic area"
    assert state["legend"][:4] == AREAS
    assert "Current forecast" in state["legend"]

    # A row's label: its full title on hover, the action's page on a click.
    canvas = page.locator("#chart-roadmap")
    canvas.hover(position=state["label"])
    first = data["rows"][0]
    expect(canvas).to_have_attribute("title", f"{first['code']} {first['title']} ({first['area']})")
    canvas.click(position=state["label"])
    expect(page).to_have_url(re.compile(rf"{PLAN}/actions/{re.escape(first['code'])}$"))


def test_roadmap_on_a_phone(planner: Page) -> None:
    page = planner
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{PLAN}/roadmap")
    state = gantt(page)
    assert state["rows"] == page_json(page, "chart-roadmap")["labels"]  # codes only: no room
    assert state["years"][0] == "16-17"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_trends(planner: Page, axe: Callable[[Page], None]) -> None:
    page = planner
    page.goto(f"{PLAN}/trends")
    ids = chart_ids(page)
    assert ids == [f"chart-trend-{n}" for n in range(5)] + ["chart-milestone-trend"]
    for chart_id in ids:
        data = assert_chart_is_its_json(page, chart_id)
        assert_table_holds_the_numbers(page, chart_id, data)
    assert [page_json(page, f"chart-trend-{n}")["datasets"][0]["key"] for n in range(5)] == [
        "reported"
    ] * 5
    first = page_json(page, "chart-milestone-trend")
    assert len(first["labels"]) > 1 and len(first["datasets"]) > 1
    screenshot(page, "trends")
    axe(page)

    select = page.get_by_label("Action", exact=True)
    select.select_option("SE3.1")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"action=SE3\.1"))
    chosen = assert_chart_is_its_json(page, "chart-milestone-trend")
    assert_table_holds_the_numbers(page, "chart-milestone-trend", chosen)
    assert chosen != first
    expect(
        page.get_by_role("heading", name="Milestone dates reported for action SE3.1")
    ).to_be_visible()


def test_compliance_chart(planner: Page, axe: Callable[[Page], None]) -> None:
    page = planner
    page.goto(f"{PLAN}/compliance")
    data = assert_chart_is_its_json(page, "chart-compliance")
    assert_table_holds_the_numbers(page, "chart-compliance", data)
    assert len(data["labels"]) == 16  # 2016-17 Q1 .. 2019-20 Q4
    screenshot(page, "compliance")
    axe(page)


FORMATS = """(locale) => {
  const f = window.TrackerCharts.formatsFor(locale);
  return [f.percent(62.8), f.percent(66), f.date(Date.UTC(2027, 0, 22)), f.labelled("Prévu", "5")];
}"""


def test_french_charts_format_by_locale(planner: Page) -> None:
    """Chart.js ticks and tooltips write numbers and dates as the French tables do."""
    page = planner
    page.get_by_role("button", name="Français").click()
    page.goto(f"{PLAN}/trends")
    assert page_json(page, "chart-trend-0")["locale"] == "fr"
    chart_state(page, "chart-trend-0")
    nbsp = "\u00a0"
    assert page.evaluate(FORMATS, "fr") == [
        f"62,8{nbsp}%",
        f"66{nbsp}%",
        "22 janv. 2027",
        f"Prévu{nbsp}: 5",
    ]
    assert page.evaluate(FORMATS, "en") == ["62.8%", "66%", "Jan 22, 2027", "Prévu: 5"]
    ticks = page.evaluate(
        "(id) => Chart.getChart(document.getElementById(id)).scales.y.ticks.map((t) => t.label)",
        "chart-trend-0",
    )
    assert f"50{nbsp}%" in ticks and "100" + nbsp + "%" in ticks
    page.get_by_role("button", name="English").click()
