"""Every kind of audit event the code records has a name, a sentence and its French, and reads
as its own sentence (not the generic one) with the detail its service records."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import force_locale

from tests.audit.describing import describe
from tests.factories.updates import PLANNER_EMAIL, World, add_update
from tracker.audit.kinds import KIND_LABELS
from tracker.audit.sentences import GENERIC, GENERIC_WITH_OBJECT, SENTENCES
from tracker.extensions import db
from tracker.models import (
    Action,
    AnnualReport,
    ApiToken,
    Plan,
    Role,
    WorkflowState,
)

TRACKER = Path(__file__).resolve().parents[2] / "tracker"


# ---- every kind recorded has a sentence, in both languages -------------------------------

CALLS = re.compile(r'(?:add_event|_audit)\(\s*"([a-z_.]+)"')
DENIED = re.compile(r'record_denied_access\([^()"]*(?:\([^()]*\)[^()"]*)*"([a-z_.]+)"\)')
CONSTANTS = re.compile(r'^(?:LOGGED_ACTION|EVENT)\s*=\s*"([a-z_.]+)"', re.MULTILINE)
# Kinds recorded through f-strings: update.{state}, plan.{status}.
COMPOSED = {"update.saved", "update.submitted", "update.accepted", "update.returned",
            "plan.draft", "plan.active", "plan.archived", "access.denied"}  # fmt: skip


def recorded_kinds() -> set[str]:
    found = set(COMPOSED)
    for path in TRACKER.rglob("*.py"):
        source = path.read_text()
        found |= set(CALLS.findall(source)) | set(CONSTANTS.findall(source))
        found |= set(DENIED.findall(source))
    return found


def test_every_kind_the_code_records_has_a_label_and_a_sentence() -> None:
    kinds = recorded_kinds()
    assert {"login.succeeded", "period.reopened", "mail.logged", "access.not_found"} <= kinds
    assert len(kinds) >= 45
    assert kinds - set(KIND_LABELS) == set()
    without = {k for k in KIND_LABELS if not any(s.split(":")[0] == k for s in SENTENCES)}
    assert without == set()


def test_every_sentence_is_translated_with_the_same_places() -> None:
    path = TRACKER / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalogue = read_po(po)
    places = re.compile(r"%\((\w+)\)s")
    for template in [*SENTENCES.values(), GENERIC, GENERIC_WITH_OBJECT]:
        msgid = template._args[0]  # the English source of the lazy string
        message = catalogue.get(msgid)
        assert message is not None and message.string, msgid
        assert sorted(places.findall(message.string)) == sorted(places.findall(msgid)), msgid


# ---- every kind, with the detail its service records, reads as its own sentence ----------

QUARTER_DATES = {"opens_on": "2025-09-01", "due_on": "2025-10-15", "locks_on": "2025-10-30"}
MOVE = {"from": "2026-Q4", "to": "2027-Q1", "reason": "Vendor delay."}
DUE = {"from": "2026-03-31", "to": "2026-06-30", "reason": "Vendor delay."}
UPDATE = {"action": "S1.1", "period": "2025-Q2", "revision": 1}
SAMPLES: dict[str, tuple[str, dict[str, Any]]] = {
    "login.succeeded": ("", {}),
    "login.failed": ("", {"reason": "password"}),
    "logout": ("", {}),
    "account.locked": ("", {"until": "2025-10-05T12:00:00+00:00", "failures": 5}),
    "account.unlocked": ("user", {"before": {"failed_logins": 5, "locked_until": None}}),
    "password.changed": ("user", {}),
    "password.reset": ("user", {}),
    "user.created": ("user", {"role": "planner"}),
    "user.updated": ("user", {"before": {"active": True}, "after": {"active": False}}),
    "api_token.created": (
        "token",
        {"name": "CI", "expires_at": "2026-01-01T00:00:00+00:00", "scope": "read"},
    ),
    "api_token.revoked": ("token", {"name": "CI"}),
    "access.denied": ("", {"path": "/admin/users"}),
    "access.not_found": ("", {"path": "/updates/9/compare"}),
    "update.saved": ("update", {**UPDATE, "via": "import"}),
    "update.submitted": ("update", UPDATE),
    "update.accepted": ("update", UPDATE),
    "update.returned": ("update", UPDATE),
    "updates.imported": (
        "department",
        {
            "period": "2025-Q2",
            "department": "ACR",
            "file": "q2.xlsx",
            "format": "xlsx",
            "counts": {"created": 2, "unchanged": 1},
            "actions": [],
        },
    ),  # fmt: skip
    "updates.import_refused": (
        "",
        {
            "quarter": "2025-Q2",
            "filename": "q2.xlsx",
            "bytes": 9,
            "status": 422,
            "reason": "Rows with errors.",
            "problems": 2,
        },
    ),  # fmt: skip
    "plan.created": ("plan", {"slug": "x"}),
    "plan.edited": ("plan", {"fields": ["title_en", "last_year"]}),
    "plan.active": ("plan", {"from": "draft"}),
    "plan.archived": ("plan", {"from": "active"}),
    "plan.draft": ("plan", {"from": "active"}),
    "plan.copied": ("plan", {"from": "old-plan"}),
    "plan.imported": ("plan", {"slug": "x", "created": False, "counts": {"areas": 1}}),
    "plan.review_opened": ("plan", {"fiscal_year": 2025}),
    "plan.review_closed": ("plan", {"fiscal_year": 2025, "baseline_version": 2}),
    "area.added": ("area", {"plan": "x", "code": "S"}),
    "area.edited": ("area", {"fields": ["name_fr"]}),
    "area.moved": ("area", {"step": -1}),
    "area.deleted": ("gone", {"code": "S9"}),
    "action.added": ("action", {"plan": "x", "code": "S1.1"}),
    "action.edited": ("action", {"fields": ["current_target"]}),
    "action.moved": ("action", {"step": 1}),
    "action.retired": ("action", {"reason": "Done elsewhere."}),
    "action.deleted": ("gone", {"code": "S1.9"}),
    "action.target_moved": ("action", MOVE),
    "action.rebaselined": ("action", {**MOVE, "review": 1}),
    "milestone.added": ("milestone", {"action": "S1.1"}),
    "milestone.edited": ("milestone", {"fields": ["baseline_due"]}),
    "milestone.moved": ("milestone", {"step": -1}),
    "milestone.retired": ("milestone", {"reason": "Merged into M2."}),
    "milestone.deleted": ("gone", {"code": "M9"}),
    "milestone.due_moved": ("milestone", DUE),
    "milestone.rebaselined": ("milestone", {**DUE, "review": 1}),
    "period.dates_changed": (
        "period",
        {
            "quarter": "2025-Q2",
            "before": QUARTER_DATES,
            "after": {**QUARTER_DATES, "due_on": "2025-10-20"},
        },
    ),  # fmt: skip
    "period.reopened": (
        "period",
        {
            "quarter": "2025-Q2",
            "before": QUARTER_DATES,
            "after": {**QUARTER_DATES, "reopened_until": "2025-11-15"},
        },
    ),  # fmt: skip
    "period.closed": ("period", {"quarter": "2025-Q2", "before": {}, "after": {}}),
    "report.generate": ("report", {"fiscal_year": 2025, "version": 1, "by": "scheduler"}),
    "reminder.sent": ("department", {"plan": "p", "period": "2025-Q1", "recipients": 2}),
    "mail.logged": ("", {"to": "a@x.ca", "subject": "Reminder", "body": "Hi", "lang": "en"}),
    "demo.seeded": ("", {"plans": []}),
}


def _objects(app: Flask, world: World) -> dict[str, tuple[str, str]]:
    """(object type, id) of one object of each kind in the world."""
    update_id = add_update(app, world, world.period_id, WorkflowState.SUBMITTED)
    with app.app_context():
        plan = db.session.scalar(db.select(Plan).where(Plan.slug == world.plan_slug))
        action = db.session.get(Action, world.action_id)
        assert plan is not None and action is not None
        user_id = world.user_ids[PLANNER_EMAIL]
        token = ApiToken(user_id=user_id, name="CI", token_hash="0" * 64, scope="read")
        report = AnnualReport(
            plan_id=plan.id,
            fiscal_year=2025,
            language="en",
            version=1,
            snapshot={},
            triggered_by="scheduler",
        )
        db.session.add_all([token, report])
        db.session.commit()
        return {
            "": ("", ""),
            "plan": ("Plan", str(plan.id)),
            "area": ("StrategicArea", str(action.area_id)),
            "action": ("Action", str(action.id)),
            "milestone": ("Milestone", str(world.milestone_ids[0])),
            "update": ("ProgressUpdate", str(update_id)),
            "period": ("ReportingPeriod", str(world.period_id)),
            "user": ("User", str(user_id)),
            "department": ("Department", str(world.department_id)),
            "token": ("ApiToken", str(token.id)),
            "report": ("AnnualReport", str(report.id)),
        }


def test_samples_cover_every_kind() -> None:
    assert set(SAMPLES) == set(KIND_LABELS)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_kind_reads_as_its_own_sentence(app: Flask, world: World, lang: str) -> None:
    objects = _objects(app, world)
    with app.test_request_context(), force_locale(lang):
        generic = {str(GENERIC), str(GENERIC_WITH_OBJECT)}
    planner = world.user_ids[PLANNER_EMAIL]
    for kind, (key, detail) in SAMPLES.items():
        object_type, object_id = objects.get(key, (kind.split(".")[0].title(), "987654"))
        actor: dict[str, Any] = {"actor_label": "cli"} if kind == "demo.seeded" else {}
        description = describe(
            app, lang, Role.ADMIN, action=kind, actor_id=None if actor else planner,
            object_type=object_type, object_id=object_id, detail=detail, **actor,
        )  # fmt: skip
        assert description.template not in generic, kind
        shown = description.text()
        assert "%(" not in shown and "{" not in shown and kind not in shown, (kind, shown)
        if lang == "fr":
            assert " :" not in shown and "’" not in shown, (kind, shown)
