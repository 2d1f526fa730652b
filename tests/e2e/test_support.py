"""The browser tests' own plumbing: CDN files come from node_modules, nothing else gets out."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page

from tests.e2e import support
from tests.e2e.support import LiveServer


@pytest.fixture
def chart_js_version() -> str:
    """The chart.js version package.json pins (installed by `npm ci`)."""
    pinned = json.loads((support.ROOT / "package.json").read_text())["devDependencies"]
    return str(pinned["chart.js"])


def test_npm_file_serves_the_pinned_package(chart_js_version: str) -> None:
    local, problem = support.npm_file(f"/npm/chart.js@{chart_js_version}/dist/chart.umd.min.js")
    assert problem is None
    assert local is not None and local.is_file()


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/npm/chart.js@0.0.1/dist/chart.umd.min.js", "package.json pins"),
        ("/npm/left-pad@1.3.0/index.js", "not in package.json"),
        ("/npm/chart.js@{v}/../../package.json", "no file"),
        ("/npm/chart.js@{v}/dist/missing.js", "no file"),
        ("/some/other/path.js", None),
    ],
)
def test_npm_file_refuses_what_is_not_installed(
    chart_js_version: str, path: str, problem: str | None
) -> None:
    local, reason = support.npm_file(path.format(v=chart_js_version))
    assert local is None
    assert (reason is None) if problem is None else (problem in str(reason))


def test_cdn_request_is_answered_from_node_modules(
    page: Page, live_server: LiveServer, chart_js_version: str
) -> None:
    response = page.goto(f"https://cdn.example.org/npm/chart.js@{chart_js_version}/package.json")
    assert response is not None and response.ok
    assert json.loads(response.text())["version"] == chart_js_version


def test_router_blocks_other_outside_requests(live_server: LiveServer) -> None:
    router = support.OfflineRouter(live_server.base_url)
    calls: list[str] = []

    class FakeRoute:
        class request:  # noqa: N801 - mimics Playwright's attribute
            url = "https://tracker.example.org/beacon.gif"

        def abort(self) -> None:
            calls.append("abort")

    router(FakeRoute())  # type: ignore[arg-type]
    assert calls == ["abort"]
    assert router.blocked == ["https://tracker.example.org/beacon.gif"]
