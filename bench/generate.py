"""Deterministic government-scale dataset (DESIGN.md section 5), written with SQLAlchemy Core.

The default scale is 100 departments, one plan of 4 areas and 100 actions (2-4 milestones
each), quarterly updates for 10 fiscal years: 100 x 100 x 40 = 400,000 updates and about 1.1
million revisions. Every department reports on every action, as in the Government of Canada IT
plan's government-wide actions: that is what the design's 400,000 figure takes.

The last quarter is the open one: a mix of drafts, submitted and missing updates, with the
(action, department) pairs of the burst users left empty for `bench.run` to fill.

Build it with `python -m bench.dataset` (see bench/dataset.py); tests call `generate` directly.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

from bench.content import department_users, narrative, password_hash
from bench.history import History
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    Action,
    Department,
    Milestone,
    MilestoneForecast,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    Revision,
    StrategicArea,
    User,
    action_participant,
)
from tracker.services.calendar.periods import default_dates

BATCH = 10_000
AREAS = (
    ("SVC", "Service IT", "#1f6fb2"),
    ("SEC", "Secure IT", "#b21f4f"),
    ("MAN", "Manage IT", "#2f7d32"),
    ("WRK", "Work IT", "#7a4fb2"),
)
PLAN_SLUG = "bench-plan"


@dataclass(frozen=True)
class Scale:
    """How much to generate; the defaults are the design's full scale."""

    departments: int = 100
    actions: int = 100
    years: int = 10
    first_year: int = 2016
    burst_users: int = 200
    seed: int = 2016

    @property
    def quarters(self) -> list[FiscalQuarter]:
        first = FiscalQuarter(self.first_year, 1)
        return [first + n for n in range(self.years * 4)]

    @property
    def today(self) -> date:
        """The bench's 'today': ten days after the last quarter ends, while it is open."""
        return self.quarters[-1].end_date(4) + timedelta(days=10)


SMALL = Scale(departments=6, actions=8, years=2, burst_users=4)


def _stamp(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _batches(rows: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(conn: Any, table: Any, rows: Iterator[dict[str, Any]] | list[dict[str, Any]]) -> int:
    count = 0
    for batch in _batches(iter(rows)):
        conn.execute(insert(table), batch)
        count += len(batch)
    return count


def _structure(conn: Any, scale: Scale, rng: random.Random) -> dict[str, Any]:
    """Departments, users, the plan, its areas, actions, milestones and reporting periods."""
    departments = [
        {
            "id": d,
            "acronym": f"D{d:03d}",
            "name_en": f"Department {d:03d}",
            "name_fr": f"Ministère {d:03d}",
        }
        for d in range(1, scale.departments + 1)
    ]
    _insert(conn, Department.__table__, departments)
    _insert(conn, User.__table__, _users(scale))
    last = scale.first_year + scale.years - 1
    plan = {
        "id": 1,
        "slug": PLAN_SLUG,
        "title_en": "Bench strategic plan",
        "title_fr": "Plan stratégique de référence",
        "first_year": scale.first_year,
        "last_year": last,
        "status": "active",
        "created_at": _stamp(date(2016, 3, 1)),
    }
    _insert(conn, Plan.__table__, [plan])
    areas = [
        {
            "id": i + 1,
            "plan_id": 1,
            "code": code,
            "position": i,
            "colour": colour,
            "name_en": name,
            "name_fr": f"{name} (fr)",
            "goal_en": narrative(rng, 1),
            "goal_fr": narrative(rng, 1),
        }
        for i, (code, name, colour) in enumerate(AREAS)
    ]
    _insert(conn, StrategicArea.__table__, areas)
    actions, milestones = _actions(scale, rng)
    _insert(conn, Action.__table__, actions)
    _insert(conn, Milestone.__table__, milestones)
    participants = (
        {"action_id": a["id"], "department_id": d["id"]}
        for a in actions
        for d in departments
        if d["id"] != a["lead_department_id"]
    )
    _insert(conn, action_participant, participants)
    periods = []
    for n, quarter in enumerate(scale.quarters, start=1):
        opens, due, locks = default_dates(quarter, 4)
        periods.append(
            {
                "id": n,
                "quarter": str(quarter),
                "opens_on": opens,
                "due_on": due,
                "locks_on": locks,
                "reopened_until": None,
            }
        )
    _insert(conn, ReportingPeriod.__table__, periods)
    return {"actions": actions, "milestones": milestones, "periods": periods}


def _users(scale: Scale) -> Iterator[dict[str, Any]]:
    """An admin, planners, oversight staff and 2-3 users per department, one shared hash."""
    digest = password_hash()
    created = _stamp(date(scale.first_year, 3, 1))
    staff = [("admin", "admin", 1), ("planner", "planner", 5), ("oversight", "oversight", 3)]
    uid = 0
    for role, prefix, count in staff:
        for k in range(1, count + 1):
            uid += 1
            yield {
                "id": uid,
                "email": f"{prefix}{k}@bench.example",
                "name": f"{prefix} {k}",
                "role": role,
                "department_id": None,
                "password_hash": digest,
                "session_nonce": f"bench{uid}",
                "created_at": created,
            }
    for email, d, k in department_users(scale.departments):
        uid += 1
        yield {
            "id": uid,
            "email": email,
            "name": f"D{d:03d} user {k}",
            "role": "department",
            "department_id": d,
            "password_hash": digest,
            "session_nonce": f"bench{uid}",
            "created_at": created,
        }


def _actions(scale: Scale, rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    quarters = scale.quarters
    actions: list[dict[str, Any]] = []
    milestones: list[dict[str, Any]] = []
    for a in range(1, scale.actions + 1):
        area = (a - 1) % len(AREAS)
        baseline = quarters[
            min(len(quarters) - 1, rng.randrange(min(8, len(quarters) - 1), len(quarters) + 4))
        ]
        current = baseline + rng.choice((0, 0, 0, 1, 2, 4))
        code = f"{AREAS[area][0][0]}{a:03d}"
        actions.append(
            {
                "id": a,
                "plan_id": 1,
                "area_id": area + 1,
                "code": code,
                "position": a,
                "title_en": f"Action {code}: {narrative(rng, 1)[:120]}",
                "title_fr": f"Mesure {code}",
                "description_en": narrative(rng, 2),
                "description_fr": narrative(rng, 2),
                "illustrative": False,
                "lead_department_id": (a - 1) % scale.departments + 1,
                "start_quarter": str(quarters[0]),
                "baseline_target": str(baseline),
                "current_target": str(current),
            }
        )
        end = baseline.end_date(4)
        span = (end - quarters[0].start_date(4)).days
        count = rng.randint(2, 4)
        for m in range(1, count + 1):
            due = quarters[0].start_date(4) + timedelta(days=span * m // count)
            done = due + timedelta(days=rng.randint(-20, 60)) if due < scale.today else None
            milestones.append(
                {
                    "id": len(milestones) + 1,
                    "action_id": a,
                    "code": f"M{m}",
                    "position": m,
                    "title_en": f"Milestone {m} of {code}",
                    "title_fr": f"Jalon {m} de {code}",
                    "baseline_due": due,
                    "completed_on": done if done and done < scale.today else None,
                }
            )
    return actions, milestones


def generate(engine: Engine, scale: Scale) -> dict[str, int]:
    """Write the dataset into the empty schema behind `engine`; return the row counts."""
    rng = random.Random(scale.seed)
    with engine.begin() as conn:
        base = _structure(conn, scale, rng)
    history = History(
        scale.departments,
        base["actions"],
        base["milestones"],
        base["periods"],
        scale.burst_users,
        rng,
    )
    for rows in history.quarters():
        with engine.begin() as conn:  # one transaction per quarter: ~40,000 rows
            _insert(conn, ProgressUpdate.__table__, rows.updates)
            _insert(conn, Revision.__table__, rows.revisions)
            _insert(conn, MilestoneForecast.__table__, rows.forecasts)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            _reset_sequences(conn)
        # Fresh planner statistics, as a database in service has (autovacuum on PostgreSQL;
        # ANALYZE or PRAGMA optimize on SQLite): without them SQLite guesses its plans.
        conn.execute(text("ANALYZE"))
        return {
            name: int(conn.scalar(select(func.count()).select_from(table)) or 0)
            for name, table in (
                ("updates", ProgressUpdate.__table__),
                ("revisions", Revision.__table__),
                ("forecasts", MilestoneForecast.__table__),
                ("users", User.__table__),
            )
        }


def _reset_sequences(conn: Any) -> None:
    """Explicit ids leave PostgreSQL's sequences behind: move them past the largest id."""
    for table in (
        "department",
        "user_account",
        "plan",
        "strategic_area",
        "action",
        "milestone",
        "reporting_period",
        "progress_update",
        "revision",
    ):
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        )
