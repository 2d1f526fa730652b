"""Run keys: claimed once, whoever asks and however many ask at the same time."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, text, update

from tests.conftest import database_url
from tracker.extensions import db
from tracker.models import JobOutcome, JobRun
from tracker.services.operations import job_runs
from tracker.services.operations.job_runs import RunResult

ROOT = Path(__file__).resolve().parents[2]


def the_run(app: Flask, key: str) -> JobRun:
    with app.app_context():
        run = db.session.scalars(select(JobRun).where(JobRun.key == key)).one()
        db.session.expunge(run)
        return run


def test_second_claim_of_a_key_loses(app: Flask) -> None:
    with app.app_context():
        first = job_runs.claim_run("demo", "demo:1")
        second = job_runs.claim_run("demo", "demo:1")
        other = job_runs.claim_run("demo", "demo:2")
    assert first is not None and first.attempts == 1
    assert second is None
    assert other is not None


def test_a_finished_run_records_outcome_and_duration(app: Flask) -> None:
    with app.app_context():
        claim = job_runs.claim_run("demo", "demo:1")
        assert claim is not None
        job_runs.finish_run(claim)
        assert job_runs.claim_run("demo", "demo:1") is None
    run = the_run(app, "demo:1")
    assert run.outcome == JobOutcome.SUCCEEDED
    assert run.finished_at is not None and run.error == ""
    assert job_runs.duration_of(run) is not None


def test_a_failed_run_is_claimed_again_with_one_more_attempt(app: Flask) -> None:
    def explode() -> None:
        raise ValueError("disk full")

    with app.app_context():
        assert job_runs.run_once("demo", "demo:1", explode) is RunResult.FAILED
    failed = the_run(app, "demo:1")
    assert failed.outcome == JobOutcome.FAILED
    assert failed.error.startswith("ValueError: disk full")
    assert failed.finished_at is not None
    with app.app_context():
        assert job_runs.run_once("demo", "demo:1", lambda: None) is RunResult.SUCCEEDED
        assert job_runs.run_once("demo", "demo:1", lambda: None) is RunResult.SKIPPED
    retried = the_run(app, "demo:1")
    assert (retried.outcome, retried.attempts, retried.error) == (JobOutcome.SUCCEEDED, 2, "")


def test_a_run_interrupted_long_ago_can_be_claimed_again(app: Flask) -> None:
    with app.app_context():
        assert job_runs.claim_run("demo", "demo:1") is not None
        assert job_runs.claim_run("demo", "demo:1") is None  # still running: hands off
        long_ago = the_run(app, "demo:1").started_at - timedelta(minutes=61)
        db.session.execute(update(JobRun).values(started_at=long_ago))
        db.session.commit()
        claim = job_runs.claim_run("demo", "demo:1")
    assert claim is not None and claim.attempts == 2


def test_work_that_raises_leaves_no_partial_writes(app: Flask) -> None:
    def half_done() -> None:
        db.session.add(JobRun(job="other", key="written-then-failed"))
        db.session.flush()
        raise RuntimeError("boom")

    with app.app_context():
        job_runs.run_once("demo", "demo:1", half_done)
        keys = db.session.scalars(select(JobRun.key)).all()
    assert keys == ["demo:1"]


def test_advisory_key_is_stable_and_64_bit() -> None:
    value = job_runs.advisory_key("yearly-report:gc:2025")
    assert value == job_runs.advisory_key("yearly-report:gc:2025")
    assert value != job_runs.advisory_key("yearly-report:gc:2024")
    assert -(2**63) <= value < 2**63


def test_two_servers_claiming_at_once_make_one_winner(app: Flask, second_app: Flask) -> None:
    barrier = threading.Barrier(8)
    wins: list[bool] = []
    lock = threading.Lock()

    def claim(server: Flask) -> None:
        with server.app_context():
            barrier.wait()
            won = job_runs.claim_run("demo", "demo:race") is not None
        with lock:
            wins.append(won)

    threads = [threading.Thread(target=claim, args=(s,)) for s in [app, second_app] * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False] * 7 + [True]
    assert the_run(app, "demo:race").attempts == 1


CLAIM_SCRIPT = """
import sys, time
from pathlib import Path
from tracker import create_app
from tracker.extensions import db
from tracker.services.operations.job_runs import claim_run

url, ready, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"}, env="testing")
with app.app_context():
    db.session.execute(db.select(1))  # connect before the start signal
    db.session.rollback()
    ready.touch()
    while not go.exists():
        time.sleep(0.002)
    print("won" if claim_run("demo", "demo:processes") else "lost")
    db.engine.dispose()
"""


def test_two_processes_claiming_at_once_make_one_winner(app: Flask, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{n}" for n in range(2)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", CLAIM_SCRIPT, database_url(tmp_path), str(flag), str(go)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for flag in ready
    ]
    deadline = time.monotonic() + 60
    while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()  # both processes claim at the same moment
    outputs = [p.communicate(timeout=60) for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    assert sorted(out.strip() for out, _err in outputs) == ["lost", "won"]


@pytest.mark.postgres  # advisory locks; `make test-postgres` (and CI) run it
def test_postgres_claim_respects_the_advisory_lock(app: Flask) -> None:
    with app.app_context():
        with db.engine.connect() as other:
            held = other.execute(
                text("SELECT pg_try_advisory_xact_lock(:k)"),
                {"k": job_runs.advisory_key("demo:locked")},
            ).scalar()
            assert held is True
            assert job_runs.claim_run("demo", "demo:locked") is None
            other.rollback()
        assert job_runs.claim_run("demo", "demo:locked") is not None
