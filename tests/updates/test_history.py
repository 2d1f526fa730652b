"""Revisions: append-only snapshots, the action page's history and the compare page."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import clear_cache, counted
from tests.factories.updates import DEPT_EMAIL, PLANNER_EMAIL, World, add_update
from tests.updates.helpers import form_data, login, post_update, revisions_of
from tracker.db import AppendOnlyError
from tracker.extensions import db
from tracker.models import ProgressUpdate, Revision, WorkflowState


def _two_revisions(app: Flask, world: World) -> int:
    client = login(app, DEPT_EMAIL)
    post_update(client, world.form_url, form_data(world, accomplishments="First words"))
    data = form_data(world, version="1", percent_complete="55", accomplishments="Second words")
    post_update(client, world.form_url, data)
    with app.app_context():
        return int(db.session.scalar(select(ProgressUpdate.id)) or 0)


def test_revisions_are_immutable(app: Flask, world: World) -> None:
    update_id = _two_revisions(app, world)
    with app.app_context():
        revision = db.session.scalar(select(Revision).where(Revision.number == 1))
        assert revision is not None
        revision.snapshot = {**revision.snapshot, "percent_complete": 99}
        with pytest.raises(AppendOnlyError):
            db.session.commit()
        db.session.rollback()
        revision = db.session.scalar(select(Revision).where(Revision.number == 1))
        assert revision is not None
        db.session.delete(revision)
        with pytest.raises(AppendOnlyError):
            db.session.commit()
        db.session.rollback()
    first, second = revisions_of(app, update_id)
    assert first.snapshot["percent_complete"] == 40
    assert first.snapshot["accomplishments"] == "First words"
    assert second.snapshot["percent_complete"] == 55


def test_snapshot_is_complete(app: Flask, world: World) -> None:
    update_id = _two_revisions(app, world)
    snapshot = revisions_of(app, update_id)[-1].snapshot
    assert snapshot["version"] == 2
    assert snapshot["period"] == "2025-Q2"
    assert snapshot["forecast_completion"] == "2026-Q4"
    assert snapshot["state"] == "draft"
    assert [m["milestone_id"] for m in snapshot["milestones"]] == list(world.milestone_ids)
    assert {"accomplishments", "risks", "next_steps", "decrease_reason"} <= snapshot.keys()


def test_compare_page_marks_changed_fields_in_text(app: Flask, world: World) -> None:
    update_id = _two_revisions(app, world)
    response = login(app, DEPT_EMAIL).get(f"/updates/{update_id}/compare?a=1&b=2")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Compare revisions 1 and 2" in html
    assert "2 fields differ." in html
    assert html.count(">Changed<") == 2
    assert "<del>First words</del>" in html and "<ins>Second words</ins>" in html
    assert "<del>40%</del>" in html and "<ins>55%</ins>" in html
    # On a phone each field is a card: both revisions one above the other, each after its name.
    assert 'class="table diff table--stack"' in html
    cells = re.findall(r"<td([^>]*)>", html)
    assert cells and all("data-label=" in cell for cell in cells)
    assert '<td data-label="Revision 1"><del>40%</del></td>' in html
    assert '<td data-label="Revision 2"><ins>55%</ins></td>' in html
    assert html.count('<td data-label="Difference">') == len(cells) // 3
    # order of the arguments does not matter
    assert "Compare revisions 1 and 2" in login(app, DEPT_EMAIL).get(
        f"/updates/{update_id}/compare?a=2&b=1"
    ).get_data(as_text=True)


@pytest.mark.parametrize("query", ["", "?a=1", "?a=1&b=x"])
def test_compare_needs_two_revision_numbers(app: Flask, world: World, query: str) -> None:
    update_id = _two_revisions(app, world)
    assert login(app, DEPT_EMAIL).get(f"/updates/{update_id}/compare{query}").status_code == 400


def test_compare_unknown_revision_is_404(app: Flask, world: World) -> None:
    update_id = _two_revisions(app, world)
    client = login(app, DEPT_EMAIL)
    assert client.get(f"/updates/{update_id}/compare?a=1&b=3").status_code == 404
    assert client.get("/updates/999/compare?a=1&b=2").status_code == 404


def test_planner_does_not_see_a_draft_never_submitted(app: Flask, world: World) -> None:
    update_id = _two_revisions(app, world)
    url = f"/plans/{world.plan_slug}/actions/{world.action_code}"
    planner = login(app, PLANNER_EMAIL)
    assert "Second words" not in planner.get(url).get_data(as_text=True)
    assert planner.get(f"/updates/{update_id}/compare?a=1&b=2").status_code == 404


def test_action_page_shows_history_with_compare_form(app: Flask, world: World) -> None:
    client = login(app, DEPT_EMAIL)
    post_update(client, world.form_url, form_data(world, accomplishments="First words"))
    post_update(client, world.form_url, form_data(world, "send", version="1"))
    with app.app_context():
        update_id = int(db.session.scalar(select(ProgressUpdate.id)) or 0)
    url = f"/plans/{world.plan_slug}/actions/{world.action_code}"
    html = login(app, PLANNER_EMAIL).get(url).get_data(as_text=True)
    assert "Update history" in html
    assert "2 revisions" in html
    assert f'action="/updates/{update_id}/compare"' in html
    assert "Department User" in html


def test_action_page_history_query_count_is_fixed(app: Flask, world: World) -> None:
    url = f"/plans/{world.plan_slug}/actions/{world.action_code}"
    client = login(app, PLANNER_EMAIL)

    def computed() -> list[str]:
        """The queries of the page computed afresh (not from the aggregate cache)."""
        clear_cache(app)
        with counted(app) as counter:
            client.get(url)
        return counter

    client.get(url)
    one = computed()
    _two_revisions(app, world)
    add_update(app, world, world.previous_period_id, state=WorkflowState.ACCEPTED)
    add_update(app, world, world.period_id, department_id=world.other_department_id)
    many = computed()
    assert len(many) <= len(one) + 3  # revisions and their authors load once they exist
    _two_revisions_more(app, world)
    assert len(computed()) == len(many)


def _two_revisions_more(app: Flask, world: World) -> None:
    client = login(app, DEPT_EMAIL)
    post_update(client, world.form_url, form_data(world, "send", version="2"))
