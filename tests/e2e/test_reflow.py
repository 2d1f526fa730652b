"""Every page of every role on a 390 px phone, in English and French (WCAG 1.4.10 reflow).

Each role signs in and walks its pages by following the links it is shown, from its home page
(one page of each kind: /plans/<slug>/actions/<code> once, not once per action), plus the pages
that only a form leads to (comparing two revisions of an update, a plan file's preview). On each
page the document must be no wider than the screen, at 390 px and at 320 px (a wide table
scrolls in its own box or stacks as cards), and axe must find no WCAG 2.1 A/AA violation. Axe
runs once per kind of page and language, the width check on every page visited.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.e2e import support
from tests.e2e.conftest import Account, SeededDatabase
from tests.e2e.support import LiveServer
from tests.e2e.test_smoke import account_for, sign_in

PHONE: ViewportSize = {"width": 390, "height": 844}
SMALL_PHONE: ViewportSize = {"width": 320, "height": 640}  # WCAG 1.4.10's own width
ROLES = ["admin", "planner", "oversight", "department"]
# Links the walk never follows: signing out, files, the API, and anything that is not a page.
NOT_PAGES = re.compile(
    r"^/(logout|language|api/|static/)|\.(pdf|xlsx|csv|yaml|json)$|/(pdf|xlsx|csv)$|/template\."
)
MOST_PAGES = 80  # a bound on one walk, far above what any role is shown today
EXPECTED = {
    # Pages each role must have reached, whatever else it found: the list.
    "admin": {"/admin/users", "/admin/periods", "/admin/jobs", "/audit/", "/plans/new"},
    "planner": {"/review/", "/review/N", "/plans/P/attention", "/plans/P/compliance"},
    "oversight": {"/reports/", "/reports/N", "/audit/", "/plans/P/compliance"},
    "department": {"/updates/", "/updates/Q/actions/N", "/plans/P/actions/X"},
}
COMMON = {"/", "/plans/", "/plans/P/", "/plans/P/roadmap", "/plans/P/trends", "/account/password"}

WIDTH = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
# Chart.js redraws a canvas at the new size one or two animation frames after a resize.
SETTLED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
LINKS = """() => Array.from(document.querySelectorAll("a[href]:not([download])"),
  (a) => a.getAttribute("href"))"""

_axed: set[tuple[str, str]] = set()  # (language, kind of page) already checked by axe


@pytest.fixture(scope="module")
def issued_report(seeded_database: SeededDatabase) -> None:
    """One yearly report, so that the reports list has rows and a report has its page."""
    support.flask(
        seeded_database.env,
        "report",
        "generate",
        "--plan",
        "gc-it-strategic-plan-2016-2020",
        "--year",
        "2018",
    )


def kind_of(path: str) -> str:
    """The kind of page a path shows: numbers, codes, slugs and quarters left out."""
    path = re.sub(r"^(/plans/[^/]+/actions)/(?!new$)[^/]+", r"\1/X", path)
    path = re.sub(r"/updates/\d{4}-Q\d", "/updates/Q", path)
    path = re.sub(r"/\d+(?=/|$)", "/N", path)
    return re.sub(r"^/plans/(?!new$|import$|import/)[^/]+", "/plans/P", path)


def check(page: Page, axe: Callable[[Page], None], language: str) -> None:
    """The page fits the phone's width; axe passes once per kind of page and language."""
    page.wait_for_load_state("load")  # after a form's submission: its stylesheet too
    for size in (SMALL_PHONE, PHONE):
        page.set_viewport_size(size)
        page.evaluate(SETTLED)
        scroll_width, client_width = page.evaluate(WIDTH)
        assert scroll_width <= client_width, (
            f"{page.url} ({language}) is {scroll_width}px wide on a {client_width}px screen"
        )
    key = (language, kind_of(urlsplit(page.url).path))
    if key not in _axed:
        axe(page)
        _axed.add(key)


def walk(page: Page, axe: Callable[[Page], None], language: str) -> dict[str, str]:
    """Visit one page of each kind the signed-in user is linked to; kind -> URL visited."""
    seen: dict[str, str] = {}
    queue = ["/"]
    while queue and len(seen) < MOST_PAGES:
        url = queue.pop(0)
        kind = kind_of(urlsplit(url).path)
        if kind in seen:
            continue
        response = page.goto(url)
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        seen[kind] = url
        check(page, axe, language)
        for href in page.evaluate(LINKS):
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/") or NOT_PAGES.search(parts.path):
                continue
            if kind_of(parts.path) not in seen:
                queue.append(href.split("#")[0])
    return seen


def compare_revisions(page: Page, axe: Callable[[Page], None], language: str) -> None:
    """An action page's first "compare two revisions" form leads to the comparison."""
    page.goto("/plans/gc-it-strategic-plan-2016-2020/actions/S1.1")
    form = page.locator("form.compare-form").first
    expect(form).to_be_attached()
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/updates/\d+/compare\?"))
    check(page, axe, language)


def preview_a_plan_file(page: Page, axe: Callable[[Page], None], language: str) -> None:
    """A planner uploads a plan's own file to update it: the preview page."""
    slug = "departmental-it-plan-2025-2028"
    exported = page.request.get(f"/plans/{slug}/export.yaml")
    assert exported.ok
    page.goto(f"/plans/{slug}/import")
    page.locator("input[type=file]").set_input_files(
        {"name": f"{slug}.yaml", "mimeType": "application/x-yaml", "buffer": exported.body()}
    )
    page.locator("main form[enctype] [type=submit]").first.click()
    expect(page.locator("main table").first).to_be_visible()
    check(page, axe, language)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone(
    page: Page,
    live_server: LiveServer,
    demo_accounts: list[Account],
    axe: Callable[[Page], None],
    issued_report: None,
    role: str,
    language: str,
) -> None:
    # The department in French is the demo's French-speaking reporter; the others switch.
    account = account_for(demo_accounts, role, language if role == "department" else "en")
    page.set_viewport_size(PHONE)
    sign_in(page, account)
    if page.locator("html").get_attribute("lang") != language:
        page.locator("form.lang-toggle button").click()
        expect(page.locator("html")).to_have_attribute("lang", language)

    seen = walk(page, axe, language)

    missing = (COMMON | EXPECTED[role]) - seen.keys()
    assert not missing, f"the walk never reached {sorted(missing)}; it saw {sorted(seen)}"
    if role in ("planner", "department"):
        compare_revisions(page, axe, language)
    if role == "planner":
        preview_a_plan_file(page, axe, language)


def test_the_login_page_fits_a_phone(
    page: Page, live_server: LiveServer, axe: Callable[[Page], None]
) -> None:
    page.set_viewport_size(PHONE)
    for language in ("en", "fr"):
        page.goto("/login")
        if page.locator("html").get_attribute("lang") != language:
            page.locator("form.lang-toggle button").click()
            expect(page.locator("html")).to_have_attribute("lang", language)
        check(page, axe, language)
