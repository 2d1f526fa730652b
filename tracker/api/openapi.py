"""The OpenAPI 3.1 document served at /api/v1/openapi.json, built from the declarations.

Paths, parameters, request bodies and responses come from each operation's declaration
(`tracker.api.declare`). Request and response bodies are pydantic models (`tracker.api.bodies`,
`read_bodies`, `plan_bodies`): the models the views answer with are the schemas shown, so a
body cannot differ from its description. A test checks that every API route appears here and
every path here is a route, validates the document, and schemathesis checks the API against it.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from tracker.api.bodies import QUARTER_PATTERN
from tracker.api.declare import OPERATIONS, Link, Operation
from tracker.api.params import DEFAULT_PER_PAGE, MAX_PER_PAGE
from tracker.models import WorkflowState

Schema = dict[str, Any]

VERSION = "1.1.0"
# The modules whose views declare operations; imported before the document is built.
VIEW_MODULES = (
    "tracker.api.routes",
    "tracker.api.writes",
    "tracker.api.plan_routes",
    "tracker.api.replan",
)

DESCRIPTION = """\
Plans, actions, progress updates and reporting periods; departments' updates (a draft, its
submission, a whole quarter at once) and planners' reviews.

Authenticate with a personal API token (create one on the *API tokens* page of your account):
`Authorization: Bearer <token>`. Tokens act with your role and the same permission rules as
the web pages; session cookies are ignored here. A read-only token gets 403 on every write.
Errors are `application/problem+json` (RFC 9457); a 400 or 422 lists what is wrong with each
query parameter or body field in `errors`; a 409 for a stale `version` gives `current_version`.
Writes send JSON (`Content-Type: application/json`). A POST may carry an `Idempotency-Key`.

Dates are ISO 8601, fiscal quarters are written `2025-Q3` (the year is the calendar year in which
the fiscal year starts), bilingual text is `{"en": ..., "fr": ...}`. Lists are paginated with
`page` and `per_page` and link to the next and previous pages in the body and the `Link` header.
"""


def ref(name: str) -> Schema:
    """A reference to a schema in components."""
    return {"$ref": f"#/components/schemas/{name}"}


URL: Schema = {"type": "string", "format": "uri-reference"}
# Problems are built by `tracker.api.problems`; their shape is open (RFC 9457 allows extensions).
PROBLEM_SCHEMAS: dict[str, Schema] = {
    "FieldError": {
        "type": "object",
        "description": "What is wrong with one parameter.",
        "additionalProperties": False,
        "required": ["field", "message"],
        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
    },
    "Problem": {
        "type": "object",
        "description": "An error (RFC 9457). `errors` lists what is wrong with each parameter "
        "or body field; `current_version` is the version now stored, after a conflict.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": URL,
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": URL,
            "errors": {"type": "array", "items": ref("FieldError")},
            "current_version": {"type": "integer"},
        },
    },
}


def _param(
    name: str, where: str, schema: Schema, description: str, required: bool = False
) -> Schema:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": description,
        "schema": schema,
    }


PARAMETERS: dict[str, Schema] = {
    "page": _param(
        "page", "query", {"type": "integer", "minimum": 1, "default": 1}, "Page number."
    ),
    "per_page": _param(
        "per_page",
        "query",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
        "Items per page.",
    ),
    "slug": _param("slug", "path", {"type": "string"}, "The plan's slug."),
    "code": _param("code", "path", {"type": "string"}, "The action's code, e.g. S1.2."),
    "quarter": _param(
        "quarter",
        "path",
        {"type": "string", "pattern": QUARTER_PATTERN},
        "A reporting period, e.g. 2026-Q1.",
    ),
    "milestone": _param(
        "milestone", "path", {"type": "string"}, "The milestone's code within its action, e.g. M1."
    ),
    "action": _param(
        "action",
        "query",
        {
            "type": "string",
            "maxLength": 20,
            "pattern": "^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$",
        },
        "An action's code, e.g. S1.2: only its changes.",
    ),
    "fiscal_year": _param(
        "fiscal_year",
        "query",
        {"type": "integer", "minimum": 1900, "maximum": 2999},
        "Only the changes made in this fiscal year, named by the year it starts in (2017 for "
        "2017-18).",
    ),
    "update_id": _param(
        "update_id",
        "path",
        {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        "The progress update's id.",
    ),
    "period": _param(
        "period",
        "query",
        {"type": "string", "pattern": QUARTER_PATTERN},
        "Reporting period, e.g. 2026-Q3; the current period when omitted.",
    ),
    "department": _param(
        "department",
        "query",
        {"type": "string"},
        "Department acronym. Department users may only name their own.",
    ),
    "state": _param(
        "state",
        "query",
        {"type": "string", "enum": [s.value for s in WorkflowState]},
        "Workflow state. Drafts are visible only to their own department.",
    ),
}


IDEMPOTENCY_KEY: Schema = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "A unique value per request (e.g. a UUID): a retry with the same key gets "
    "the first answer and changes nothing again. Kept for 24 hours per token.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
}


def _problem(description: str) -> Schema:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": ref("Problem")}},
    }


RESPONSES: dict[str, Schema] = {
    "BadRequest": _problem("A query parameter is not valid; `errors` says which and why."),
    "Unauthorized": {
        **_problem("No token, or a token that is unknown, revoked or expired."),
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
    },
    "Forbidden": _problem("Your role may not do this, or the token is read-only."),
    "NotFound": _problem("There is no such resource."),
    "Conflict": _problem(
        "Someone changed it since you read it (`current_version` is its version now), or it "
        "cannot change now (a locked period, an update already reviewed): `detail` says why."
    ),
    "PayloadTooLarge": _problem("The body is larger than the API accepts."),
    "UnsupportedMediaType": _problem("The body is not JSON."),
    "UnprocessableContent": _problem(
        "The body breaks a rule; `errors` lists every problem by field."
    ),
    "TooManyRequests": {
        **_problem("Too many requests for this token or address: wait `Retry-After` seconds."),
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    },
}
NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    422: "UnprocessableContent",
    429: "TooManyRequests",
}
LINK_HEADER = {
    "Link": {
        "description": 'Pagination links (RFC 8288): rel="next", "prev", "first", "last".',
        "schema": {"type": "string"},
    }
}


def _parameters(op: Operation) -> list[Schema]:
    names = [name for name, _kind in op.path_parameters()] + list(op.query)
    found: list[Schema] = [{"$ref": f"#/components/parameters/{name}"} for name in names]
    if op.method == "POST":
        found.append(IDEMPOTENCY_KEY)
    return found


def _link(link: Link) -> Schema:
    found: Schema = {"operationId": link.operation_id, "parameters": dict(link.parameters)}
    if link.body:
        found["requestBody"] = dict(link.body)
    return found


def _operation(op: Operation) -> Schema:
    ok: Schema = {
        "description": "OK",
        "content": {"application/json": {"schema": ref(op.response.__name__)}},
    }
    if op.paged:
        ok["headers"] = LINK_HEADER
    if op.links:
        ok["links"] = {link.name: _link(link) for link in op.links}
    codes = {400, 401, 429, *op.errors}
    if op.writes:
        codes |= {403, 413, 415, 422}
    responses: dict[str, Any] = {str(op.status): ok}
    for code in sorted(codes):
        responses[str(code)] = {"$ref": f"#/components/responses/{NAMES[code]}"}
    found: Schema = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "parameters": _parameters(op),
        "responses": responses,
    }
    if op.body is not None:
        found["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref(op.body.__name__)}},
        }
    return found


def _declared() -> list[Operation]:
    """Every operation, once the modules declaring them are imported."""
    for module in VIEW_MODULES:
        import_module(module)
    return OPERATIONS


def paths() -> dict[str, Any]:
    """The document's paths, from the operations declared with `tracker.api.declare`."""
    found: dict[str, Any] = {}
    for op in _declared():
        found.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    return found


def schemas() -> dict[str, Schema]:
    """The JSON Schemas of the operations' request and response models (and the models they
    contain), and the problems'."""
    models: dict[type[BaseModel], None] = {}
    for op in _declared():
        models[op.response] = None
        if op.body is not None:
            models[op.body] = None
    _, generated = models_json_schema(
        [(model, "validation") for model in models], ref_template="#/components/schemas/{model}"
    )
    found = dict(PROBLEM_SCHEMAS)
    for name, schema in generated.get("$defs", {}).items():
        if name in found:
            raise RuntimeError(f"Two API schemas are named {name}")
        found[name] = schema
    return found


OPENAPI_PATH = "/openapi.json"


def document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    public = {
        "get": {
            "operationId": "openapi_document",
            "summary": "This document.",
            "security": [],
            "responses": {"200": {"description": "OK", "content": {"application/json": {}}}},
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Roadmap Tracker API", "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": {OPENAPI_PATH: public, **paths()},
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token from the API tokens page.",
                }
            },
            "parameters": PARAMETERS,
            "responses": RESPONSES,
            "schemas": schemas(),
        },
    }
