"""The scheduler process: APScheduler 3 running the jobs of tracker.jobs on cron triggers.

Only `flask --app tracker scheduler run` starts a scheduler; web workers never do. The jobs are
idempotent (a run key claimed in the database), so a second scheduler, a retry or a restart is
harmless. On start the scheduler runs every job once at once ("catch-up"): a yearly report whose
date passed while nothing was running is generated then, once.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from tracker.jobs import JOBS, JobSummary

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobDefinition:
    """A scheduled job: its deterministic id (a key of tracker.jobs.JOBS) and daily hour."""

    id: str
    hour_setting: str
    minute: int = 0


# Both jobs run daily and decide themselves whether there is work: robust to any downtime.
JOB_DEFINITIONS = (
    JobDefinition("yearly_reports", "REPORT_SCHEDULE_HOUR"),
    JobDefinition("reminders", "REMINDER_HOUR"),
)


def timezone_of(app: Flask) -> ZoneInfo:
    """The scheduler's timezone (SCHEDULER_TIMEZONE)."""
    return ZoneInfo(str(app.config["SCHEDULER_TIMEZONE"]))


def run_job(app: Flask, name: str, now: datetime | None = None) -> JobSummary:
    """Run job `name` once inside an app context, for `now` (default: the current time)."""
    if name not in JOBS:
        raise KeyError(f"unknown job {name!r}; known jobs: {', '.join(sorted(JOBS))}")
    with app.app_context():
        summary = JOBS[name](now or datetime.now(timezone_of(app)))
    logger.info("%s", summary)
    return summary


def catch_up(
    app: Flask, now: datetime | None = None, stop: Callable[[], bool] = lambda: False
) -> list[JobSummary]:
    """Run every job once now, so work missed while the scheduler was down is done; when
    `stop()` turns true, no further job is started."""
    summaries = []
    for definition in JOB_DEFINITIONS:
        if stop():
            break
        try:
            summaries.append(run_job(app, definition.id, now))
        except Exception:  # noqa: BLE001 - one job's failure must not stop the scheduler
            logger.exception("Catch-up of job %s failed", definition.id)
    return summaries


def build_scheduler(app: Flask) -> BackgroundScheduler:
    """A scheduler, not yet started, with every job registered under its deterministic id."""
    tz = timezone_of(app)
    scheduler = BackgroundScheduler(timezone=tz)
    for definition in JOB_DEFINITIONS:
        hour = int(app.config[definition.hour_setting])
        scheduler.add_job(
            run_job,
            CronTrigger(hour=hour, minute=definition.minute, timezone=tz),
            args=[app, definition.id],
            id=definition.id,
            name=definition.id,
            replace_existing=True,
            # A backlog of missed runs collapses into one; never two copies of a job at once.
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(app.config["SCHEDULER_MISFIRE_GRACE_SECONDS"]),
        )
    return scheduler


STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})


def _stop_requested() -> bool:
    return bool(signal.sigpending() & STOP_SIGNALS)


def run_scheduler(app: Flask) -> None:
    """Catch up, then run the jobs on their schedules until stopped (SIGINT or SIGTERM).

    A stop signal never interrupts a job: the signals are blocked, in this thread and in every
    thread the scheduler starts, and only taken once the catch-up's job in hand has finished
    (its work committed and its run recorded); the jobs then running are waited for.
    """
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    scheduler = build_scheduler(app)
    try:
        catch_up(app, stop=_stop_requested)
        if not _stop_requested():
            scheduler.start()
            logger.info(
                "Scheduler started (%s): %s", timezone_of(app), [d.id for d in JOB_DEFINITIONS]
            )
        signal.sigwait(STOP_SIGNALS)  # at once if one came during the catch-up
        logger.info("Scheduler stopping")
        if scheduler.running:
            scheduler.shutdown(wait=True)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
