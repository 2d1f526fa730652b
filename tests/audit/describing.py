"""Describing one audit event in a test, as a reader of a role sees it, in a language."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import force_locale

from tests.factories.updates import World
from tracker.audit.presenters import Describer, Description
from tracker.extensions import db
from tracker.models import AuditEvent, Plan, Role
from tracker.services.audit.subjects import load_subjects

NBSP = "\u00a0"


def describe(
    app: Flask, lang: str = "en", role: Role | None = Role.ADMIN, **fields: Any
) -> Description:
    """Describe one (unsaved) event as a reader of `role` sees it, in `lang`."""
    fields.setdefault("detail", {})
    fields.setdefault("actor_label", "")
    fields.setdefault("object_type", "")
    fields.setdefault("object_id", "")
    with app.test_request_context(), force_locale(lang):
        event = AuditEvent(**fields)
        describer = Describer(load_subjects([event]), role.value if role else None)
        return describer.describe(event)  # its text is translated as it is built


def text(app: Flask, lang: str = "en", **fields: Any) -> str:
    return describe(app, lang, **fields).text()


def html(app: Flask, role: Role = Role.ADMIN, **fields: Any) -> str:
    return str(describe(app, "en", role, **fields).html())


def plan_title(app: Flask, world: World, lang: str = "en") -> str:
    with app.app_context():
        plan = db.session.scalar(db.select(Plan).where(Plan.slug == world.plan_slug))
        assert plan is not None
        return plan.title_fr if lang == "fr" else plan.title_en
