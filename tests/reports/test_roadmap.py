"""The PDF roadmap's drawing: every bar runs from its start quarter to its target, even when the
target is years past the plan's last year, with milestones at their dates and a line at the
report date."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from tests.factories.reports import SLUG, YEAR, build_plan
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Plan
from tracker.reports.charts import roadmap_svg
from tracker.reports.roadmap import ROWS_PER_CHART, ActionLine, AreaLine, action_lines, layout
from tracker.reports.snapshot import ReportSnapshot

Q = FiscalQuarter.parse


@pytest.fixture
def snapshot(app: Flask) -> ReportSnapshot:
    build_plan(app)
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.slug == SLUG))
        assert plan is not None
        now = datetime(2025, 6, 1, tzinfo=UTC)
        return build_snapshot_of(plan, now)


def build_snapshot_of(plan: Plan, now: datetime) -> ReportSnapshot:
    from tracker.reports.builder import build_snapshot

    return build_snapshot(plan, YEAR, "en", now.date(), now, 4)


def late_plan(snapshot: ReportSnapshot) -> ReportSnapshot:
    """The plan ends in 2025-26; its actions' targets run to 2028-29 Q2 and 2027-28 Q1."""
    a1, a2 = snapshot.areas[0].actions
    a1 = replace(a1, baseline_target=Q("2026-Q3"), current_target=Q("2028-Q2"), slippage=7)
    a2 = replace(a2, start_quarter=Q("2023-Q3"), current_target=Q("2027-Q1"))
    area = replace(snapshot.areas[0], actions=(a1, a2))
    return replace(snapshot, areas=(area,))


def test_every_bar_ends_at_its_target_past_the_plans_last_year(snapshot: ReportSnapshot) -> None:
    late = late_plan(snapshot)
    assert late.plan.last_year == 2025
    drawn = layout(late)
    axis = drawn.axis
    assert axis.first == Q("2023-Q1") and axis.last == Q("2028-Q4")  # whole fiscal years
    lines = action_lines(drawn.rows)
    assert [line.action.code for line in lines] == ["A1", "A2"]
    for line in lines:
        a = line.action
        assert line.current.x == pytest.approx(axis.start(a.start_quarter))
        assert line.current.x + line.current.width == pytest.approx(axis.end(a.current_target))
        assert line.baseline.x + line.baseline.width == pytest.approx(axis.end(a.baseline_target))
        assert line.current.x + line.current.width <= axis.right
    a1 = lines[0]
    # 2028-Q2 ends 22 quarters after 2023-Q1 starts: nothing is cut at the plan's 2025-26.
    assert a1.current.x + a1.current.width == pytest.approx(axis.left + 22 * axis.step)
    # The report date (2025-03-31) is the end of the report's fiscal year.
    assert drawn.report_x == pytest.approx(axis.end(Q("2024-Q4")))


def test_milestones_sit_at_their_due_dates_within_their_quarters(
    snapshot: ReportSnapshot,
) -> None:
    drawn = layout(snapshot)
    axis = drawn.axis
    a1 = action_lines(drawn.rows)[0]
    marks = {m.code: x for x, m in a1.milestones}
    assert set(marks) == {"M1", "M2", "M3"}  # the milestones due in the year
    assert axis.start(Q("2024-Q2")) < marks["M1"] < axis.end(Q("2024-Q2"))  # 2024-09-30
    assert marks["M1"] < marks["M2"] < marks["M3"] <= drawn.report_x
    assert axis.day(date(2024, 4, 1)) == pytest.approx(axis.start(Q("2024-Q1")), abs=axis.step / 80)


def test_the_svg_draws_each_bar_ticks_and_area_names(app: Flask, snapshot: ReportSnapshot) -> None:
    late = late_plan(snapshot)
    drawn = layout(late)
    with app.app_context():
        svg = roadmap_svg(late, drawn, drawn.rows)
    # One area-coloured bar per action, ending where the layout says.
    colour = late.areas[0].colour
    bars = re.findall(
        rf'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="7.0" fill="{colour}"', svg
    )
    ends = [float(x) + float(w) for x, w in bars]
    expected = [line.current.x + line.current.width for line in action_lines(drawn.rows)]
    assert ends == pytest.approx(expected, abs=0.1)
    assert ">2028-29<" in svg and ">Q2<" in svg and late.areas[0].name_en in svg
    assert svg.count(">Q1<") == len(drawn.axis.quarters) // 4


def test_long_roadmaps_split_into_pages_that_never_end_on_an_area_header(
    snapshot: ReportSnapshot,
) -> None:
    area = snapshot.areas[0]
    actions = tuple(replace(area.actions[0], code=f"A{n}") for n in range(ROWS_PER_CHART - 2))
    areas = (replace(area, actions=actions), replace(area, code="B", actions=area.actions))
    pages = layout(replace(snapshot, areas=areas)).pages()
    assert [len(p) for p in pages] == [ROWS_PER_CHART - 1, 3]
    assert isinstance(pages[1][0], AreaLine) and isinstance(pages[0][-1], ActionLine)
