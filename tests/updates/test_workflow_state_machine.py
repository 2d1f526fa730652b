"""A stateful property test of the workflow: save, submit, return and accept in any order.

Invariants after every step: the revision count never shrinks and grows by exactly one per
change; revision numbers run 1..n and earlier snapshots never change; only legal transitions
happen; an accepted update never changes again; a refused step changes nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import select

from tests.factories.updates import DEPT_EMAIL, PLANNER_EMAIL, QUARTER, TODAY, World, build_world
from tracker import create_app
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import ActionStatus, ProgressUpdate, Revision, User
from tracker.services.updates import review
from tracker.services.updates import save as updates
from tracker.services.updates.rules import (
    MilestoneInput,
    UpdateConflict,
    UpdateInput,
    UpdateInvalid,
    UpdateNotEditable,
)

LEGAL = {
    (None, "draft"),
    (None, "submitted"),
    ("draft", "draft"),
    ("draft", "submitted"),
    ("returned", "draft"),
    ("returned", "submitted"),
    ("submitted", "accepted"),
    ("submitted", "returned"),
}
EDITABLE = {None, "draft", "returned"}

inputs = st.builds(
    UpdateInput,
    status=st.sampled_from(list(ActionStatus)),
    percent_complete=st.one_of(st.none(), st.integers(0, 100)),
    forecast_completion=st.sampled_from([None, FiscalQuarter(2026, 4)]),
    accomplishments=st.sampled_from(["", "Built it."]),
    risks=st.sampled_from(["", "Vendor delay."]),
)


class Workflow(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp())
        self.app = create_app(
            {"DATABASE_URL": f"sqlite:///{self.tmp / 'wf.db'}", "SECRET_KEY": "wf"}, env="testing"
        )
        with self.app.app_context():
            db.create_all()
        self.world: World = build_world(self.app)
        self.request = self.app.test_request_context()
        self.request.push()
        self.dept = self._user(DEPT_EMAIL)
        self.planner = self._user(PLANNER_EMAIL)
        self.snapshots: dict[int, dict[str, Any]] = {}
        self.accepted: dict[str, Any] | None = None

    def teardown(self) -> None:
        db.session.remove()
        db.engine.dispose()
        self.request.pop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _user(self, email: str) -> User:
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None
        return user

    def _update(self) -> ProgressUpdate | None:
        db.session.expire_all()
        return db.session.scalar(select(ProgressUpdate))

    def _state(self) -> str | None:
        update = self._update()
        return update.state if update else None

    def _version(self) -> int:
        update = self._update()
        return update.version if update else 0

    def _milestones(self, dated: bool) -> tuple[MilestoneInput, ...]:
        when = FiscalQuarter(2026, 2).start_date() if dated else None
        return tuple(MilestoneInput(m, when, None) for m in self.world.milestone_ids)

    def _attempt(self, step: Any, expect_success: bool | None, repeat: bool = False) -> None:
        """Run a step; check the transition it made (or that a refusal changed nothing).

        `repeat`: the step re-sends what is stored, which may succeed without a change.
        """
        before, count = self._state(), self._revision_count()
        try:
            step()
        except (UpdateInvalid, UpdateNotEditable, UpdateConflict):
            db.session.rollback()
            assert expect_success is not True, "a legal step was refused"
            assert (self._state(), self._revision_count()) == (before, count)
            return
        after = self._state()
        if repeat and (after, self._revision_count()) == (before, count):
            return
        assert expect_success is not False, "an illegal step was allowed"
        assert (before, after) in LEGAL, (before, after)
        assert self._revision_count() == count + 1

    def _revision_count(self) -> int:
        return len(db.session.scalars(select(Revision.id)).all())

    def _save(self, data: UpdateInput, submit: bool, version: int | None = None) -> None:
        updates.save_update(
            self.dept,
            QUARTER,
            self.world.action_id,
            data,
            self._version() if version is None else version,
            submit=submit,
        )

    @rule(data=inputs, dated=st.booleans())
    def save_draft(self, data: UpdateInput, dated: bool) -> None:
        data = UpdateInput(**{**data.__dict__, "milestones": self._milestones(dated)})
        legal = self._state() in EDITABLE
        self._attempt(lambda: self._save(data, submit=False), expect_success=legal)

    @rule(data=inputs, dated=st.booleans())
    def submit(self, data: UpdateInput, dated: bool) -> None:
        data = UpdateInput(**{**data.__dict__, "milestones": self._milestones(dated)})
        # Valid or not is the rules' business (tested elsewhere); here only the workflow.
        legal = None if self._state() in EDITABLE else False
        self._attempt(lambda: self._save(data, submit=True), expect_success=legal)

    @rule()
    def submit_valid(self) -> None:
        data = UpdateInput(
            ActionStatus.ON_TRACK, 50, FiscalQuarter(2026, 4), milestones=self._milestones(True)
        )
        legal = self._state() in EDITABLE
        self._attempt(lambda: self._save(data, submit=True), expect_success=legal)

    @precondition(lambda self: self._state() is not None)
    @rule(data=inputs, same=st.booleans())
    def save_with_stale_version(self, data: UpdateInput, same: bool) -> None:
        update = self._update()
        assert update is not None
        if same:  # a re-posted form: exactly what is stored
            data = updates.input_of(update)
        version = update.version - 1
        # Data equal to what is stored (re-posted, or drawn so by chance) may be taken as a
        # harmless repeat that changes nothing; anything else must be refused.
        self._attempt(lambda: self._save(data, False, version), False, repeat=True)

    @precondition(lambda self: self._state() is not None)
    @rule()
    def accept(self) -> None:
        update = self._update()
        assert update is not None
        legal = update.state == "submitted"
        step = lambda: review.decide_update(  # noqa: E731
            self.planner, update.id, update.version, review.Decision.ACCEPT, ""
        )
        self._attempt(step, expect_success=legal)

    @precondition(lambda self: self._state() is not None)
    @rule(comment=st.sampled_from(["", "Please add the risks."]))
    def send_back(self, comment: str) -> None:
        update = self._update()
        assert update is not None
        legal = update.state == "submitted" and bool(comment)
        step = lambda: review.decide_update(  # noqa: E731
            self.planner, update.id, update.version, review.Decision.RETURN, comment
        )
        self._attempt(step, expect_success=legal)

    @invariant()
    def revisions_are_numbered_and_immutable(self) -> None:
        rows = db.session.execute(select(Revision.number, Revision.snapshot)).all()
        numbers = sorted(number for number, _ in rows)
        assert numbers == list(range(1, len(numbers) + 1))
        for number, snapshot in rows:
            assert self.snapshots.setdefault(number, snapshot) == snapshot

    @invariant()
    def accepted_never_changes(self) -> None:
        update = self._update()
        if update is None or update.state != "accepted":
            return
        current = {
            "version": update.version,
            "input": updates.input_of(update),
            "reviewed_at": update.reviewed_at,
        }
        if self.accepted is None:
            self.accepted = current
        assert current == self.accepted

    @invariant()
    def today_is_fixed(self) -> None:
        assert str(self.app.config["TODAY"]) == TODAY


Workflow.TestCase.settings = settings(
    max_examples=8,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestWorkflow = Workflow.TestCase
