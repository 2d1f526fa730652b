"""Scheduled jobs: plain, idempotent functions that take the time they run for as `now`.

Each unit of work claims a run key in the database first (`services.operations.job_runs`), so
running a job twice, from two schedulers, or after a restart never does the work twice.
Collaborators are parameters with real defaults (the report service is imported only when a
report is due), so tests can pass fakes. The scheduler process (tracker.scheduling) calls them
inside an app context; `flask scheduler run-once` does too.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Protocol, cast
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from tracker.extensions import db
from tracker.fiscal import year_bounds
from tracker.models import AnnualReport, Plan, PlanStatus, User
from tracker.services.calendar.periods import start_month
from tracker.services.operations import job_runs, reminders
from tracker.services.operations.job_runs import RunResult
from tracker.services.operations.mail import Mail, send_mail

REPORTS_MODULE = "tracker.reports.service"
REPORT_TRIGGER = "scheduler"


class JobError(RuntimeError):
    """A job cannot do its work (recorded on the run, retried on the next run)."""


class GenerateReport(Protocol):
    """The shape of tracker.reports.service.generate_annual_report."""

    def __call__(
        self,
        plan_slug: str,
        fiscal_year: int,
        triggered_by: str,
        actor: User | None = None,
        language: str | None = None,
    ) -> object: ...


@dataclass
class JobSummary:
    """What one execution of a job did, counted per run key."""

    job: str
    results: Counter[RunResult] = field(default_factory=Counter)

    def add(self, result: RunResult) -> None:
        """Count one run key's result."""
        self.results[result] += 1

    @property
    def failed(self) -> int:
        """How many run keys failed."""
        return self.results[RunResult.FAILED]

    def __str__(self) -> str:
        counts = ", ".join(f"{r.value} {self.results[r]}" for r in RunResult)
        return f"{self.job}: {counts}"


def scheduler_timezone() -> ZoneInfo:
    """The timezone in which schedules are read (SCHEDULER_TIMEZONE)."""
    return ZoneInfo(str(current_app.config["SCHEDULER_TIMEZONE"]))


def report_due_at(fiscal_year: int) -> datetime:
    """When the yearly report of `fiscal_year` is due: the configured date after the year ends."""
    cfg = current_app.config
    _first, last = year_bounds(fiscal_year, start_month())
    month, day = int(cfg["REPORT_SCHEDULE_MONTH"]), int(cfg["REPORT_SCHEDULE_DAY"])
    hour = time(int(cfg["REPORT_SCHEDULE_HOUR"]))
    for year in (last.year, last.year + 1):
        due = _clamped_date(year, month, day)
        if due > last:
            return datetime.combine(due, hour, tzinfo=scheduler_timezone())
    raise AssertionError("unreachable: a date one year later is always after the year end")


def _clamped_date(year: int, month: int, day: int) -> date:
    """date(year, month, day), moving 29-31 back to the month's last day when it is shorter."""
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return min(date(year, month, 1) + timedelta(days=day - 1), first_of_next - timedelta(days=1))


def _lazy_generate(
    plan_slug: str,
    fiscal_year: int,
    triggered_by: str,
    actor: User | None = None,
    language: str | None = None,
) -> object:
    """Call the real report service, imported only now; a clear error when it is missing."""
    try:
        module = importlib.import_module(REPORTS_MODULE)
        generate = cast(GenerateReport, module.generate_annual_report)
    except (ImportError, AttributeError) as error:
        raise JobError(
            f"Report generation is not available: {REPORTS_MODULE}.generate_annual_report "
            f"could not be loaded ({error})."
        ) from error
    return generate(
        plan_slug=plan_slug,
        fiscal_year=fiscal_year,
        triggered_by=triggered_by,
        actor=actor,
        language=language,
    )


def report_languages() -> tuple[str, ...]:
    """The languages every yearly report is issued in (LANGUAGES: English and French)."""
    return tuple(str(lang) for lang in current_app.config["LANGUAGES"])


def _generate_once(
    plan_id: int, slug: str, year: int, language: str, generate: GenerateReport
) -> None:
    """Generate the report in `language` unless one appeared (e.g. on demand) since the job
    looked."""
    exists = db.session.scalar(
        select(AnnualReport.id)
        .where(
            AnnualReport.plan_id == plan_id,
            AnnualReport.fiscal_year == year,
            AnnualReport.language == language,
        )
        .limit(1)
    )
    if exists is None:
        generate(plan_slug=slug, fiscal_year=year, triggered_by=REPORT_TRIGGER, language=language)


def due_reports(now: datetime) -> list[tuple[int, str, int, str]]:
    """(plan id, slug, fiscal year, language) of active plans' years whose report is due and
    does not exist in that language: each year's report is issued in every language."""
    plans = db.session.execute(
        select(Plan.id, Plan.slug, Plan.first_year, Plan.last_year)
        .where(Plan.status == PlanStatus.ACTIVE.value)
        .order_by(Plan.slug)
    ).all()
    existing = {
        (plan_id, year, language)
        for plan_id, year, language in db.session.execute(
            select(AnnualReport.plan_id, AnnualReport.fiscal_year, AnnualReport.language).distinct()
        )
    }
    due = [
        (plan_id, slug, year, language)
        for plan_id, slug, first, last in plans
        for year in range(first, last + 1)
        if report_due_at(year) <= now
        for language in report_languages()
        if (plan_id, year, language) not in existing
    ]
    db.session.commit()  # end the read transaction before claiming
    return due


def yearly_reports_job(now: datetime, generate: GenerateReport | None = None) -> JobSummary:
    """Generate, once each, the yearly reports of active plans that are due and do not exist:
    one in each language (one run key per plan, year and language)."""
    generate_report = generate or _lazy_generate
    summary = JobSummary("yearly_reports")
    for plan_id, slug, year, language in due_reports(now):
        work = partial(_generate_once, plan_id, slug, year, language, generate_report)
        key = f"yearly-report:{slug}:{year}:{language}"
        summary.add(job_runs.run_once("yearly_reports", key, work))
    return summary


def _send_reminder(
    reminder: reminders.Reminder, today: date, deliver: Callable[[Mail], object]
) -> None:
    deliver(reminders.compose(reminder, today))


def reminders_job(now: datetime, send: Callable[[Mail], object] | None = None) -> JobSummary:
    """Send each due quarterly reminder once to each department user who owes updates."""
    deliver = send or send_mail
    today = now.astimezone(scheduler_timezone()).date()
    summary = JobSummary("reminders")
    for round_ in reminders.due_rounds(today):
        batch = reminders.reminders_for(round_, today)
        db.session.commit()  # end the read transaction before claiming
        for reminder in batch:
            work = partial(_send_reminder, reminder, today, deliver)
            summary.add(job_runs.run_once("reminders", reminder.key, work))
    return summary


JOBS: dict[str, Callable[[datetime], JobSummary]] = {
    "yearly_reports": yearly_reports_job,
    "reminders": reminders_job,
}
