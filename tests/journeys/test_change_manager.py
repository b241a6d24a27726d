"""The change manager (cm: Cara Change, on the CAB): approvals and the CAB on the home page,
a change moved to authorisation and approved, the change list, conflicts in words."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import (
    dates_in_house_style,
    heading,
    no_error_on_page,
    open_module,
    pick,
    shot,
    sign_in,
    swapped,
)

pytestmark = [pytest.mark.browser]


def change_rows(page):
    return page.locator("tbody tr").filter(has=page.get_by_role("link", name=re.compile("^CHG")))


def test_change_manager_sends_a_change_to_the_cab_and_approves_it(page):
    sign_in(page, "cm")
    # the defect: the home page showed incident counters and nothing about approvals or CAB
    expect(page.get_by_role("region", name="Approvals waiting for you")).to_be_visible()
    cab = page.get_by_role("region", name="Waiting for the CAB")
    expect(cab).to_contain_text("CHG")
    shot(page, "change-manager", "home")

    open_module(page, "Changes")
    heading(page, "Changes")
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="All").click()
    page.get_by_role("combobox", name="Status").select_option(label="Assessment")
    swapped(page)
    page.get_by_role("searchbox", name="Search").fill("Resize esx-00")
    page.get_by_role("searchbox", name="Search").press("Enter")
    swapped(page)
    no_error_on_page(page)
    expect(change_rows(page)).to_have_count(1)
    change_rows(page).get_by_role("link", name=re.compile("^CHG")).click()

    heading(page, re.compile("Resize esx-00 memory"))
    # CIs and services by name, with links (the defect: numbers only)
    details = page.get_by_role("region", name="Details")
    expect(details.get_by_role("link", name="esx-00")).to_be_visible()
    expect(details.get_by_role("link", name="Online shop")).to_be_visible()
    # only what the workflow allows: no scheduling before authorisation
    dates_in_house_style(page)
    move = page.get_by_role("region", name="Move it on")
    expect(move.get_by_role("button", name=re.compile("Schedule|Implement"))).to_have_count(0)
    move.get_by_role("button", name="Request authorisation").click()
    expect(page.locator(".toolbar .status")).to_have_text("Authorisation")
    expect(move.get_by_role("button", name=re.compile("Schedule|Implement"))).to_have_count(0)
    number = page.url.rstrip("/").rsplit("/", 1)[-1]

    open_module(page, "Overview")
    approvals = page.get_by_role("region", name="Approvals waiting for you")
    expect(approvals).to_contain_text(number)
    page.get_by_role("region", name="Waiting for the CAB").get_by_role(
        "link", name=re.compile("CAB agenda")
    ).click()
    swapped(page)
    item = page.get_by_role("region", name=re.compile(number))
    shot(page, "change-manager", "agenda")
    item.get_by_role("button", name="Approve").click()
    swapped(page)
    no_error_on_page(page)
    expect(item.or_(page.get_by_text(number)).first).to_contain_text(re.compile("Approved"))


def test_change_manager_finds_the_changes_waiting_for_her_under_approvals(page):
    """The Approvals module is where a CAB member looks first: it said "Nothing waits for your
    approval" (service requests only) while changes waited for her decision."""
    sign_in(page, "cm")
    # a change in assessment (the last one: the reject journey takes the first) goes to the CAB
    open_module(page, "Changes")
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="All").click()
    page.get_by_role("combobox", name="Status").select_option(label="Assessment")
    swapped(page)
    page.get_by_role("combobox", name="Type").select_option(label="Normal")
    swapped(page)
    change_rows(page).filter(has_not_text="Resize esx-00").last.get_by_role(
        "link", name=re.compile("^CHG")
    ).click()
    page.get_by_role("region", name="Move it on").get_by_role(
        "button", name="Request authorisation"
    ).click()
    expect(page.locator(".toolbar .status")).to_have_text("Authorisation")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]

    open_module(page, "Approvals")
    heading(page, "Approvals waiting for me")
    page.get_by_role("region", name="Changes").get_by_role(
        "link", name=re.compile(f"^{number} ")
    ).click()
    expect(page).to_have_url(re.compile(f"/changes/{number}/$"))
    expect(page.get_by_role("region", name="Move it on")).to_be_visible()


def test_change_manager_reads_a_conflict_in_words(page):
    sign_in(page, "cm")
    open_module(page, "Changes")
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="Scheduled").click()
    page.get_by_role("searchbox", name="Search").fill("Demo overlap 2")
    page.get_by_role("searchbox", name="Search").press("Enter")
    swapped(page)
    # wait for the search's rows (swapped in after the filter bar's short delay), then open it
    expect(change_rows(page).filter(has_not_text="Demo overlap 2")).to_have_count(0)
    change_rows(page).first.get_by_role("link", name=re.compile("^CHG")).click()
    conflicts = page.get_by_role("region", name="Conflicts")
    expect(conflicts).to_contain_text("core-sw-00")
    # the defect: conflicts spoke API (same_ci, override_reason)
    expect(conflicts).not_to_contain_text(re.compile(r"same_ci|override_reason|_"))
    shot(page, "change-manager", "conflict")


def test_change_manager_raises_a_change_on_cis_picked_by_name_and_freezes_a_service(page):
    sign_in(page, "cm")
    open_module(page, "Changes")
    page.get_by_role("link", name="New change").click()
    heading(page, "New change")
    page.get_by_label("Title").fill("Add memory to esx-03")
    # the defect: CIs and related incidents were typed as numbers
    cis = page.get_by_role("combobox", name="Affected CIs")
    chosen = page.locator(".field", has=cis).get_by_role("list", name="Chosen")
    pick(page, cis, "esx-03", re.compile("^esx-03"), guide=("change-manager", "picker"))
    pick(page, cis, "core-sw", re.compile("^core-sw-01"))
    expect(chosen.get_by_role("listitem")).to_have_text(
        [re.compile("esx-03"), re.compile("core-sw-01")]
    )
    chosen.get_by_role("button", name="Remove core-sw-01").click()
    expect(chosen.get_by_role("listitem")).to_have_text([re.compile("esx-03")])
    incidents = page.get_by_role("combobox", name="Related incidents")
    pick(page, incidents, "INC", re.compile("^INC"))
    related = page.locator(".field", has=incidents).get_by_role("listitem")
    expect(related).to_have_count(1)
    incident = related.inner_text().split()[0]
    shot(page, "change-manager", "new-change")
    page.get_by_role("button", name="Raise change").click()
    heading(page, re.compile("Add memory to esx-03"))
    no_error_on_page(page)
    details = page.get_by_role("region", name="Details")
    expect(details.get_by_role("link", name="esx-03")).to_be_visible()
    expect(details.get_by_role("link", name="core-sw-01")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(incident)).first).to_be_visible()
    # the implementation plan attached to the change (the defect: API only)
    files = page.get_by_role("region", name="Attachments")
    with page.expect_file_chooser() as chooser:
        files.get_by_label("Files").click()
    chooser.value.set_files(
        {"name": "plan.txt", "mimeType": "text/plain", "buffer": b"1. drain esx-03\n"}
    )
    files.get_by_role("button", name="Upload").click()
    rows = page.get_by_role("region", name="Attachments").get_by_role("row")
    expect(rows).to_have_count(2)  # the header and the plan
    expect(rows.nth(1).get_by_role("cell").nth(0)).to_have_text("plan.txt")
    expect(rows.nth(1).get_by_role("cell").nth(1)).to_have_text("16 bytes")
    swapped(page)

    # a freeze window on a service, its CI picked by name
    open_module(page, "Changes")
    page.get_by_role("link", name="Freeze windows").click()
    heading(page, "Freeze windows")
    page.get_by_role("link", name="New freeze window").click()
    heading(page, "New freeze window")
    page.get_by_label("Name").fill("Shop peak weekend")
    page.get_by_label("Starts").fill("2027-11-26T18:00")
    page.get_by_label("Ends").fill("2027-11-29T08:00")
    ci = page.get_by_role("combobox", name="Service CI")
    pick(page, ci, "online", re.compile("^Online shop"))
    expect(ci).to_have_value("Online shop")
    page.get_by_role("button", name="Save").click()
    heading(page, "Freeze windows")
    no_error_on_page(page)
    row = page.locator("tbody tr", has_text="Shop peak weekend")
    expect(row).to_contain_text("Online shop and what depends on it")
    expect(row).to_contain_text("upcoming")

    # the change calendar, from the freeze windows' page
    page.get_by_role("link", name="← Change calendar").click()
    heading(page, "Change calendar")
    page.get_by_role("link", name="Next →").click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    # its CI filter picks by name too (the defect: "CI number" typed)
    pick(page, page.get_by_role("combobox", name="CI"), "esx-03", re.compile("^esx-03"))
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    expect(page.get_by_role("combobox", name="CI")).to_have_value("esx-03")


def test_change_manager_rejects_a_change_at_the_cab_with_a_reason(page):
    sign_in(page, "cm")
    # a change in assessment (one the other journeys leave alone) goes to authorisation
    open_module(page, "Changes")
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="All").click()
    page.get_by_role("combobox", name="Status").select_option(label="Assessment")
    swapped(page)
    page.get_by_role("combobox", name="Type").select_option(label="Normal")
    swapped(page)
    no_error_on_page(page)
    expect(change_rows(page).filter(has_not_text="Normal")).to_have_count(0)
    candidate = change_rows(page).filter(has_not_text="Resize esx-00").first
    candidate.get_by_role("link", name=re.compile("^CHG")).click()
    page.get_by_role("region", name="Move it on").get_by_role(
        "button", name="Request authorisation"
    ).click()
    expect(page.locator(".toolbar .status")).to_have_text("Authorisation")
    requested = page.url.rstrip("/").rsplit("/", 1)[-1]

    # the home page's approvals panel lists it; the person clicks through from there
    open_module(page, "Overview")
    approvals = page.get_by_role("region", name="Approvals waiting for you")
    # a change that several policies gate (its risk decides) is listed once, its approvals'
    # labels side by side
    link = approvals.get_by_role("link", name=re.compile(requested))
    expect(link).to_have_count(1)
    link.click()
    page.wait_for_load_state("load")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    heading(page, re.compile(number))
    details = page.get_by_role("region", name="Details")
    expect(details).to_contain_text("Pending")
    requester = details.locator("dt:text-is('Requester') + dd").inner_text().split(" · ")[0]
    page.get_by_role("region", name="Approvals").get_by_role(
        "link", name="Decide on the CAB agenda"
    ).click()
    heading(page, "CAB agenda")
    item = page.get_by_role("region", name=re.compile(number))
    decide = item.locator("form.decide").first
    # rejecting without a reason is refused, in words, and decides nothing
    decide.get_by_role("button", name="Reject").click()
    swapped(page)
    expect(item.get_by_role("alert")).to_contain_text("say why you reject the change")
    expect(item.locator(".approval-state")).to_have_text("pending")
    reason = "Clashes with the quarter-end freeze; plan it for the week after."
    item.get_by_role("textbox", name=re.compile("^Comment on")).first.fill(reason)
    shot(page, "change-manager", "reject")
    item.locator("form.decide").first.get_by_role("button", name="Reject").click()
    swapped(page)
    no_error_on_page(page)
    expect(item.locator(".approval-state")).to_have_text("rejected")
    expect(item).to_contain_text(reason)
    expect(item.locator("form.decide")).to_have_count(0)  # nothing left to decide

    # the change's own page: rejected, the reason in its approvals, no way to schedule it
    item.get_by_role("link", name=number).click()
    heading(page, re.compile(number))
    no_error_on_page(page)
    expect(page.get_by_role("region", name="Details")).to_contain_text("Rejected")
    expect(page.get_by_role("region", name="Approvals")).to_contain_text(reason)
    move = page.get_by_role("region", name="Move it on")
    expect(move.get_by_role("button", name=re.compile("Schedule|Implement"))).to_have_count(0)
    dates_in_house_style(page)

    # the defect: nobody told the change's requester; now a mail says who rejected it and why
    from steward.core.models import OutgoingMail, User

    first, _, last = requester.partition(" ")
    who = User.objects.get(first_name=first, last_name=last)
    told = OutgoingMail.objects.filter(recipient=who.email, subject__contains=number)
    assert list(told.values_list("subject", flat=True)) == [
        f"[{number}] Change rejected: {heading_title(page, number)}"
    ]
    assert reason in told.get().body


def heading_title(page, number: str) -> str:
    return page.get_by_role("heading", level=1).inner_text().removeprefix(f"{number} · ")


def test_change_manager_reads_a_backwards_window_in_words_and_keeps_what_she_typed(page):
    sign_in(page, "cm")
    open_module(page, "Changes")
    page.get_by_role("link", name="New change").click()
    heading(page, "New change")
    page.get_by_label("Title").fill("Swap the fans of esx-05")
    page.get_by_label("Planned start").fill("2027-02-09T22:00")
    page.get_by_label("Planned end").fill("2027-02-09T21:00")  # an hour before the start
    page.get_by_role("button", name="Raise change").click()
    heading(page, "New change")
    # the defect: the error beside the end read "must be after planned_start", the field's
    # name in the code; now the start in words, and what she typed is still there
    end = page.locator(".field", has=page.get_by_label("Planned end"))
    expect(end.locator(".error")).to_have_text("must be after the planned start")
    expect(page.locator("main")).not_to_contain_text("planned_start")
    expect(page.get_by_label("Title")).to_have_value("Swap the fans of esx-05")
    expect(page.get_by_label("Planned start")).to_have_value("2027-02-09T22:00")
    page.get_by_label("Planned end").fill("2027-02-10T01:00")
    page.get_by_role("button", name="Raise change").click()
    heading(page, re.compile("Swap the fans of esx-05"))
    no_error_on_page(page)

    # a freeze window, likewise: the start in words, not "starts_at"
    open_module(page, "Changes")
    page.get_by_role("link", name="Freeze windows").click()
    page.get_by_role("link", name="New freeze window").click()
    heading(page, "New freeze window")
    page.get_by_label("Name").fill("Stocktake weekend")
    page.get_by_label("Starts").fill("2027-03-06T18:00")
    page.get_by_label("Ends").fill("2027-03-05T08:00")
    page.get_by_role("button", name="Save").click()
    heading(page, "New freeze window")
    ends = page.locator(".field", has=page.get_by_label("Ends"))
    expect(ends.locator(".error")).to_have_text("must be after the start")
    expect(page.locator("main")).not_to_contain_text("starts_at")
    expect(page.get_by_label("Name")).to_have_value("Stocktake weekend")


def test_a_cab_member_finds_what_awaits_him_on_his_home_page(page):
    """A CAB member who is no change manager (Felix, Hannah, …): his home page showed only
    the incident counters, nothing of the changes waiting for his decision (walk42). A
    rejection without a reason marks the comment box it is about and puts the focus there."""
    from steward.core.models import Team

    member = (
        Team.objects.get(slug="cab")
        .members.exclude(username="cm")
        .order_by("username")
        .values_list("username", flat=True)
        .first()
    )
    sign_in(page, member)
    approvals = page.get_by_role("region", name="Approvals waiting for you")
    expect(approvals).to_contain_text("Change Advisory Board")
    expect(page.get_by_role("region", name="Waiting for the CAB")).to_have_count(0)
    approvals.get_by_role("link", name=re.compile("^CHG")).first.click()
    page.wait_for_load_state("load")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    heading(page, re.compile(number))
    page.get_by_role("region", name="Approvals").get_by_role(
        "link", name="Decide on the CAB agenda"
    ).click()
    heading(page, "CAB agenda")
    # only what awaits his vote: the change he came for stays, the address keeps the choice
    page.get_by_role("combobox", name="Show").select_option(label="Awaiting my vote")
    swapped(page)
    expect(page).to_have_url(re.compile(r"[?&]mine=true"))
    item = page.get_by_role("region", name=re.compile(number))
    decide = item.locator("form.decide").first
    decide.get_by_role("button", name="Reject").click()
    swapped(page)
    expect(item.get_by_role("alert")).to_contain_text("say why you reject the change")
    box = item.get_by_role("textbox", name=re.compile("^Comment on")).first
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_be_focused()
    expect(item.locator(".approval-state")).to_have_text("pending")  # nothing decided


def test_change_manager_raises_a_change_titled_with_one_long_word(page):
    """A title of one long word (a build's digest pasted from the pipeline) ran the change
    page twice the window's width off the screen, the heading one unbroken line (walk42)."""
    sign_in(page, "cm")
    open_module(page, "Changes")
    page.get_by_role("link", name="New change").click()
    heading(page, "New change")
    # refused (no title), the form's entry is the page's own: a reload asks for the form with
    # a GET and does not send the refused form again
    page.get_by_role("button", name="Raise change").click()
    expect(page.locator(".field.invalid", has=page.get_by_label("Title"))).to_be_visible()
    again = page.reload()
    assert again.request.method == "GET"
    heading(page, "New change")
    digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" * 2
    page.get_by_label("Title").fill(f"Roll back to build {digest}")
    page.get_by_role("button", name="Raise change").click()
    heading(page, re.compile(digest))
    no_error_on_page(page)
    wide, window = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert wide <= window, f"the page is {wide} px wide in a {window} px window"
