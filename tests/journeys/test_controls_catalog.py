"""The service catalogue's controls no other journey drives (tests/journeys/controls.py): the
catalogue's search and category, the optional questions of two orders (a date, a text), a
file added to a request and the request cancelled, a request rejected by the manager, and
the fulfilment queue's tabs with and without the SLA filter."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import heading, no_error_on_page, open_module, sign_in, swapped
from tests.journeys.test_catalog_request import sign_out

pytestmark = [pytest.mark.browser]


def a_requester() -> str:
    """A demo requester other than alice (her journeys read her own lists) and other than
    the one the incident journeys log calls for; the demo made lead every requester's
    manager."""
    from steward.core.models import User

    people = (
        User.objects.filter(groups__name="requester", is_active=True, manager__username="lead")
        .exclude(username="alice")
        .order_by("-username")
    )
    return people[1].username


def items(page) -> list[str]:
    return page.locator(".catalogue-item h3").all_inner_texts()


def answer(page, term: str):
    return page.locator(f"dt:text-is('{term}') + dd")


def order(page, item: str) -> str:
    """From the catalogue, the item's order form; returns nothing (the caller fills it)."""
    open_module(page, "Service catalogue")
    page.get_by_role("link", name=item, exact=True).click()
    heading(page, item)
    return item


def test_requester_searches_the_catalogue_orders_attaches_and_cancels(page):
    person = a_requester()
    sign_in(page, person)
    open_module(page, "Service catalogue")
    heading(page, "Service catalogue")
    everything = items(page)
    assert "Monitor" in everything, everything
    assert "VPN access" in everything, everything

    # a word, typed: the list narrows as she types (no button to press: it is there only
    # without JavaScript), the address follows, so reload and back keep the search
    expect(page.get_by_role("button", name="Show")).to_have_count(0)
    search = page.get_by_label("Search the catalogue")
    search.press_sequentially("laptop")
    found = page.locator(".catalogue-item")
    expect(found.filter(has_text="Monitor")).to_have_count(0)
    expect(found.filter(has_text="New laptop")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/catalog/\?(.*&)?q=laptop"))
    assert "partial" not in page.url
    swapped(page)
    expect(search).to_be_focused()  # typing goes on where it was
    expect(search).to_have_value("laptop")
    for text in found.all_inner_texts():
        assert "laptop" in text.lower(), text
    page.reload()
    heading(page, "Service catalogue")
    expect(found.filter(has_text="Monitor")).to_have_count(0)
    expect(page.get_by_label("Search the catalogue")).to_have_value("laptop")
    # a category, the search cleared: that category's group alone
    page.get_by_label("Search the catalogue").fill("")
    expect(found.filter(has_text="Monitor")).to_have_count(1)
    page.get_by_label("Category").select_option(label="Access")
    expect(page.locator(".catalogue-group h2")).to_have_text(["Access"])
    swapped(page)
    expect(page.get_by_role("link", name="VPN access")).to_be_visible()
    expect(page.get_by_role("link", name="Monitor")).to_have_count(0)
    no_error_on_page(page)

    # a loan, with what it is for (an optional text): shown on the request
    order(page, "Laptop loan")
    page.get_by_label("Model", exact=True).select_option(index=1)
    page.get_by_label("Return by").fill("2027-02-26")
    page.get_by_label(re.compile("^What for")).fill("Customer workshop in Lyon")
    page.get_by_role("button", name="Order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^REQ\d{7} · Laptop"))
    expect(answer(page, "What for")).to_have_text("Customer workshop in Lyon")

    # a laptop needed by a date, a file added after ordering, then not needed after all
    order(page, "New laptop")
    page.get_by_label("Model", exact=True).select_option(label='Standard 14"')
    page.get_by_label("Keyboard layout").select_option(label="German")
    needed_by = page.get_by_label(re.compile("^Needed by"))
    # the defect: a day gone by (2020) was taken without a word; now refused on the field,
    # the answers kept
    needed_by.fill("2020-01-01")
    page.get_by_role("button", name="Order").click()
    heading(page, "New laptop")
    expect(page.locator(".field", has=needed_by).locator(".error")).to_have_text(
        "must be today or later"
    )
    expect(needed_by).to_have_value("2020-01-01")
    expect(page.get_by_label("Keyboard layout").locator("option:checked")).to_have_text("German")
    needed_by.fill("2027-03-01")
    page.get_by_role("button", name="Order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^REQ\d{7} · New"))
    expect(answer(page, "Needed by")).to_have_text(re.compile(r"1 Mar 2027|2027-03-01"))
    files = page.get_by_role("region", name="Attachments")
    with page.expect_file_chooser() as chooser:
        files.get_by_label("Files").click()
    chooser.value.set_files(
        {"name": "cost-centre.txt", "mimeType": "text/plain", "buffer": b"CC 4410\n"}
    )
    files.get_by_role("button", name="Upload").click()
    attached = page.get_by_role("region", name="Attachments").get_by_role("row")
    expect(attached.nth(1).get_by_role("cell").nth(0)).to_have_text("cost-centre.txt")
    expect(attached.nth(1).get_by_role("cell").nth(1)).to_have_text("8 bytes")
    swapped(page)
    page.get_by_role("button", name="Cancel this request").click()
    expect(page.locator("main .toolbar .status")).to_have_text("Cancelled")
    expect(page.get_by_role("button", name="Cancel this request")).to_have_count(0)
    no_error_on_page(page)


def test_manager_rejects_a_request_with_a_reason(page):
    person = a_requester()
    sign_in(page, person)
    order(page, "Mobile phone")
    page.get_by_label("Model", exact=True).select_option(label="Android")
    page.get_by_label("Keep your existing number?").select_option(label="Yes")
    page.get_by_label("Existing number", exact=True).fill("+44 7700 900123")
    page.get_by_label("Business justification").fill("On call for the network team")
    page.get_by_role("button", name="Order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^REQ\d{7} · Mobile"))
    number = page.get_by_role("heading", level=1).inner_text().split(" ")[0]
    expect(page.locator("main .toolbar .status")).to_have_text("Awaiting approval")
    expect(answer(page, "Existing number")).to_have_text("+44 7700 900123")
    sign_out(page)

    sign_in(page, "lead")
    open_module(page, "Approvals")
    page.get_by_role("link", name=number).click()
    page.get_by_label("Comment (optional)").fill("A pool phone covers on-call duty.")
    page.get_by_role("button", name="Reject").click()
    expect(page.locator("main .toolbar .status")).to_have_text("Rejected")
    expect(page.locator("#approvals")).to_contain_text("A pool phone covers on-call duty.")
    expect(page.get_by_role("button", name="Reject")).to_have_count(0)
    no_error_on_page(page)


QUEUES = ("My teams", "Mine", "All open", "Everything")


def test_fulfiller_walks_the_task_queues_with_and_without_the_sla_filter(page):
    sign_in(page, "am")
    open_module(page, "Fulfilment tasks")
    heading(page, "Fulfilment tasks")
    tabs = page.get_by_role("navigation", name="Queues")
    sla = page.get_by_role("navigation", name="SLA")
    task = page.get_by_role("link", name=re.compile("^TASK"))
    rows = page.locator("main tbody tr").filter(has=task)

    def shown(column: int) -> list[str]:
        return [t.strip() for t in rows.locator(f"td:nth-child({column})").all_inner_texts()]

    counts = {}
    for due_soon in (False, True):
        if due_soon:
            sla.get_by_role("link", name="Due soon").click()
            expect(sla.get_by_role("link", name="Due soon")).to_have_attribute(
                "aria-current", "page"
            )
        for name in QUEUES:
            tabs.get_by_role("link", name=name, exact=True).click()
            expect(tabs.get_by_role("link", name=name, exact=True)).to_have_attribute(
                "aria-current", "page"
            )
            # the SLA filter stays as chosen while the queue changes
            current = "Due soon" if due_soon else "Any"
            expect(sla.get_by_role("link", name=current)).to_have_attribute("aria-current", "page")
            no_error_on_page(page)
            if name == "Mine":
                assert set(shown(6)) <= {"Arne Assets"}, shown(6)
            if name == "My teams":
                assert set(shown(5)) <= {"Workplace"}, shown(5)
            if name != "Everything":
                assert not {"Done", "Cancelled"} & set(shown(4)), shown(4)
            counts[name, due_soon] = rows.count()
    assert counts["Everything", False] >= counts["All open", False] >= counts["My teams", False]
    assert counts["My teams", False] > 0, counts
    for name in QUEUES:  # due soon: a part of each queue
        assert counts[name, True] <= counts[name, False], counts
