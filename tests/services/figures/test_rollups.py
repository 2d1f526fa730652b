"""Rollups (tracker/services/figures/rollups.py): kept in step with every write, checked against
history, rebuilt from it, and never lost when two departments write on one action at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select, update

from tests.conftest import rollups_agree_after
from tests.factories import action_with_milestones, ensure_department, period, plan_areas
from tests.factories import update as add_update
from tracker import create_app
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, ActionFigure, ObligationFigure, ObligationTally, ProgressUpdate
from tracker.services.figures import counted, progress, rollups


@pytest.fixture(autouse=True)
def _rollups_agree(request: pytest.FixtureRequest) -> Iterator[None]:
    yield from rollups_agree_after(request)


def _history() -> tuple[int, int, int]:
    """An action led by SSC with TBS taking part, and updates over three quarters; the ids of
    the action and of the two departments."""
    ssc, tbs = ensure_department("SSC"), ensure_department("TBS")
    (area,) = plan_areas("rolled", 2025, 2027)
    action, _ = action_with_milestones(area, ssc, [tbs])
    add_update(action, ssc, "2025-Q1", "accepted", percent=10)
    add_update(action, tbs, "2025-Q2", "submitted", percent=30)
    add_update(action, ssc, "2025-Q3", "draft", percent=50)
    period("2025-Q4")
    db.session.commit()
    return action.id, ssc.id, tbs.id


def _from_history(action_id: int, quarter: FiscalQuarter) -> progress.ActionState | None:
    """The counted update as of `quarter`, straight from the updates (the builder)."""
    chosen = counted.counted_updates([action_id], [quarter])
    found = progress.chosen_states(chosen)
    return found[0][1] if found else None


def test_rollups_follow_each_write_and_agree_with_the_builder(app: Flask) -> None:
    with app.app_context():
        action_id, ssc_id, _ = _history()
        quarters = [FiscalQuarter(2025, n) for n in (1, 2, 3, 4)]
        periods = [period(str(q)).id for q in quarters]
        by_quarter = progress.percents_by_period([action_id], periods)
        assert [s[action_id].percent for s in by_quarter] == [10, 10, 10, 10]  # accepted wins
        draft = db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.state == "draft"))
        assert draft is not None
        draft.state = "accepted"
        db.session.commit()
        by_quarter = progress.percents_by_period([action_id], periods)
        assert [s[action_id].percent for s in by_quarter] == [10, 10, 50, 50]
        for quarter in quarters:
            found = progress.action_statuses([action_id], quarter)
            assert found.get(action_id) == _from_history(action_id, quarter)
        assert rollups.differences() == []


def test_a_new_period_and_a_new_lead_move_the_rollups(app: Flask) -> None:
    with app.app_context():
        action_id, _, tbs_id = _history()
        period("2026-Q1")
        db.session.commit()
        assert (
            progress.action_statuses([action_id], FiscalQuarter(2026, 1))[action_id].percent == 10
        )
        add_update(
            db.session.get(Action, action_id),
            ensure_department("TBS"),
            "2025-Q1",
            "accepted",
            percent=15,
        )
        db.session.commit()
        action = db.session.get(Action, action_id)
        assert action is not None
        assert progress.action_statuses([action_id])[action_id].percent == 10  # the lead's first
        action.lead_department_id = tbs_id
        db.session.commit()
        assert progress.action_statuses([action_id])[action_id].percent == 15
        assert rollups.differences() == []


def test_the_check_finds_a_corrupted_rollup_and_rebuild_repairs_it(app: Flask) -> None:
    with app.app_context():
        action_id, _, _ = _history()
        db.session.execute(
            update(ActionFigure)
            .where(
                ActionFigure.action_id == action_id, ActionFigure.quarter == FiscalQuarter(2025, 2)
            )
            .values(percent=99)
        )
        db.session.commit()
        found = rollups.differences()
        assert len(found) == 1 and "percent is 99, expected 10" in found[0]
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["figures", "check", "--plan", "rolled"])
    assert checked.exit_code != 0
    assert "percent is 99, expected 10" in checked.output
    rebuilt = runner.invoke(args=["figures", "rebuild", "--plan", "rolled"])
    assert rebuilt.exit_code == 0, rebuilt.output
    # 4 action rollups (2025-Q1 to Q4) and 3 update slots (the draft's too).
    assert "Rebuilt 7 rollup rows." in rebuilt.output
    assert runner.invoke(args=["figures", "check"]).exit_code == 0


def test_the_check_finds_a_corrupted_update_slot_and_rebuild_repairs_it(app: Flask) -> None:
    with app.app_context():
        action_id, _, tbs_id = _history()
        db.session.execute(
            update(ObligationFigure)
            .where(
                ObligationFigure.action_id == action_id, ObligationFigure.department_id == tbs_id
            )
            .values(state="returned")
        )
        db.session.commit()
        found = rollups.differences()
        assert len(found) == 1 and "state is 'returned', expected 'submitted'" in found[0]
    check_fails_and_rebuild_repairs(app, "state is 'returned', expected 'submitted'")


def test_the_check_finds_a_corrupted_slot_tally_and_rebuild_repairs_it(app: Flask) -> None:
    with app.app_context():
        _, ssc_id, _ = _history()
        db.session.execute(
            update(ObligationTally)
            .where(ObligationTally.department_id == ssc_id)
            .values(counted=ObligationTally.counted + 1)
        )
        db.session.commit()
        found = rollups.differences()
        assert found == [
            f"tally of plan 1, department {ssc_id}, period 1: counted is 2, expected 1"
        ]
    check_fails_and_rebuild_repairs(app, "counted is 2, expected 1")


def check_fails_and_rebuild_repairs(app: Flask, says: str) -> None:
    """`flask figures check` of plan "rolled" fails saying `says`; a rebuild repairs it."""
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["figures", "check", "--plan", "rolled"])
    assert checked.exit_code != 0
    assert says in checked.output
    assert runner.invoke(args=["figures", "rebuild", "--plan", "rolled"]).exit_code == 0
    assert runner.invoke(args=["figures", "check"]).exit_code == 0


def test_a_missing_or_extra_update_slot_is_a_difference(app: Flask) -> None:
    with app.app_context():
        action_id, ssc_id, _ = _history()
        db.session.execute(
            ObligationFigure.__table__.delete().where(ObligationFigure.department_id == ssc_id)
        )
        db.session.commit()
        found = rollups.differences()
        assert len(found) == 2 and all("missing" in line for line in found)
        rollups.rebuild()
        assert rollups.differences() == []


def test_update_slots_follow_drafts_submissions_and_deletions(app: Flask) -> None:
    with app.app_context():
        action_id, ssc_id, _ = _history()
        draft = db.session.scalars(
            select(ProgressUpdate).where(ProgressUpdate.state == "draft")
        ).one()
        draft.state = "submitted"
        db.session.commit()
        slot = db.session.get(ObligationFigure, (action_id, ssc_id, draft.period_id))
        assert slot is not None and slot.state == "submitted"
        db.session.delete(draft)
        db.session.commit()
        assert db.session.get(ObligationFigure, (action_id, ssc_id, draft.period_id)) is None
        assert rollups.differences() == []


def test_a_missing_or_extra_rollup_row_is_a_difference(app: Flask) -> None:
    with app.app_context():
        action_id, _, _ = _history()
        db.session.execute(
            ActionFigure.__table__.delete().where(ActionFigure.quarter == FiscalQuarter(2025, 4))
        )
        db.session.commit()
        assert any("missing" in line for line in rollups.differences())
        rollups.rebuild()
        assert rollups.differences() == []


def test_two_departments_submitting_on_one_action_at_once_lose_no_rollup(app: Flask) -> None:
    with app.app_context():
        action_id, ssc_id, tbs_id = _history()
        period_id = period("2025-Q4").id
        db.session.remove()
    first_flushed = threading.Event()
    errors: list[BaseException] = []

    # Each writer is a separate app with its own engine, as two servers would be; the apps are
    # built here so that each thread only writes (and anything it raises reaches `errors`).
    settings = {"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "test-secret"}
    workers = [create_app(settings, env="testing") for _ in range(2)]

    def submit(worker: Flask, department_id: int, percent: int, wait: bool) -> None:
        try:
            with worker.app_context():
                if wait:
                    first_flushed.wait(timeout=5)
                db.session.add(
                    ProgressUpdate(
                        action_id=action_id,
                        department_id=department_id,
                        period_id=period_id,
                        state="accepted",
                        status="on_track",
                        percent_complete=percent,
                    )
                )
                db.session.flush()
                if not wait:
                    first_flushed.set()
                    threading.Event().wait(0.5)  # the other writer is in its flush meanwhile
                db.session.commit()
                db.session.remove()
                db.engine.dispose()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
            first_flushed.set()

    threads = [
        threading.Thread(target=submit, args=(workers[0], tbs_id, 70, False)),
        threading.Thread(target=submit, args=(workers[1], ssc_id, 80, True)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    with app.app_context():
        assert rollups.differences() == []
        state = progress.action_statuses([action_id])[action_id]
        assert (state.percent, state.department) == (80, "SSC")  # the lead's, seen by both


def test_the_bench_dataset_gets_rollups_that_agree_with_history(app: Flask) -> None:
    from bench.generate import Scale, generate

    with app.app_context():
        generate(db.engine, Scale(departments=3, actions=4, years=2, burst_users=2))
        assert rollups.differences() != []  # Core inserts: no listener ran
        written = rollups.rebuild()  # what bench/dataset.py does once the data is generated
        assert written > 0
        assert rollups.differences() == []
