"""The OpenAPI 3.1 document served at /api/v1/openapi.json, written by hand.

A test checks that every API route appears here and every path here is a route, and validates
real responses against these schemas.
"""

from __future__ import annotations

from typing import Any

from tracker.api.openapi_schemas import QUARTER_PATTERN, SCHEMAS, Schema, ref
from tracker.api.params import DEFAULT_PER_PAGE, MAX_PER_PAGE
from tracker.models import WorkflowState

VERSION = "1.0.0"

DESCRIPTION = """\
Read access to plans, actions, progress updates and reporting periods.

Authenticate with a personal API token (create one on the *API tokens* page of your account):
`Authorization: Bearer <token>`. Tokens act with your role and the same permission rules as
the web pages; session cookies are ignored here. Errors are `application/problem+json`
(RFC 9457); a 400 lists what is wrong with each query parameter in `errors`.

Dates are ISO 8601, fiscal quarters are written `2025-Q3` (the year is the calendar year in which
the fiscal year starts), bilingual text is `{"en": ..., "fr": ...}`. Lists are paginated with
`page` and `per_page` and link to the next and previous pages in the body and the `Link` header.
"""


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
    "Forbidden": _problem("Your role may not read this."),
    "NotFound": _problem("There is no such resource."),
}
LINK_HEADER = {
    "Link": {
        "description": 'Pagination links (RFC 8288): rel="next", "prev", "first", "last".',
        "schema": {"type": "string"},
    }
}


def _get(
    operation_id: str,
    summary: str,
    schema: str,
    parameters: tuple[str, ...] = (),
    errors: tuple[str, ...] = ("Unauthorized",),
    paged: bool = False,
) -> dict[str, Any]:
    ok: Schema = {
        "description": "OK",
        "content": {"application/json": {"schema": ref(schema)}},
    }
    if paged:
        ok["headers"] = LINK_HEADER
    responses: dict[str, Any] = {"200": ok}
    codes = {"BadRequest": "400", "Unauthorized": "401", "Forbidden": "403", "NotFound": "404"}
    for name in ("BadRequest", *errors):
        responses[codes[name]] = {"$ref": f"#/components/responses/{name}"}
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in parameters],
            "responses": responses,
        }
    }


PAGING = ("page", "per_page")

PATHS: dict[str, Any] = {
    "/me": _get("me", "The signed-in user and the token in use.", "Me"),
    "/plans": _get("plan_list", "Every plan.", "PlanPage", PAGING, paged=True),
    "/plans/{slug}": _get(
        "plan",
        "A plan with its headline figures and every action's current status.",
        "PlanDetail",
        ("slug",),
        ("Unauthorized", "NotFound"),
    ),
    "/plans/{slug}/actions/{code}": _get(
        "action",
        "One action with its milestones and current status.",
        "ActionDetail",
        ("slug", "code"),
        ("Unauthorized", "NotFound"),
    ),
    "/plans/{slug}/updates": _get(
        "updates",
        "A plan's progress updates for one reporting period.",
        "UpdatePage",
        ("slug", "period", "department", "state", *PAGING),
        ("Unauthorized", "Forbidden", "NotFound"),
        paged=True,
    ),
    "/periods": _get(
        "period_list", "Reporting periods, oldest first.", "PeriodPage", PAGING, paged=True
    ),
}

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
        "paths": {OPENAPI_PATH: public, **PATHS},
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
            "schemas": SCHEMAS,
        },
    }
