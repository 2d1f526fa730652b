"""The aggregate cache: values kept per data version, and every write that matters invalidates
them, in this process and in any other sharing the database (tracker/cache.py)."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import NO_CACHE, AuthActions, make_user
from tests.factories import (
    PlanFactory,
    action_with_milestones,
    ensure_department,
    period,
    plan_areas,
    update,
)
from tracker import create_app
from tracker.cache import data_version, plan_scope, remember
from tracker.extensions import db
from tracker.models import Action, DataVersion, Plan, Role, User
from tracker.services.errors import NotFound
from tracker.services.figures.frame import load_frame

T = TypeVar("T")
TODAY = date(2026, 4, 10)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _worker(app: Flask, **config: object) -> Flask:
    """A second application on the same database: another gunicorn worker, in effect."""
    return create_app(
        {"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "test-secret", **config},
        env="testing",
    )


def test_a_value_is_computed_once_per_data_version(app: Flask) -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    with app.app_context():
        assert remember("answer", ("x",), compute) == 1
        assert remember("answer", ("x",), compute) == 1
        assert remember("answer", ("y",), compute) == 2  # another key
        PlanFactory(slug="p")
        db.session.commit()
        assert remember("answer", ("x",), compute) == 3  # the data changed
    assert len(calls) == 3


@pytest.mark.parametrize("app_overrides", [NO_CACHE])
def test_a_request_computes_a_value_once_even_without_a_store(app: Flask) -> None:
    """The sections of one page share what they compute (the miss path, cache disabled), until
    the request changes the data."""
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    with app.test_request_context("/"):
        assert remember("answer", ("x",), compute) == 1
        assert remember("answer", ("x",), compute) == 1  # not stored, but this request has it
        PlanFactory(slug="p")
        db.session.commit()
        assert remember("answer", ("x",), compute) == 2  # the data changed
    with app.test_request_context("/"):
        assert remember("answer", ("x",), compute) == 3  # another request: nothing kept


def test_none_is_kept_and_errors_are_not(app: Flask) -> None:
    calls: list[int] = []

    def nothing() -> None:
        calls.append(1)

    def failing() -> int:
        calls.append(1)
        raise ValueError("no such quarter")

    with app.app_context():
        assert remember("nothing", (), nothing) is None
        assert remember("nothing", (), nothing) is None
        for _ in range(2):
            with pytest.raises(ValueError, match="no such quarter"):
                remember("failing", (), failing)
    assert len(calls) == 3


def _plan_version(plan_id: int) -> int:
    row = db.session.get(DataVersion, plan_scope(plan_id))
    return row.value if row is not None else 0


def test_the_version_advances_once_per_transaction_that_changes_plan_data(app: Flask) -> None:
    with app.app_context():
        plan = PlanFactory(slug="p")
        db.session.flush()
        plan.title_en = "Renamed"
        db.session.flush()
        db.session.commit()
        assert _plan_version(plan.id) == 1
        before = data_version(plan.id)
        plan_id = plan.id
        db.session.delete(db.session.get(Plan, plan_id))
        db.session.commit()
        assert _plan_version(plan_id) == 2
        assert data_version(plan_id) != before


def test_writes_to_other_data_keep_the_version(app: Flask) -> None:
    user_id = make_user(app, Role.PLANNER)
    with app.app_context():
        before = data_version()
        user = db.session.get(User, user_id)
        assert user is not None
        user.failed_logins = 3
        db.session.commit()
        assert data_version() == before


def test_a_write_in_another_worker_invalidates_this_workers_figures(app: Flask) -> None:
    with app.app_context():
        PlanFactory(slug="shared", title_en="Before")
        db.session.commit()
        assert load_frame("shared", TODAY).plan.title_en == "Before"
    other = _worker(app)
    with other.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.slug == "shared"))
        assert plan is not None
        plan.title_en = "After"
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    with app.app_context():
        assert load_frame("shared", TODAY).plan.title_en == "After"


@pytest.fixture
def shared_store(app: Flask) -> Iterator[Callable[..., Flask]]:
    """Makes workers of `app`'s database sharing one Redis store (a prefix of their own)."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"Redis is not reachable at {REDIS_URL} (CI=true: not a skip)")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    shared = {
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}:",
    }
    workers: list[Flask] = []

    def worker(**config: object) -> Flask:
        workers.append(_worker(app, **shared, **config))
        return workers[-1]

    yield worker
    for made in workers:
        with made.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_redis_store_is_shared_between_workers(shared_store: Callable[..., Flask]) -> None:
    first, second = shared_store(), shared_store()
    calls: list[str] = []

    def compute(name: str) -> str:
        calls.append(name)
        return name

    with first.app_context():
        assert remember("shared", (), lambda: compute("first")) == "first"
    with second.app_context():
        assert remember("shared", (), lambda: compute("second")) == "first"
    assert calls == ["first"]


def test_threads_asking_for_the_same_value_compute_it_once(app: Flask) -> None:
    calls: list[int] = []
    started = threading.Event()

    def slow() -> int:
        calls.append(1)
        started.wait(timeout=5)
        return 42

    def ask() -> int:
        with app.app_context():
            # Each thread also asks for an inner value, as page content asks for its figures.
            return remember("outer", (), lambda: remember("inner", (), slow))

    with ThreadPoolExecutor(4) as pool:
        answers = [pool.submit(ask) for _ in range(4)]
        time.sleep(0.2)
        started.set()
        assert [a.result(timeout=10) for a in answers] == [42] * 4
    assert len(calls) == 1


def test_the_dashboard_shows_a_change_made_after_it_was_cached(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, Role.PLANNER, "planner@example.ca")
    with app.app_context():
        (area,) = plan_areas("cached", 2025, 2027)
        action, _ = action_with_milestones(area, ensure_department("SSC"), title_en="Old title")
        db.session.commit()
        action_id = action.id
    auth.login("planner@example.ca")
    assert "Old title" in client.get("/plans/cached/").get_data(as_text=True)
    with app.app_context():
        found = db.session.get(Action, action_id)
        assert found is not None
        found.title_en = "New title"
        db.session.commit()
    page = client.get("/plans/cached/").get_data(as_text=True)
    assert "New title" in page and "Old title" not in page


def test_cached_page_content_holds_nothing_personal() -> None:
    """Content templates are shared between users (tracker/pages.py): no CSRF token, no POST
    form, no user name; the shell around them has those."""
    templates = Path(__file__).resolve().parent.parent / "templates"
    contents = sorted(templates.glob("**/*_content.html"))
    assert len(contents) >= 8
    for path in contents:
        text = path.read_text().lower()
        for personal in ("csrf_token", 'method="post"', "current_user.name", "current_user.email"):
            assert personal not in text, f"{path.name} holds {personal}"


def test_uncommitted_changes_are_never_cached(app: Flask) -> None:
    """What a transaction sees of its own changes may still be rolled back: not kept."""
    with app.app_context():
        PlanFactory(slug="draft-plan", title_en="Uncommitted")
        db.session.flush()
        assert load_frame("draft-plan", TODAY).plan.title_en == "Uncommitted"
        db.session.rollback()
        with pytest.raises(NotFound):
            load_frame("draft-plan", TODAY)
        PlanFactory(slug="other-plan")  # the next committed change: the version moves on
        db.session.commit()
        with pytest.raises(NotFound):
            load_frame("draft-plan", TODAY)


def _two_plans() -> tuple[int, int, int, int]:
    """Plans "a" and "b" with an action each (led by SSC); their ids and the actions'."""
    ssc = ensure_department("SSC")
    (area_a,) = plan_areas("a", 2025, 2027)
    (area_b,) = plan_areas("b", 2025, 2027)
    action_a, _ = action_with_milestones(area_a, ssc)
    action_b, _ = action_with_milestones(area_b, ssc)
    period("2025-Q1")  # a new period moves every plan's figures: made before they are kept
    db.session.commit()
    return area_a.plan_id, area_b.plan_id, action_a.id, action_b.id


def _counting(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[object]:
    """Count the calls of `module.name` (a value's computation)."""
    calls: list[object] = []
    original = getattr(module, name)

    def counted(*args: object) -> object:
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_a_save_in_one_plan_leaves_another_plans_dashboard_in_place(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.services.figures import dashboard

    computed = _counting(monkeypatch, dashboard, "_dashboard")
    with app.app_context():
        plan_a, plan_b, action_a, action_b = _two_plans()
        ssc = ensure_department("SSC")
        before = dashboard.plan_dashboard(load_frame("b", TODAY))
        assert len(computed) == 1
        update(db.session.get(Action, action_a), ssc, "2025-Q1", "submitted", percent=40)
        db.session.commit()
        again = dashboard.plan_dashboard(load_frame("b", TODAY))
        assert len(computed) == 1  # plan b's dashboard was not computed again
        assert again == before
        dashboard.plan_dashboard(load_frame("a", TODAY))
        assert len(computed) == 2
        update(db.session.get(Action, action_b), ssc, "2025-Q1", "submitted", percent=40)
        db.session.commit()
        after = dashboard.plan_dashboard(load_frame("b", TODAY))
        assert len(computed) == 3  # plan b's own change: computed afresh
        assert after.total.averaged == 1 and before.total.averaged == 0


def test_a_draft_moves_only_the_pages_that_show_drafts(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.services.figures import attention, dashboard

    shown = _counting(monkeypatch, dashboard, "_dashboard")
    listed = _counting(monkeypatch, attention, "_needs_attention")
    with app.app_context():
        plan_a, _, action_a, _ = _two_plans()
        ssc = ensure_department("SSC")
        dashboard.plan_dashboard(load_frame("a", TODAY))
        attention.needs_attention(plan_a, TODAY)
        draft = update(db.session.get(Action, action_a), ssc, "2025-Q1", "draft", percent=10)
        db.session.commit()
        dashboard.plan_dashboard(load_frame("a", TODAY))
        attention.needs_attention(plan_a, TODAY)
        assert (len(shown), len(listed)) == (1, 2)  # the draft: attention only
        draft.percent_complete = 20
        db.session.commit()
        dashboard.plan_dashboard(load_frame("a", TODAY))
        assert len(shown) == 1
        draft.state = "submitted"
        db.session.commit()
        found = dashboard.plan_dashboard(load_frame("a", TODAY))
        assert len(shown) == 2  # the submit moves the plan's figures
        assert found.total.average_percent == 20


def test_a_submission_keeps_the_plans_tree_and_a_change_of_the_tree_moves_it(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.services.figures import frame
    from tracker.services.plans.participants import set_participants

    built = _counting(monkeypatch, frame, "_load_frame")
    planner = make_user(app, Role.PLANNER, "tree-planner@example.gc.ca")
    with app.app_context():
        _, _, action_a, _ = _two_plans()
        ssc, tbs = ensure_department("SSC"), ensure_department("TBS")
        assert load_frame("a", TODAY).actions[0].departments == ("SSC",)
        update(db.session.get(Action, action_a), ssc, "2025-Q1", "submitted", percent=40)
        db.session.commit()
        load_frame("a", TODAY)
        assert len(built) == 1  # progress: the tree is kept
        action = db.session.get(Action, action_a)
        plan = db.session.get(Plan, action.plan_id)
        # Participants are written without the ORM; the change log names the plan.
        assert set_participants(plan, action, [tbs], db.session.get(User, planner))
        db.session.commit()
        assert load_frame("a", TODAY).actions[0].departments == ("SSC", "TBS")  # lead, participant
        assert len(built) == 2


def test_a_new_version_replaces_the_older_one_in_the_store(app: Flask) -> None:
    """One entry per name and key: a write stream does not fill the store with old pages."""
    from tracker.cache import cache

    with app.app_context():
        plan = PlanFactory(slug="kept")
        db.session.commit()
        remember("kept-value", ("k",), lambda: "first", plan=plan.id)
        plan.title_en = "Renamed"
        db.session.commit()
        assert remember("kept-value", ("k",), lambda: "second", plan=plan.id) == "second"
        keys = [k for k in cache.cache._cache if "kept-value" in k]  # type: ignore[attr-defined]
        assert len(keys) == 1
        assert cache.get(keys[0])[0] == "second"


def _asked_by_a_browser(app: Flask, compute: Callable[[], T]) -> T:
    """`remember("answer", ...)` in a GET request of a signed-in browser (as its hooks prepare
    it: the request's start noted, a read-only transaction, which on SQLite takes no lock)."""
    from flask import session

    from tracker import cache
    from tracker.db import set_read_only

    with app.test_request_context("/"):
        session["_user_id"] = "1"  # signed in by the session cookie
        cache._note_beginning()
        set_read_only(True)
        try:
            return remember("answer", (), compute)
        finally:
            set_read_only(False)


LAG = {"FIGURES_MAX_LAG_SECONDS": 5.0}


@pytest.mark.parametrize("app_overrides", [LAG])
def test_a_reader_may_see_figures_seconds_old_and_a_writer_sees_their_own_write(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a plan changes, a reader is shown the page as it was at most the lag ago instead
    of waiting for it to be computed again; the planner who wrote sees the change at once."""
    from tests.authoring.conftest import ACTION, action_version, build_plan, signed_in
    from tests.conftest import post_form
    from tracker import cache

    for acronym in ("SSC", "TBS"):
        with app.app_context():
            ensure_department(acronym)
    writer = signed_in(app, Role.PLANNER, "writer@example.gc.ca")
    reader = signed_in(app, Role.PLANNER, "reader@example.gc.ca")
    build_plan(writer)
    page = "/plans/it-plan/roadmap"
    for client in (writer, reader):
        assert "Modernise the network" in client.get(page).get_data(as_text=True)

    renamed = {**ACTION, "title_en": "Renamed action", "version": action_version(app)}
    edit = "/plans/it-plan/actions/S1.1/edit"
    assert post_form(writer, edit, renamed).status_code == 302
    shown = reader.get(page).get_data(as_text=True)
    assert "Modernise the network" in shown and "Renamed action" not in shown  # a moment old
    assert "Renamed action" in writer.get(page).get_data(as_text=True)  # their own: at once
    assert "Renamed action" in reader.get(page).get_data(as_text=True)  # now computed: kept

    with app.app_context():  # a write by someone else
        action = db.session.scalar(select(Action).where(Action.code == "S1.1"))
        assert action is not None
        action.title_en = "Renamed again"
        db.session.commit()
    assert "Renamed again" not in reader.get(page).get_data(as_text=True)
    later = time.time() + 6.0  # past the lag: computed afresh
    monkeypatch.setattr(cache, "_now", lambda: later)
    assert "Renamed again" in reader.get(page).get_data(as_text=True)


@pytest.mark.parametrize("app_overrides", [LAG])
def test_the_api_and_work_outside_requests_never_lag(app: Flask, client: FlaskClient) -> None:
    """An older value is given only to a reader whose session cookie can remember their
    writes: never to the API (no cookie there), never outside a request."""
    from tests.api.helpers import api_get
    from tests.factories.api import build_world

    world = build_world(app, actions=1)
    path = f"/api/v1/plans/{world.slug}"
    titles = []
    for title in ("First title", "Second title"):
        with app.app_context():
            plan = db.session.scalar(select(Plan).where(Plan.slug == world.slug))
            assert plan is not None
            plan.title_en = title
            db.session.commit()
        body = api_get(client, path, world.tokens["planner"]).get_json()
        titles.append(body["title"]["en"])
    assert titles == ["First title", "Second title"]

    calls: list[int] = []
    with app.app_context():
        assert remember("answer", (), lambda: calls.append(1) or len(calls)) == 1
        PlanFactory(slug="another")
        db.session.commit()
        assert remember("answer", (), lambda: calls.append(1) or len(calls)) == 2


@pytest.mark.parametrize("app_overrides", [{"FIGURES_MAX_LAG_SECONDS": 0.001}])
def test_while_a_thread_computes_the_new_value_readers_are_given_the_last_one(
    app: Flask,
) -> None:
    """Past the lag, the first reader computes the current value; meanwhile the others are
    given the last one instead of queueing behind it."""
    computing, release = threading.Event(), threading.Event()

    def ask(compute: Callable[[], int]) -> int:
        return _asked_by_a_browser(app, compute)

    def slow() -> int:
        computing.set()
        release.wait(timeout=5)
        return 2

    assert ask(lambda: 1) == 1
    with app.app_context():
        PlanFactory(slug="p")
        db.session.commit()
    time.sleep(0.01)  # the kept value is now older than the lag
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(ask, slow)
        assert computing.wait(timeout=5)
        assert ask(lambda: 3) == 1  # not computed, not waited for
        release.set()
        assert first.result(timeout=5) == 2
    assert ask(lambda: 4) == 2


def test_with_a_shared_store_every_worker_is_given_the_value_one_worker_computed(
    shared_store: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers sharing a Redis store share the last value too: while a plan changes, a value
    is computed once per lag for all of them, and past the lag, while one worker computes it
    (its marker in the store), the others are given the last value instead of computing it
    again. Nobody is given it for longer than that."""
    from tracker import cache

    first, second = shared_store(**LAG), shared_store(**LAG)
    calls: list[str] = []

    def compute(name: str) -> Callable[[], str]:
        return lambda: calls.append(name) or name

    assert _asked_by_a_browser(first, compute("first")) == "first"
    with first.app_context():
        PlanFactory(slug="p")
        db.session.commit()
    assert _asked_by_a_browser(second, compute("second")) == "first"  # within the lag
    assert calls == ["first"]

    later = time.time() + 6.0  # past the lag
    monkeypatch.setattr(cache, "_now", lambda: later)
    with first.app_context():  # the first worker is computing it
        assert cache.cache.add(cache._marker("answer"), True)
    assert _asked_by_a_browser(second, compute("second")) == "first"
    with first.app_context():  # it was killed: its marker is gone with the timeout
        cache.cache.delete(cache._marker("answer"))
    assert _asked_by_a_browser(second, compute("second")) == "second"
    assert _asked_by_a_browser(first, compute("third")) == "second"  # current: computed once
    assert calls == ["first", "second"]
