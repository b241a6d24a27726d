"""Every list with the shared filter bar (components/filter_bar.html): a filter changes the
address bar to the page's own address with the filter, never to the rows' address (the
defect: ``&partial=1`` was pushed, and reloading it drew the rows alone, unstyled)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.journeys.steps import no_error_on_page, sign_in, swapped

pytestmark = [pytest.mark.browser]

# every page that includes components/filter_bar.html (the administrator sees them all)
LISTS = [
    "incidents:list",
    "problems:list",
    "changes:list",
    "changes:freezes",
    "cmdb:list",
    "assets:list",
    "software:list",
    "sla:list",
    "sla:calendar_list",
    "core:user_list",
    "mailboxes:messages",
]


def test_a_filter_pushes_the_pages_own_address_and_reloading_it_draws_the_page(page):
    sign_in(page, "admin")
    for name in LISTS:
        page.goto(reverse(name))
        page.wait_for_load_state("load")
        title = page.get_by_role("heading", level=1).inner_text()
        search = page.get_by_role("searchbox", name="Search")
        search.fill("zz")
        swapped(page)
        expect(page).to_have_url(re.compile(r"[?&]q=zz"))
        assert "partial" not in page.url, f"{name}: pushed {page.url}"
        page.reload()
        page.wait_for_load_state("load")
        # the whole page again (its navigation, heading and bar), the filter kept
        expect(page.get_by_role("navigation", name="Modules")).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        expect(page.get_by_role("searchbox", name="Search")).to_have_value("zz")
        no_error_on_page(page)


def test_a_filter_chosen_while_the_page_still_loads_is_not_lost(page):
    """The page is drawn while its deferred scripts load: a priority chosen then was heard by
    no one, and the bar said P1 over rows of every priority (the lead's journey in CI). Here
    every request waits 1.5 s (the browser's cache off), so the choice is made before htmx
    has started; the rows and the address must follow it once htmx has."""
    sign_in(page, "agent")
    page.route("**/*", lambda route: route.continue_())  # no cache: scripts load slowly too
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    slow = {"offline": False, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", slow)
    page.goto(reverse("incidents:list") + "?queue=open", wait_until="commit")
    priority = page.get_by_role("combobox", name="Priority")
    priority.select_option(label="P1")
    assert page.evaluate("() => !window.htmx"), "htmx had started: the choice came too late"
    page.wait_for_load_state("load")
    swapped(page)
    no_error_on_page(page)
    expect(page).to_have_url(re.compile(r"[?&]priority=1\b"))
    badges = page.locator("#rows [class*=priority-]")
    expect(badges.first).to_be_visible()
    assert set(badges.all_inner_texts()) == {"P1"}, badges.all_inner_texts()
