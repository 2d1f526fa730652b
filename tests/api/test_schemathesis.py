"""schemathesis drives every operation of the OpenAPI document, writes included, in-process
(WSGI) against the app, and checks each answer: no server error, a documented status code and
headers, a body that matches its schema, a documented content type.

Each operation is its own test, on a fresh world, with hypothesis generating the requests from
the document (valid ones, then ones that break it), a few examples per mode (MAX_EXAMPLES) so
the suite stays fast. Most cases have their path parameters pointed at the world's own plan,
actions, period and updates, so that the bodies reach the services' rules instead of a 404.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import GenerationMode, checks
from schemathesis.openapi import from_wsgi

from tests.api.conftest import Writers
from tests.api.helpers import bearer
from tests.api.writing import own_update
from tests.factories.api import SLUG
from tracker.api.openapi import document

MAX_EXAMPLES = 5
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
# A department's writes are sent with a department's token; everything else as a planner.
CALLERS = {"save_update": "bcd", "submit_update": "bcd", "save_quarter": "bcd"}
OPERATIONS = [
    (method.upper(), path, operation["operationId"])
    for path, item in document()["paths"].items()
    for method, operation in item.items()
]


def _aim(case: Any, writers: Writers, spin: int) -> None:
    """Point the case at things that exist, except one case in four."""
    parameters = case.path_parameters
    if not parameters or spin % 4 == 0:
        return
    if "slug" in parameters:
        parameters["slug"] = SLUG
    if "code" in parameters:
        parameters["code"] = writers.world.codes[spin % len(writers.world.codes)]
    if "quarter" in parameters:
        parameters["quarter"] = "2025-Q2"
    if "update_id" in parameters:
        parameters["update_id"] = 1 + spin % 12
    if "milestone" in parameters:
        parameters["milestone"] = writers.milestones[parameters["code"]][0]


@pytest.mark.parametrize(("method", "path", "operation_id"), OPERATIONS)
def test_every_operation_keeps_to_the_document(
    app: Flask, writers: Writers, method: str, path: str, operation_id: str
) -> None:
    app.config["API_RATELIMIT_PER_TOKEN"] = "100000 per minute"
    app.config["API_RATELIMIT_PER_IP"] = "100000 per minute"
    schema = from_wsgi("/api/v1/openapi.json", app)
    operation = schema[path][method]
    headers = bearer(writers.tokens[CALLERS.get(operation_id, "planner")])
    calls = iter(range(10_000))
    # The document itself takes nothing that could be sent wrong.
    modes = [GenerationMode.POSITIVE]
    if operation_id != "openapi_document":
        modes.append(GenerationMode.NEGATIVE)
    for mode in modes:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=MAX_EXAMPLES,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        )
        def check(case: Any) -> None:
            _aim(case, writers, next(calls))
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()


def test_the_linked_workflow_keeps_to_the_document(app: Flask, writers: Writers) -> None:
    """Stateful: the document's links chain a saved draft to its submission (with the version
    the save returned) and a submission to its review (with the update's id and version)."""
    app.config["API_RATELIMIT_PER_TOKEN"] = "100000 per minute"
    app.config["API_RATELIMIT_PER_IP"] = "100000 per minute"
    schema = from_wsgi("/api/v1/openapi.json", app).include(
        operation_id=["save_update", "submit_update", "review_update"]
    )
    steps = iter(range(100_000))
    client, bcd = app.test_client(), writers.tokens["bcd"]

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: Any) -> None:
            # A draft saved at the version it has now, so that the chain gets past the save.
            if case.operation.definition.raw["operationId"] == "save_update":
                _aim(case, writers, 1 + 2 * next(steps))  # never the one case in four left alone
                if isinstance(case.body, dict):
                    code = case.path_parameters["code"]
                    case.body["version"] = own_update(client, bcd, code)["version"]

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            who = CALLERS.get(case.operation.definition.raw["operationId"], "planner")
            return {"headers": bearer(writers.tokens[who])}

        def validate_response(self, response: Any, case: Any, *args: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=4,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )
