"""Command-line interface: `flask --app tracker <group> <command>`. Commands call services."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from tracker.models import Role
from tracker.services import accounts

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


def register(app: Flask) -> None:
    """Attach every command group to the app."""
    app.cli.add_command(users_cli)
