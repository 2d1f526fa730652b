"""Quarter by quarter: every department's update on every action, its revisions and forecasts.

Old quarters are accepted (after a draft in four cases out of five: three revisions, else two);
the last closed quarter still has submissions waiting for review; the open quarter holds drafts,
submissions and gaps, and nothing for the burst's (action, department) pairs.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.content import burst_slots, department_users, narrative

STAFF = 9  # user ids 1..9: one admin, five planners (2-6), three oversight staff
STATUS_WEIGHTS = (("on_track", 70), ("at_risk", 18), ("off_track", 7), ("on_hold", 5))


@dataclass
class Rows:
    """The rows of one quarter, by table."""

    updates: list[dict[str, Any]] = field(default_factory=list)
    revisions: list[dict[str, Any]] = field(default_factory=list)
    forecasts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class History:
    """Generates the quarters in order; ids are assigned here so that rows can refer to them."""

    departments: int
    actions: list[dict[str, Any]]
    milestones: list[dict[str, Any]]
    periods: list[dict[str, Any]]
    burst_users: int
    rng: random.Random
    next_update: int = 1
    next_revision: int = 1
    texts: list[str] = field(default_factory=list)
    authors: dict[int, int] = field(default_factory=dict)
    bias: dict[tuple[int, int], int] = field(default_factory=dict)
    by_action: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    index_of: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.texts = [narrative(self.rng, self.rng.randint(1, 2)) for _ in range(400)]
        for uid, (_email, department, k) in enumerate(department_users(self.departments), 10):
            if k == 1:
                self.authors[department] = uid
        grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for milestone in self.milestones:
            grouped[milestone["action_id"]].append(milestone)
        self.by_action = dict(grouped)
        slots = burst_slots(self.departments, len(self.actions), self.burst_users)
        self.burst = {(s.action_id, s.department_id) for s in slots}

    def quarters(self) -> Iterator[Rows]:
        """The rows of each quarter, oldest first."""
        for index in range(len(self.periods)):
            yield self._quarter(index)

    def _quarter(self, index: int) -> Rows:
        rows = Rows()
        last = len(self.periods) - 1
        for action in self.actions:
            for department in range(1, self.departments + 1):
                state = self._state(index, last, action["id"], department)
                if state is not None:
                    self._update(rows, index, action, department, state)
        return rows

    def _state(self, index: int, last: int, action_id: int, department: int) -> str | None:
        if index < last - 1:
            return "accepted"
        roll = self.rng.random()
        if index == last - 1:
            return "accepted" if roll < 0.9 else "submitted"
        if (action_id, department) in self.burst or roll < 0.35:
            return None
        return "draft" if roll < 0.6 else "submitted" if roll < 0.97 else "accepted"

    def _figures(self, index: int, action: dict[str, Any], department: int) -> tuple[str, int]:
        """Status and percent: linear towards the current target, with a steady lag or lead."""
        key = (action["id"], department)
        if key not in self.bias:
            self.bias[key] = self.rng.randint(-15, 5)
        target = self._period_index(action["current_target"])
        percent = max(0, min(100, 100 * (index + 1) // (target + 1) + self.bias[key]))
        if percent == 100:
            return "completed", 100
        weights = [w for _, w in STATUS_WEIGHTS]
        return self.rng.choices([s for s, _ in STATUS_WEIGHTS], weights)[0], percent

    def _period_index(self, quarter: str) -> int:
        if not self.index_of:
            self.index_of = {p["quarter"]: n for n, p in enumerate(self.periods)}
        return self.index_of.get(quarter, len(self.periods) - 1)

    def _update(
        self, rows: Rows, index: int, action: dict[str, Any], department: int, state: str
    ) -> None:
        period = self.periods[index]
        status, percent = self._figures(index, action, department)
        author = self.authors[department]
        reviewer = 2 + (department % 5)
        opened = _at(period["opens_on"], 1 + department % 5)
        submitted = _at(period["opens_on"], 10 + department % 12) if state != "draft" else None
        reviewed = submitted + timedelta(days=3) if submitted and state == "accepted" else None
        steps = self._steps(state)
        update = {
            "id": self.next_update,
            "action_id": action["id"],
            "department_id": department,
            "period_id": period["id"],
            "status": status,
            "percent_complete": percent,
            "forecast_completion": action["current_target"],
            "accomplishments": self.rng.choice(self.texts),
            "risks": self.rng.choice(self.texts),
            "next_steps": self.rng.choice(self.texts),
            "decrease_reason": "",
            "state": state,
            "review_comment": "",
            "created_at": opened,
            "created_by_id": author,
            "updated_at": reviewed or submitted or opened,
            "updated_by_id": author,
            "submitted_at": submitted,
            "submitted_by_id": author if submitted else None,
            "reviewed_at": reviewed,
            "reviewed_by_id": reviewer if reviewed else None,
            "version": len(steps),
        }
        self.next_update += 1
        rows.updates.append(update)
        milestones = self._forecasts(rows, update, action, department, index)
        for number, (event, step_state) in enumerate(steps, start=1):
            snapshot = _snapshot(update, period["quarter"], number, step_state, milestones)
            who = reviewer if event == "accepted" else author
            when = (
                reviewed if event == "accepted" else submitted if event == "submitted" else opened
            )
            rows.revisions.append(
                {
                    "id": self.next_revision,
                    "update_id": update["id"],
                    "number": number,
                    "state": step_state,
                    "event": event,
                    "snapshot": snapshot,
                    "author_id": who,
                    "created_at": when,
                }
            )
            self.next_revision += 1

    def _steps(self, state: str) -> list[tuple[str, str]]:
        draft = [("saved", "draft")] if state == "draft" or self.rng.random() < 0.8 else []
        if state == "draft":
            return draft
        steps = [*draft, ("submitted", "submitted")]
        return [*steps, ("accepted", "accepted")] if state == "accepted" else steps

    def _forecasts(
        self,
        rows: Rows,
        update: dict[str, Any],
        action: dict[str, Any],
        department: int,
        index: int,
    ) -> list[dict[str, Any]]:
        """Milestone forecasts for the lead department's updates and the last two quarters."""
        if department != action["lead_department_id"] and index < len(self.periods) - 2:
            return []
        found = []
        for milestone in self.by_action.get(action["id"], []):
            forecast_on = milestone["baseline_due"] + timedelta(
                days=self.rng.choice((0, 0, 30, 90))
            )
            row = {
                "update_id": update["id"],
                "milestone_id": milestone["id"],
                "forecast_on": forecast_on,
                "completed_on": milestone["completed_on"],
            }
            rows.forecasts.append(row)
            found.append(row)
        return found


def _at(day: date, offset_days: int) -> datetime:
    moment = day + timedelta(days=offset_days)
    return datetime(moment.year, moment.month, moment.day, 14, tzinfo=UTC)


def _snapshot(
    update: dict[str, Any], quarter: str, number: int, state: str, milestones: list[dict[str, Any]]
) -> dict[str, Any]:
    """The revision's snapshot, in the shape of `tracker.services.updates.revisions.snapshot_of`."""
    accepted = state == "accepted"
    return {
        "action_id": update["action_id"],
        "department_id": update["department_id"],
        "period": quarter,
        "version": number,
        "state": state,
        "status": update["status"],
        "percent_complete": update["percent_complete"],
        "forecast_completion": update["forecast_completion"],
        "accomplishments": update["accomplishments"],
        "risks": update["risks"],
        "next_steps": update["next_steps"],
        "decrease_reason": "",
        "review_comment": "",
        "milestones": [
            {
                "milestone_id": m["milestone_id"],
                "forecast_on": _iso(m["forecast_on"]),
                "completed_on": _iso(m["completed_on"]),
            }
            for m in milestones
        ],
        "submitted_by_id": update["submitted_by_id"] if state != "draft" else None,
        "submitted_at": _iso(update["submitted_at"]) if state != "draft" else None,
        "reviewed_by_id": update["reviewed_by_id"] if accepted else None,
        "reviewed_at": _iso(update["reviewed_at"]) if accepted else None,
    }


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
