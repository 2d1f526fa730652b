"""The OpenAPI document is valid OpenAPI 3.1 and describes exactly the API's routes."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from tests.test_security import assert_security_headers
from tracker.api.openapi import document

PREFIX = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def api_routes(app: Flask) -> dict[tuple[str, str], str]:
    """{(OpenAPI path, method): operationId} for every rule of the api blueprint."""
    routes = {}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        assert rule.rule.startswith(PREFIX), rule.rule
        path = re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", rule.rule[len(PREFIX) :])
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            routes[(path, method.lower())] = rule.endpoint.removeprefix("api.")
    return routes


def documented(doc: dict[str, object]) -> dict[tuple[str, str], str]:
    """{(path, method): operationId} for every operation of the document."""
    paths = doc["paths"]
    assert isinstance(paths, dict)
    return {
        (path, method): operation["operationId"]
        for path, item in paths.items()
        for method, operation in item.items()
    }


def test_the_document_is_valid_openapi_3_1(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")  # public: no token needed
    assert response.status_code == 200
    assert_security_headers(response)
    doc = response.get_json()
    assert doc["openapi"].startswith("3.1")
    validate(doc)


def test_every_route_is_documented_and_every_documented_path_exists(app: Flask) -> None:
    routes = api_routes(app)
    assert len(routes) >= 7
    assert routes == documented(document())


def test_the_document_declares_bearer_security_and_problems() -> None:
    doc = document()
    components = doc["components"]
    assert components["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": components["securitySchemes"]["bearerAuth"]["description"],
    }
    assert doc["security"] == [{"bearerAuth": []}]
    assert doc["paths"]["/openapi.json"]["get"]["security"] == []
    assert "errors" in components["schemas"]["Problem"]["properties"]
    content = components["responses"]["Unauthorized"]["content"]
    assert "application/problem+json" in content
    for path, item in doc["paths"].items():
        if path == "/openapi.json":
            continue
        for method, operation in item.items():
            responses = operation["responses"]
            assert {"200", "400", "401", "429"} <= set(responses), path
            if method != "get":  # writes: read-only tokens, bodies that are too large or wrong
                assert {"403", "413", "415", "422"} <= set(responses), (method, path)
                assert operation["requestBody"]["required"] is True
            for parameter in operation["parameters"]:
                if "$ref" not in parameter:
                    assert parameter["name"] == "Idempotency-Key" and method == "post"
                    continue
                name = parameter["$ref"].rsplit("/", 1)[1]
                if components["parameters"][name]["in"] == "path":
                    assert f"{{{name}}}" in path, (path, name)
