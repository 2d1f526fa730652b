"""The yearly review: baselines change only inside an open review, each with a reason, and
closing it with an approval note makes a new baseline version."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.authoring.conftest import action_version, activate, build_plan, plan_changes
from tests.conftest import post_form
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import Action, BaselineVersion, Milestone, PlanReview
from tracker.services.plans import baselines

REVIEW = "/plans/it-plan/reviews/2025"


def active_plan(app: Flask, planner: FlaskClient) -> None:
    build_plan(planner, ("S1.1", "S1.2", "S1.3"))
    assert activate(app, planner).status_code == 302


def open_review(planner: FlaskClient, year: str = "2025") -> Any:
    page = "/plans/it-plan/reviews/new"
    return post_form(planner, page, {"fiscal_year": year})


def rebaseline(app: Flask, planner: FlaskClient, code: str, target: str, reason: str) -> Any:
    data = {
        f"t-{code}-target": target,
        f"t-{code}-reason": reason,
        f"t-{code}-version": action_version(app, code),
    }
    return post_form(planner, f"{REVIEW}/actions/{code}", data, page=REVIEW)


def baseline_of(app: Flask, code: str) -> FiscalQuarter:
    with app.app_context():
        found = db.session.scalar(select(Action.baseline_target).where(Action.code == code))
        assert found is not None
        return found


def test_a_review_rebaselines_two_actions_and_makes_a_version(
    app: Flask, planner: FlaskClient
) -> None:
    active_plan(app, planner)
    assert open_review(planner).status_code == 302
    reasons = {"S1.1": "Funding moved to 2027-28.", "S1.2": "Scope doubled by the review."}
    assert rebaseline(app, planner, "S1.1", "2027-Q2", reasons["S1.1"]).status_code == 302
    assert rebaseline(app, planner, "S1.2", "2027-Q4", reasons["S1.2"]).status_code == 302
    with app.app_context():
        m = db.session.scalar(select(Milestone).join(Action).where(Action.code == "S1.3"))
        assert m is not None
        milestone_id, milestone_version = m.id, m.version
    data = {
        f"m-{milestone_id}-due": "2026-06-30",
        f"m-{milestone_id}-reason": "Design needs the new standard.",
        f"m-{milestone_id}-version": milestone_version,
    }
    url = f"{REVIEW}/actions/S1.3/milestones/{milestone_id}"
    assert post_form(planner, url, data, page=REVIEW).status_code == 302
    closing = {"note": "Approved by the CIO Council on 2026-03-15."}
    assert post_form(planner, f"{REVIEW}/close", closing, page=REVIEW).status_code == 302

    assert baseline_of(app, "S1.1") == FiscalQuarter(2027, 2)
    assert baseline_of(app, "S1.3") == FiscalQuarter(2026, 4)
    changed = plan_changes(app, "rebaselined")
    assert [(c.action_code, c.reason) for c in changed[:2]] == list(reasons.items())
    assert changed[0].old_value == "2026-Q4" and changed[0].new_value == "2027-Q2"
    assert {c.kind for c in plan_changes(app)} >= {"review_opened", "review_closed"}
    with app.app_context():
        review = db.session.scalar(select(PlanReview))
        assert review is not None and not review.is_open
        assert review.approval_note == closing["note"]
        numbers = [v.number for v in db.session.scalars(select(BaselineVersion))]
        assert sorted(numbers) == [0, 1]
        plan_id = review.plan_id
        s11 = db.session.scalar(select(Action.id).where(Action.code == "S1.1"))
        assert s11 is not None
        original = baselines.baselines(plan_id, original=True)
        latest = baselines.baselines(plan_id)
        assert original.targets[s11] == FiscalQuarter(2026, 4)
        assert latest.targets[s11] == FiscalQuarter(2027, 2)
        assert original.dues[milestone_id] == date(2025, 12, 31)
        assert latest.dues[milestone_id] == date(2026, 6, 30)
    page = planner.get(REVIEW).get_data(as_text=True)
    assert "Approved by the CIO Council" in page and reasons["S1.1"] in page
    log = planner.get("/plans/it-plan/changes").get_data(as_text=True)
    assert reasons["S1.1"] in log and reasons["S1.2"] in log
    assert "Yearly review 2025-26" in planner.get("/plans/it-plan/edit").get_data(as_text=True)


def test_rebaselining_needs_a_reason_and_an_open_review(app: Flask, planner: FlaskClient) -> None:
    active_plan(app, planner)
    before = len(plan_changes(app))
    # No review open: the review page does not exist, and the service refuses.
    assert planner.get(REVIEW).status_code == 404
    assert open_review(planner).status_code == 302
    before = len(plan_changes(app))
    response = rebaseline(app, planner, "S1.1", "2027-Q2", "   ")
    assert response.status_code == 400
    assert "Give the reason for this change" in response.get_data(as_text=True)
    assert baseline_of(app, "S1.1") == FiscalQuarter(2026, 4)
    assert len(plan_changes(app)) == before
    closing = {"note": ""}
    assert post_form(planner, f"{REVIEW}/close", closing, page=REVIEW).status_code == 400
    closing = {"note": "Approved, nothing re-baselined."}
    assert post_form(planner, f"{REVIEW}/close", closing, page=REVIEW).status_code == 302
    before = len(plan_changes(app))
    response = rebaseline(app, planner, "S1.1", "2027-Q2", "A good reason.")
    assert response.status_code == 400
    assert baseline_of(app, "S1.1") == FiscalQuarter(2026, 4)
    assert len(plan_changes(app)) == before
    with app.app_context():
        numbers = [v.number for v in db.session.scalars(select(BaselineVersion))]
        assert numbers == [0]  # a review that re-baselined nothing makes no version


def test_one_review_per_year_and_one_open_at_a_time(app: Flask, planner: FlaskClient) -> None:
    active_plan(app, planner)
    assert open_review(planner).status_code == 302
    assert open_review(planner, "2026").status_code == 400
    closing = {"note": "Approved."}
    assert post_form(planner, f"{REVIEW}/close", closing, page=REVIEW).status_code == 302
    assert open_review(planner).status_code == 400
    assert open_review(planner, "2026").status_code == 302


def _roadmap_baseline(planner: FlaskClient, code: str, query: str = "") -> str:
    page = planner.get(f"/plans/it-plan/roadmap{query}").get_data(as_text=True)
    row = page.split(f'data-code="{code}"', 1)[1]
    return row.split('data-cell="baseline">', 1)[1].split("<", 1)[0]


def test_the_roadmap_compares_with_the_original_or_the_latest_baseline(
    app: Flask, planner: FlaskClient
) -> None:
    active_plan(app, planner)
    assert open_review(planner).status_code == 302
    assert rebaseline(app, planner, "S1.1", "2027-Q2", "Funding moved.").status_code == 302
    assert rebaseline(app, planner, "S1.2", "2027-Q4", "Scope doubled.").status_code == 302
    closing = {"note": "Approved by the board."}
    assert post_form(planner, f"{REVIEW}/close", closing, page=REVIEW).status_code == 302
    assert _roadmap_baseline(planner, "S1.1") == "2027-28 Q2"
    assert _roadmap_baseline(planner, "S1.2", "?compare=") == "2027-28 Q4"
    assert _roadmap_baseline(planner, "S1.1", "?compare=original") == "2026-27 Q4"
    assert _roadmap_baseline(planner, "S1.2", "?compare=original") == "2026-27 Q4"
    assert _roadmap_baseline(planner, "S1.3", "?compare=original") == "2026-27 Q4"
    page = planner.get("/plans/it-plan/roadmap?compare=original").get_data(as_text=True)
    assert "Original baseline target" in page
    assert planner.get("/plans/it-plan/roadmap?compare=nonsense").status_code == 400


def test_the_approval_note_is_marked_when_read_in_the_other_language(
    app: Flask, planner: FlaskClient
) -> None:
    active_plan(app, planner)
    assert open_review(planner).status_code == 302
    closing = {"note": "Approved by the board."}
    assert post_form(planner, f"{REVIEW}/close", closing, page=REVIEW).status_code == 302
    page = " ".join(planner.get(REVIEW).get_data(as_text=True).split())
    assert "Approval note: Approved by the board." in page
    with planner.session_transaction() as session:
        session["lang"] = "fr"
    page = " ".join(planner.get(REVIEW).get_data(as_text=True).split())
    assert re.search(r"\[EN\]</span> Approved by the board\.", page), page


def test_as_of_a_past_quarter_shows_the_baseline_then(app: Flask, planner: FlaskClient) -> None:
    """Before a version's date the version before it was in force."""
    active_plan(app, planner)
    assert open_review(planner).status_code == 302
    assert rebaseline(app, planner, "S1.1", "2027-Q2", "Funding moved.").status_code == 302
    closing = {"note": "Approved by the board."}
    assert post_form(planner, f"{REVIEW}/close", closing, page=REVIEW).status_code == 302
    with app.app_context():
        plan_id = db.session.scalar(select(PlanReview.plan_id))
        s11 = db.session.scalar(select(Action.id).where(Action.code == "S1.1"))
        assert plan_id is not None and s11 is not None
        then = datetime(2025, 6, 30, tzinfo=UTC)
        assert baselines.baselines(plan_id, as_of=then).targets[s11] == FiscalQuarter(2026, 4)
        assert baselines.baselines(plan_id).targets[s11] == FiscalQuarter(2027, 2)
