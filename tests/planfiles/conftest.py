"""Fixtures for the plan-file pages: signed-in clients per role, a stored plan, upload helpers."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import post_form, rollups_agree_after, sign_in_as
from tests.factories.plans import plan_document
from tracker.extensions import db
from tracker.models import Role
from tracker.services.plans.files import export_plan_yaml, import_plan

SLUG = "test-plan-2016"
NEW_URL = "/plans/import"
UPDATE_URL = f"/plans/{SLUG}/import"
APPLY_NEW_URL = "/plans/import/apply"
APPLY_UPDATE_URL = f"/plans/{SLUG}/import/apply"
EXPORT_URL = f"/plans/{SLUG}/export.yaml"
SEALED_RE = re.compile(r'name="upload" type="hidden" value="([^"]+)"')


@pytest.fixture
def planner(app: Flask) -> FlaskClient:
    return client_for(app, Role.PLANNER)


def client_for(app: Flask, role: Role) -> FlaskClient:
    """A client signed in with a new user of `role`."""
    return sign_in_as(app, role)


@pytest.fixture
def stored_plan(app: Flask) -> dict[str, Any]:
    """The test plan, imported; returns its document."""
    document = plan_document()
    with app.app_context():
        import_plan(document)
    return document


def as_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def upload(client: FlaskClient, url: str, text: str | bytes, name: str = "plan.yaml") -> Any:
    """POST a plan file to an upload page."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return post_form(
        client, url, {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def sealed_upload(page: str) -> str:
    """The hidden field that carries the previewed file to "Apply"."""
    match = SEALED_RE.search(page)
    assert match, "no Apply form on the page"
    return html.unescape(match.group(1))


def apply(client: FlaskClient, url: str, page: str, preview_url: str, reason: str = "") -> Any:
    """Press "Apply" on a preview page (with a reason for the change log, if given)."""
    data = {"upload": sealed_upload(page)} | ({"reason": reason} if reason else {})
    return post_form(client, url, data, page=preview_url)


def stored_yaml(app: Flask) -> str:
    with app.app_context():
        db.session.expire_all()
        return export_plan_yaml(SLUG)


def text_of(response: Any) -> str:
    """The page's text, entities decoded and whitespace collapsed, for assertions."""
    body = html.unescape(response.get_data(as_text=True))
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


@pytest.fixture(autouse=True)
def _rollups_agree(request: pytest.FixtureRequest) -> Iterator[None]:
    yield from rollups_agree_after(request)
