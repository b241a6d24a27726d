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
