"""The preview of an import: what a file adds, changes and removes, matched by code."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask import Flask

from tests.factories.plans import add_update, plan_document
from tests.planfiles.conftest import SLUG, as_yaml
from tracker.services.plans.diff import ADDED, CHANGED, REMOVED, RETIRED, Change
from tracker.services.plans.files import (
    PlanImportError,
    export_plan,
    import_plan,
    preview_plan_file,
)


def states(items: Any) -> dict[str, str]:
    return {item.code: item.state for item in items}


def test_a_new_plan_is_all_added(app: Flask) -> None:
    with app.app_context():
        diff = preview_plan_file(as_yaml(plan_document()), None).diff
    assert diff.created and not diff.refused
    assert states(diff.actions) == {"S1.1": ADDED, "S1.2": ADDED, "C1.1": ADDED}
    assert states(diff.departments) == {"PSPC": ADDED, "SSC": ADDED, "TBS": ADDED}


def test_the_same_file_changes_nothing(app: Flask) -> None:
    with app.app_context():
        import_plan(plan_document())
        preview = preview_plan_file(as_yaml(plan_document()), SLUG)
    assert preview.diff.unchanged
    assert preview.expected.fingerprint


def test_changes_are_listed_field_by_field_with_the_history_they_keep(app: Flask) -> None:
    document = plan_document()
    with app.app_context():
        import_plan(document)
        add_update("S1.1", "M1")
        changed = copy.deepcopy(document)
        service, secure = changed["areas"]
        s11 = service["actions"][0]
        s11["lead"], s11["participants"] = "SSC", ["PSPC", "TBS"]
        s11["milestones"][0]["completed"] = None
        secure["actions"].append(service["actions"].pop(1))  # S1.2 moves to SECURE
        changed["areas"] = [secure, service]
        changed["departments"][0]["name"]["en"] = "PSPC renamed"
        diff = preview_plan_file(as_yaml(changed), SLUG).diff

    assert diff.plan == (Change("areas", "SERVICE, SECURE", "SECURE, SERVICE"),)
    assert states(diff.departments) == {"PSPC": CHANGED}
    by_code = {item.code: item for item in (*diff.actions, *diff.milestones)}
    assert by_code["S1.1"].changes == (
        Change("lead", "TBS", "SSC"),
        Change("participants", "PSPC, SSC (2017-Q1)", "PSPC, TBS"),
    )
    assert by_code["S1.1"].history == 1
    assert by_code["S1.2"].changes == (Change("area", "SERVICE", "SECURE"),)
    assert by_code["S1.1/M1"].changes == (Change("completed", "2017-05-12", ""),)
    assert by_code["S1.1/M1"].history == 1
    assert diff.updates == 1


def test_what_history_refers_to_is_retired_not_removed(app: Flask) -> None:
    with app.app_context():
        import_plan(plan_document())
        add_update("S1.2")
        smaller = plan_document()
        smaller["areas"][0]["actions"].pop(1)
        smaller["areas"][1]["actions"] = []
        diff = preview_plan_file(as_yaml(smaller), SLUG).diff
    assert states(diff.actions) == {"S1.2": RETIRED, "C1.1": REMOVED}
    assert [item.history for item in diff.actions] == [1, 0]
    assert diff.refused == ()


def test_a_baseline_of_an_active_plan_is_refused_in_preview_and_import(app: Flask) -> None:
    document = plan_document()
    document["plan"]["status"] = "active"
    with app.app_context():
        import_plan(document)
        moved = copy.deepcopy(document)
        s11 = moved["areas"][0]["actions"][0]
        s11["baseline_target"] = "2018-Q3"
        s11["milestones"][0]["baseline_due"] = "2017-02-28"
        diff = preview_plan_file(as_yaml(moved), SLUG).diff
        with pytest.raises(PlanImportError) as refused:
            import_plan(moved)
    assert list(diff.refused) == refused.value.errors  # one rule for preview and import
    assert diff.refused == (
        "areas[0].actions[0].baseline_target: the baseline of an active plan changes only in "
        "its yearly review (Plan > Yearly review); keep 2018-Q2 here, not 2018-Q3",
        "areas[0].actions[0].milestones[0].baseline_due: the baseline of an active plan "
        "changes only in its yearly review (Plan > Yearly review); keep 2017-03-31 here, "
        "not 2017-02-28",
    )


def test_a_draft_may_change_its_baselines(app: Flask) -> None:
    document = plan_document()
    document["plan"]["status"] = "draft"
    with app.app_context():
        import_plan(document)
        document["areas"][0]["actions"][0]["baseline_target"] = "2018-Q3"
        assert preview_plan_file(as_yaml(document), SLUG).diff.refused == ()
        import_plan(document)
        assert export_plan(SLUG)["areas"][0]["actions"][0]["baseline_target"] == "2018-Q3"


def test_texts_without_french_are_listed(app: Flask) -> None:
    document = plan_document()
    document["plan"]["title"] = "English only"
    del document["areas"][0]["actions"][0]["milestones"][0]["title"]["fr"]
    with app.app_context():
        diff = preview_plan_file(as_yaml(document), None).diff
    assert diff.to_translate == (("", "title"), ("S1.1/M1", "title"))


def test_the_plan_fields_retirements_and_re_planning_are_previewed(app: Flask) -> None:
    document = plan_document()
    with app.app_context():
        import_plan(document)
        changed = copy.deepcopy(document)
        changed["plan"]["owner"]["en"] = "Office of the CIO"
        changed["plan"]["levels"]["action"] = {"en": "Initiative", "fr": "Initiative"}
        s11, s12 = changed["areas"][0]["actions"]
        s11["participants"] = ["PSPC", "SSC"]
        s11["milestones"][1]["current_due"] = "2018-12-31"
        s12["retired"] = {"reason": "Merged into S1.1"}
        diff = preview_plan_file(as_yaml(changed), SLUG).diff
        again = preview_plan_file(as_yaml(changed), SLUG).diff  # nothing written

    assert diff.plan == (
        Change("owner.en", "Treasury Board", "Office of the CIO"),
        Change("levels.action.en", "Priority", "Initiative"),
        Change("levels.action.fr", "Priorité", "Initiative"),
    )
    by_code = {item.code: item for item in (*diff.actions, *diff.milestones)}
    assert by_code["S1.1"].changes == (Change("participants", "PSPC, SSC (2017-Q1)", "PSPC, SSC"),)
    assert by_code["S1.2"].changes == (Change("retired.reason", "", "Merged into S1.1"),)
    assert by_code["S1.1/M2"].changes == (Change("current_due", "2018-09-30", "2018-12-31"),)
    assert again == diff
