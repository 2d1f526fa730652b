"""The preview of an import: what a file adds, changes and removes, matched by code."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask import Flask

from tests.factories.plans import add_update, plan_document
from tests.planfiles.conftest import SLUG, as_yaml
from tracker.services.plans.diff import ADDED, CHANGED, REMOVED, Change
from tracker.services.plans.files import PlanImportError, import_plan, preview_plan_file


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


def test_removals_are_refused_where_history_refers_to_them(app: Flask) -> None:
    with app.app_context():
        import_plan(plan_document())
        add_update("S1.2")
        smaller = plan_document()
        smaller["areas"][0]["actions"].pop(1)
        smaller["areas"][1]["actions"] = []
        diff = preview_plan_file(as_yaml(smaller), SLUG).diff
        with pytest.raises(PlanImportError) as refused:
            import_plan(smaller)
        assert list(diff.refused) == refused.value.errors  # one rule for preview and import
    assert states(diff.actions) == {"S1.2": REMOVED, "C1.1": REMOVED}
    assert [item.history for item in diff.actions] == [1, 0]
    assert diff.refused == (
        'action "S1.2": not in the file, but 1 progress update(s) refer to it, '
        "so it cannot be removed",
    )


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
