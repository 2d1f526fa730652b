"""Pages whose content is rendered once per data version: a shell and its content.

A page such as a plan's dashboard is two templates: `<page>.html`, the shell (base layout,
title, scripts), and `<page>_content.html`, everything inside the content block. The content
depends only on the data, the request's choices (`key`: filters, page number, the
department for a department's page), the language and the role (the plan navigation shows
monitoring pages to some roles only), so it is kept in the aggregate cache
(`tracker.cache.rendered`) and its figures are computed only on a miss. An invalid choice
(`key` None) renders the content afresh, with the form's errors. Nothing personal (a user's
name, a CSRF token) may appear in the content: the shell has those.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from tracker.cache import rendered

Context = Callable[[], dict[str, Any]]


def cached_page(page: str, key: tuple[Hashable, ...] | None, context: Context, **shell: Any) -> str:
    """The page `page` ('plans/overview', 'review/queue'...): the shell with `shell`, the
    content with `shell` and `context()`, from the cache when `key` is given and it holds it."""

    def content() -> str:
        return render_template(f"{page}_content.html", **shell, **context())

    if key is None:
        html = Markup(content())
    else:
        html = rendered(f"page-{page}", (*key, current_user.role), content)
    return render_template(f"{page}.html", content=html, **shell)
