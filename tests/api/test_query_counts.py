"""Every API read runs a fixed number of queries, whatever the amount of data."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.api.helpers import api_get
from tests.conftest import counted
from tests.factories.api import SLUG, World, action_codes, add_actions, build_world

# The most SQL statements each read may run, counting BEGIN and the token lookup.
BUDGETS = {
    "/api/v1/me": 2,
    "/api/v1/plans": 4,  # + count, page
    "/api/v1/periods": 5,  # + count, page, current period
    f"/api/v1/plans/{SLUG}": 10,  # + plan tree (6), statuses, milestone forecasts
    f"/api/v1/plans/{SLUG}/actions/{{code}}": 8,  # + action tree (4), statuses, forecasts
    f"/api/v1/plans/{SLUG}/updates": 7,  # + plan, current period, count, page, forecasts
    f"/api/v1/plans/{SLUG}/updates?period=2025-Q1&department=BCD&state=returned": 8,
}


def measure(app: Flask, client: FlaskClient, world: World, who: str) -> dict[str, int]:
    counts = {}
    for template in BUDGETS:
        path = template.replace("{code}", world.codes[0])
        api_get(client, path, world.tokens[who])  # warm up: records the token's last use
        with counted(app) as statements:
            response = api_get(client, path, world.tokens[who])
        assert response.status_code == 200, (path, response.get_data(as_text=True))
        counts[template] = len(statements)
    return counts


def test_query_counts_do_not_grow_with_the_data(app: Flask, client: FlaskClient) -> None:
    world = build_world(app, actions=1)
    small = {who: measure(app, client, world, who) for who in ("planner", "bcd")}
    add_actions(app, 12, milestones=4, extra_departments=6)
    world = World(world.slug, action_codes(app), world.tokens)
    large = {who: measure(app, client, world, who) for who in ("planner", "bcd")}
    assert large == small
    for counts in large.values():
        for path, count in counts.items():
            assert count <= BUDGETS[path], (path, count)


def test_the_larger_world_really_is_larger(app: Flask, client: FlaskClient) -> None:
    world = build_world(app, actions=1)
    add_actions(app, 12, milestones=4, extra_departments=6)
    path = f"/api/v1/plans/{SLUG}/updates?per_page=200"
    assert api_get(client, path, world.tokens["planner"]).get_json()["total"] == 13 + 12 * 6
