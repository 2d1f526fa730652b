"""Plan files in the browser: upload, preview, apply; refusals; the optimistic check; export."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import post_form
from tests.factories.plans import action_by_code, add_update, plan_document, row_counts
from tests.planfiles.conftest import (
    APPLY_NEW_URL,
    APPLY_UPDATE_URL,
    EXPORT_URL,
    NEW_URL,
    SLUG,
    UPDATE_URL,
    apply,
    as_yaml,
    client_for,
    stored_yaml,
    text_of,
    upload,
)
from tracker.extensions import db
from tracker.models import AuditEvent, Plan, PlanChange, Role
from tracker.services.plans.files import export_plan, import_plan


def changed_document() -> dict[str, Any]:
    """The test plan with a renamed title, a moved target, an action added, one dropped, and a
    milestone dropped."""
    document = plan_document()
    document["plan"]["title"]["en"] = "Renamed IT Strategic Plan"
    service, secure = document["areas"]
    s11, s12 = service["actions"]
    s11["target"] = "2019-Q2"
    s11["milestones"] = s11["milestones"][:1]
    new = {**copy.deepcopy(s12), "code": "S1.3", "title": {"en": "Open data", "fr": "Données"}}
    service["actions"] = [s11, s12, new]
    secure["actions"] = []  # C1.1 goes: no update refers to it
    return document


def test_a_changed_plan_is_previewed_then_applied(
    app: Flask, planner: FlaskClient, stored_plan: dict[str, Any]
) -> None:
    with app.app_context():
        add_update("S1.2")
    before = stored_yaml(app)

    preview = upload(planner, UPDATE_URL, as_yaml(changed_document()))

    assert preview.status_code == 200
    page = text_of(preview)
    assert "title.en Test IT Strategic Plan Renamed IT Strategic Plan" in page  # now, file
    assert "S1.3 Open data Added" in page
    assert "S1.1 Adopt cloud computing Changed" in page
    assert "target : 2018-Q4 → 2019-Q2" in page
    assert "milestones : M1, M2 → M1" in page
    assert "S1.1/M2 Open the broker Removed" in page
    assert "C1.1" in page and "Deleted: no progress update refers to it." in page
    assert "The plan holds 1 progress update." in page
    assert stored_yaml(app) == before  # a preview writes nothing

    done = apply(planner, APPLY_UPDATE_URL, preview.get_data(as_text=True), UPDATE_URL)

    assert done.status_code == 302
    assert done.headers["Location"] == f"/plans/{SLUG}/"
    with app.app_context():
        db.session.expire_all()
        expected = changed_document()
        expected["departments"] = [d for d in expected["departments"] if d["acronym"] != "PSPC"]
        document = export_plan(SLUG)
        assert document["plan"] == expected["plan"]
        assert document["areas"] == expected["areas"]
        assert len(action_by_code("S1.2").area.actions) == 3  # S1.2 kept its update
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "plan.imported")
        ).all()[-1]
        assert event.actor_label == "planner-matrix@example.gc.ca"
    assert "The plan was updated from plan.yaml." in text_of(planner.get(f"/plans/{SLUG}/"))


def test_an_action_with_updates_left_out_is_retired_with_the_reason_given(
    app: Flask, planner: FlaskClient, stored_plan: dict[str, Any]
) -> None:
    with app.app_context():
        add_update("C1.1")
    preview = upload(planner, UPDATE_URL, as_yaml(changed_document()))
    page = text_of(preview)
    assert "This file cannot be applied" not in page
    assert (
        "C1.1 Secure the perimeter Retired Not in the file, but 1 progress update refers to "
        "it: it is kept and retired, not deleted." in page
    )
    assert "Reason for the changes (optional)" in page

    done = apply(
        planner, APPLY_UPDATE_URL, preview.get_data(as_text=True), UPDATE_URL, "Review 2018"
    )

    assert done.status_code == 302
    with app.app_context():
        c11 = action_by_code("C1.1")
        assert c11.retired and c11.retirement_reason == "Review 2018"
        assert c11.area.code == "SECURE"
        log = db.session.scalars(select(PlanChange).order_by(PlanChange.id)).all()
        assert [
            (c.kind, c.action_code, c.field, c.old_value, c.new_value, c.reason) for c in log
        ] == [
            ("target_moved", "S1.1", "current_target", "2018-Q4", "2019-Q2", "Review 2018"),
            ("action_retired", "C1.1", "", "", "", "Review 2018"),
        ]
        assert log[0].user_label == "planner-matrix@example.gc.ca"
    assert "Retired" in stored_yaml(app) or "retired:" in stored_yaml(app)


def test_without_a_reason_the_change_log_says_it_came_from_a_file(
    app: Flask, planner: FlaskClient, stored_plan: dict[str, Any]
) -> None:
    preview = upload(planner, UPDATE_URL, as_yaml(changed_document()))
    apply(planner, APPLY_UPDATE_URL, preview.get_data(as_text=True), UPDATE_URL)
    with app.app_context():
        reasons = set(db.session.scalars(select(PlanChange.reason)))
        assert reasons == {"Imported from a plan file"}


def test_a_baseline_change_of_an_active_plan_cannot_be_applied(
    app: Flask, planner: FlaskClient, stored_plan: dict[str, Any]
) -> None:
    with app.app_context():
        plan = db.session.scalars(select(Plan)).one()
        plan.status = "active"
        db.session.commit()
    document = changed_document()
    document["plan"]["status"] = "active"
    document["areas"][0]["actions"][0]["baseline_target"] = "2018-Q3"
    preview = upload(planner, UPDATE_URL, as_yaml(document))
    page = text_of(preview)
    assert "This file cannot be applied" in page
    assert "its baselines change only in its yearly review" in page
    assert "keep 2018-Q2 here, not 2018-Q3" in page
    assert 'name="upload"' not in preview.get_data(as_text=True)  # no Apply button


TAB = "format: roadmap-tracker/plan@1\nplan:\n\tslug: x\n"
QUOTES = "format: roadmap-tracker/plan@1\nplan:\n  slug: 'it's'\n"
UNCLOSED = 'format: roadmap-tracker/plan@1\nplan:\n  title: "open\n  slug: x\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(TAB, "line 3, column 1 a tab character; indent with spaces", id="tab"),
        pytest.param(QUOTES, "line 3, column 13 text after a quoted value", id="quotes"),
        pytest.param(UNCLOSED, "line 3, column 10 this quotation mark is never", id="unclosed"),
    ],
)
def test_a_file_that_is_not_yaml_is_refused_with_its_line(
    app: Flask, planner: FlaskClient, stored_plan: dict[str, Any], text: str, expected: str
) -> None:
    before = stored_yaml(app)
    response = upload(planner, UPDATE_URL, text)
    assert response.status_code == 400
    page = text_of(response)
    assert "plan.yaml was not imported: 1 problem. Nothing was changed." in page
    assert expected in page
    assert stored_yaml(app) == before


def test_a_bad_quarter_is_refused_with_its_location(
    app: Flask, planner: FlaskClient, stored_plan: dict[str, Any]
) -> None:
    document = plan_document()
    document["areas"][0]["actions"][0]["target"] = "2019-Q5"
    with app.app_context():
        counts = row_counts()
    response = upload(planner, UPDATE_URL, as_yaml(document))
    assert response.status_code == 400
    assert (
        'areas[0].actions[0].target "2019-Q5" is not a quarter (expected a form like "2019-Q4")'
        in text_of(response)
    )
    with app.app_context():
        assert row_counts() == counts


def test_problems_are_told_in_french(
    app: Flask, planner: FlaskClient, stored_plan: dict[str, Any]
) -> None:
    post_form(planner, "/language", {"lang": "fr"}, page="/")
    response = upload(planner, UPDATE_URL, TAB)
    assert response.status_code == 400
    assert "ligne 3, colonne 1 un caractère de tabulation" in text_of(response)
    document = plan_document()
    document["areas"][0]["actions"][0]["target"] = "2019-Q5"
    located = text_of(upload(planner, UPDATE_URL, as_yaml(document)))
    assert "areas[0].actions[0].target « 2019-Q5 » n'est pas un trimestre" in located


def test_unquoted_codes_and_missing_french_are_accepted(app: Flask, planner: FlaskClient) -> None:
    text = as_yaml(plan_document()).replace("code: S1.1", "code: 1.1", 1)
    text = text.replace("code: C1.1", "code: 1.10", 1)
    text = text.replace("fr: Adopter l'infonuagique", "fr: ''", 1)
    assert "code: 1.10\n" in text

    preview = upload(planner, NEW_URL, text)

    assert preview.status_code == 200, text_of(preview)
    page = text_of(preview)
    assert "1 text has no French yet." in page
    assert "1.1 title" in page
    done = apply(planner, APPLY_NEW_URL, preview.get_data(as_text=True), NEW_URL)
    assert done.status_code == 302
    with app.app_context():
        assert action_by_code("1.10").title_en == "Secure the perimeter"
        assert action_by_code("1.1").title_fr == ""
    post_form(planner, "/language", {"lang": "fr"}, page="/")
    action_page = text_of(planner.get(f"/plans/{SLUG}/actions/1.1"))
    assert "Adopt cloud computing (à traduire)" in action_page  # the English, marked


def test_a_stale_preview_is_refused_and_previewed_again(
    app: Flask, planner: FlaskClient, stored_plan: dict[str, Any]
) -> None:
    preview = upload(planner, UPDATE_URL, as_yaml(changed_document()))
    meanwhile = plan_document()
    meanwhile["plan"]["summary"]["en"] = "Changed by someone else"
    with app.app_context():
        import_plan(meanwhile)
    after_other_change = stored_yaml(app)

    response = apply(planner, APPLY_UPDATE_URL, preview.get_data(as_text=True), UPDATE_URL)

    assert response.status_code == 409
    page = text_of(response)
    assert "The plan was changed by someone else after your preview" in page
    assert "Changed by someone else" in page  # the new preview shows the summary going back
    assert stored_yaml(app) == after_other_change
    again = apply(planner, APPLY_UPDATE_URL, response.get_data(as_text=True), UPDATE_URL)
    assert again.status_code == 302


def test_an_altered_preview_is_refused(
    app: Flask, planner: FlaskClient, stored_plan: dict[str, Any]
) -> None:
    before = stored_yaml(app)
    response = post_form(planner, APPLY_UPDATE_URL, {"upload": "forged"}, page=UPDATE_URL)
    assert response.status_code == 400
    assert stored_yaml(app) == before


def test_a_new_plan_upload_may_not_overwrite_an_existing_plan(
    app: Flask, planner: FlaskClient, stored_plan: dict[str, Any]
) -> None:
    response = upload(planner, NEW_URL, as_yaml(changed_document()))
    assert response.status_code == 400
    assert f'plan.slug a plan "{SLUG}" already exists' in text_of(response)


def test_a_plan_page_takes_only_its_own_plan(
    app: Flask, planner: FlaskClient, stored_plan: dict[str, Any]
) -> None:
    document = plan_document()
    document["plan"]["slug"] = "another-plan"
    response = upload(planner, UPDATE_URL, as_yaml(document))
    assert response.status_code == 400
    assert f'"another-plan" is another plan; this page changes only "{SLUG}"' in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(Plan).where(Plan.slug == "another-plan")) is None


def test_only_small_yaml_text_files_are_taken(
    app: Flask, planner: FlaskClient, stored_plan: dict[str, Any]
) -> None:
    wrong = upload(planner, UPDATE_URL, as_yaml(plan_document()), name="plan.xlsx")
    assert wrong.status_code == 400
    assert "Choose a YAML plan file, ending in .yaml or .yml." in text_of(wrong)
    binary = upload(planner, UPDATE_URL, b"PK\x03\x04\x00\x00")
    assert binary.status_code == 400
    assert "this is not a text file" in text_of(binary)
    app.config["PLAN_FILE_MAX_BYTES"] = 1000
    large = upload(planner, UPDATE_URL, as_yaml(plan_document()))
    assert large.status_code == 413
    assert "The file is larger than 0.000953674 MB." in text_of(large)


def test_export_downloads_yaml_that_imports_back_unchanged(
    app: Flask, planner: FlaskClient, stored_plan: dict[str, Any]
) -> None:
    before = stored_yaml(app)
    oversight = client_for(app, Role.OVERSIGHT)
    download = oversight.get(EXPORT_URL)
    assert download.status_code == 200
    assert download.mimetype == "application/yaml"
    assert download.headers["Content-Disposition"] == f'attachment; filename="{SLUG}.yaml"'
    assert download.get_data(as_text=True) == before

    preview = upload(planner, UPDATE_URL, download.get_data(as_text=True))
    assert "The file matches the plan: applying it would change nothing." in text_of(preview)
    assert (
        apply(planner, APPLY_UPDATE_URL, preview.get_data(as_text=True), UPDATE_URL).status_code
        == 302
    )
    assert stored_yaml(app) == before
    assert planner.get("/plans/nope/export.yaml").status_code == 404


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.OVERSIGHT])
def test_departments_and_oversight_may_not_import(
    app: Flask, planner: FlaskClient, stored_plan: dict[str, Any], role: Role
) -> None:
    preview = upload(planner, UPDATE_URL, as_yaml(changed_document()))
    sealed = preview.get_data(as_text=True)
    before = stored_yaml(app)
    other = client_for(app, role)
    for url in (NEW_URL, UPDATE_URL):
        assert other.get(url).status_code == 403
        assert upload(other, url, as_yaml(changed_document())).status_code == 403
    token = {"upload": sealed.split('name="upload" type="hidden" value="')[1].split('"')[0]}
    assert post_form(other, APPLY_UPDATE_URL, token, page="/").status_code == 403
    assert stored_yaml(app) == before


def test_departments_may_not_export(app: Flask, stored_plan: dict[str, Any]) -> None:
    assert client_for(app, Role.DEPARTMENT).get(EXPORT_URL).status_code == 403


def test_a_draft_may_be_imported_with_an_action_without_its_lead_or_dates(
    app: Flask, planner: FlaskClient
) -> None:
    document = plan_document()
    document["plan"]["status"] = "draft"
    action = document["areas"][0]["actions"][1]
    del action["lead"], action["start"], action["baseline_target"]
    action["target"] = None
    action["milestones"] = []
    preview = upload(planner, NEW_URL, as_yaml(document))
    assert preview.status_code == 200, text_of(preview)
    done = apply(planner, APPLY_NEW_URL, preview.get_data(as_text=True), NEW_URL)
    assert done.status_code == 302
    with app.app_context():
        stored = action_by_code(action["code"])
        assert stored.lead_department_id is None
        assert (stored.start_quarter, stored.baseline_target, stored.current_target) == (
            None,
            None,
            None,
        )
    # Exported as null (not set), and the export imports back unchanged.
    exported = planner.get(EXPORT_URL).get_data(as_text=True)
    assert "lead: null" in exported
    again = upload(planner, UPDATE_URL, exported)
    assert "The file matches the plan: applying it would change nothing." in text_of(again)


@pytest.mark.parametrize("status", ["active", "archived"])
def test_an_action_without_its_lead_or_dates_is_refused_unless_the_plan_is_a_draft(
    app: Flask, planner: FlaskClient, status: str
) -> None:
    document = plan_document()
    document["plan"]["status"] = status
    action = document["areas"][0]["actions"][1]
    del action["lead"], action["start"]
    response = upload(planner, NEW_URL, as_yaml(document))
    assert response.status_code == 400
    page = text_of(response)
    why = (
        "every action of an active or archived plan needs its lead, start and "
        "baseline_target; a draft plan may leave them out"
    )
    assert f"areas[0].actions[1].lead missing ({why})" in page
    assert f"areas[0].actions[1].start missing ({why})" in page
    with app.app_context():
        assert row_counts()["Plan"] == 0


def test_admins_may_import(app: Flask) -> None:
    admin = client_for(app, Role.ADMIN)
    assert admin.get(NEW_URL).status_code == 200
    preview = upload(admin, NEW_URL, as_yaml(plan_document()))
    assert apply(admin, APPLY_NEW_URL, preview.get_data(as_text=True), NEW_URL).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Plan.slug)) == SLUG
