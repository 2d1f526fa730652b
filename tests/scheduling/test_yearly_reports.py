"""The yearly report job: on its date, once per plan and year, after downtime, after failures."""

from __future__ import annotations

import sys
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.factories import PlanFactory
from tests.scheduling.conftest import REPORTS_MODULE, FakeReports
from tracker import jobs, scheduling
from tracker.extensions import db
from tracker.models import AnnualReport, JobOutcome, JobRun
from tracker.services.operations.job_runs import RunResult

TORONTO = ZoneInfo("America/Toronto")
# Plan years 2024-2026: FY 2024-25 ends 31 March 2025, so its report is due 15 April 2025 02:00.
DUE_2024 = datetime(2025, 4, 15, 2, 0, tzinfo=TORONTO)
AFTER_2025 = datetime(2026, 5, 1, 9, 0, tzinfo=TORONTO)


@pytest.fixture
def plan(app: Flask) -> str:
    with app.app_context():
        PlanFactory(slug="it-plan", first_year=2024, last_year=2026, status="active")
        PlanFactory(slug="draft-plan", first_year=2020, last_year=2022, status="draft")
        PlanFactory(slug="old-plan", first_year=2020, last_year=2022, status="archived")
        db.session.commit()
    return "it-plan"


def runs(app: Flask) -> list[tuple[str, str, int]]:
    with app.app_context():
        rows = db.session.execute(select(JobRun.key, JobRun.outcome, JobRun.attempts))
        return sorted(rows)


def report_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AnnualReport.id))) or 0


@pytest.mark.parametrize(
    ("start_month", "fiscal_year", "due"),
    [
        (4, 2024, datetime(2025, 4, 15, 2, tzinfo=TORONTO)),
        (1, 2024, datetime(2025, 4, 15, 2, tzinfo=TORONTO)),  # year ends 31 Dec 2024
        (7, 2024, datetime(2026, 4, 15, 2, tzinfo=TORONTO)),  # year ends 30 June 2025
    ],
)
def test_report_due_date_follows_the_fiscal_year_end(
    app: Flask, start_month: int, fiscal_year: int, due: datetime
) -> None:
    app.config["FISCAL_YEAR_START_MONTH"] = start_month
    with app.app_context():
        assert jobs.report_due_at(fiscal_year) == due


def test_report_due_date_is_configurable_and_clamped(app: Flask) -> None:
    app.config.update(REPORT_SCHEDULE_MONTH=2, REPORT_SCHEDULE_DAY=31, REPORT_SCHEDULE_HOUR=23)
    with app.app_context():
        assert jobs.report_due_at(2026) == datetime(2028, 2, 29, 23, tzinfo=TORONTO)


def test_nothing_is_generated_before_the_date(app: Flask, plan: str) -> None:
    fake = FakeReports()
    with app.app_context():
        summary = jobs.yearly_reports_job(datetime(2025, 4, 15, 1, 59, tzinfo=TORONTO), fake)
    assert fake.calls == [] and summary.results == {}
    assert runs(app) == []


def test_on_the_date_each_active_plan_year_is_generated_once_per_language(
    app: Flask, plan: str
) -> None:
    fake = FakeReports()
    with app.app_context():
        first = jobs.yearly_reports_job(DUE_2024, fake)
        again = jobs.yearly_reports_job(DUE_2024, fake)
    assert fake.calls == [("it-plan", 2024, "scheduler")] * 2
    assert fake.languages == [("it-plan", 2024, "en"), ("it-plan", 2024, "fr")]
    assert first.results == {RunResult.SUCCEEDED: 2}
    assert again.results == {}  # the reports exist: nothing to claim
    assert runs(app) == [
        ("yearly-report:it-plan:2024:en", JobOutcome.SUCCEEDED, 1),
        ("yearly-report:it-plan:2024:fr", JobOutcome.SUCCEEDED, 1),
    ]
    assert report_count(app) == 2


def test_a_report_that_exists_counts_as_done_in_its_language(app: Flask, plan: str) -> None:
    fake = FakeReports()
    with app.app_context():
        fake("it-plan", 2024, "planner@example.gc.ca")  # English, on demand before the date
        jobs.yearly_reports_job(AFTER_2025, fake)
    assert fake.languages == [
        ("it-plan", 2024, "en"),
        ("it-plan", 2024, "fr"),  # the English copy does not stand for the French one
        ("it-plan", 2025, "en"),
        ("it-plan", 2025, "fr"),
    ]
    assert [r[0] for r in runs(app)] == [
        "yearly-report:it-plan:2024:fr",
        "yearly-report:it-plan:2025:en",
        "yearly-report:it-plan:2025:fr",
    ]


def test_a_claimed_key_is_not_generated_again_even_without_a_report(app: Flask, plan: str) -> None:
    fake = FakeReports()
    with app.app_context():
        jobs.yearly_reports_job(DUE_2024, fake)
        db.session.execute(AnnualReport.__table__.delete())  # as if it vanished
        db.session.commit()
        summary = jobs.yearly_reports_job(DUE_2024, fake)
    assert len(fake.calls) == 2
    assert summary.results == {RunResult.SKIPPED: 2}


def test_two_schedulers_at_once_generate_one_report(
    app: Flask, second_app: Flask, plan: str
) -> None:
    fake = FakeReports()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def scheduler(server: Flask) -> None:
        try:
            with server.app_context():
                barrier.wait()
                jobs.yearly_reports_job(AFTER_2025, fake)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=scheduler, args=(s,)) for s in [app, second_app] * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(fake.languages) == [
        ("it-plan", year, lang) for year in (2024, 2025) for lang in ("en", "fr")
    ]
    assert report_count(app) == 4  # exactly one of each language, each year
    assert [r[1:] for r in runs(app)] == [(JobOutcome.SUCCEEDED, 1)] * 4


def test_catch_up_on_start_generates_missed_reports_once(
    app: Flask, plan: str, reports_module: FakeReports
) -> None:
    scheduling.catch_up(app, AFTER_2025)
    scheduling.catch_up(app, AFTER_2025)  # a restart
    assert sorted(c[1] for c in reports_module.calls) == [2024, 2024, 2025, 2025]
    assert report_count(app) == 4


def test_a_failed_run_is_recorded_and_retried(app: Flask, plan: str) -> None:
    fake = FakeReports(failures=1)
    with app.app_context():
        failed = jobs.yearly_reports_job(DUE_2024, fake)
    assert failed.results == {RunResult.FAILED: 1, RunResult.SUCCEEDED: 1}  # English failed
    with app.app_context():
        run = db.session.scalars(select(JobRun).where(JobRun.outcome == JobOutcome.FAILED)).one()
        assert (run.outcome, run.attempts) == (JobOutcome.FAILED, 1)
        assert run.error.startswith("RuntimeError: renderer exploded")
        assert run.finished_at is not None
    assert report_count(app) == 1  # the French one
    with app.app_context():
        retried = jobs.yearly_reports_job(DUE_2024, fake)
    assert retried.results == {RunResult.SUCCEEDED: 1}
    assert runs(app) == [
        ("yearly-report:it-plan:2024:en", JobOutcome.SUCCEEDED, 2),
        ("yearly-report:it-plan:2024:fr", JobOutcome.SUCCEEDED, 1),
    ]
    assert report_count(app) == 2 and len(fake.calls) == 3


def test_missing_report_service_is_a_recorded_failure(
    app: Flask, plan: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, REPORTS_MODULE, None)  # import fails
    summary = scheduling.run_job(app, "yearly_reports", DUE_2024)
    assert summary.failed == 2  # English and French
    with app.app_context():
        run = db.session.scalars(select(JobRun)).first()
    assert run is not None
    assert run.outcome == JobOutcome.FAILED
    assert "Report generation is not available" in run.error
    assert REPORTS_MODULE in run.error
