"""One counted-update rule: every page, the API and the yearly report choose the same update.

Hypothesis builds random update histories (a lead department and two participants, six
quarters, every workflow state, revised updates, random insertion order) and checks, for every
action, against the rule written out below in plain Python (`expected`), that:
- the dashboard (status counts, average percent, actions forecast past their baseline target),
- the roadmap (status, percent, forecast target and its source), live and as of the quarter,
- the plan's "At a glance" headline and the API's plan body (`/api/v1/plans/<slug>`),
- progress over time (the trends' reported percent for every quarter),
- the yearly report snapshot (year-end and quarterly statuses, from accepted updates only)
choose the same update and show the same status. The report is the same rule with one state:
whenever the dashboard's update is accepted, the report shows the same status.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import count
from statistics import fmean
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.factories import ActionFactory, AreaFactory, PlanFactory, ensure_department
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    ActionStatus,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    Role,
    User,
)
from tracker.reports.builder import build_snapshot
from tracker.services.accounts.tokens import create_token
from tracker.services.calendar.periods import default_dates
from tracker.services.figures import progress
from tracker.services.figures.dashboard import plan_dashboard
from tracker.services.figures.frame import NO_REPORT, STATUS_ORDER, PlanFrame, load_frame
from tracker.services.figures.roadmap import RoadmapFilters, build_roadmap
from tracker.services.figures.trends import progress_trends
from tracker.services.plans import reads

Q = FiscalQuarter.parse
QUARTERS = tuple(Q(q) for q in ("2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"))
YEAR = 2024
LAST = QUARTERS[-1]
TODAY = date(2025, 6, 1)  # every period has opened and the year is over
DEPARTMENTS = ("LEAD", "PA", "PB")
STATES = ("draft", "submitted", "accepted", "returned")
COUNTED = ("accepted", "submitted")  # in order of preference
ACCEPTED_ONLY = ("accepted",)
STATUSES = tuple(s.value for s in ActionStatus)
EXAMPLES = 25
SLUGS = count()


@dataclass(frozen=True)
class Made:
    """An update as the test wrote it."""

    id: int
    quarter: FiscalQuarter
    department: str
    state: str
    status: str
    percent: int
    forecast: FiscalQuarter | None

    @property
    def lead(self) -> bool:
        return self.department == DEPARTMENTS[0]


def expected(
    updates: list[Made],
    as_of: FiscalQuarter,
    states: tuple[str, ...] = COUNTED,
    in_quarter: bool = False,
    names_target: bool = False,
) -> Made | None:
    """The rule in plain words: among updates in `states` up to `as_of` (or of `as_of` only),
    the lead's first, then the preferred state, the newest quarter, the newest row."""
    found = [
        u
        for u in updates
        if u.state in states
        and (u.quarter == as_of if in_quarter else u.quarter <= as_of)
        and (u.forecast is not None or not names_target)
    ]
    if not found:
        return None
    return max(found, key=lambda u: (u.lead, -states.index(u.state), u.quarter, u.id))


# --- random histories -------------------------------------------------------------------------

UPDATE = st.tuples(
    st.sampled_from(STATES),
    st.sampled_from(STATUSES),
    st.integers(0, 100),
    st.none() | st.integers(-2, 3),  # forecast completion, in quarters from the baseline
    st.none() | st.sampled_from(STATES),  # the state of an earlier revision
)
ACTION = st.fixed_dictionaries(
    {
        "baseline": st.integers(0, 4),  # quarters after 2024-Q2
        "replanned": st.integers(-1, 2),  # current target minus baseline target
        "updates": st.dictionaries(
            st.tuples(st.integers(0, len(DEPARTMENTS) - 1), st.integers(0, len(QUARTERS) - 1)),
            UPDATE,
            max_size=10,
        ),
    }
)
HISTORY = st.tuples(st.lists(ACTION, min_size=1, max_size=3), st.randoms(use_true_random=False))


@dataclass(frozen=True)
class Built:
    slug: str
    actions: dict[str, Any]  # code -> the action's fields (plain values)
    updates: dict[str, list[Made]]  # code -> its updates


def _periods() -> None:
    for quarter in QUARTERS:
        if db.session.scalar(select(ReportingPeriod.id).where(ReportingPeriod.quarter == quarter)):
            continue
        opens, due, locks = default_dates(quarter, 4)
        db.session.add(ReportingPeriod(quarter=quarter, opens_on=opens, due_on=due, locks_on=locks))
    db.session.flush()


def build(app: Flask, drawn: list[dict[str, Any]], rng: random.Random) -> Built:
    """A new plan with the drawn actions and updates, written in a random order."""
    with app.app_context():
        _periods()
        rows = db.session.execute(select(ReportingPeriod.quarter, ReportingPeriod.id))
        periods = {quarter: period_id for quarter, period_id in rows}
        departments = {a: ensure_department(a) for a in DEPARTMENTS}
        slug = f"rule-{next(SLUGS)}"
        area = AreaFactory(plan=PlanFactory(slug=slug, first_year=2023, last_year=2025))
        actions, writes = {}, []
        for fields in drawn:
            baseline = Q("2024-Q2") + fields["baseline"]
            action = ActionFactory(
                area=area,
                lead_department=departments["LEAD"],
                participants=[departments["PA"], departments["PB"]],
                start_quarter=QUARTERS[0],
                baseline_target=baseline,
                current_target=baseline + fields["replanned"],
            )
            actions[action.code] = {
                "id": action.id,
                "baseline": baseline,
                "current": action.current_target,
            }
            for (d, q), drawn_update in fields["updates"].items():
                writes.append((action, DEPARTMENTS[d], QUARTERS[q], drawn_update))
        rng.shuffle(writes)
        updates: dict[str, list[Made]] = {code: [] for code in actions}
        for action, department, quarter, (state, status, percent, offset, earlier) in writes:
            forecast = None if offset is None else actions[action.code]["baseline"] + offset
            row = ProgressUpdate(
                action_id=action.id,
                department_id=departments[department].id,
                period_id=periods[quarter],
                state=earlier or state,
                status=status,
                percent_complete=percent,
                forecast_completion=forecast,
            )
            db.session.add(row)
            db.session.flush()
            if earlier is not None:  # a revision: only the state it ends in counts
                row.state, row.version = state, row.version + 1
                db.session.flush()
            made = Made(row.id, quarter, department, state, status, percent, forecast)
            updates[action.code].append(made)
        db.session.commit()
        return Built(slug, actions, updates)


# --- what each surface shows -----------------------------------------------------------------


def _slipped(built: Built, as_of: FiscalQuarter) -> dict[str, bool]:
    """Forecast past the baseline target: the latest accepted forecast, else the current
    target."""
    found = {}
    for code, fields in built.actions.items():
        source = expected(built.updates[code], as_of, ACCEPTED_ONLY, names_target=True)
        target = source.forecast if source else fields["current"]
        assert target is not None
        found[code] = target > fields["baseline"]
    return found


def _chosen(built: Built) -> dict[str, Made | None]:
    return {code: expected(ups, LAST) for code, ups in built.updates.items()}


def check_dashboard(built: Built, frame: PlanFrame) -> None:
    """The dashboard of the last quarter, the plan's headline and the status query."""
    chosen = _chosen(built)
    ids = {fields["id"]: code for code, fields in built.actions.items()}
    states = progress.action_statuses(list(ids), LAST)
    assert {ids[a]: s.update_id for a, s in states.items()} == {
        c: u.id for c, u in chosen.items() if u
    }
    total = plan_dashboard(frame, LAST).total
    statuses = Counter(u.status if u else NO_REPORT for u in chosen.values())
    assert total.by_status == tuple((s, statuses.get(s, 0)) for s in STATUS_ORDER)
    assert total.slipped == sum(_slipped(built, LAST).values())
    reported = [u.percent for u in chosen.values() if u and u.status != "cancelled"]
    assert total.average_percent == (pytest.approx(fmean(reported)) if reported else None)
    # "At a glance" says the same numbers.
    headline = reads.plan_overview(built.slug, TODAY).headline
    assert (headline.slipped, headline.not_reported) == (total.slipped, total.count(NO_REPORT))


def check_roadmap(built: Built, frame: PlanFrame) -> None:
    """The roadmap, live and as of the last quarter (no update is newer)."""
    chosen, slipped = _chosen(built), _slipped(built, LAST)
    for filters in (RoadmapFilters(), RoadmapFilters(as_of=LAST)):
        for row in build_roadmap(frame, filters).rows:
            code = row.action.code
            update = chosen[code]
            assert row.status == (update.status if update else NO_REPORT)
            assert row.percent == (update.percent if update else None)
            source = expected(built.updates[code], LAST, ACCEPTED_ONLY, names_target=True)
            shown = (row.source.quarter, row.source.department) if row.source else None
            assert shown == ((source.quarter, source.department) if source else None)
            assert (row.slippage > 0) == slipped[code]


def check_trends(built: Built, frame: PlanFrame) -> None:
    """Progress over time: the reported percent of every quarter."""
    for point in progress_trends(frame)[0].points:
        picks = [expected(ups, point.quarter) for ups in built.updates.values()]
        percents = [u.percent for u in picks if u and u.status != "cancelled"]
        assert point.counted == len(percents), point.quarter
        if percents:
            assert point.reported == pytest.approx(fmean(percents)), point.quarter


def check_report(built: Built) -> None:
    """The yearly report: the same rule, accepted updates only."""
    plan = db.session.scalar(select(Plan).where(Plan.slug == built.slug))
    assert plan is not None
    report = build_snapshot(plan, YEAR, "en", TODAY, datetime(2025, 6, 1, tzinfo=UTC), 4)
    chosen = _chosen(built)
    for row in report.actions:
        ups = built.updates[row.code]
        accepted = expected(ups, LAST, ACCEPTED_ONLY)
        assert (row.status, row.percent, row.status_quarter) == (
            (accepted.status, accepted.percent, accepted.quarter) if accepted else (None,) * 3
        )
        quarterly = [expected(ups, q, ACCEPTED_ONLY, in_quarter=True) for q in QUARTERS[2:]]
        assert row.quarterly == tuple(u.status if u else None for u in quarterly)
        dashboard_update = chosen[row.code]
        if dashboard_update is not None and dashboard_update.state == "accepted":
            assert row.status == dashboard_update.status


def check_services(app: Flask, built: Built) -> None:
    with app.app_context():
        frame = load_frame(built.slug, TODAY)
        check_dashboard(built, frame)
        check_roadmap(built, frame)
        check_trends(built, frame)
        check_report(built)


def check_api(client: FlaskClient, secret: str, built: Built) -> None:
    """The API's plan body: each action's current update and the headline."""
    response = client.get(
        f"/api/v1/plans/{built.slug}", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["headline"]["slipped"] == sum(_slipped(built, LAST).values())
    for area in body["areas"]:
        for action in area["actions"]:
            update = expected(built.updates[action["code"]], LAST)
            assert action["current"] == (
                {
                    "status": update.status,
                    "percent_complete": update.percent,
                    "period": str(update.quarter),
                    "state": update.state,
                    "department": update.department,
                }
                if update
                else None
            )


@pytest.fixture
def secret(app: Flask) -> str:
    """An oversight user's API token."""
    app.config["TODAY"] = TODAY
    with app.app_context():
        user = User(email="rule@example.gc.ca", name="Rule", role=Role.OVERSIGHT.value)
        user.password_hash = "unused"
        db.session.add(user)
        db.session.commit()
        return create_token(user, "rule", 30).secret


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=HISTORY)
def test_every_surface_chooses_the_same_update(
    app: Flask, client: FlaskClient, secret: str, history: tuple[list[Any], random.Random]
) -> None:
    drawn, rng = history
    built = build(app, drawn, rng)
    check_services(app, built)
    check_api(client, secret, built)


def test_a_revision_and_a_newer_participant_update(app: Flask, client: FlaskClient) -> None:
    """An example worth keeping: the lead's older accepted update beats a participant's newer
    accepted one (the lead answers for the action), and among the lead's own updates an older
    accepted one beats a newer submitted one."""
    rng = random.Random(1)
    drawn = [
        {
            "baseline": 1,
            "replanned": 1,
            "updates": {
                (0, 2): ("accepted", "on_track", 30, 0, "submitted"),
                (1, 3): ("accepted", "at_risk", 40, 2, None),
                (0, 5): ("submitted", "off_track", 50, None, "returned"),
            },
        }
    ]
    app.config["TODAY"] = TODAY
    built = build(app, drawn, rng)
    (code,) = built.actions
    chosen = expected(built.updates[code], LAST)
    assert chosen is not None and (chosen.department, chosen.status) == ("LEAD", "on_track")
    check_services(app, built)


def test_a_participant_never_speaks_for_a_reporting_lead(app: Flask, client: FlaskClient) -> None:
    """Issue 13: "Off track, reported by CRA" (a participant, accepted) stood as the action's
    status while the lead's update of the same quarter waited for review. The lead's submitted
    update is the action's status; with no lead update, the participant's counts."""
    drawn = [
        {
            "baseline": 1,
            "replanned": 0,
            "updates": {
                (1, 5): ("accepted", "off_track", 20, 0, None),
                (0, 5): ("submitted", "on_track", 60, 0, None),
            },
        },
        {
            "baseline": 1,
            "replanned": 0,
            "updates": {(1, 5): ("accepted", "off_track", 20, 0, None)},
        },
    ]
    app.config["TODAY"] = TODAY
    built = build(app, drawn, random.Random(2))
    first, second = built.actions
    with app.app_context():
        ids = [built.actions[first]["id"], built.actions[second]["id"]]
        states = progress.action_statuses(ids)
    lead_reported, lead_silent = states[ids[0]], states[ids[1]]
    assert (lead_reported.department, lead_reported.status) == ("LEAD", "on_track")
    assert (lead_silent.department, lead_silent.status) == ("PA", "off_track")
    check_services(app, built)
