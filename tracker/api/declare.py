"""One declaration per API operation: the route, who may call it, its query parameters, its
request body and its responses. The views are registered from it, request bodies are validated
with its pydantic model, and `tracker.api.openapi` builds the OpenAPI document from the same
declarations, so the document cannot drift from what the code accepts.

    @operation("PUT", "/plans/<slug>/actions/<code>/updates/<quarter>", "Save a draft.",
               body=UpdateBody, response=Update, roles=(Role.DEPARTMENT,))
    def save_update(slug: str, code: str, quarter: str, body: UpdateBody) -> Response: ...

Path parameters come from the rule; query parameters are named from `openapi.PARAMETERS`, and a
view reads them with `query_args()`, which refuses any other. Writes (every method but GET) need
a read-write token; POSTs honour an `Idempotency-Key` (`tracker.api.idempotency`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import g, request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError
from werkzeug.wrappers import Response

from tracker.access import roles, signed_in, signed_in_user
from tracker.api import bp, idempotency
from tracker.api.auth import current_token
from tracker.api.params import QueryArgs
from tracker.api.problems import FieldError, problem
from tracker.models import Role
from tracker.services.audit.events import record_denied_access

F = TypeVar("F", bound=Callable[..., Response])

PATH_ARGUMENT = re.compile(r"<(?:([a-z_]+):)?([a-z_]+)>")


@dataclass(frozen=True)
class Link:
    """An OpenAPI link: how an answer's values feed the next operation (e.g. a saved draft's
    version to its submission). Values are runtime expressions like `$response.body#/id`."""

    name: str
    operation_id: str
    parameters: tuple[tuple[str, str], ...] = ()
    body: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Operation:
    """Everything the API says about one operation."""

    method: str
    rule: str
    operation_id: str
    summary: str
    response: type[BaseModel]
    query: tuple[str, ...] = ()
    body: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    paged: bool = False
    status: int = 200
    roles: tuple[Role, ...] = ()
    links: tuple[Link, ...] = ()

    @property
    def writes(self) -> bool:
        """True for operations that change data (a read-only token may not call them)."""
        return self.method != "GET"

    @property
    def path(self) -> str:
        """The OpenAPI path, e.g. /plans/{slug}."""
        return PATH_ARGUMENT.sub(r"{\2}", self.rule)

    def path_parameters(self) -> list[tuple[str, str]]:
        """(name, werkzeug converter) of each path parameter, in order."""
        return [(name, kind or "string") for kind, name in PATH_ARGUMENT.findall(self.rule)]


OPERATIONS: list[Operation] = []


def operation(
    method: str,
    rule: str,
    summary: str,
    *,
    response: type[BaseModel],
    query: tuple[str, ...] = (),
    body: type[BaseModel] | None = None,
    errors: tuple[int, ...] = (),
    paged: bool = False,
    status: int = 200,
    roles: tuple[Role, ...] = (),
    links: tuple[Link, ...] = (),
) -> Callable[[F], F]:
    """Declare and register an API view; its name is the operation id and the endpoint."""

    def decorator(view: F) -> F:
        declared = Operation(
            method,
            rule,
            view.__name__,
            summary,
            response,
            query,
            body,
            errors,
            paged,
            status,
            roles,
            links,
        )
        wrapped = _wrap(view, declared)
        bp.add_url_rule(rule, endpoint=declared.operation_id, view_func=wrapped, methods=[method])
        OPERATIONS.append(declared)
        return view

    return decorator


def _wrap(view: F, declared: Operation) -> Callable[..., Response]:
    @wraps(view)
    def call(**path: Any) -> Response:
        g.api_operation = declared
        if declared.writes:
            token = current_token()
            if token is None or not token.can_write:
                record_denied_access(signed_in_user(), request.path)
                return problem(
                    403,
                    _(
                        "This API token is read-only: create a read and write "
                        "token to make changes."
                    ),
                )
        if declared.body is None:
            return view(**path)
        try:
            body = declared.body.model_validate_json(request.get_data() or b"null")
        except ValidationError as error:
            if any(e["type"] == "json_invalid" for e in error.errors()):
                return problem(400, _("The request body is not valid JSON."))
            return problem(422, None, field_errors(error))
        if declared.method == "POST":
            return idempotency.answer(lambda: view(**path, body=body))
        return view(**path, body=body)

    rule = roles(*declared.roles) if declared.roles else signed_in
    return rule(call)


def field_errors(error: ValidationError) -> list[FieldError]:
    """One FieldError per problem pydantic found, named by its place in the body."""
    found = []
    for item in error.errors(include_url=False):
        place = ".".join(str(part) for part in item["loc"]) or "body"
        found.append(FieldError(place, item["msg"]))
    return found


def query_args() -> QueryArgs:
    """The query parameters of the current request, allowed as its operation declares them."""
    declared = g.get("api_operation")
    return QueryArgs(request.args, declared.query if isinstance(declared, Operation) else ())
