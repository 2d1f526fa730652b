"""Optimistic locking: concurrent edits get a 409 page and lose nothing; double posts are one."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from tests.factories.updates import DEPT2_EMAIL, DEPT_EMAIL, QUARTER, World
from tests.updates.helpers import count, form_data, login, post_update, revisions_of, the_update
from tracker.extensions import db
from tracker.models import ProgressUpdate, Revision, User
from tracker.services.updates import save as updates
from tracker.services.updates.rules import UpdateConflict


def test_second_editor_gets_409_and_first_save_is_kept(app: Flask, world: World) -> None:
    first, second = login(app, DEPT_EMAIL), login(app, DEPT2_EMAIL)
    post_update(first, world.form_url, form_data(world))  # version 1 exists
    # Both open the form at version 1 ...
    assert 'value="1"' in first.get(world.form_url).get_data(as_text=True)
    assert 'value="1"' in second.get(world.form_url).get_data(as_text=True)
    # ... the first saves, the second saves what they typed on top of version 1.
    mine = form_data(world, version="1", accomplishments="First editor's words")
    assert post_update(first, world.form_url, mine).status_code == 302
    theirs = form_data(world, version="1", accomplishments="Second editor's words")
    response = post_update(second, world.form_url, theirs)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Changed by Department User at" in html
    assert "since you opened it" in html
    assert "First editor&#39;s words" in html  # their version
    assert "Second editor&#39;s words" in html  # yours, kept in the form
    assert 'name="version" type="hidden" value="2"' in html  # ready to save again knowingly
    update = the_update(app, world)
    assert update is not None
    assert (update.version, update.accomplishments) == (2, "First editor's words")
    assert [r.number for r in revisions_of(app, update.id)] == [1, 2]


def test_saving_again_after_a_conflict_overwrites_knowingly(app: Flask, world: World) -> None:
    first, second = login(app, DEPT_EMAIL), login(app, DEPT2_EMAIL)
    post_update(first, world.form_url, form_data(world))
    post_update(first, world.form_url, form_data(world, version="1", accomplishments="A"))
    assert post_update(second, world.form_url, form_data(world, version="1")).status_code == 409
    again = form_data(world, version="2", accomplishments="B")
    assert post_update(second, world.form_url, again).status_code == 302
    update = the_update(app, world)
    assert update is not None and update.accomplishments == "B" and update.version == 3


def test_conflict_with_a_submitted_update_shows_both_without_a_form(
    app: Flask, world: World
) -> None:
    first, second = login(app, DEPT_EMAIL), login(app, DEPT2_EMAIL)
    post_update(first, world.form_url, form_data(world))
    post_update(first, world.form_url, form_data(world, "send", version="1"))
    response = post_update(
        second, world.form_url, form_data(world, version="1", next_steps="My unsaved plan")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "My unsaved plan" in html
    assert "waiting for review" in html
    assert 'name="accomplishments"' not in html


@pytest.mark.parametrize("intent", ["save", "send"])
def test_posting_the_same_create_form_twice_makes_one_update(
    app: Flask, world: World, intent: str
) -> None:
    client = login(app, DEPT_EMAIL)
    data = form_data(world, intent)
    first = post_update(client, world.form_url, data)
    second = post_update(client, world.form_url, data)
    assert first.status_code == second.status_code == 302
    assert count(app, ProgressUpdate) == 1
    assert count(app, Revision) == 1


def test_a_different_second_create_is_a_conflict(app: Flask, world: World) -> None:
    first, second = login(app, DEPT_EMAIL), login(app, DEPT2_EMAIL)
    assert post_update(first, world.form_url, form_data(world)).status_code == 302
    response = post_update(second, world.form_url, form_data(world, percent_complete="41"))
    assert response.status_code == 409
    update = the_update(app, world)
    assert update is not None and update.percent_complete == 40
    assert count(app, Revision) == 1


def test_lost_insert_race_is_judged_against_the_winner(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests both see no update; the second insert hits the unique constraint."""
    with app.test_request_context():
        user = db.session.get(User, world.user_ids[DEPT_EMAIL])
        assert user is not None
        data = updates.UpdateInput(updates.ActionStatus.ON_TRACK, 10, None, milestones=())
        updates.save_update(user, QUARTER, world.action_id, data, 0, submit=False)
        real = updates.load_context
        calls = {"n": 0}

        def blind_first_time(*args: object) -> updates.UpdateContext:
            ctx = real(*args)  # type: ignore[arg-type]
            calls["n"] += 1
            if calls["n"] == 1:  # the race: this request read before the other committed
                return updates.UpdateContext(**{**ctx.__dict__, "update": None})
            return ctx

        monkeypatch.setattr(updates, "load_context", blind_first_time)
        same = updates.save_update(user, QUARTER, world.action_id, data, 0, submit=False)
        assert same.changed is False
        other = updates.UpdateInput(updates.ActionStatus.ON_TRACK, 20, None, milestones=())
        calls["n"] = 0
        with pytest.raises(UpdateConflict):
            updates.save_update(user, QUARTER, world.action_id, other, 0, submit=False)
        assert db.session.scalar(select(ProgressUpdate.percent_complete)) == 10
    assert count(app, ProgressUpdate) == 1
    assert count(app, Revision) == 1


def test_stale_version_counter_is_caught_and_rejudged(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that passes the version check but loses at the database is judged again."""
    client = login(app, DEPT_EMAIL)
    post_update(client, world.form_url, form_data(world))
    real_apply = updates._apply
    calls = {"n": 0}

    def racing_apply(update: ProgressUpdate, *args: object) -> None:
        calls["n"] += 1
        if calls["n"] == 1:  # a competitor bumps the row between our read and our write
            table = ProgressUpdate.__table__
            db.session.execute(table.update().values(version=table.c.version + 1))
        real_apply(update, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(updates, "_apply", racing_apply)
    response = post_update(client, world.form_url, form_data(world, version="1", risks="r"))
    # SQLAlchemy's version counter raised StaleDataError; the service rolled back (the
    # competitor's bump with it, in this simulation) and saved on the second, clean try.
    assert response.status_code == 302
    assert calls["n"] == 2
    update = the_update(app, world)
    assert update is not None and (update.version, update.risks) == (2, "r")
    assert [r.number for r in revisions_of(app, update.id)] == [1, 2]
