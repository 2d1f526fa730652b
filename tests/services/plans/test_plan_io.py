"""Plans in and out as YAML: validation, all-or-nothing import, update in place, round trips."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import make_user, reset_schema
from tests.factories import DepartmentFactory
from tests.factories.plans import action_by_code, add_update, plan_document, row_counts
from tracker import ROOT
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    AuditEvent,
    Department,
    Milestone,
    MilestoneForecast,
    Plan,
    ProgressUpdate,
    Role,
    User,
)
from tracker.services.plans.files import (
    PlanImportError,
    PlanNotFoundError,
    export_plan,
    export_plan_yaml,
    import_plan,
    import_plan_file,
    load_plan_yaml,
    validate_plan_document,
)

DEMO_PLANS = sorted((ROOT / "tracker" / "demo" / "plans").glob("*.yaml"))


def empty_database() -> None:
    """Drop every table and start again, as on a fresh install."""
    db.session.remove()
    db.drop_all()
    reset_schema()
    assert set(row_counts().values()) == {0}


# -- round trips -----------------------------------------------------------------------------


def test_import_creates_the_plan_and_export_gives_the_document_back(app: Flask) -> None:
    with app.app_context():
        result = import_plan(plan_document())
        assert (result.slug, result.created) == ("test-plan-2016", True)
        assert result.counts == {"departments": 3, "areas": 2, "actions": 3, "milestones": 2}
        assert result.summary() == (
            "Created plan test-plan-2016: 3 departments, 2 areas, 3 actions, 2 milestones."
        )
        assert export_plan("test-plan-2016") == plan_document()
        action = action_by_code("S1.1")
        assert action.start_quarter == FiscalQuarter(2016, 1)
        assert action.current_target == FiscalQuarter(2018, 4)
        assert action.baseline_target == FiscalQuarter(2018, 2)
        assert [d.acronym for d in action.participants] == ["PSPC", "SSC"]
        assert row_counts()["ReportingPeriod"] == 16
        event = db.session.scalars(select(AuditEvent)).one()
        assert event.action == "plan.imported"
        assert event.detail["slug"] == "test-plan-2016" and event.detail["created"] is True


def test_yaml_round_trip_into_an_empty_database_is_identical(app: Flask) -> None:
    with app.app_context():
        import_plan(plan_document())
        first = export_plan_yaml("test-plan-2016")
        empty_database()
        import_plan(load_plan_yaml(first))
        assert export_plan_yaml("test-plan-2016") == first
        assert export_plan("test-plan-2016") == plan_document()
        assert "Œuvre" in first and "« Protégé B »" in first  # allow_unicode, no escapes
        assert first.index("format:") < first.index("plan:") < first.index("departments:")
        assert "participants: []" in first and "completed: null" in first


@pytest.mark.parametrize("path", DEMO_PLANS, ids=lambda p: p.stem)
def test_demo_plans_round_trip(app: Flask, path: Path) -> None:
    with app.app_context():
        result = import_plan_file(path)
        first = export_plan_yaml(result.slug)
        empty_database()
        import_plan(load_plan_yaml(first))
        assert export_plan_yaml(result.slug) == first


def retired_document() -> dict[str, Any]:
    """The test plan, following an older one, with an action and a milestone retired."""
    document = plan_document()
    document["plan"]["predecessor"] = "older-plan"
    s11, s12 = document["areas"][0]["actions"]
    s12["retired"] = {
        "reason": "Merged into S1.1",
        "at": datetime(2018, 4, 3, 14, 30, 5, 123456, tzinfo=UTC),
        "by": "planner@example.org",
    }
    s11["milestones"][1]["retired"] = {
        "reason": "No longer needed",
        "at": datetime(2018, 5, 1, tzinfo=UTC),
        "by": None,
    }
    return document


def older_plan() -> dict[str, Any]:
    document = plan_document()
    document["plan"]["slug"] = "older-plan"
    return document


def test_new_fields_round_trip_losslessly(app: Flask) -> None:
    make_user(app, Role.PLANNER, "planner@example.org")
    with app.app_context():
        import_plan(older_plan())
        import_plan(retired_document())
        assert export_plan("test-plan-2016") == retired_document()
        first = export_plan_yaml("test-plan-2016")
        older = export_plan_yaml("older-plan")
        plan = db.session.scalars(select(Plan).where(Plan.slug == "test-plan-2016")).one()
        assert plan.predecessor is not None and plan.predecessor.slug == "older-plan"
        assert (plan.owner_fr, plan.area_label_en, plan.action_label_fr) == (
            "Conseil du Trésor",
            "Pillar",
            "Priorité",
        )
        s12 = next(a for a in plan.areas[0].actions if a.code == "S1.2")
        assert s12.retired and s12.retirement_reason == "Merged into S1.1"
        empty_database()
        db.session.remove()
        make_user(app, Role.PLANNER, "planner@example.org")
        import_plan(load_plan_yaml(older))
        import_plan(load_plan_yaml(first))
        assert export_plan_yaml("test-plan-2016") == first


def test_a_file_may_leave_the_new_fields_out(app: Flask) -> None:
    document = plan_document()
    for key in ("owner", "source_url", "predecessor", "levels"):
        del document["plan"][key]
    s11 = document["areas"][0]["actions"][0]
    s11["participants"] = ["PSPC", "SSC"]
    for milestone in s11["milestones"]:
        del milestone["current_due"], milestone["retired"]
    del s11["retired"]
    with app.app_context():
        import_plan(document)
        exported = export_plan("test-plan-2016")["plan"]
        assert exported["levels"] == {
            "area": {"en": "Strategic area", "fr": "Domaine stratégique"},
            "action": {"en": "Action", "fr": "Mesure"},
        }
        assert (exported["owner"], exported["source_url"], exported["predecessor"]) == (
            {"en": "", "fr": ""},
            "",
            None,
        )


def test_retiring_in_a_file_records_when_and_who_imported_it(app: Flask) -> None:
    planner = make_user(app, Role.PLANNER, "planner@example.org")
    document = plan_document()
    document["areas"][0]["actions"][1]["retired"] = {"reason": "Merged"}
    with app.app_context():
        import_plan(document, db.session.get(User, planner))
        s12 = action_by_code("S1.2")
        assert s12.retired_by_id == planner and s12.retired_at is not None
        retired = export_plan("test-plan-2016")["areas"][0]["actions"][1]["retired"]
        assert (retired["reason"], retired["by"]) == ("Merged", "planner@example.org")
        document["areas"][0]["actions"][1]["retired"] = None
        import_plan(document)
        assert not action_by_code("S1.2").retired


def test_export_of_an_unknown_slug_is_refused(app: Flask) -> None:
    with app.app_context(), pytest.raises(PlanNotFoundError, match='no plan with slug "nope"'):
        export_plan("nope")


# -- refused documents -----------------------------------------------------------------------

Edit = Callable[[dict[str, Any]], object]


def parent_of(doc: dict[str, Any], path: str) -> tuple[Any, str]:
    """The mapping holding the last key of a dotted path (list indexes as numbers), and that key."""
    *parents, last = path.split(".")
    node: Any = doc
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node, last


def setting(path: str, value: object) -> Edit:
    """An edit that sets the value at a dotted path."""

    def edit(doc: dict[str, Any]) -> None:
        node, key = parent_of(doc, path)
        node[key] = value

    return edit


def deleting(path: str) -> Edit:
    """An edit that removes the key at a dotted path."""

    def edit(doc: dict[str, Any]) -> None:
        node, key = parent_of(doc, path)
        del node[key]

    return edit


def renaming(path: str, new: str) -> Edit:
    """An edit that renames the key at a dotted path, as a typo would."""

    def edit(doc: dict[str, Any]) -> None:
        node, last = parent_of(doc, path)
        node[new] = node.pop(last)

    return edit


S11 = "areas.0.actions.0"
S12 = "areas.0.actions.1"
S11_LOC, S12_LOC = "areas[0].actions[0]", "areas[0].actions[1]"
IN_TWO_DAYS = date.today() + timedelta(days=2)
BAD_DOCUMENTS: list[tuple[str, Edit, list[str]]] = [
    ("slug missing", deleting("plan.slug"), ["plan.slug: missing"]),
    (
        "slug malformed",
        setting("plan.slug", "Test Plan"),
        [
            'plan.slug: "Test Plan" is not a valid slug (lowercase letters and digits, '
            "words joined by single hyphens)"
        ],
    ),
    (
        "slug too long",
        setting("plan.slug", "a" * 81),
        ["plan.slug: longer than 80 characters (81)"],
    ),
    (
        "format",
        setting("format", "roadmap-tracker/plan@2"),
        ['format: "roadmap-tracker/plan@2" is not supported (expected "roadmap-tracker/plan@1")'],
    ),
    ("format missing", deleting("format"), ["format: missing"]),
    (
        "unknown top key",
        setting("area", []),
        ["area: unknown key (expected one of: format, plan, areas, departments)"],
    ),
    ("english title empty", setting("plan.title.en", "  "), ["plan.title.en: empty"]),
    ("title null", setting("plan.title", None), ["plan.title: empty"]),
    (
        "title too long",
        setting("plan.title.en", "x" * 301),
        ["plan.title.en: longer than 300 characters (301)"],
    ),
    ("area name english missing", deleting("areas.0.name.en"), ["areas[0].name.en: missing"]),
    (
        "department french name empty",
        setting("departments.0.name.fr", ""),
        ["departments[0].name.fr: empty"],
    ),
    (
        "status",
        setting("plan.status", "done"),
        ['plan.status: "done" is not one of: draft, active, archived'],
    ),
    (
        "year as text",
        setting("plan.first_year", "2016"),
        ["plan.first_year: expected a whole number, not text"],
    ),
    (
        "years reversed",
        setting("plan.last_year", 2015),
        ["plan.last_year: 2015 is before first_year 2016"],
    ),
    (
        "too many years",
        setting("plan.last_year", 2036),
        ["plan.last_year: a plan covers at most 20 fiscal years"],
    ),
    (
        "areas not a list",
        setting("areas", {"code": "X"}),
        ["areas: expected a list, not a mapping"],
    ),
    ("duplicate area", setting("areas.1.code", "SERVICE"), ['areas[1].code: duplicate "SERVICE"']),
    (
        "area typo",
        renaming("areas.0.colour", "color"),
        ["areas[0].color: unknown key (expected one of: code, name, colour, goal, actions)"],
    ),
    (
        "colour",
        setting("areas.0.colour", "blue"),
        ['areas[0].colour: "blue" is not a colour (expected "#rrggbb", e.g. "#1f6fb2")'],
    ),
    (
        "colour unquoted in YAML",
        setting("areas.0.colour", None),
        ['areas[0].colour: empty (write the colour in quotes, e.g. "#1f6fb2")'],
    ),
    (
        "duplicate action across areas",
        setting("areas.1.actions.0.code", "S1.1"),
        ['areas[1].actions[0].code: duplicate "S1.1"'],
    ),
    (
        "code as a number",
        setting(f"{S12}.code", 1.2),
        ["areas[0].actions[1].code: expected text, not a number (put it in quotes)"],
    ),
    (
        "code with a space",
        setting(f"{S12}.code", "S 1"),
        [
            "areas[0].actions[1].code: \"S 1\" is not a valid code (letters, digits, '.', '_' "
            "or '-', starting and ending with a letter or digit)"
        ],
    ),
    (
        "quarter",
        setting(f"{S11}.target", "2019-Q5"),
        ['areas[0].actions[0].target: "2019-Q5" is not a quarter (expected a form like "2019-Q4")'],
    ),
    (
        "start after targets",
        setting(f"{S12}.start", "2020-Q1"),
        [
            "areas[0].actions[1].baseline_target: 2019-Q4 is before the start 2020-Q1",
            "areas[0].actions[1].target: 2019-Q4 is before the start 2020-Q1",
        ],
    ),
    (
        "start missing",
        deleting(f"{S12}.start"),
        [
            "areas[0].actions[1].start: missing (every action of an active or archived plan "
            "needs its lead, start and baseline_target; a draft plan may leave them out)"
        ],
    ),
    (
        "unknown lead",
        setting(f"{S11}.lead", "XYZ"),
        ['areas[0].actions[0].lead: unknown department "XYZ"'],
    ),
    (
        "unknown participant",
        setting(f"{S11}.participants", ["PSPC", "DND"]),
        ['areas[0].actions[0].participants[1]: unknown department "DND"'],
    ),
    (
        "lead also participant",
        setting(f"{S11}.participants", ["PSPC", "TBS"]),
        [
            'areas[0].actions[0].participants[1]: "TBS" is the lead; '
            "the lead is not also a participant"
        ],
    ),
    (
        "duplicate participant",
        setting(f"{S11}.participants", ["SSC", "SSC"]),
        ['areas[0].actions[0].participants[1]: duplicate "SSC"'],
    ),
    (
        "participants not a list",
        setting(f"{S11}.participants", "SSC"),
        ["areas[0].actions[0].participants: expected a list, not text"],
    ),
    (
        "illustrative as text",
        setting(f"{S11}.illustrative", "no"),
        ["areas[0].actions[0].illustrative: expected true or false, not text"],
    ),
    (
        "duplicate milestone",
        setting(f"{S11}.milestones.1.code", "M1"),
        ['areas[0].actions[0].milestones[1].code: duplicate "M1"'],
    ),
    (
        "impossible date",
        setting(f"{S11}.milestones.0.baseline_due", "2017-02-30"),
        [
            'areas[0].actions[0].milestones[0].baseline_due: "2017-02-30" is not a date '
            "(expected YYYY-MM-DD)"
        ],
    ),
    (
        "date and time",
        setting(f"{S11}.milestones.0.completed", datetime(2017, 5, 12, 9, 30)),
        [
            "areas[0].actions[0].milestones[0].completed: expected a date (YYYY-MM-DD), "
            "not a date and time"
        ],
    ),
    (
        "due before the action starts",
        setting(f"{S11}.milestones.0.baseline_due", date(2016, 3, 31)),
        [
            "areas[0].actions[0].milestones[0].baseline_due: 2016-03-31 is before the action "
            "starts (2016-Q1 begins 2016-04-01)"
        ],
    ),
    (
        "due after the baseline target",
        setting(f"{S11}.milestones.1.baseline_due", date(2018, 10, 1)),
        [
            "areas[0].actions[0].milestones[1].baseline_due: 2018-10-01 is after the action's "
            "baseline target (2018-Q2 ends 2018-09-30)"
        ],
    ),
    (
        "completed in the future",
        setting(f"{S11}.milestones.1.completed", IN_TWO_DAYS),
        [f"areas[0].actions[0].milestones[1].completed: {IN_TWO_DAYS} is in the future"],
    ),
    (
        "source url",
        setting("plan.source_url", "canada.ca/plan"),
        ['plan.source_url: "canada.ca/plan" is not a web address (expected http:// or https://)'],
    ),
    (
        "own predecessor",
        setting("plan.predecessor", "test-plan-2016"),
        ["plan.predecessor: a plan cannot be its own predecessor"],
    ),
    (
        "unknown predecessor",
        setting("plan.predecessor", "older-plan"),
        ['plan.predecessor: no plan "older-plan" (import the predecessor first)'],
    ),
    (
        "level without French",
        setting("plan.levels.area", {"en": "Pillar"}),
        ["plan.levels.area.fr: missing"],
    ),
    (
        "level typo",
        setting("plan.levels", {"areas": {"en": "Pillar", "fr": "Pilier"}}),
        ["plan.levels.areas: unknown key (expected one of: area, action)"],
    ),
    (
        "retired without reason",
        setting(f"{S12}.retired", {"at": datetime(2018, 1, 2, 3, 4, 5)}),
        [f"{S12_LOC}.retired.reason: missing"],
    ),
    (
        "retired at nonsense",
        setting(f"{S12}.retired", {"reason": "Merged", "at": "last week"}),
        [
            f'{S12_LOC}.retired.at: "last week" is not a date and time '
            "(expected e.g. 2019-05-01 14:30:00+00:00)"
        ],
    ),
    (
        "retired by a stranger",
        setting(f"{S12}.retired", {"reason": "Merged", "by": "who@example.org"}),
        [f'{S12_LOC}.retired.by: no user "who@example.org"'],
    ),
    (
        "participant since not a quarter",
        setting(f"{S11}.participants", ["PSPC", {"department": "SSC", "since": "soon"}]),
        [
            f'{S11_LOC}.participants[1].since: "soon" is not a quarter '
            '(expected a form like "2019-Q4")'
        ],
    ),
    (
        "participant without department",
        setting(f"{S11}.participants", [{"since": "2017-Q1"}]),
        [f"{S11_LOC}.participants[0].department: missing"],
    ),
    (
        "current due not a date",
        setting(f"{S11}.milestones.1.current_due", "later"),
        [f'{S11_LOC}.milestones[1].current_due: "later" is not a date (expected YYYY-MM-DD)'],
    ),
    (
        "milestone typo",
        renaming(f"{S11}.milestones.0.completed", "complete"),
        [
            "areas[0].actions[0].milestones[0].complete: unknown key "
            "(expected one of: code, title, baseline_due, current_due, completed, retired)"
        ],
    ),
    (
        "department name empty",
        setting("departments.0.name.en", ""),
        ["departments[0].name.en: empty"],
    ),
    (
        "duplicate department",
        lambda doc: doc["departments"].append(copy.deepcopy(doc["departments"][0])),
        ['departments[3].acronym: duplicate "PSPC"'],
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [pytest.param(edit, expected, id=name) for name, edit, expected in BAD_DOCUMENTS],
)
def test_a_bad_document_is_refused_whole(app: Flask, edit: Edit, expected: list[str]) -> None:
    document = plan_document()
    edit(document)
    with app.app_context():
        before = row_counts()
        assert validate_plan_document(document) == expected
        with pytest.raises(PlanImportError) as raised:
            import_plan(document)
        assert raised.value.errors == expected
        assert row_counts() == before == dict.fromkeys(before, 0)


def test_a_document_that_is_not_a_mapping_is_refused(app: Flask) -> None:
    with app.app_context():
        assert validate_plan_document([plan_document()]) == [
            "document: expected a mapping, not a list"
        ]


def test_every_problem_is_reported_at_once_in_document_order(app: Flask) -> None:
    document = plan_document()
    document["plan"]["status"] = "finished"
    document["departments"][2]["name"] = {"en": "Treasury Board"}
    document["areas"][0]["actions"][0]["lead"] = "XYZ"
    document["areas"][0]["actions"][0]["target"] = "2019-Q5"
    document["areas"][1]["code"] = "SERVICE"
    document["areas"][1]["actions"][0]["milestones"] = [{"code": "M1", "baseline_due": "soon"}]
    with app.app_context():
        with pytest.raises(PlanImportError) as raised:
            import_plan(document)
        assert raised.value.errors == [
            'plan.status: "finished" is not one of: draft, active, archived',
            "departments[2].name.fr: missing",
            'areas[0].actions[0].lead: unknown department "XYZ"',
            'areas[0].actions[0].target: "2019-Q5" is not a quarter '
            '(expected a form like "2019-Q4")',
            'areas[1].code: duplicate "SERVICE"',
            "areas[1].actions[0].milestones[0].title: missing",
            'areas[1].actions[0].milestones[0].baseline_due: "soon" is not a date '
            "(expected YYYY-MM-DD)",
        ]
        assert str(raised.value).splitlines() == raised.value.errors
        assert row_counts()["Plan"] == 0


def test_optional_keys_take_their_defaults(app: Flask) -> None:
    document = plan_document()
    for key in ("summary", "status"):
        del document["plan"][key]
    area = document["areas"][1]
    del area["colour"], area["goal"]
    action = area["actions"][0]
    for key in ("description", "illustrative", "participants", "target", "milestones"):
        del action[key]
    with app.app_context():
        import_plan(document)
        exported = export_plan("test-plan-2016")
    assert exported["plan"]["summary"] == {"en": "", "fr": ""}
    assert exported["plan"]["status"] == "draft"
    assert exported["areas"][1]["colour"] == "#1f6fb2"
    assert exported["areas"][1]["actions"][0] == {
        **action,
        "description": {"en": "", "fr": ""},
        "illustrative": False,
        "participants": [],
        "target": action["baseline_target"],
        "milestones": [],
    }


def test_departments_already_in_the_database_may_be_named(app: Flask) -> None:
    document = plan_document()
    document["areas"][1]["actions"][0]["participants"] = ["DND", "TBS"]
    with app.app_context():
        DepartmentFactory(acronym="DND", name_en="National Defence", name_fr="Défense nationale")
        DepartmentFactory(acronym="SSC", name_en="Old name", name_fr="Ancien nom")
        db.session.commit()
        assert validate_plan_document(document) == []
        import_plan(document)
        exported = export_plan("test-plan-2016")
        assert [d["acronym"] for d in exported["departments"]] == ["DND", "PSPC", "SSC", "TBS"]
        ssc = db.session.scalars(select(Department).where(Department.acronym == "SSC")).one()
        assert ssc.name_en == "Shared Services Canada"  # upserted by acronym


def test_the_actor_is_recorded(app: Flask) -> None:
    user_id = make_user(app, Role.PLANNER)
    with app.app_context():
        import_plan(plan_document(), actor=db.session.get(User, user_id))
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "plan.imported")
        ).one()
        assert event.actor_id == user_id
        assert event.object_type == "Plan"


# -- update in place -------------------------------------------------------------------------


def test_reimport_updates_in_place_and_keeps_ids(app: Flask) -> None:
    with app.app_context():
        import_plan(plan_document())
        add_update("S1.1", "M1")
        ids = {code: action_by_code(code).id for code in ("S1.1", "S1.2", "C1.1")}
        m1 = db.session.scalars(select(Milestone).where(Milestone.code == "M1")).one().id

        document = plan_document()
        document["plan"]["title"]["en"] = "Renamed plan"
        service, secure = document["areas"]
        s11, s12 = service["actions"]
        s11["target"] = "2019-Q2"
        s11["milestones"] = s11["milestones"][:1]  # M2 goes: nothing refers to it
        s11["participants"] = ["SSC"]
        c11 = secure["actions"][0]
        new = {**copy.deepcopy(s12), "code": "S1.3", "title": {"en": "New", "fr": "Nouveau"}}
        service["actions"] = [c11, s11, new, s12]  # C1.1 moves; SECURE is left empty...
        document["areas"] = [service]  # ...and then dropped
        db.session.expire_all()

        result = import_plan(document)

        assert not result.created
        assert result.removed == {"areas": 1, "actions": 0, "milestones": 1}
        assert result.summary().endswith("; removed 1 area, 1 milestone.")
        assert {code: action_by_code(code).id for code in ids} == ids
        assert db.session.scalars(select(Milestone).where(Milestone.code == "M1")).one().id == m1
        assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == 1
        assert db.session.scalar(select(func.count()).select_from(MilestoneForecast)) == 1
        assert row_counts()["StrategicArea"] == 1
        assert [a.code for a in db.session.scalars(select(Action).order_by(Action.position))] == [
            "C1.1",
            "S1.1",
            "S1.3",
            "S1.2",
        ]
        document["departments"] = document["departments"][1:]  # PSPC is no longer named
        assert export_plan("test-plan-2016") == document
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 2


def test_actions_survive_their_area_being_replaced(app: Flask) -> None:
    with app.app_context():
        import_plan(plan_document())
        add_update("C1.1")
        c11 = action_by_code("C1.1").id
        document = plan_document()
        document["areas"][1]["code"] = "SECURITY"  # a new area; SECURE goes, C1.1 moves
        db.session.expire_all()
        result = import_plan(document)
        assert result.removed == {"areas": 1, "actions": 0, "milestones": 0}
        assert action_by_code("C1.1").id == c11
        assert action_by_code("C1.1").area.code == "SECURITY"
        assert export_plan("test-plan-2016") == document


def test_an_action_with_progress_updates_left_out_is_kept_and_retired(app: Flask) -> None:
    with app.app_context():
        import_plan(plan_document())
        add_update("S1.2")
        add_update("S1.1", "M2")
        counts = row_counts()
        document = plan_document()
        service = document["areas"][0]
        service["actions"] = service["actions"][:1]
        service["actions"][0]["milestones"] = service["actions"][0]["milestones"][:1]
        db.session.expire_all()

        result = import_plan(document, reason="Merged in the 2018 review")

        assert result.removed == {"areas": 0, "actions": 0, "milestones": 0}
        db.session.expire_all()
        assert row_counts() == counts | {"AuditEvent": counts["AuditEvent"] + 1}
        s12 = action_by_code("S1.2")
        assert (s12.retired, s12.retirement_reason) == (True, "Merged in the 2018 review")
        assert s12.retired_by_id is None  # the command line
        m2 = next(m for m in action_by_code("S1.1").milestones if m.code == "M2")
        assert m2.retired and m2.retirement_reason == "Merged in the 2018 review"
        exported = export_plan("test-plan-2016")["areas"][0]["actions"]
        assert [a["code"] for a in exported] == ["S1.1", "S1.2"]
        again = import_plan(document)  # already retired: stays as it is
        assert again.removed == {"areas": 0, "actions": 0, "milestones": 0}
        assert action_by_code("S1.2").retirement_reason == "Merged in the 2018 review"


def test_a_bad_reimport_leaves_the_plan_as_it_was(app: Flask) -> None:
    with app.app_context():
        import_plan(plan_document())
        before = export_plan_yaml("test-plan-2016")
        document = plan_document()
        document["plan"]["title"]["en"] = "Changed"
        document["areas"][1]["actions"][0]["start"] = "someday"
        with pytest.raises(PlanImportError):
            import_plan(document)
        db.session.expire_all()
        assert export_plan_yaml("test-plan-2016") == before


# -- reading files ---------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "format: [1, 2\nplan: {}\n",
            "line 2, column 5: a list in square brackets [ ] is not closed, or lacks a comma",
            id="syntax",
        ),
        pytest.param(
            "plan:\n  slug: a\n  slug: b\n",
            'line 3, column 3: the key "slug" is written twice in the same mapping',
            id="duplicate-key",
        ),
        pytest.param(
            "- format: x\n",
            "line 1, column 1: expected a mapping with format, plan, departments and areas, "
            "not a list",
            id="list",
        ),
        pytest.param("# nothing\n", "line 1, column 1: the file is empty", id="empty"),
    ],
)
def test_unreadable_yaml_is_refused_with_its_position(
    app: Flask, tmp_path: Path, text: str, expected: str
) -> None:
    with app.app_context():
        with pytest.raises(PlanImportError) as raised:
            import_plan_file(write(tmp_path, text))
        assert raised.value.errors == [expected]
        assert row_counts()["Plan"] == 0


def test_yaml_pitfalls_are_reported_not_swallowed(app: Flask, tmp_path: Path) -> None:
    text = export_text_with(
        ("colour: '#1f6fb2'", "colour: #1f6fb2"),
        ("baseline_due: 2017-03-31", "baseline_due: 2017-02-30"),
    )
    with app.app_context():
        with pytest.raises(PlanImportError) as raised:
            import_plan_file(write(tmp_path, text))
        assert raised.value.errors == [
            'areas[0].colour: empty (write the colour in quotes, e.g. "#1f6fb2")',
            'areas[0].actions[0].milestones[0].baseline_due: "2017-02-30" is not a date '
            "(expected YYYY-MM-DD)",
        ]


def export_text_with(*replacements: tuple[str, str]) -> str:
    """The test document as YAML text, with some text replaced."""
    text = yaml.safe_dump(plan_document(), allow_unicode=True, sort_keys=False)
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    return text


def test_a_missing_file_is_refused(app: Flask, tmp_path: Path) -> None:
    with app.app_context(), pytest.raises(PlanImportError) as raised:
        import_plan_file(tmp_path / "absent.yaml")
    assert raised.value.errors == [f"{tmp_path / 'absent.yaml'}: No such file or directory"]


def test_french_acronyms_round_trip_and_are_kept_when_left_out(app: Flask) -> None:
    document = plan_document()
    document["departments"][0] = {
        "acronym": "PSPC",
        "acronym_fr": "SPAC",
        **document["departments"][0],
    }
    with app.app_context():
        import_plan(document)
        exported = export_plan("test-plan-2016")
        assert exported["departments"][0]["acronym_fr"] == "SPAC"
        assert "acronym_fr" not in exported["departments"][1]  # none: the same in French
        import_plan(plan_document())  # a file without acronym_fr keeps the stored one
        pspc = db.session.scalars(select(Department).where(Department.acronym == "PSPC")).one()
        assert pspc.acronym_fr == "SPAC"
        bad = copy.deepcopy(document)
        bad["departments"][0]["acronym_fr"] = "S P"
        assert validate_plan_document(bad) != []
