"""Annual reports: generate (frozen snapshot + PDF, XLSX, CSVs with SHA-256), list, fetch, verify.

A report is never edited: generating again stores a new version (max + 1, guarded by the
unique constraint on plan, year, language and version, retried on a race). Versions are
numbered per language, so a French copy never supersedes an English one. The snapshot is built
and the files rendered (`files.render_files`) in a read transaction (on SQLite no write lock is
held while rendering); only the final insert writes. See docs/reports.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, joinedload, selectinload

from tracker.db import set_read_only
from tracker.extensions import db
from tracker.fiscal import fiscal_year_label, year_bounds
from tracker.models import AnnualReport, Plan, ReportFile, User
from tracker.reports.builder import build_snapshot
from tracker.reports.files import FORMATS as FORMATS
from tracker.reports.files import MEDIA_TYPES as MEDIA_TYPES
from tracker.reports.files import RenderedFile, render_files
from tracker.reports.snapshot import ReportSnapshot, from_dict, to_dict
from tracker.services.audit.events import add_event
from tracker.services.calendar import clock
from tracker.services.calendar.periods import start_month
from tracker.services.errors import NotFound

MAX_ATTEMPTS = 3
CHUNK = 64 * 1024


class ReportError(ValueError):
    """A report cannot be generated as asked; the message says why."""


def generate_annual_report(
    plan_slug: str,
    fiscal_year: int,
    triggered_by: str,
    actor: User | None = None,
    language: str | None = None,
) -> AnnualReport:
    """Build, render and store a new version of the plan's report for `fiscal_year`.

    `triggered_by` is "user:<email>", "scheduler" or "cli"; `language` defaults to the actor's,
    else the site's default. Raises ReportError for an unknown plan or a year that is outside
    the plan or not over yet."""
    plan = _plan(plan_slug)
    plan_id = plan.id
    _check_year(plan, fiscal_year)
    lang = _language(language, actor)
    actor_id = actor.id if actor is not None else None
    for _attempt in range(MAX_ATTEMPTS):
        with _reading():
            plan = db.get_or_404(Plan, plan_id)
            version = _next_version(plan_id, fiscal_year, lang)
            snapshot = build_snapshot(
                plan, fiscal_year, lang, clock.today(), clock.now(), start_month()
            )
            files = render_files(snapshot, version, plan_id)
        try:
            return _store(plan_id, snapshot, version, files, triggered_by, actor_id)
        except IntegrityError:
            db.session.rollback()  # another process took this version: render the next one
    raise ReportError("Another report of this plan and year was being generated; try again.")


@contextmanager
def _reading() -> Iterator[None]:
    """A read-only transaction: ends the caller's, and on SQLite takes no write lock."""
    db.session.commit()
    set_read_only(True)
    try:
        yield
    finally:
        db.session.rollback()
        set_read_only(False)


def _plan(slug: str) -> Plan:
    plan = db.session.scalar(select(Plan).where(Plan.slug == slug))
    if plan is None:
        raise ReportError(f"There is no plan {slug!r}.")
    return plan


def _check_year(plan: Plan, year: int) -> None:
    """The year must be one of the plan's and must be over."""
    label = fiscal_year_label(year, "en", start_month())
    if not plan.first_year <= year <= plan.last_year:
        raise ReportError(f"Fiscal year {label} is not a year of plan {plan.slug!r}.")
    if year_bounds(year, start_month())[1] >= clock.today():
        raise ReportError(f"Fiscal year {label} is not over yet; its report cannot be issued.")


def _language(language: str | None, actor: User | None) -> str:
    languages = tuple(current_app.config["LANGUAGES"])
    chosen = language or (actor.language if actor is not None else None)
    chosen = chosen or str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if chosen not in languages:
        raise ReportError(f"Reports are written in {', '.join(languages)}, not {chosen!r}.")
    return chosen


def _next_version(plan_id: int, year: int, language: str) -> int:
    found = db.session.scalar(
        select(func.max(AnnualReport.version)).where(
            AnnualReport.plan_id == plan_id,
            AnnualReport.fiscal_year == year,
            AnnualReport.language == language,
        )
    )
    return (found or 0) + 1


def _store(
    plan_id: int,
    snapshot: ReportSnapshot,
    version: int,
    files: list[RenderedFile],
    triggered_by: str,
    actor_id: int | None,
) -> AnnualReport:
    """Insert the report and its files in one transaction, with an audit event."""
    report = AnnualReport(
        plan_id=plan_id,
        fiscal_year=snapshot.fiscal_year,
        language=snapshot.language,
        version=version,
        snapshot=to_dict(snapshot),
        triggered_by=triggered_by[:200],
        created_by_id=actor_id,
        created_at=snapshot.generated_at,
    )
    db.session.add(report)
    db.session.flush()
    for f in files:  # one insert each: the driver copies one file's bytes at a time, not all
        report.files.append(
            ReportFile(
                format=f.format,
                filename=f.filename,
                media_type=f.media_type,
                sha256=f.sha256,
                size_bytes=len(f.content),
                content=f.content,
            )
        )
        db.session.flush()
    actor = db.session.get(User, actor_id) if actor_id is not None else None
    detail = {
        "fiscal_year": snapshot.fiscal_year,
        "language": snapshot.language,
        "version": version,
        "by": triggered_by,
    }
    add_event("report.generate", actor=actor, actor_label=triggered_by, obj=report, detail=detail)
    db.session.commit()
    return report


# Reading stored reports ------------------------------------------------------------------------


@dataclass(frozen=True)
class YearReports:
    """The versions of one plan's report for one fiscal year in one language."""

    fiscal_year: int
    language: str
    versions: list[AnnualReport]  # newest first: the first is the latest in this language


@dataclass(frozen=True)
class PlanReports:
    plan: Plan
    years: list[YearReports]  # newest year first, then by language


def list_reports() -> list[PlanReports]:
    """Every stored report (without snapshots or file contents), by plan, year and language."""
    reports = db.session.scalars(
        select(AnnualReport)
        .join(Plan, Plan.id == AnnualReport.plan_id)
        .options(
            defer(AnnualReport.snapshot),
            joinedload(AnnualReport.plan),
            selectinload(AnnualReport.files).defer(ReportFile.content),
        )
        .order_by(
            Plan.slug,
            AnnualReport.fiscal_year.desc(),
            AnnualReport.language,
            AnnualReport.version.desc(),
        )
    )
    grouped: dict[int, PlanReports] = {}
    for report in reports:
        group = grouped.setdefault(report.plan_id, PlanReports(report.plan, []))
        last = group.years[-1] if group.years else None
        if last is None or (last.fiscal_year, last.language) != (
            report.fiscal_year,
            report.language,
        ):
            group.years.append(YearReports(report.fiscal_year, report.language, []))
        group.years[-1].versions.append(report)
    return list(grouped.values())


def get_report(report_id: int) -> AnnualReport:
    """A stored report with its plan and files (contents not loaded); 404 when missing."""
    report = db.session.scalar(
        select(AnnualReport)
        .where(AnnualReport.id == report_id)
        .options(
            joinedload(AnnualReport.plan),
            selectinload(AnnualReport.files).defer(ReportFile.content),
        )
    )
    if report is None:
        raise NotFound()
    return report


def report_snapshot(report: AnnualReport) -> ReportSnapshot:
    """The frozen snapshot a report was rendered from."""
    return from_dict(report.snapshot)


def other_versions(report: AnnualReport) -> list[AnnualReport]:
    """Every version of the report's plan, year and language, newest first (snapshots not
    loaded): the first is the latest in that language."""
    return list(
        db.session.scalars(
            select(AnnualReport)
            .where(
                AnnualReport.plan_id == report.plan_id,
                AnnualReport.fiscal_year == report.fiscal_year,
                AnnualReport.language == report.language,
            )
            .options(defer(AnnualReport.snapshot))
            .order_by(AnnualReport.version.desc())
        )
    )


def other_languages(report: AnnualReport) -> list[AnnualReport]:
    """The latest version of the report's plan and year in each other language."""
    reports = db.session.scalars(
        select(AnnualReport)
        .where(
            AnnualReport.plan_id == report.plan_id,
            AnnualReport.fiscal_year == report.fiscal_year,
            AnnualReport.language != report.language,
        )
        .options(defer(AnnualReport.snapshot))
        .order_by(AnnualReport.language, AnnualReport.version.desc())
    )
    latest: dict[str, AnnualReport] = {}
    for found in reports:
        latest.setdefault(found.language, found)
    return list(latest.values())


def get_file(report_id: int, fmt: str) -> ReportFile:
    """One stored file with its content; 404 when there is none."""
    found = db.session.scalar(
        select(ReportFile).where(ReportFile.report_id == report_id, ReportFile.format == fmt)
    )
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class Match:
    """A stored file whose checksum equals the one verified."""

    file: ReportFile
    report: AnnualReport


@dataclass(frozen=True)
class Verification:
    sha256: str
    size: int | None  # bytes read, when a file was uploaded
    matches: list[Match]


def digest(chunks: Iterable[bytes]) -> tuple[str, int]:
    """SHA-256 (hex) and size of a stream read in chunks; nothing is kept."""
    sha, size = hashlib.sha256(), 0
    for chunk in chunks:
        sha.update(chunk)
        size += len(chunk)
    return sha.hexdigest(), size


def verify(sha256: str, size: int | None = None) -> Verification:
    """Which stored report files have this SHA-256 (and, when given, this size)."""
    sha256 = sha256.strip().lower()
    query = (
        select(ReportFile)
        .where(ReportFile.sha256 == sha256)
        .options(
            defer(ReportFile.content),
            joinedload(ReportFile.report).joinedload(AnnualReport.plan),
            joinedload(ReportFile.report).defer(AnnualReport.snapshot),
        )
        .order_by(ReportFile.id)
    )
    if size is not None:
        query = query.where(ReportFile.size_bytes == size)
    files = db.session.scalars(query).unique()
    return Verification(sha256, size, [Match(f, f.report) for f in files])


def completed_years(plan: Plan, today: date) -> list[int]:
    """The plan's fiscal years that are over on `today`, newest first (reports can be issued)."""
    month = start_month()
    return [
        year
        for year in range(plan.last_year, plan.first_year - 1, -1)
        if year_bounds(year, month)[1] < today
    ]


def generation_choices(today: date) -> list[tuple[Plan, list[int]]]:
    """Each plan with the fiscal years a planner can generate a report for."""
    plans = db.session.scalars(select(Plan).order_by(Plan.status, Plan.first_year.desc()))
    return [(plan, years) for plan in plans if (years := completed_years(plan, today))]
