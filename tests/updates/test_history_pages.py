"""The action page's bounded update history and the history page, one quarter at a time."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import counted
from tests.factories.updates import (
    DEPT_EMAIL,
    OTHER_EMAIL,
    PLANNER_EMAIL,
    World,
    add_update,
)
from tests.updates.helpers import login
from tracker.extensions import db
from tracker.models import ReportingPeriod, Revision, WorkflowState
from tracker.services.updates import history


def period_id(app: Flask, quarter: str) -> int:
    with app.app_context():
        found = db.session.scalar(
            select(ReportingPeriod.id).where(ReportingPeriod.quarter == quarter)
        )
        assert found is not None
        return found


def add_revisions(app: Flask, update_id: int, author_id: int, count: int) -> None:
    """Append `count` revisions to an update stored directly (add_update writes none)."""
    with app.app_context():
        for number in range(1, count + 1):
            db.session.add(
                Revision(
                    update_id=update_id,
                    number=number,
                    state="submitted",
                    event="submit",
                    snapshot={},
                    author_id=author_id,
                )
            )
        db.session.commit()


def four_updates(app: Flask, world: World) -> dict[str, int]:
    """ACR and OTH in 2025-Q2, ACR in 2025-Q1, OTH in 2024-Q4 (all accepted): update ids by
    row id."""
    other = world.other_department_id
    return {
        "ACR-2025-Q2": add_update(app, world, world.period_id),
        "OTH-2025-Q2": add_update(app, world, world.period_id, department_id=other),
        "ACR-2025-Q1": add_update(app, world, world.previous_period_id),
        "OTH-2024-Q4": add_update(app, world, period_id(app, "2024-Q4"), department_id=other),
    }


def rows(html: str) -> list[str]:
    """The history rows of a page, in order, as DEPT-quarter."""
    return re.findall(r'<tr id="history-([A-Z]+-[0-9]{4}-Q[1-4])"', html)


def action_url(world: World) -> str:
    return f"/plans/{world.plan_slug}/actions/{world.action_code}"


@pytest.mark.parametrize(
    ("limit", "shown"),
    [
        # At least the latest quarter, whole, even past the limit.
        (1, ["ACR-2025-Q2", "OTH-2025-Q2"]),
        (2, ["ACR-2025-Q2", "OTH-2025-Q2"]),
        (3, ["ACR-2025-Q2", "OTH-2025-Q2", "ACR-2025-Q1"]),
        (4, ["ACR-2025-Q2", "OTH-2025-Q2", "ACR-2025-Q1", "OTH-2024-Q4"]),
    ],
)
def test_action_page_shows_the_latest_whole_quarters_within_the_limit(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch, limit: int, shown: list[str]
) -> None:
    monkeypatch.setattr(history, "SHOWN_UPDATES", limit)
    four_updates(app, world)
    html = login(app, PLANNER_EMAIL).get(action_url(world)).get_data(as_text=True)
    assert rows(html) == shown


def test_action_page_says_how_much_it_shows_and_links_to_every_quarter(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "SHOWN_UPDATES", 2)
    four_updates(app, world)
    html = login(app, PLANNER_EMAIL).get(action_url(world)).get_data(as_text=True)
    assert (
        "Showing 2 of the 4 updates on this action: those of 2025-26 Q2, "
        "the latest quarter with updates." in html
    )
    base = f"{action_url(world)}/history?period="
    assert f'href="{base}2025-Q1">Older updates, quarter by quarter</a>' in html
    for quarter, count in (
        ("2025-Q2", "2 updates"),
        ("2025-Q1", "1 update"),
        ("2024-Q4", "1 update"),
    ):
        link = rf'href="{re.escape(base + quarter)}">[^<]+</a> <span class="muted">\({count}\)'
        assert re.search(link, html), quarter


def test_action_page_names_the_quarters_shown(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "SHOWN_UPDATES", 3)
    four_updates(app, world)
    html = login(app, PLANNER_EMAIL).get(action_url(world)).get_data(as_text=True)
    assert "Showing 3 of the 4 updates on this action: those from 2025-26 Q1 to 2025-26 Q2" in html


def test_whole_history_on_the_action_page_needs_no_links(app: Flask, world: World) -> None:
    four_updates(app, world)
    html = login(app, PLANNER_EMAIL).get(action_url(world)).get_data(as_text=True)
    assert "All 4 updates on this action." in html
    assert len(rows(html)) == 4
    assert "/history?period=" not in html


def test_history_page_shows_one_quarter_with_its_neighbours(app: Flask, world: World) -> None:
    ids = four_updates(app, world)
    add_revisions(app, ids["ACR-2025-Q1"], world.user_ids[DEPT_EMAIL], 2)
    url = f"{action_url(world)}/history"
    client = login(app, PLANNER_EMAIL)
    html = client.get(f"{url}?period=2025-Q1").get_data(as_text=True)
    assert rows(html) == ["ACR-2025-Q1"]
    assert "1 update in 2025-26 Q1, out of 4 on this action." in html
    assert f'href="{url}?period=2025-Q2" rel="prev">Newer quarter: 2025-26 Q2<' in html
    assert f'href="{url}?period=2024-Q4" rel="next">Older quarter: 2024-25 Q4<' in html
    assert f'href="{url}?period=2025-Q1" aria-current="page"' in html
    assert "2 revisions" in html
    assert f'action="/updates/{ids["ACR-2025-Q1"]}/compare"' in html
    # Without a quarter: the newest, which has nothing newer.
    newest = client.get(url).get_data(as_text=True)
    assert rows(newest) == ["ACR-2025-Q2", "OTH-2025-Q2"]
    assert "Newer quarter" not in newest and "Older quarter: 2025-26 Q1" in newest


@pytest.mark.parametrize("period", ["2023-Q1", "2025-Q5", "soon", "2024-Q4"])
def test_history_page_of_a_quarter_the_viewer_cannot_read_is_404(
    app: Flask, world: World, period: str
) -> None:
    four_updates(app, world)  # 2024-Q4 holds only OTH's update: ACR's users may not read it
    url = f"{action_url(world)}/history?period={period}"
    assert login(app, DEPT_EMAIL).get(url).status_code == 404


def test_history_page_of_an_unknown_action_is_404(app: Flask, world: World) -> None:
    url = f"/plans/{world.plan_slug}/actions/X9/history"
    assert login(app, PLANNER_EMAIL).get(url).status_code == 404


def test_history_page_follows_who_may_read_what(app: Flask, world: World) -> None:
    four_updates(app, world)
    add_update(app, world, period_id(app, "2025-Q3"), state=WorkflowState.DRAFT)
    url = f"{action_url(world)}/history"
    # A draft never sent is its department's own: not counted, not listed, not reachable.
    planner = login(app, PLANNER_EMAIL)
    assert "2025-Q3" not in planner.get(url).get_data(as_text=True)
    assert planner.get(f"{url}?period=2025-Q3").status_code == 404
    own = login(app, DEPT_EMAIL).get(f"{url}?period=2025-Q3").get_data(as_text=True)
    assert rows(own) == ["ACR-2025-Q3"]
    # Another department sees only its own quarters.
    other = login(app, OTHER_EMAIL).get(url).get_data(as_text=True)
    assert rows(other) == ["OTH-2025-Q2"]
    assert "period=2024-Q4" in other and "period=2025-Q1" not in other


def test_history_page_query_count_does_not_grow(app: Flask, world: World) -> None:
    url = f"{action_url(world)}/history?period=2025-Q2"
    first = add_update(app, world, world.period_id)
    client = login(app, PLANNER_EMAIL)
    client.get(url)
    with counted(app) as one:
        client.get(url)
    add_revisions(app, first, world.user_ids[DEPT_EMAIL], 3)
    second = add_update(app, world, world.period_id, department_id=world.other_department_id)
    add_revisions(app, second, world.user_ids[OTHER_EMAIL], 2)
    for quarter in ("2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"):
        add_update(app, world, period_id(app, quarter))
    with counted(app) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(one)
