"""Fault drills: processes killed in the middle of their work (kill -9, no clean-up at all).

- A report generation killed inside its transaction leaves no report and no file, and the
  next run of the job makes it.
- A scheduler killed in the middle of a job catches up when it starts again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.factories.reports import build_plan
from tracker import scheduling
from tracker.extensions import db
from tracker.models import AnnualReport, JobRun, ReportFile

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-06-01"  # fiscal years 2024-25 and 2025-26 of the plan are over: two reports due


def drill_env(app: Flask, **extra: str) -> dict[str, str]:
    """The environment of a real process on the test's database."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TRACKER_ENV": "testing",
        "TRACKER_SECRET_KEY": "test-secret",
        "TRACKER_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TRACKER_TODAY": TODAY,
        **extra,
    }


class Process:
    """A child process the test can kill; never outlives the test. Its output goes to a file."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.log = tempfile.TemporaryFile("w+")
        self.popen = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, text=True
        )

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(30)

    def output(self) -> str:
        self.kill()
        self.log.seek(0)
        return self.log.read()

    def close(self) -> None:
        self.kill()
        self.log.close()


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    started: list[Process] = []
    yield started
    for process in started:
        process.close()


def _wait_for(check: object, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def _counts(app: Flask) -> tuple[int, int, list[tuple[str, str]]]:
    with app.app_context():
        reports = db.session.scalar(select(func.count()).select_from(AnnualReport)) or 0
        files = db.session.scalar(select(func.count()).select_from(ReportFile)) or 0
        runs = db.session.execute(select(JobRun.key, JobRun.outcome).order_by(JobRun.key)).all()
        return reports, files, [(k, o) for k, o in runs]


@pytest.fixture
def plan_app(app: Flask) -> Flask:
    build_plan(app)
    app.config["TODAY"] = TODAY
    return app


def _kill_inside_the_report(
    app: Flask, processes: list[Process], mode: str, tmp_path: Path
) -> None:
    marker = tmp_path / "inside"
    process = Process(
        [sys.executable, "-m", "tests.resilience.launch", mode],
        drill_env(app, DRILL_MARKER=str(marker)),
    )
    processes.append(process)
    _wait_for(marker.exists)
    process.kill()  # SIGKILL: no rollback, no finally, no atexit


def test_report_killed_midway_leaves_nothing_and_is_redone(
    plan_app: Flask, processes: list[Process], tmp_path: Path
) -> None:
    _kill_inside_the_report(plan_app, processes, "job-hang", tmp_path)
    reports, files, runs = _counts(plan_app)
    assert (reports, files) == (0, 0)  # no partial report, no orphan file
    assert runs == [("yearly-report:rep:2024:en", "running")]  # the claim outlived its process

    plan_app.config["JOB_RUN_TIMEOUT_MINUTES"] = 0  # its timeout has passed
    summary = scheduling.run_job(plan_app, "yearly_reports")
    assert summary.failed == 0
    reports, files, runs = _counts(plan_app)
    assert (reports, files) == (4, 16)  # each year in English and French, four files each
    assert runs == [
        ("yearly-report:rep:2024:en", "succeeded"),
        ("yearly-report:rep:2024:fr", "succeeded"),
        ("yearly-report:rep:2025:en", "succeeded"),
        ("yearly-report:rep:2025:fr", "succeeded"),
    ]
    scheduling.run_job(plan_app, "yearly_reports")  # again: nothing more
    assert _counts(plan_app)[:2] == (4, 16)


def test_scheduler_killed_mid_job_catches_up_on_restart(
    plan_app: Flask, processes: list[Process], tmp_path: Path
) -> None:
    _kill_inside_the_report(plan_app, processes, "scheduler-hang", tmp_path)
    assert _counts(plan_app)[:2] == (0, 0)

    # the real command, as systemd restarts it; the interrupted run's timeout has passed
    env = drill_env(plan_app, TRACKER_JOB_RUN_TIMEOUT_MINUTES="0")
    flask = str(Path(sys.executable).with_name("flask"))
    scheduler = Process([flask, "--app", "tracker", "scheduler", "run"], env)
    processes.append(scheduler)
    _wait_for(lambda: _counts(plan_app)[0] == 4)
    scheduler.popen.send_signal(signal.SIGTERM)
    scheduler.popen.wait(60)
    reports, files, runs = _counts(plan_app)
    assert (reports, files) == (4, 16)
    assert [outcome for _key, outcome in runs] == ["succeeded"] * 4
    with plan_app.app_context():
        attempts = db.session.scalars(select(JobRun.attempts).order_by(JobRun.key)).all()
    assert attempts == [2, 1, 1, 1]  # the killed run was taken over once
