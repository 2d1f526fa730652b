"""Browser tests: the real app under gunicorn, driven by Debian's Chromium through Playwright.

Every test in this folder is marked `e2e` (`make test` leaves them out; `make e2e` runs them).
Outside CI a missing Chromium skips them; in CI (CI=true) it fails them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    sync_playwright,
)

from tests.e2e import support

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS = E2E_DIR / "artifacts"
PHASE_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@dataclass(frozen=True)
class Account:
    """A demo account the browser signs in with."""

    role: str
    email: str
    password: str
    language: str = "en"


def pytest_itemcollected(item: pytest.Item) -> None:
    """Mark every test under tests/e2e as `e2e`."""
    if item.path.is_relative_to(E2E_DIR):
        item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the item so fixtures can tell whether the test failed."""
    report = yield
    item.stash.setdefault(PHASE_REPORTS, {})[report.when] = report
    return report


def unavailable(reason: str) -> None:
    """Skip locally, but fail in CI: a browser pass that did not run is not a pass."""
    if support.in_ci():
        pytest.fail(f"{reason} (CI=true: a skipped browser test is a failure)", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class SeededDatabase:
    """A migrated SQLite database with the demo data, and the server environment that uses it."""

    env: dict[str, str]
    accounts: list[Account]
    workdir: Path


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> SeededDatabase:
    """`flask db upgrade` then `flask seed demo` on a fresh SQLite file, once a session."""
    workdir = tmp_path_factory.mktemp("live")
    env = support.server_env(f"sqlite:///{workdir / 'e2e.db'}")
    support.flask(env, "db", "upgrade")
    return SeededDatabase(env, seed(env), workdir)


@pytest.fixture(scope="session")
def demo_accounts(seeded_database: SeededDatabase) -> list[Account]:
    """The demo accounts to sign in with (one or more per role)."""
    return seeded_database.accounts


@pytest.fixture(scope="session")
def live_server(seeded_database: SeededDatabase) -> Iterator[support.LiveServer]:
    """The seeded database served by gunicorn for the whole session."""
    server = support.start_server(seeded_database.env, seeded_database.workdir / "gunicorn.log")
    yield server
    server.stop()


def seed(env: dict[str, str]) -> list[Account]:
    """Load the demo data with `flask seed demo` and return its accounts."""
    from tracker.demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD

    support.flask(env, "seed", "demo")
    return [
        Account(account.role.value, account.email, DEMO_PASSWORD, account.language)
        for account in DEMO_ACCOUNTS
    ]


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    """One Playwright driver for the session."""
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless; Playwright's own browser download is never used."""
    if not support.CHROMIUM.exists():
        unavailable(f"{support.CHROMIUM} is missing: apt-get install chromium")
    browser = playwright_session.chromium.launch(
        executable_path=str(support.CHROMIUM), headless=True, args=support.CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(
    browser: Browser, live_server: support.LiveServer, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A fresh browser context on the live server that can reach nothing else."""
    context = browser.new_context(base_url=live_server.base_url, locale="en-CA")
    router = support.OfflineRouter(live_server.base_url)
    context.route("**/*", router)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"uncaught error: {error}"))
    page.on("console", lambda message: note_console_error(message, problems))
    page.on("response", lambda response: note_broken_resource(response, problems))
    yield page
    if failed(request.node):
        save_screenshot(page, request.node)
    context.close()
    problems += [f"request to the outside was blocked: {url}" for url in router.blocked]
    if problems:
        pytest.fail("The page misbehaved:\n" + "\n".join(problems), pytrace=False)


def note_console_error(message: ConsoleMessage, problems: list[str]) -> None:
    """Remember console errors such as Content-Security-Policy violations."""
    # HTTP statuses are judged by note_broken_resource: a 4xx page can be the expected answer.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        problems.append(f"console error: {message.text}")


def note_broken_resource(response: Response, problems: list[str]) -> None:
    """Remember a stylesheet, script or image that failed to load."""
    if response.status >= 400 and response.request.resource_type != "document":
        problems.append(f"{response.status} for {response.request.resource_type} {response.url}")


def failed(item: pytest.Item) -> bool:
    """True when the test's setup or body failed."""
    reports = item.stash.get(PHASE_REPORTS, {})
    return any(report.failed for report in reports.values())


def save_screenshot(page: Page, item: pytest.Item) -> None:
    """Save a full-page screenshot of a failed test in tests/e2e/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)[-150:]
    path = ARTIFACTS / f"{name}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as error:  # noqa: BLE001 - a screenshot must never hide the real failure
        print(f"could not save a screenshot: {error}")
    else:
        print(f"screenshot of the failure: {path}")


@pytest.fixture
def axe() -> Callable[[Page], None]:
    """A check that the page has no WCAG 2.1 A/AA violations axe-core can detect."""
    checker = Axe()

    def check(page: Page) -> None:
        options = {"runOnly": {"type": "tag", "values": support.WCAG_TAGS}}
        results = checker.run(page, options={**options, "resultTypes": ["violations"]})
        violations = results.response["violations"]
        if violations:
            pytest.fail(support.axe_report(page.url, violations), pytrace=False)

    return check
