"""The mail service: SMTP settings, credentials, refusal to send in clear when TLS is asked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask
from sqlalchemy import select

from tests.scheduling.conftest import Inbox, free_port
from tracker.extensions import db
from tracker.models import AuditEvent
from tracker.services.operations.mail import Delivery, Mail, MailError, send_mail

MAIL = Mail("dept@example.gc.ca", "Rappel : été", "Corps du message : déjà soumis ?\n", "fr")


class Logins:
    """An aiosmtpd authenticator accepting one account and remembering who signed in."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        assert isinstance(data, LoginPassword)
        self.seen.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password == b"s3cret")


@pytest.fixture
def auth_server(app: Flask) -> Iterator[tuple[Inbox, Logins]]:
    inbox, logins, port = Inbox(), Logins(), free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=logins, auth_require_tls=False
    )
    controller.start()
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=port, MAIL_SENDER="tracker@example.gc.ca")
    yield inbox, logins
    controller.stop()


def test_mail_goes_through_smtp_as_utf8_text(app: Flask, smtp_server: Inbox) -> None:
    with app.app_context():
        assert send_mail(MAIL) is Delivery.SMTP
    ((rcpt, message),) = smtp_server.messages
    assert rcpt == ["dept@example.gc.ca"]
    assert message["Subject"] == "Rappel : été"
    assert message.get_content() == "Corps du message : déjà soumis ?\n"
    assert message.get_content_type() == "text/plain"
    assert message["Auto-Submitted"] == "auto-generated"


def test_credentials_are_used_when_set(app: Flask, auth_server: tuple[Inbox, Logins]) -> None:
    inbox, logins = auth_server
    app.config.update(MAIL_USERNAME="tracker", MAIL_PASSWORD="s3cret")
    with app.app_context():
        send_mail(MAIL)
    assert logins.seen == [("tracker", "s3cret")]
    assert len(inbox.messages) == 1


def test_wrong_credentials_are_a_clear_error(app: Flask, auth_server: tuple[Inbox, Logins]) -> None:
    # aiosmtpd stalls after refusing a login; a refusal or a timeout both end as MailError.
    app.config.update(MAIL_USERNAME="tracker", MAIL_PASSWORD="wrong", MAIL_TIMEOUT_SECONDS=1)
    with app.app_context(), pytest.raises(MailError, match="SMTP delivery to dept@"):
        send_mail(MAIL)
    assert auth_server[0].messages == []


def test_starttls_is_never_skipped_when_asked_for(app: Flask, smtp_server: Inbox) -> None:
    app.config["MAIL_USE_TLS"] = "true"  # as TRACKER_MAIL_USE_TLS=true may arrive
    with app.app_context(), pytest.raises(MailError, match="STARTTLS"):
        send_mail(MAIL)
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"MAIL_SENDER": None}, "MAIL_SENDER is not set"),
        ({"MAIL_USE_TLS": True, "MAIL_USE_SSL": True}, "not both"),
    ],
)
def test_misconfiguration_is_a_clear_error(
    app: Flask, smtp_server: Inbox, settings: dict[str, Any], message: str
) -> None:
    app.config.update(settings)
    with app.app_context(), pytest.raises(MailError, match=message):
        send_mail(MAIL)


def test_without_mail_host_the_message_is_logged_and_kept(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with app.app_context():
        assert send_mail(MAIL) is Delivery.LOGGED
        event = db.session.scalars(select(AuditEvent)).one()
    assert event.action == "mail.logged"
    assert event.detail == {
        "to": MAIL.to,
        "subject": MAIL.subject,
        "body": MAIL.body,
        "lang": "fr",
    }
    assert "Mail not sent (MAIL_HOST is not set) to dept@example.gc.ca" in caplog.text
