"""The audit trail in a real browser: events in words with links, a grouped filter, the CSV,
in English and French, with no accessibility violation axe can find."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Account
from tests.e2e.support import LiveServer
from tests.e2e.test_smoke import account_for, sign_in


def test_the_trail_reads_in_words_filters_and_downloads(
    page: Page, live_server: LiveServer, demo_accounts: list[Account], axe: Callable[[Page], None]
) -> None:
    admin = account_for(demo_accounts, "admin")
    sign_in(page, admin)
    page.goto("/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    table = page.get_by_role("region", name="Audit events")
    expect(table.get_by_text("signed in.").first).to_be_visible()
    expect(table.get_by_role("link", name="Alex Admin").first).to_have_attribute(
        "href", re.compile(r"^/admin/users/\d+$")
    )
    axe(page)

    page.get_by_label("Event", exact=True).select_option(label="Signed in")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"action=login\.succeeded"))
    rows = table.locator("tbody tr")
    assert 1 <= rows.count() <= 50
    for text in rows.all_inner_texts():
        assert "signed in." in text

    link = page.get_by_role("link", name="Download these events as CSV")
    response = page.request.get(link.get_attribute("href") or "")
    assert response.status == 200 and response.headers["content-type"].startswith("text/csv")
    body = response.text().removeprefix("\ufeff")
    assert body.startswith('"When (UTC, ISO 8601)",Kind,Description')
    assert "login.succeeded" in body and "login.failed" not in body

    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Piste de vérification")
    fr_table = page.get_by_role("region", name="Événements de vérification")
    expect(fr_table.get_by_text("Ouverture de session de").first).to_be_visible()
    axe(page)


def test_a_failed_sign_in_is_described_for_oversight(
    page: Page, live_server: LiveServer, demo_accounts: list[Account]
) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill("nobody@demo.gc.ca")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    sign_in(page, account_for(demo_accounts, "oversight"))
    page.goto("/audit/?action=login.failed")
    expect(
        page.get_by_text("Sign-in failed for nobody@demo.gc.ca: no account has this address.")
    ).to_be_visible()
    # Oversight may not open accounts: names are text, not links to the admin pages.
    page.goto("/audit/?action=login.succeeded")
    expect(page.locator('a[href^="/admin/users/"]')).to_have_count(0)
