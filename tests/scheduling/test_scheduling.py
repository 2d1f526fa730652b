"""The scheduler process and the `flask scheduler` commands."""

from __future__ import annotations

import signal
import sys
import threading
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import PlanFactory
from tests.scheduling.conftest import REPORTS_MODULE, FakeReports
from tracker import scheduling
from tracker.extensions import db
from tracker.jobs import JobSummary
from tracker.models import JobOutcome, JobRun


def cron_fields(trigger: Any) -> dict[str, str]:
    assert isinstance(trigger, CronTrigger)
    return {field.name: str(field) for field in trigger.fields}


def test_jobs_are_registered_with_deterministic_ids_and_safe_defaults(app: Flask) -> None:
    app.config["REPORT_SCHEDULE_HOUR"] = 3
    scheduler = scheduling.build_scheduler(app)
    registered = {job.id: job for job in scheduler.get_jobs()}
    assert sorted(registered) == ["reminders", "yearly_reports"]
    assert cron_fields(registered["yearly_reports"].trigger)["hour"] == "3"
    assert cron_fields(registered["reminders"].trigger)["hour"] == "6"
    for job in registered.values():
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 3600)
        assert job.trigger.timezone == ZoneInfo("America/Toronto")
        assert job.args[1] == job.id


def _stop_this_thread() -> None:
    """SIGTERM to this thread alone, as systemd would send it to the process."""
    signal.pthread_kill(threading.get_ident(), signal.SIGTERM)


def test_scheduler_run_catches_up_then_starts_until_stopped(
    app: Flask, runner: Any, monkeypatch: pytest.MonkeyPatch, reports_module: FakeReports
) -> None:
    with app.app_context():
        PlanFactory(slug="it", first_year=2020, last_year=2021, status="active")
        db.session.commit()
    started: list[list[str]] = []

    def fake_start(self: BackgroundScheduler, *args: Any, **kwargs: Any) -> None:
        started.append(sorted(job.id for job in self.get_jobs()))
        _stop_this_thread()

    monkeypatch.setattr(BackgroundScheduler, "start", fake_start)
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    result = runner.invoke(args=["scheduler", "run"])
    assert result.exit_code == 0, result.output
    assert started == [["reminders", "yearly_reports"]]
    # The catch-up already generated the overdue reports of both fiscal years, in each language.
    assert sorted(reports_module.languages) == [
        ("it", year, lang) for year in (2020, 2021) for lang in ("en", "fr")
    ]
    # The stop signal was taken, and the signals are delivered again as before.
    assert not signal.sigpending()
    assert signal.pthread_sigmask(signal.SIG_BLOCK, set()) == mask


def test_a_stop_during_the_catch_up_lets_the_job_in_hand_finish_and_starts_nothing(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []

    def yearly_reports(now: datetime) -> JobSummary:
        _stop_this_thread()  # systemd stops the scheduler in the middle of this job
        ran.append("yearly_reports finished")
        return JobSummary("yearly_reports")

    def reminders(now: datetime) -> JobSummary:
        ran.append("reminders")
        return JobSummary("reminders")

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the scheduler was started after a stop")

    monkeypatch.setattr(
        scheduling, "JOBS", {"yearly_reports": yearly_reports, "reminders": reminders}
    )
    monkeypatch.setattr(BackgroundScheduler, "start", refuse)
    scheduling.run_scheduler(app)
    assert ran == ["yearly_reports finished"]
    assert not signal.sigpending()


def test_run_once_runs_a_job_for_the_time_given(
    app: Flask, runner: Any, reports_module: FakeReports
) -> None:
    with app.app_context():
        PlanFactory(slug="it", first_year=2024, last_year=2026, status="active")
        db.session.commit()
    args = ["scheduler", "run-once", "--job", "yearly_reports", "--now", "2025-04-15T02:00"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "succeeded 2" in result.output
    assert reports_module.languages == [("it", 2024, "en"), ("it", 2024, "fr")]
    # 01:59 local time, given with its offset: nothing is due yet.
    early = ["scheduler", "run-once", "--job", "yearly_reports", "--now", "2026-04-15T01:59-04:00"]
    assert "succeeded 0" in runner.invoke(args=early).output


def test_run_once_exits_with_an_error_when_a_run_fails(
    app: Flask, runner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, REPORTS_MODULE, None)
    with app.app_context():
        PlanFactory(slug="it", first_year=2024, last_year=2024, status="active")
        db.session.commit()
    result = runner.invoke(args=["scheduler", "run-once", "--job", "yearly_reports"])
    assert result.exit_code == 1
    assert "failed 2" in result.output
    with app.app_context():
        assert db.session.scalars(select(JobRun.outcome)).all() == [JobOutcome.FAILED] * 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--job", "nope"], "'nope' is not one of"),
        (["--job", "reminders", "--now", "yesterday"], "'yesterday' is not an ISO 8601 time"),
    ],
)
def test_run_once_refuses_bad_input(runner: Any, args: list[str], message: str) -> None:
    result = runner.invoke(args=["scheduler", "run-once", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_web_requests_never_start_a_scheduler(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a scheduler was started outside `flask scheduler run`")

    monkeypatch.setattr(BaseScheduler, "start", refuse)
    from tracker import create_app

    create_app({"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}, env="testing")
    assert client.get("/login").status_code == 200


def test_catch_up_keeps_going_when_a_job_crashes(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(now: datetime) -> None:
        raise RuntimeError("database unreachable")

    monkeypatch.setitem(scheduling.JOBS, "yearly_reports", crash)
    summaries = scheduling.catch_up(app, datetime(2025, 1, 1, tzinfo=ZoneInfo("UTC")))
    assert [s.job for s in summaries] == ["reminders"]
