"""Command-line interface: `flask --app tracker <group> <command>`. Commands call services."""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from tracker import scheduling
from tracker.demo import seed as demo
from tracker.jobs import JOBS
from tracker.models import Role
from tracker.reports.cli import report_cli
from tracker.services.accounts import users as accounts
from tracker.services.figures import rollups
from tracker.services.operations import backup as backups
from tracker.services.plans import files as plan_io

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="The user's e-mail, used to sign in.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--department", "department", default=None, help="Department acronym.")
@click.option("--name", default=None, help="Display name (defaults to the e-mail).")
@click.option("--language", default="en", type=click.Choice(["en", "fr"]))
def create_user_command(
    email: str, role: str, department: str | None, name: str | None, language: str
) -> None:
    """Create a user; the password is read from standard input."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    data = accounts.UserInput(
        email=email,
        name=name or email,
        role=Role(role),
        department_acronym=department,
        language=language,
    )
    try:
        user = accounts.create_user(data, password)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.email} ({user.role}).")


scheduler_cli = AppGroup("scheduler", help="Run the scheduled jobs (one process per site).")


@scheduler_cli.command("run")
def scheduler_run_command() -> None:
    """Catch up on missed work, then run the jobs on their schedules until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    scheduling.run_scheduler(current_app._get_current_object())  # type: ignore[attr-defined]


@scheduler_cli.command("run-once")
@click.option("--job", "name", required=True, type=click.Choice(sorted(JOBS)))
@click.option("--now", default=None, help="ISO 8601 time to run for (default: now).")
def scheduler_run_once_command(name: str, now: str | None) -> None:
    """Run one job once, now or for the time given; exits 1 if a run failed."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    when = None
    if now:
        try:
            when = datetime.fromisoformat(now)
        except ValueError as error:
            message = f"{now!r} is not an ISO 8601 time"
            raise click.BadParameter(message, param_hint="--now") from error
        if when.tzinfo is None:
            when = when.replace(tzinfo=scheduling.timezone_of(app))
    summary = scheduling.run_job(app, name, when)
    click.echo(str(summary))
    if summary.failed:
        raise SystemExit(1)


plan_cli = AppGroup("plan", help="Import and export plans as YAML (docs/plan-format.md).")


@plan_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def plan_import_command(file: Path) -> None:
    """Create or update a plan from a YAML FILE (all or nothing)."""
    try:
        result = plan_io.import_plan_file(file)
    except plan_io.PlanImportError as error:
        for problem in error.errors:
            click.echo(problem, err=True)
        count = len(error.errors)
        raise click.ClickException(
            f"{file} was not imported ({count} problem{'s' if count != 1 else ''}); "
            "nothing was changed."
        ) from error
    click.echo(result.summary())


@plan_cli.command("export")
@click.argument("slug")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
def plan_export_command(slug: str, output: Path | None) -> None:
    """Write the plan SLUG as YAML, in the format `plan import` reads."""
    try:
        text = plan_io.export_plan_yaml(slug)
    except plan_io.PlanNotFoundError as error:
        raise click.ClickException(str(error)) from error
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Exported plan {slug} to {output}.")


seed_cli = AppGroup("seed", help="Load the demonstration data.")


@seed_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database holds any plan.")
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo plans, accounts and quarterly history (running it again changes nothing)."""
    if if_empty and demo.any_plan_exists():
        click.echo("The database already holds plans; the demo data were not loaded.")
        return
    try:
        result = demo.seed_demo()
    except plan_io.PlanImportError as error:
        raise click.ClickException("; ".join(error.errors)) from error
    click.echo(result.summary())


@seed_cli.command("accounts")
def seed_accounts_command() -> None:
    """Print the demo accounts that exist in this database, with their password."""
    present = demo.demo_accounts_present()
    if not present:
        click.echo("No demo accounts in this database (load them with `seed demo`).")
        return
    rows = [("Role", "E-mail", "Password", "Department")] + [
        (a.role.value, a.email, demo.DEMO_PASSWORD, a.department or "") for a in present
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    click.echo("Demo accounts:")
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        click.echo(("  " + "  ".join(cells)).rstrip())


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a consistent copy of the database to PATH, while the site keeps running."""
    try:
        result = backups.backup_database(path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(result.summary())


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(path: Path) -> None:
    """Bring the backup at PATH into the configured database, which must be empty."""
    try:
        rows = backups.restore_database(path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {sum(rows.values())} rows in {len(rows)} tables from {path}.")


figures_cli = AppGroup("figures", help="The rollups the plan pages read.")


@figures_cli.command("rebuild")
@click.option("--plan", "plan_slug", default=None, help="Only this plan (its slug).")
def figures_rebuild_command(plan_slug: str | None) -> None:
    """Recompute the rollups from the progress updates."""
    written = rollups.rebuild(plan_slug)
    click.echo(f"Rebuilt {written} rollup rows.")


@figures_cli.command("check")
@click.option("--plan", "plan_slug", default=None, help="Only this plan (its slug).")
def figures_check_command(plan_slug: str | None) -> None:
    """Compare the rollups with a fresh computation; exit 1 listing each difference."""
    found = rollups.differences(plan_slug)
    for line in found:
        click.echo(line)
    if found:
        raise click.ClickException(f"{len(found)} differences between rollups and history.")
    click.echo("Rollups agree with history.")


def register(app: Flask) -> None:
    """Attach every command group to the app."""
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(plan_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(report_cli)
    app.cli.add_command(figures_cli)
