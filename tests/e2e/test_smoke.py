"""Smoke test in a real browser: every role signs in, finds a plan, switches language, signs out."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Account
from tests.e2e.support import LiveServer

ROLES = ["admin", "planner", "department", "oversight"]


def account_for(accounts: list[Account], role: str, language: str = "en") -> Account:
    """The demo account with `role` whose interface language is `language`."""
    found = [a for a in accounts if a.role == role and a.language == language]
    assert found, f"no demo account with the role {role} in {language}: {accounts}"
    return found[0]


def sign_in(page: Page, account: Account) -> None:
    """Sign in through the real login page."""
    page.goto("/login")
    page.get_by_label("E-mail").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_login_page_is_accessible(
    page: Page, live_server: LiveServer, axe: Callable[[Page], None]
) -> None:
    page.goto("/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    axe(page)


def test_wrong_password_is_refused(
    page: Page, live_server: LiveServer, demo_accounts: list[Account]
) -> None:
    account = account_for(demo_accounts, "planner")
    page.goto("/login")
    page.get_by_label("E-mail").fill(account.email)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_text("The e-mail or password is not correct.").first).to_be_visible()


@pytest.mark.parametrize("role", ROLES)
def test_role_signs_in_reads_a_plan_and_signs_out(
    page: Page,
    live_server: LiveServer,
    demo_accounts: list[Account],
    axe: Callable[[Page], None],
    role: str,
) -> None:
    sign_in(page, account_for(demo_accounts, role))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    axe(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Plans").click()
    expect(page).to_have_url(re.compile(r"/plans/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Plans")
    plan_links = page.get_by_role("main").get_by_role("rowheader").get_by_role("link")
    expect(plan_links.first).to_be_visible()
    plan_links.first.click()
    expect(page).to_have_url(re.compile(r"/plans/[^/]+/$"))
    expect(page.get_by_role("heading", level=2).first).to_be_visible()
    axe(page)

    overview = page.url
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert page.url == overview, "the language toggle should stay on the same page"

    page.locator("form[action$='/logout'] button").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_french_speaking_user_gets_the_french_interface(
    page: Page, live_server: LiveServer, demo_accounts: list[Account]
) -> None:
    sign_in(page, account_for(demo_accounts, "department", language="fr"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
