"""The yearly reports in a real browser: a planner issues a year's report in English, then in
French; both stay the latest in their language; the pages pass axe."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Account
from tests.e2e.support import LiveServer
from tests.e2e.test_smoke import account_for, sign_in

REPORT_URL = re.compile(r"/reports/(\d+)$")


def generate(page: Page, target: str, language: str) -> str:
    """Generate a report through the form; the URL of the report page it lands on."""
    page.goto("/reports/")
    form = page.locator("form[action$='/reports/generate']")
    form.get_by_label("Plan and fiscal year").select_option(target)
    form.get_by_label("Language of the report").select_option(language)
    form.get_by_role("button", name="Generate the report").click()
    expect(page).to_have_url(REPORT_URL, timeout=60_000)
    return page.url


def test_english_then_french_both_stay_latest(
    page: Page,
    live_server: LiveServer,
    demo_accounts: list[Account],
    axe: Callable[[Page], None],
) -> None:
    sign_in(page, account_for(demo_accounts, "planner"))
    page.goto("/reports/")
    target = (
        page.get_by_label("Plan and fiscal year").locator("option").first.get_attribute("value")
    )
    assert target
    english = generate(page, target, "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("(English)")
    french = generate(page, target, "fr")
    expect(page.get_by_role("heading", level=1)).to_contain_text("(French)")
    axe(page)

    page.goto(english)
    expect(page.get_by_text("A newer version of this report exists")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^French, version"))).to_have_attribute(
        "href", re.compile(re.escape(french.rsplit("/", 1)[1]) + "$")
    )
    page.goto("/reports/")
    axe(page)
    rows = page.get_by_role("main").locator("tbody tr")
    latest = rows.filter(has=page.locator(".badge"))
    languages = [text.strip() for text in latest.locator("td:nth-child(2)").all_inner_texts()]
    assert "English" in languages and "French" in languages
