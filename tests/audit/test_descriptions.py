"""Audit events in words (tracker/audit/presenters.py): sentences in English and French, links
only to what exists and the reader may open, field changes, and a readable fallback."""

from __future__ import annotations

from flask import Flask

from tests.audit.describing import NBSP, describe, html, plan_title, text
from tests.factories.updates import DEPT_EMAIL, PLANNER_EMAIL, World, add_update
from tracker.models import (
    Role,
    WorkflowState,
)

# ---- sentences ---------------------------------------------------------------------------


def test_a_submitted_update_in_english_and_french(app: Flask, world: World) -> None:
    update_id = add_update(app, world, world.period_id, WorkflowState.SUBMITTED)
    event = {
        "action": "update.submitted",
        "actor_id": world.user_ids[DEPT_EMAIL],
        "object_type": "ProgressUpdate",
        "object_id": str(update_id),
        "detail": {"action": "S1.1", "period": "2025-Q2", "revision": 1},
    }
    title_en, title_fr = plan_title(app, world), plan_title(app, world, "fr")
    assert text(app, **event) == (
        f"Department User submitted the update on S1.1 ({title_en}) for 2025-26 Q2."
    )
    assert text(app, "fr", **event) == (
        f"Department User a soumis la mise à jour de S1.1 ({title_fr}) pour T2 2025-2026."
    )


def test_a_moved_target_gives_both_quarters_and_the_reason(app: Flask, world: World) -> None:
    event = {
        "action": "action.target_moved",
        "actor_id": world.user_ids[PLANNER_EMAIL],
        "object_type": "Action",
        "object_id": str(world.action_id),
        "detail": {"from": "2027-Q2", "to": "2028-Q1", "reason": "Vendor delay."},
    }
    title = plan_title(app, world)
    assert text(app, **event) == (
        f"Planner User moved the target of S1.1 ({title}) from 2027-28 Q2 to 2028-29 Q1: "
        "Vendor delay."
    )
    french = text(app, "fr", **event)
    assert "de T2 2027-2028 à T1 2028-2029" in french
    assert french.endswith(f"{NBSP}: Vendor delay.")


def test_failed_sign_ins_say_why(app: Flask) -> None:
    unknown = {"action": "login.failed", "actor_label": "who@x.ca", "detail": {"reason": "unknown"}}
    assert text(app, **unknown) == "Sign-in failed for who@x.ca: no account has this address."
    assert text(app, "fr", **unknown) == (
        f"Échec d'ouverture de session pour who@x.ca{NBSP}: aucun compte n'a cette adresse."
    )
    odd = {"action": "login.failed", "actor_label": "who@x.ca", "detail": {"reason": "new"}}
    assert text(app, **odd) == "Sign-in failed for who@x.ca."


def test_account_changes_are_listed_field_by_field(app: Flask, world: World) -> None:
    before = {
        "name": "Pat",
        "role": "planner",
        "department": None,
        "language": "en",
        "active": True,
    }
    after = {**before, "role": "admin", "active": False}
    event = {
        "action": "user.updated",
        "actor_id": world.user_ids["admin@example.gc.ca"],
        "object_type": "User",
        "object_id": str(world.user_ids[PLANNER_EMAIL]),
        "detail": {"before": before, "after": after},
    }
    description = describe(app, **event)
    assert description.sentence() == "Admin User changed the account of Planner User."
    assert description.lines == ("Role: Planner → Administrator", "Active: yes → no")
    french = describe(app, "fr", **event)
    assert french.lines == (
        f"Rôle{NBSP}: Planificateur → Administrateur",
        f"Actif{NBSP}: oui → non",
    )
    assert "<li>Role: Planner → Administrator</li>" in str(description.html())
    assert "{'" not in description.text() and "before" not in description.text()


def test_edits_name_the_fields_changed(app: Flask, world: World) -> None:
    event = {
        "action": "action.edited",
        "actor_id": world.user_ids[PLANNER_EMAIL],
        "object_type": "Action",
        "object_id": str(world.action_id),
        "detail": {"fields": ["title_en", "lead"]},
    }
    assert describe(app, **event).lines == ("Fields changed: Title in English, Lead department",)


def test_system_actors_have_names(app: Flask) -> None:
    seeded = {"action": "demo.seeded", "actor_label": "cli", "detail": {"plans": []}}
    assert text(app, **seeded) == "The command line loaded the demo data."
    assert (
        text(app, "fr", **seeded) == "La ligne de commande a chargé les données de démonstration."
    )


def test_a_deleted_object_is_named_from_the_event(app: Flask) -> None:
    event = {
        "action": "action.deleted",
        "actor_label": "someone@x.ca",
        "object_type": "Action",
        "object_id": "98765",
        "detail": {"code": "S9.9"},
    }
    assert text(app, **event) == "someone@x.ca deleted the action S9.9."
    assert "href" not in html(app, **event)


def test_an_unknown_kind_falls_back_to_a_readable_sentence(app: Flask, world: World) -> None:
    event = {
        "action": "widget.frobbed",
        "actor_id": world.user_ids[PLANNER_EMAIL],
        "object_type": "Widget",
        "object_id": "7",
        "detail": {"colour": "blue", "sizes": [1, 2], "flag": True},
    }
    description = describe(app, **event)
    assert description.sentence() == "Planner User: widget.frobbed, on Widget 7."
    assert description.lines == ("colour: blue", "flag: yes", "sizes: [1, 2]")
    # A known kind whose object is gone and whose detail says too little: still a sentence.
    gone = {"action": "milestone.edited", "actor_label": "a@x.ca", "object_type": "Milestone",
            "object_id": "424242", "detail": {"fields": ["code"]}}  # fmt: skip
    assert (
        text(app, **gone) == "a@x.ca: Milestone edited, on Milestone 424242. Fields changed: Code."
    )


# ---- links -----------------------------------------------------------------------------


def test_links_follow_what_the_reader_may_open(app: Flask, world: World) -> None:
    update_id = add_update(app, world, world.period_id, WorkflowState.SUBMITTED)
    submitted = {
        "action": "update.returned",
        "actor_id": world.user_ids[PLANNER_EMAIL],
        "object_type": "ProgressUpdate",
        "object_id": str(update_id),
        "detail": {"action": "S1.1", "period": "2025-Q2"},
    }
    plan_link = f'href="/plans/{world.plan_slug}/"'
    action_link = f'href="/plans/{world.plan_slug}/actions/S1.1"'
    admin = html(app, Role.ADMIN, **submitted)
    assert f'href="/admin/users/{world.user_ids[PLANNER_EMAIL]}">Planner User</a>' in admin
    assert f'href="/review/{update_id}">2025-26 Q2</a>' in admin
    assert plan_link in admin and action_link in admin
    oversight = html(app, Role.OVERSIGHT, **submitted)
    assert "/admin/users/" not in oversight and "Planner User returned" in oversight
    assert "/review/" not in oversight
    history = f'href="/plans/{world.plan_slug}/actions/S1.1/history">2025-26 Q2</a>'
    assert history in oversight
    assert plan_link in oversight and action_link in oversight
    # The CSV's descriptions carry no links at all.
    assert "href" not in str(describe(app, "en", None, **submitted).html())


def test_a_draft_is_not_linked(app: Flask, world: World) -> None:
    update_id = add_update(app, world, world.period_id, WorkflowState.DRAFT)
    saved = {
        "action": "update.saved",
        "actor_id": world.user_ids[DEPT_EMAIL],
        "object_type": "ProgressUpdate",
        "object_id": str(update_id),
        "detail": {"action": "S1.1", "period": "2025-Q2"},
    }
    for role in (Role.ADMIN, Role.OVERSIGHT):
        shown = html(app, role, **saved)
        assert "/review/" not in shown and "/history" not in shown
        assert shown.endswith(" for 2025-26 Q2.")


def test_names_are_escaped(app: Flask) -> None:
    event = {"action": "login.failed", "actor_label": "<b>x</b>@x.ca", "detail": {}}
    assert "&lt;b&gt;x&lt;/b&gt;@x.ca" in html(app, **event)
