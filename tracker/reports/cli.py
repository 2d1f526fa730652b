"""`flask --app tracker report ...`: generate a yearly report, list the issued ones."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from tracker.fiscal import fiscal_year_label, parse_fiscal_year
from tracker.reports import service
from tracker.services.calendar.periods import start_month

report_cli = AppGroup("report", help="Generate and list the yearly roadmap reports.")


def _year(_ctx: click.Context, _param: click.Parameter, value: str) -> int:
    try:
        return parse_fiscal_year(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error


@report_cli.command("generate")
@click.option("--plan", "slug", required=True, help="The plan's slug.")
@click.option("--year", required=True, callback=_year, help="Fiscal year: 2019 or 2019-20.")
@click.option("--language", default=None, type=click.Choice(["en", "fr"]), help="Default: en.")
def generate_command(slug: str, year: int, language: str | None) -> None:
    """Generate a new version of the plan's report for a fiscal year that is over."""
    started = time.perf_counter()
    try:
        report = service.generate_annual_report(slug, year, "cli", language=language)
    except service.ReportError as error:
        raise click.ClickException(str(error)) from error
    seconds = time.perf_counter() - started
    label = fiscal_year_label(year, "en", start_month())
    click.echo(
        f"Generated version {report.version} of the {label} report of {slug} "
        f"({report.language}) in {seconds:.1f} s."
    )
    for stored in sorted(report.files, key=lambda f: f.format):
        click.echo(f"  {stored.filename}  {stored.size_bytes:>10,} bytes  sha256 {stored.sha256}")


@report_cli.command("list")
def list_command() -> None:
    """Every issued report: plan, fiscal year, language, version, when and by whom, files."""
    groups = service.list_reports()
    if not groups:
        click.echo("No report has been issued yet.")
        return
    month = start_month()
    for group in groups:
        click.echo(group.plan.slug)
        for year in group.years:
            for report in year.versions:
                formats = ", ".join(
                    f"{f.format} {f.size_bytes:,} B"
                    for f in sorted(report.files, key=lambda f: f.format)
                )
                click.echo(
                    f"  {fiscal_year_label(report.fiscal_year, 'en', month)}  {report.language}  "
                    f"v{report.version}  "
                    f"{report.created_at:%Y-%m-%d %H:%M} UTC  {report.triggered_by}  ({formats})"
                )
