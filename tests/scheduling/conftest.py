"""Fixtures for the scheduler tests: a second app on the same database, fake report
generation, and a real SMTP server on a local port that keeps what it receives."""

from __future__ import annotations

import socket
import sys
import threading
import types
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import database_url
from tracker import create_app
from tracker.extensions import db
from tracker.models import AnnualReport, Plan, User

REPORTS_MODULE = "tracker.reports.service"


@pytest.fixture
def second_app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """Another app instance (its own engine and pool) on the same database: a second server."""
    other = create_app(
        {"DATABASE_URL": database_url(tmp_path), "SECRET_KEY": "test-secret"}, env="testing"
    )
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


class FakeReports:
    """Stands in for generate_annual_report: stores a report row, or fails when told to.

    `calls` records (slug, year, triggered_by) per call and `languages` the language of each."""

    def __init__(self, failures: int = 0) -> None:
        self.calls: list[tuple[str, int, str]] = []
        self.languages: list[tuple[str, int, str]] = []
        self.failures = failures
        self._lock = threading.Lock()

    def __call__(
        self,
        plan_slug: str,
        fiscal_year: int,
        triggered_by: str,
        actor: User | None = None,
        language: str | None = None,
    ) -> AnnualReport:
        lang = language or "en"
        with self._lock:
            self.calls.append((plan_slug, fiscal_year, triggered_by))
            self.languages.append((plan_slug, fiscal_year, lang))
            if self.failures:
                self.failures -= 1
                raise RuntimeError("renderer exploded")
        plan = db.session.scalars(select(Plan).where(Plan.slug == plan_slug)).one()
        version = db.session.scalar(
            select(func.coalesce(func.max(AnnualReport.version), 0)).where(
                AnnualReport.plan_id == plan.id,
                AnnualReport.fiscal_year == fiscal_year,
                AnnualReport.language == lang,
            )
        )
        report = AnnualReport(
            plan_id=plan.id,
            fiscal_year=fiscal_year,
            language=lang,
            version=(version or 0) + 1,
            snapshot={},
            triggered_by=triggered_by,
        )
        db.session.add(report)
        db.session.commit()
        return report


@pytest.fixture
def fake_reports() -> FakeReports:
    return FakeReports()


@pytest.fixture
def reports_module(monkeypatch: pytest.MonkeyPatch, fake_reports: FakeReports) -> FakeReports:
    """Install the fake as tracker.reports.service, as the jobs' lazy import will find it."""
    module = types.ModuleType(REPORTS_MODULE)
    module.generate_annual_report = fake_reports  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, REPORTS_MODULE, module)
    return fake_reports


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.content.replace(b"\r\n", b"\n")  # SMTP's line ends, as a file has them
        message = message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages delivered to `address`."""
        return [m for rcpt, m in self.messages if address in rcpt]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server(app: Flask) -> Iterator[Inbox]:
    """A real SMTP server on a local port; the app is configured to send through it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=port, MAIL_SENDER="tracker@example.gc.ca")
    yield inbox
    controller.stop()
