"""Controls no other journey drives (tests/journeys/controls.py) on the knowledge pages (every
field of an article edited and read back, its review and publication moves, a file, a "No"
vote), the SLA pages (a policy with every optional condition, the calendars' search) and
the received mail (its search and outcome filter)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import heading, no_error_on_page, open_module, pick, sign_in, swapped
from tests.journeys.test_administrator import open_administration

pytestmark = [pytest.mark.browser]


def test_knowledge_author_edits_every_field_reviews_publishes_and_votes(page):
    sign_in(page, "lead")
    open_module(page, "Knowledge")
    page.get_by_role("link", name="New article").click()
    heading(page, "New article")
    page.get_by_label("Title").fill("VPN PIN")
    page.get_by_label("Body").fill("Ask the desk.")
    page.get_by_label("Audience").select_option(label="Agents only")
    page.get_by_label("Category").select_option(label="Network")
    page.get_by_label("Review by").fill("2027-03-31")
    page.get_by_role("button", name="Save").click()
    heading(page, "VPN PIN")
    work = page.get_by_role("region", name="Work it")
    expect(work).to_contain_text("Draft")
    article = page.locator("article.kb-article")
    expect(article).to_contain_text("Agents only")
    expect(article).to_contain_text("review by 31 Mar 2027")

    # every field edited, then read back on the article and in the form
    page.get_by_role("link", name="Edit", exact=True).click()
    heading(page, re.compile(r"^Edit KB\d{7}$"))
    page.get_by_label("Title").fill("Reset a forgotten VPN PIN")
    page.get_by_label("Body").fill(
        "## Steps\n\n1. Open the VPN client.\n2. Choose *Forgot PIN*.\n3. Enter the mailed code."
    )
    page.get_by_label("Audience").select_option(label="Everyone")
    page.get_by_label("Category").select_option(label="Network › VPN")
    page.get_by_label("Review by").fill("2027-06-30")
    page.get_by_role("button", name="Save").click()
    heading(page, "Reset a forgotten VPN PIN")
    expect(article).to_contain_text("Draft · Everyone · owner Lee Lead · review by 30 Jun 2027")
    expect(article).to_contain_text("VPN")
    expect(article.locator(".kb-body ol li")).to_have_count(3)
    expect(article.get_by_role("heading", name="Steps")).to_be_visible()
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_label("Audience")).to_have_value("everyone")
    expect(page.get_by_label("Review by")).to_have_value("2027-06-30")
    expect(page.get_by_label("Category").locator("option:checked")).to_have_text("Network › VPN")
    page.get_by_role("link", name=re.compile(r"^← KB")).click()

    # a screenshot of the client, attached
    files = page.get_by_role("region", name="Attachments")
    with page.expect_file_chooser() as chooser:
        files.get_by_label("Files").click()
    chooser.value.set_files({"name": "client.txt", "mimeType": "text/plain", "buffer": b"PIN\n"})
    files.get_by_role("button", name="Upload").click()
    attached = page.get_by_role("region", name="Attachments").get_by_role("row")
    expect(attached.nth(1).get_by_role("cell").nth(0)).to_have_text("client.txt")
    swapped(page)

    # sent for review, back to draft, then published straight away
    work = page.get_by_role("region", name="Work it")
    work.get_by_role("button", name="Send for review").click()
    expect(page.get_by_role("region", name="Work it")).to_contain_text("In review")
    page.get_by_role("region", name="Work it").get_by_role("button", name="Back to draft").click()
    expect(page.get_by_role("region", name="Work it")).to_contain_text("State: Draft")
    page.get_by_role("region", name="Work it").get_by_role("button", name="Publish").click()
    work = page.get_by_role("region", name="Work it")
    expect(work).to_contain_text("Published")
    expect(work.get_by_role("link", name="Version 1")).to_be_visible()

    # not helpful, as a reader says
    feedback = page.get_by_role("region", name="Was this helpful?")
    feedback.get_by_role("button", name="No").click()
    feedback = page.get_by_role("region", name="Was this helpful?")
    expect(feedback).to_contain_text("you marked this not helpful")
    expect(feedback.get_by_role("button", name="No")).to_have_attribute("aria-pressed", "true")

    # out of date: retired, then revived as a draft to rework
    page.get_by_role("region", name="Work it").get_by_role("button", name="Retire").click()
    expect(page.get_by_role("region", name="Work it")).to_contain_text("State: Retired")
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    page.get_by_role("region", name="Work it").get_by_role("button", name="Revive as draft").click()
    expect(page.get_by_role("region", name="Work it")).to_contain_text("State: Draft")

    # found again in the list: the drafts, searched by a word of its title
    page.get_by_role("link", name="← Knowledge").click()
    heading(page, "Knowledge")
    # the latest articles fill more than a page: the next one, then back to the first
    latest = page.locator("#articles tbody td:first-child")
    first = latest.all_inner_texts()
    pages = page.get_by_role("navigation", name="Pages")
    pages.get_by_role("link", name="Next page").click()
    expect(pages.get_by_role("link", name="First page")).to_be_visible()
    second = latest.all_inner_texts()
    assert second, "the next page is empty"
    assert not set(second) & set(first), (first, second)
    pages.get_by_role("link", name="First page").click()
    expect(latest.first).to_have_text(first[0])
    expect(pages.get_by_role("link", name="First page")).to_have_count(0)
    page.get_by_label("Search articles").fill("forgotten VPN PIN")
    page.get_by_label("State").select_option(label="Draft")
    page.get_by_role("button", name="Search").click()
    articles = page.get_by_role("region", name=re.compile("Best matches"))
    expect(articles.get_by_role("heading")).to_have_text("Best matches for “forgotten VPN PIN”")
    row = articles.locator("tbody tr").filter(has_text="Reset a forgotten VPN PIN")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Draft")
    for state in articles.locator("tbody tr td:nth-child(3)").all_inner_texts():
        assert state.strip() == "Draft", state
    no_error_on_page(page)


def test_administrator_adds_an_sla_policy_with_every_condition_and_searches_calendars(page):
    sign_in(page, "admin")
    open_module(page, "SLA")
    heading(page, "SLA policies")
    page.get_by_role("link", name="New policy").click()
    heading(page, "New SLA policy")
    page.get_by_label("Name").fill("Payroll VIPs (draft)")
    page.get_by_label("Business calendar").select_option(label="Berlin office hours")
    page.get_by_label("Response target").fill("60")
    page.get_by_label("Resolution target").fill("480")
    page.get_by_label("P1", exact=True).check()
    page.get_by_label("P2", exact=True).check()
    services = page.get_by_role("combobox", name="Services")
    pick(page, services, "Payr", "Payroll")
    # picked, removed (a second thought), picked again: one chip
    page.get_by_role("button", name="Remove Payroll").click()
    expect(page.get_by_role("button", name="Remove Payroll")).to_have_count(0)
    pick(page, services, "Payr", "Payroll")
    expect(page.get_by_role("button", name="Remove Payroll")).to_have_count(1)
    organisations = page.get_by_role("combobox", name="Organisations")
    pick(page, organisations, "Conto", "Contoso Retail")
    page.get_by_role("button", name="Remove Contoso Retail").click()
    pick(page, organisations, "Conto", "Contoso Retail")
    page.get_by_label("Pause while awaiting approval").check()
    # not in force yet: no other journey's incident is timed by it
    page.get_by_label("Active", exact=True).uncheck()
    page.get_by_role("button", name="Add policy").click()
    heading(page, "Payroll VIPs (draft)")
    expect(page.locator(".toolbar .chip")).to_have_text("Inactive")
    targets = page.get_by_role("region", name="Targets")
    expect(targets).to_contain_text("1 h of business time")
    expect(targets.locator("dt:text-is('Awaiting approval') + dd")).to_have_text(
        "paused (catalogue requests)"
    )
    applies = page.get_by_role("region", name="Applies to")
    expect(applies.locator("dt:text-is('Priorities') + dd")).to_have_text("P1, P2")
    expect(applies.locator("dt:text-is('Services') + dd")).to_contain_text("Payroll")
    expect(applies.locator("dt:text-is('Organisations') + dd")).to_contain_text("Contoso Retail")
    no_error_on_page(page)

    # the calendars, searched by name
    page.get_by_role("link", name="← SLA policies").click()
    page.get_by_role("navigation", name="SLA configuration").get_by_role(
        "link", name="Business calendars"
    ).click()
    heading(page, "Business calendars")
    names = page.locator("#rows td:first-child")
    search = page.get_by_role("searchbox", name="Search")
    search.fill("berlin")
    swapped(page)
    expect(names).to_have_text(["Berlin office hours"])
    search.fill("atlantis")
    swapped(page)
    expect(names.get_by_role("link")).to_have_count(0)
    # the defect: an unmatched search said "No business calendar yet."
    expect(page.locator("#rows")).to_contain_text("No calendar's name matches the search.")
    no_error_on_page(page)


def test_administrator_searches_received_mail_and_filters_by_outcome(page):
    from steward.mailboxes.models import Mailbox
    from steward.mailboxes.services import mail_ingest
    from tests.mailboxes.conftest import eml

    desk = Mailbox.objects.get(slug="service-desk")
    sender = "Pat Porter <pat.porter@example.com>"
    opened = mail_ingest(desk, eml(sender=sender, to=desk.address, subject="Badge: door 7 stuck"))
    assert opened.status == "created", opened.reason
    away = eml(
        sender=sender,
        to=desk.address,
        subject="Badge: out of office",
        headers={"Auto-Submitted": "auto-replied"},
    )
    assert mail_ingest(desk, away).status == "ignored"

    sign_in(page, "admin")
    open_administration(page, "Mailboxes")
    page.get_by_role("navigation", name="Mail channel").get_by_role(
        "link", name="Received mail and quarantine"
    ).click()
    heading(page, "Received mail")
    rows = page.locator("#rows tr")
    # the filter is named as its column (it read "Status" above an "Outcome" column)
    status = page.get_by_role("combobox", name="Outcome")
    # the page opens on the quarantine, where neither message is
    expect(status.locator("option:checked")).to_have_text("Quarantined")
    search = page.get_by_role("searchbox", name="Search")
    search.fill("Badge:")
    swapped(page)
    # the defect: "No mail here.", as if no mail had come in
    expect(rows).to_have_text(["No mail matches this search and outcome."])
    status.select_option(label="Any")
    swapped(page)
    expect(rows.locator("td:nth-child(3)")).to_have_text(
        ["Badge: out of office", "Badge: door 7 stuck"]
    )
    status.select_option(label="Ignored (automatic mail or loop)")
    swapped(page)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Badge: out of office")
    expect(rows.first.locator("td:nth-child(4)")).to_contain_text("Ignored")
    status.select_option(label="Opened a record")
    swapped(page)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Badge: door 7 stuck")
    expect(rows.first.get_by_role("link", name=opened.record_number)).to_be_visible()
