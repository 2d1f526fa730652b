"""A planner builds a plan in the browser, partly by keyboard, and activates it; a department
then reports on it. The authoring pages pass axe in English and French, and fit 390 px and
1366 px wide screens without sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Account
from tests.e2e.support import LiveServer
from tests.e2e.test_smoke import account_for, sign_in

WIDTHS = (390, 1366)


def fits(page: Page) -> None:
    """No page-level sideways scroll at any of WIDTHS."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {width}px"


def check(page: Page, axe: Callable[[Page], None]) -> None:
    fits(page)
    axe(page)


def test_a_planner_builds_and_activates_a_plan(
    page: Page,
    live_server: LiveServer,
    demo_accounts: list[Account],
    axe: Callable[[Page], None],
) -> None:
    sign_in(page, account_for(demo_accounts, "planner"))
    page.goto("/plans/new")
    check(page, axe)
    # Keyboard only for this form: type into each field in tab order.
    page.get_by_label("Short name (in the plan's web address)").focus()
    page.keyboard.type("e2e-pillars")
    page.keyboard.press("Tab")  # title in English
    page.keyboard.type("Pillars plan")
    page.keyboard.press("Tab")  # title in French, left to translate
    page.get_by_label("First fiscal year").focus()
    page.keyboard.type("2025")
    page.keyboard.press("Tab")
    page.keyboard.type("2027")
    page.get_by_label("First level, in English").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Pillar")
    page.get_by_role("button", name="Create the draft plan").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url("/plans/e2e-pillars/edit")
    expect(page.get_by_text("French to translate").first).to_be_visible()
    check(page, axe)

    for code, name in (("P1", "People"), ("P2", "Platforms")):  # headings show the name
        page.get_by_label("Code").fill(code)
        page.locator("#area-name_en").fill(name)
        page.locator("#area-name_fr").fill(f"{name} (fr)")
        page.get_by_role("button", name="Add the area").click()
        expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()

    for code, area in (("1.1", "P1"), ("1.2", "P1"), ("2.1", "P2")):
        page.goto(f"/plans/e2e-pillars/actions/new?area={area}")
        page.get_by_label("Code").fill(code)
        page.locator("#title_en").fill(f"Priority {code}")
        page.get_by_label("Lead department").select_option("SSC")
        page.get_by_label("Start quarter").select_option("2025-Q1")
        page.get_by_label("Baseline target quarter").select_option("2027-Q4")
        page.get_by_role("button", name="Add the action").click()
        expect(page).to_have_url(f"/plans/e2e-pillars/actions/{code}/edit")
        page.locator("#milestone-code").fill("M1")
        page.locator("#milestone-title_en").fill("First result")
        page.locator("#milestone-baseline_due").fill("2026-03-31")
        page.get_by_role("button", name="Add the milestone").click()
        expect(page.get_by_text("The milestone is added.")).to_be_visible()
    check(page, axe)

    page.goto("/plans/e2e-pillars/edit")
    page.get_by_role("button", name="Activate the plan").click()
    expect(page.get_by_text("The plan is active.")).to_be_visible()
    page.goto("/plans/e2e-pillars/changes")
    expect(page.get_by_role("cell", name="Status changed")).to_be_visible()
    check(page, axe)

    page.get_by_role("button", name="Français").click()
    for url in (
        "/plans/e2e-pillars/edit",
        "/plans/e2e-pillars/actions/1.1/edit",
        "/plans/e2e-pillars/changes",
        "/plans/new",
    ):
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        check(page, axe)


def test_a_department_sees_an_activated_plan(
    page: Page, live_server: LiveServer, demo_accounts: list[Account]
) -> None:
    sign_in(page, account_for(demo_accounts, "department"))
    page.goto("/plans/")
    expect(page.get_by_role("link", name="Pillars plan")).to_be_visible()
