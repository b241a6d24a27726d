"""Forms issue 11 names that the role journeys did not drive: the administrator's user form
(organisation, and the manager picked by name), the agent's "New incident" with its caller
and CI picked by name, the requester dropping files on her form (their types listed), and a
person's own time zone on her profile (times on the pages then read in her zone)."""

from __future__ import annotations

import base64
import datetime as dt
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import (
    dates_in_house_style,
    heading,
    no_error_on_page,
    open_module,
    pick,
    sign_in,
    swapped,
)

pytestmark = [pytest.mark.browser]

# a 1×1 PNG: its type is read from its bytes, whatever its name says
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def facts(page, term: str):
    return page.locator(f"dt:text-is('{term}') + dd")


def a_requester() -> tuple[str, str]:
    """A demo requester of Northwind other than alice (her journeys read her own lists, so
    these make no incident of hers): username and name."""
    from steward.core.models import User

    person = (
        User.objects.filter(
            groups__name="requester", organisation__slug="northwind", is_active=True
        )
        .exclude(username="alice")
        .order_by("username")
        .first()
    )
    return person.username, person.get_full_name()


def test_administrator_sets_a_persons_organisation_and_manager(page):
    sign_in(page, "admin")
    open_module(page, "Administration")
    page.get_by_role("main").get_by_role("link", name="Users", exact=True).click()
    heading(page, "Users")
    page.get_by_role("link", name="New user").click()
    heading(page, "New user")
    page.get_by_label("Username").fill("olga")
    page.get_by_label("First name").fill("Olga")
    page.get_by_label("Last name").fill("Orgchart")
    page.get_by_label("Email address").fill("olga@example.com")
    page.get_by_label("Organisation", exact=True).select_option(label="Contoso Retail")
    # the defect: the manager was a username typed from memory; now a name picked
    pick(page, page.get_by_role("combobox", name="Manager"), "Lead", re.compile("^Lee Lead"))
    page.get_by_role("button", name="Add user").click()
    heading(page, "Olga Orgchart")
    expect(page.get_by_label("Organisation", exact=True).locator("option:checked")).to_have_text(
        "Contoso Retail"
    )
    expect(page.get_by_role("combobox", name="Manager")).to_have_value("Lee Lead")

    # moved to another organisation: saved, shown on her page and in the list
    page.get_by_label("Organisation", exact=True).select_option(label="Northwind Logistics")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text("Saved Olga Orgchart.")
    expect(page.get_by_label("Organisation", exact=True).locator("option:checked")).to_have_text(
        "Northwind Logistics"
    )
    expect(page.get_by_role("combobox", name="Manager")).to_have_value("Lee Lead")
    no_error_on_page(page)
    page.get_by_role("link", name="← Users").click()
    page.get_by_label("Search").fill("orgchart")
    row = page.locator("#rows tr").filter(has_text="Olga Orgchart")
    expect(row).to_contain_text("Northwind Logistics")
    swapped(page)


def test_agent_logs_a_call_for_a_caller_on_a_ci_both_picked_by_name(page):
    sign_in(page, "agent")
    open_module(page, "Incidents")
    page.get_by_role("link", name="New incident").click()
    heading(page, "New incident")
    page.get_by_label("Title").fill("Hypervisor esx-03 reports a failed fan")
    page.get_by_label("Description").fill("A caller from the data centre: the rack alarm is on.")
    # the caller by name, not the agent himself; the CI by its name
    _, name = a_requester()
    caller = page.get_by_role("combobox", name="Caller")
    typed = " ".join(word[:3] for word in name.split())  # "Ben Gar": both words narrow
    pick(page, caller, typed, re.compile(f"^{name}"))
    expect(caller).to_have_value(name)
    ci = page.get_by_role("combobox", name="Configuration item")
    pick(page, ci, "esx-0", re.compile("^esx-03"))
    expect(ci).to_have_value(re.compile("^esx-03"))
    page.get_by_role("button", name="Log incident").click()
    heading(page, re.compile("Hypervisor esx-03 reports a failed fan"))
    no_error_on_page(page)
    expect(facts(page, "Caller")).to_contain_text(name)
    expect(facts(page, "Service / CI")).to_contain_text("esx-03")
    facts(page, "Service / CI").get_by_role("link", name=re.compile("esx-03")).click()
    heading(page, re.compile("esx-03"))
    # the CI's page lists the new incident among its open work
    work = page.get_by_role("region", name="Open work on this CI")
    expect(work.get_by_role("table", name="Incidents")).to_contain_text(
        "Hypervisor esx-03 reports a failed fan"
    )


def drop_files(page, target, files: list[tuple[str, str, bytes]]) -> None:
    """Drag files from the desktop onto ``target`` (name, claimed type, bytes)."""
    transfer = page.evaluate_handle(
        """(files) => {
            const transfer = new DataTransfer();
            for (const [name, type, data] of files) {
                const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
                transfer.items.add(new File([bytes], name, {type}));
            }
            return transfer;
        }""",
        [[name, kind, base64.b64encode(data).decode()] for name, kind, data in files],
    )
    for event in ("dragenter", "dragover", "drop"):
        target.dispatch_event(event, {"dataTransfer": transfer})


def test_requester_drops_files_on_her_form_and_reads_their_types(page):
    username, _ = a_requester()
    sign_in(page, username)
    open_module(page, "My incidents")
    page.get_by_role("link", name="Report a problem").click()
    heading(page, "Report a problem")
    page.get_by_label("Title").fill("The badge reader at the side door beeps red")
    page.get_by_label("What happened").fill("A photo of the reader and my notes are attached.")
    zone = page.locator("[data-dropzone]")
    drop_files(
        page,
        zone,
        [
            ("reader.png", "image/png", PNG),
            # a name and a claimed type that lie: the type shown is what the bytes are
            ("notes.pdf", "application/pdf", b"beeps twice, then red\n"),
        ],
    )
    expect(zone.locator("[data-dropzone-chosen]")).to_contain_text("reader.png")
    expect(zone.locator("[data-dropzone-chosen]")).to_contain_text("notes.pdf")
    swapped(page)
    page.get_by_role("button", name="Report it").click()
    heading(page, re.compile("The badge reader at the side door beeps red"))
    table = page.get_by_role("region", name="Attachments").get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(["File", "Size", "Type", "Added"])
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    png = rows.filter(has_text="reader.png").get_by_role("cell")
    expect(png.nth(1)).to_have_text(f"{len(PNG)} bytes")
    expect(png.nth(2)).to_have_text("image/png")
    notes = rows.filter(has_text="notes.pdf").get_by_role("cell")
    expect(notes.nth(1)).to_have_text("22 bytes")
    expect(notes.nth(2)).to_have_text("text/plain")
    no_error_on_page(page)


def opened(page) -> tuple[str, dt.datetime]:
    """The incident's "Opened" as shown, and the moment it stands for."""
    time = facts(page, "Opened").locator("time")
    return time.inner_text(), dt.datetime.fromisoformat(time.get_attribute("datetime"))


def house(moment: dt.datetime) -> str:
    return f"{moment.day} {moment:%b %Y %H:%M}"


def test_a_person_chooses_her_time_zone_and_reads_times_in_it(page):
    """Ben (a demo agent no other journey signs in as) reads an incident's times in the
    server's zone, chooses Tokyo on his profile, and reads the same moments in Tokyo time."""
    sign_in(page, "ben.garcia")
    open_module(page, "Incidents")
    rows = page.locator("#rows tr").filter(has=page.get_by_role("link", name=re.compile("^INC")))
    number = rows.first.get_by_role("link", name=re.compile("^INC")).inner_text()
    rows.first.get_by_role("link", name=number).click()
    heading(page, re.compile(number))
    before, moment = opened(page)
    assert before == house(moment), (before, moment)

    page.get_by_role("link", name="Ben Garcia").click()
    heading(page, "Your profile")
    zone = page.get_by_label("Time zone")
    expect(zone.locator("option:checked")).to_have_text("— default —")
    zone.select_option(label="Asia/Tokyo")
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_load_state("load")
    heading(page, "Your profile")
    no_error_on_page(page)
    expect(page.get_by_label("Time zone").locator("option:checked")).to_have_text("Asia/Tokyo")

    open_module(page, "Incidents")
    search = page.get_by_role("searchbox", name="Search")
    search.fill(number)
    search.press("Enter")
    swapped(page)
    rows.filter(has_text=number).get_by_role("link", name=number).click()
    heading(page, re.compile(number))
    after, again = opened(page)
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    assert again == moment  # the same moment ...
    assert again.utcoffset() == dt.timedelta(hours=9), again  # ... said in his zone
    assert after == house(moment.astimezone(tokyo)), (after, moment)
    assert after != before
    dates_in_house_style(page)
