"""Outgoing e-mail over SMTP, or to the log (and the admin jobs page) when SMTP is not set up.

Settings come from app.config, so TRACKER_MAIL_HOST and friends work: MAIL_HOST, MAIL_PORT,
MAIL_USE_TLS (STARTTLS), MAIL_USE_SSL (implicit TLS), MAIL_USERNAME, MAIL_PASSWORD, MAIL_SENDER.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from enum import StrEnum
from typing import Any

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import AuditEvent
from tracker.services.audit.events import add_event

LOGGED_ACTION = "mail.logged"
SYSTEM_ACTOR = "scheduler"


class MailError(RuntimeError):
    """The message could not be handed to the SMTP server, or mail is misconfigured."""


class Delivery(StrEnum):
    SMTP = "smtp"
    LOGGED = "logged"


@dataclass(frozen=True)
class Mail:
    """A plain-text message to one recipient."""

    to: str
    subject: str
    body: str
    language: str = "en"


def _flag(value: Any) -> bool:
    """A boolean setting that may arrive as text from the environment."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def build_message(mail: Mail, sender: str) -> EmailMessage:
    """The MIME message for `mail`, UTF-8 plain text."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body)
    message["Content-Language"] = mail.language  # after set_content, which clears Content-*
    return message


def _smtp_send(message: EmailMessage, cfg: Any) -> None:
    """Hand `message` to the configured SMTP server."""
    host = str(cfg["MAIL_HOST"])
    use_ssl, use_tls = _flag(cfg.get("MAIL_USE_SSL")), _flag(cfg.get("MAIL_USE_TLS"))
    if use_ssl and use_tls:
        raise MailError("Set MAIL_USE_SSL or MAIL_USE_TLS, not both.")
    port = int(cfg.get("MAIL_PORT") or (465 if use_ssl else 587 if use_tls else 25))
    timeout = float(cfg.get("MAIL_TIMEOUT_SECONDS") or 30)
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if use_ssl:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if use_tls:
            smtp.starttls(context=context)
        if cfg.get("MAIL_USERNAME"):
            smtp.login(str(cfg["MAIL_USERNAME"]), str(cfg.get("MAIL_PASSWORD") or ""))
        smtp.send_message(message)


def send_mail(mail: Mail) -> Delivery:
    """Send `mail` by SMTP; without MAIL_HOST, log it and keep it for admins (commits)."""
    cfg = current_app.config
    if not cfg.get("MAIL_HOST"):
        current_app.logger.warning(
            "Mail not sent (MAIL_HOST is not set) to %s: %s\n%s", mail.to, mail.subject, mail.body
        )
        detail = {"to": mail.to, "subject": mail.subject, "body": mail.body}
        add_event(LOGGED_ACTION, actor_label=SYSTEM_ACTOR, detail=detail | {"lang": mail.language})
        db.session.commit()
        return Delivery.LOGGED
    sender = cfg.get("MAIL_SENDER")
    if not sender:
        raise MailError("MAIL_SENDER is not set: set TRACKER_MAIL_SENDER to the From address.")
    try:
        _smtp_send(build_message(mail, str(sender)), cfg)
    except OSError as error:  # smtplib.SMTPException and ssl.SSLError are OSErrors
        raise MailError(f"SMTP delivery to {mail.to} failed: {error}") from error
    return Delivery.SMTP


def logged_mails(page: int, per_page: int = 20) -> Pagination:
    """One page of the messages that went to the log instead of SMTP, newest first."""
    return db.paginate(
        select(AuditEvent)
        .where(AuditEvent.action == LOGGED_ACTION)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()),
        page=page,
        per_page=per_page,
        error_out=True,
    )
