"""Job runs: claim a unique run key so that every scheduled job does its work exactly once.

A run key (e.g. `yearly-report:gc-it:2025:fr`) is claimed by inserting a JobRun row; the unique
index makes a second claim fail, whichever process or server makes it. A failed run, or one
interrupted long ago, can be claimed again (attempts + 1). On PostgreSQL the claim also takes a
transaction-level advisory lock on the key, so two schedulers never even race on the insert.
"""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from tracker.extensions import db
from tracker.models import JobOutcome, JobRun
from tracker.models.base import utcnow

MAX_ERROR_CHARS = 8000


class RunResult(StrEnum):
    """What happened to one run key in one job execution."""

    SKIPPED = "skipped"  # done already, or another process holds it
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True)
class Claim:
    """A run key this process now owns until it records the outcome."""

    run_id: int
    key: str
    attempts: int


@dataclass(frozen=True)
class RunView:
    """One job run as the admin page shows it."""

    run: JobRun
    duration_seconds: float | None


def advisory_key(key: str) -> int:
    """A stable signed 64-bit number for `key` (Python's hash() differs between processes)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _advisory_lock(key: str) -> bool:
    """On PostgreSQL, try to lock `key` until the transaction ends; elsewhere always True."""
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    locked = db.session.scalar(
        text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": advisory_key(key)}
    )
    return bool(locked)


def _reclaim(existing: JobRun, started: datetime) -> int:
    """Atomically take over a failed or interrupted run; the number of rows taken (0 or 1)."""
    timeout = timedelta(minutes=int(current_app.config["JOB_RUN_TIMEOUT_MINUTES"]))
    result = db.session.execute(
        update(JobRun)
        .where(JobRun.id == existing.id)
        .where(
            or_(
                JobRun.outcome == JobOutcome.FAILED.value,
                and_(
                    JobRun.outcome == JobOutcome.RUNNING.value,
                    JobRun.started_at < started - timeout,
                ),
            )
        )
        .values(
            outcome=JobOutcome.RUNNING.value,
            attempts=JobRun.attempts + 1,
            started_at=started,
            finished_at=None,
            error="",
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def claim_run(job: str, key: str) -> Claim | None:
    """Claim `key` for this process, committing; None when it is done or held elsewhere."""
    started = utcnow()
    try:
        if not _advisory_lock(key):
            db.session.rollback()
            return None
        existing = db.session.scalar(select(JobRun).where(JobRun.key == key))
        if existing is None:
            run = JobRun(job=job, key=key, outcome=JobOutcome.RUNNING.value, started_at=started)
            db.session.add(run)
            db.session.flush()
            claim = Claim(run.id, key, 1)
        elif _reclaim(existing, started):
            claim = Claim(existing.id, key, existing.attempts + 1)
        else:
            db.session.rollback()
            return None
        db.session.commit()
    except IntegrityError:
        # Another process inserted the same key between our read and our insert.
        db.session.rollback()
        return None
    return claim


def finish_run(claim: Claim, error: str | None = None) -> None:
    """Record how a claimed run ended: succeeded, or failed with `error`."""
    outcome = JobOutcome.FAILED if error is not None else JobOutcome.SUCCEEDED
    db.session.execute(
        update(JobRun)
        .where(JobRun.id == claim.run_id)
        .values(outcome=outcome.value, finished_at=utcnow(), error=(error or "")[:MAX_ERROR_CHARS])
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def describe_error(error: BaseException) -> str:
    """The error's type and message first, then the end of its traceback."""
    lines = traceback.format_exception(error)
    return f"{type(error).__name__}: {error}\n\n" + "".join(lines)[-MAX_ERROR_CHARS // 2 :]


def run_once(job: str, key: str, work: Callable[[], object]) -> RunResult:
    """Claim `key`, do `work` and record the outcome; SKIPPED when the key is not ours."""
    claim = claim_run(job, key)
    if claim is None:
        return RunResult.SKIPPED
    try:
        work()
    except Exception as error:  # noqa: BLE001 - any failure is recorded and retried later
        db.session.rollback()
        current_app.logger.exception("Job %s failed for %s (attempt %s)", job, key, claim.attempts)
        finish_run(claim, describe_error(error))
        return RunResult.FAILED
    finish_run(claim)
    return RunResult.SUCCEEDED


def duration_of(run: JobRun) -> float | None:
    """Seconds between a run's start and finish, None while it is running."""
    if run.finished_at is None:
        return None
    return max((run.finished_at - run.started_at).total_seconds(), 0.0)


def recent_runs(page: int, per_page: int = 50) -> tuple[list[RunView], Pagination]:
    """One page of job runs, newest first, with their durations, and the pagination object."""
    pagination = db.paginate(
        select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()),
        page=page,
        per_page=per_page,
        error_out=True,
    )
    return [RunView(run, duration_of(run)) for run in pagination.items], pagination
