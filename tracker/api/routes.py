"""The JSON API's reads: plans, actions, progress updates, periods, the user.

Each view is declared once with `operation` (its route, access, parameters and responses, from
which the OpenAPI document is built), parses the declared query parameters, calls one service
and serialises the result. Lists are paginated with `page` and `per_page` and carry `next`/`prev`
links in the body and a Link header. The writes are in `tracker.api.writes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from flask import current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from pydantic import BaseModel
from werkzeug.wrappers import Response

from tracker.access import public, signed_in_user
from tracker.api import bp, openapi, serialize
from tracker.api.auth import current_token
from tracker.api.declare import operation, query_args
from tracker.api.params import PAGING
from tracker.api.problems import FieldError, InvalidParameters, problem
from tracker.api.read_bodies import (
    ActionDetail,
    Me,
    Page,
    PeriodPage,
    PlanDetail,
    PlanPage,
    UpdatePage,
)
from tracker.cache import remember
from tracker.extensions import limiter
from tracker.models import Role, WorkflowState
from tracker.services.audit.events import record_denied_access
from tracker.services.calendar import clock
from tracker.services.plans import reads
from tracker.services.updates import listing


@bp.after_request
def no_caching(response: Response) -> Response:
    """Answers depend on who asks: no shared or stored copies."""
    response.headers.setdefault("Cache-Control", "private, no-store")
    response.vary.add("Authorization")
    return response


# Ids are 32-bit integers in the database: a larger one is a row that cannot exist.
MAX_ROW_ID = 2**31 - 1


@bp.before_request
def refuse_impossible_values() -> Response | None:
    """A path naming what cannot exist (a NUL character, which PostgreSQL cannot even compare,
    or an id past the column's range) is a 404; such a query parameter is a 400."""
    for value in (request.view_args or {}).values():
        if (isinstance(value, str) and "\x00" in value) or (
            isinstance(value, int) and value > MAX_ROW_ID
        ):
            return problem(404)
    wrong = sorted({name for name, value in request.args.items(multi=True) if "\x00" in value})
    if wrong:
        message = _("Some query parameters are not valid.")
        return problem(400, message, [FieldError(name, message) for name in wrong])
    return None


@bp.errorhandler(InvalidParameters)
def invalid_parameters(error: InvalidParameters) -> Response:
    return problem(400, _("Some query parameters are not valid."), error.errors)


@bp.errorhandler(listing.FilterInvalid)
def invalid_filter(error: listing.FilterInvalid) -> Response:
    return problem(
        400, _("Some query parameters are not valid."), [FieldError(error.field, str(error))]
    )


@bp.errorhandler(listing.NotPermitted)
def not_permitted(error: listing.NotPermitted) -> Response:
    record_denied_access(signed_in_user(), request.full_path.rstrip("?"))
    return problem(403, str(error))


def _no_parameters() -> None:
    query_args().finish()


def _page_url(page: int) -> str:
    values: dict[str, Any] = {**(request.view_args or {}), **request.args.to_dict()}
    return url_for(str(request.endpoint), **{**values, "page": page})


P = TypeVar("P", bound=Page)


def paged(
    model: type[P], pagination: Pagination, items: Sequence[BaseModel], **extra: object
) -> Response:
    """A page of `items` with its position and links, in the body and in a Link header."""
    return page_response(page_body(model, pagination, items, **extra))


def page_body(
    model: type[P], pagination: Pagination, items: Sequence[BaseModel], **extra: object
) -> tuple[str, str]:
    """The JSON text of a page (a `model`) of `items`, and its Link header."""
    links = {"next": pagination.next_num if pagination.has_next else None}
    links["prev"] = pagination.prev_num if pagination.has_prev else None
    urls = {rel: _page_url(n) if n else None for rel, n in links.items()}
    urls["first"] = _page_url(1)
    urls["last"] = _page_url(max(pagination.pages, 1))
    body = model.model_validate(
        {
            "items": items,
            "page": pagination.page,
            "per_page": pagination.per_page,
            "total": pagination.total,
            "pages": pagination.pages,
            "next": urls["next"],
            "prev": urls["prev"],
            **extra,
        }
    )
    return json_text(body), ", ".join(f'<{u}>; rel="{r}"' for r, u in urls.items() if u)


def json_text(body: BaseModel) -> str:
    """`body` as JSON text, written by pydantic (its fields in the model's order): kept in the
    cache as text, so that a hit neither unpickles nor serializes the body again."""
    return body.model_dump_json()


def page_response(page: tuple[str, str]) -> Response:
    """A page as (JSON text, Link header): the body and its links to the other pages."""
    response = json_response(page[0])
    response.headers["Link"] = page[1]
    return response


def json_response(text: str) -> Response:
    return current_app.response_class(f"{text}\n", mimetype="application/json")


@bp.route(openapi.OPENAPI_PATH)
@limiter.exempt
@public
def openapi_document() -> Response:
    response = jsonify(openapi.document())
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@operation("GET", "/me", "The signed-in user and the token in use.", response=Me)
def me() -> Response:
    _no_parameters()
    return jsonify(serialize.me(signed_in_user(), current_token()).model_dump(mode="json"))


@operation("GET", "/plans", "Every plan.", response=PlanPage, query=PAGING, paged=True)
def plan_list() -> Response:
    args = query_args()
    paging = args.paging()
    args.finish()
    pagination = listing.plan_page(paging.page, paging.per_page, signed_in_user())
    return paged(PlanPage, pagination, [serialize.plan(p) for p in pagination.items])


@operation(
    "GET",
    "/plans/<slug>",
    "A plan with its headline figures and every action's current status.",
    response=PlanDetail,
    errors=(404,),
)
def plan(slug: str) -> Response:
    _no_parameters()
    listing.check_visible(slug, signed_in_user())
    today = clock.today()

    def body() -> str:
        return json_text(serialize.plan_overview(reads.plan_overview(slug, today)))

    return json_response(remember("api-plan", (slug, today), body, plan_slug=slug))


@operation(
    "GET",
    "/plans/<slug>/actions/<code>",
    "One action with its milestones and current status.",
    response=ActionDetail,
    errors=(404,),
)
def action(slug: str, code: str) -> Response:
    _no_parameters()
    listing.check_visible(slug, signed_in_user())
    today = clock.today()

    def body() -> str:
        return json_text(serialize.action_detail(reads.action_detail(slug, code, today)))

    key = (slug, code, today)
    return json_response(remember("api-action", key, body, plan_slug=slug))


@operation(
    "GET",
    "/plans/<slug>/updates",
    "A plan's progress updates for one reporting period.",
    response=UpdatePage,
    query=("period", "department", "state", *PAGING),
    errors=(403, 404),
    paged=True,
)
def updates(slug: str) -> Response:
    args = query_args()
    filters = listing.UpdateFilters(
        period=args.quarter("period"),
        department=args.code("department"),
        state=args.choice("state", WorkflowState),
    )
    paging = args.paging()
    args.finish()
    viewer, today = signed_in_user(), clock.today()

    def page() -> tuple[str, str]:
        found = listing.update_page(slug, filters, viewer, paging.page, paging.per_page, today)
        rows = [serialize.update(u, slug) for u in found.pagination.items]
        period = serialize.quarter(found.period.quarter)
        return page_body(UpdatePage, found.pagination, rows, plan=slug, period=period)

    # Department users read their own department's updates, everyone else the same page.
    scope = viewer.department_id if viewer.role == Role.DEPARTMENT.value else None
    return page_response(remember("api-updates", (request.full_path, scope, today), page))


@operation(
    "GET",
    "/periods",
    "Reporting periods, oldest first.",
    response=PeriodPage,
    query=PAGING,
    paged=True,
)
def period_list() -> Response:
    args = query_args()
    paging = args.paging()
    args.finish()
    today = clock.today()

    def page() -> tuple[str, str]:
        found = listing.period_page(paging.page, paging.per_page, today)
        rows = [serialize.period(p, found.today, found.current) for p in found.pagination.items]
        current = serialize.quarter(found.current.quarter) if found.current else None
        return page_body(PeriodPage, found.pagination, rows, current=current)

    return page_response(remember("api-periods", (request.full_path, today), page))
