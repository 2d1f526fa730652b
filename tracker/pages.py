"""Pages whose content is rendered once per data version: a shell and its content.

A page such as a plan's dashboard is two templates: `<page>.html`, the shell (base layout,
title, scripts), and `<page>_content.html`, everything inside the content block. The content
depends only on the data, the page's own choices in the query string (`choices`: filters, a
page number), what the view puts in `key` (the plan, the department for a department's page),
the language and the role (the plan navigation shows monitoring pages to some roles only). So
it is kept in the aggregate cache (`tracker.cache.rendered`): on a hit neither the figures nor
the forms are built. Choices the page refuses are never kept: their content, with the form's
errors, is rendered afresh and answered with 400. Nothing personal (a user's name, a CSRF
token) may appear in the content: the shell has those.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from flask import render_template, request
from flask_login import current_user
from markupsafe import Markup
from wtforms import Form
from wtforms.fields.core import UnboundField

from tracker.cache import rendered


@dataclass(frozen=True)
class Content:
    """What a page's content template is rendered with, and whether the choices were valid."""

    context: dict[str, Any]
    valid: bool = True


def choices_of(form: type[Form]) -> tuple[str, ...]:
    """The field names of a GET form: the query-string choices its page depends on."""
    return tuple(
        sorted(name for name in dir(form) if isinstance(getattr(form, name, None), UnboundField))
    )


class _Refused(Exception):
    """Content for refused choices: shown, never kept."""

    def __init__(self, html: str) -> None:
        super().__init__("refused choices")
        self.html = html


def _plan_id(shell: dict[str, Any]) -> int | None:
    """The id of the plan a page shows (its content is kept per version of that plan's data);
    None: a page over every plan."""
    plan = shell.get("plan")
    plan_id = getattr(plan, "id", None)
    return plan_id if isinstance(plan_id, int) else None


def cached_page(
    page: str,
    key: tuple[Hashable, ...],
    build: Callable[[], Content],
    choices: tuple[str, ...] = (),
    shows_drafts: bool = False,
    **shell: Any,
) -> tuple[str, int]:
    """The page `page` ('plans/overview', 'review/queue'...) and its status: the shell with
    `shell` around the content, rendered with `shell` and `build()`'s context unless the cache
    holds it for `key`, the query string's `choices`, the language and the role (at the
    version of the data of the `plan` in `shell`, with its drafts when `shows_drafts`)."""
    chosen = tuple((name, tuple(request.args.getlist(name))) for name in choices)

    def content() -> str:
        built = build()
        html = render_template(f"{page}_content.html", **shell, **built.context)
        if not built.valid:
            raise _Refused(html)
        return html

    try:
        keyed = (*key, chosen, current_user.role)
        plan = _plan_id(shell)
        html = rendered(f"page-{page}", keyed, content, plan=plan, drafts=shows_drafts)
        status = 200
    except _Refused as refused:
        html, status = Markup(refused.html), 400
    return render_template(f"{page}.html", content=html, **shell), status
