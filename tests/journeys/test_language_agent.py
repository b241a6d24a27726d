"""A German agent's first day (issue 11, decision 0026): Julia Rossi, an agent no other
journey signs in as, chooses Deutsch on her profile, then works the incident queue and an
incident in German. Before the agents' side was translated, the record's work panel read
"Assignee", "Impact" and "Urgency" and the navigation "Incidents"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import heading, no_error_on_page, sign_in, swapped

pytestmark = [pytest.mark.browser]


def queue_rows(page):
    return page.locator("#rows tr").filter(has=page.get_by_role("link", name=re.compile("^INC")))


def test_julia_works_the_queue_and_an_incident_in_german(page):
    sign_in(page, "julia.rossi")
    page.get_by_role("link", name="Julia Rossi").click()
    heading(page, "Your profile")
    page.get_by_label("Language").select_option(label="Deutsch")
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_load_state("load")
    heading(page, "Ihr Profil")
    no_error_on_page(page)

    # the queue: the module, its tabs and its filter bar in German
    nav = page.get_by_role("navigation", name="Module")
    nav.get_by_role("link", name="Störungen").click()
    page.wait_for_load_state("load")
    heading(page, "Störungen")
    tabs = page.get_by_role("navigation", name="Warteschlangen")
    tabs.get_by_role("link", name="Alle offenen").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("combobox", name="Status")).to_have_value("")
    expect(page.get_by_role("combobox", name="Status").locator("option:checked")).to_have_text(
        "Jeder Status"
    )
    page.get_by_role("combobox", name="Priorität").select_option(label="P3")
    swapped(page)
    no_error_on_page(page)
    rows = queue_rows(page)
    expect(rows.first).to_be_visible()
    # the P column (after the selection box and the number) shows the chosen priority only
    expect(rows.locator("td:nth-child(3)").filter(has_not_text="P3")).to_have_count(0)
    header = page.locator("#queue thead")
    expect(header).to_contain_text("Nummer")
    expect(header).to_contain_text("Bearbeiter")

    # an incident: its facts and the work panel
    number = rows.first.get_by_role("link", name=re.compile("^INC")).inner_text()
    rows.first.get_by_role("link", name=number).click()
    page.wait_for_load_state("load")
    heading(page, re.compile(number))
    expect(page.get_by_role("link", name="← Störungen")).to_be_visible()
    work = page.locator("#work")
    expect(work.get_by_role("heading", name="Bearbeiten")).to_be_visible()
    expect(work.get_by_label("Bearbeiter")).to_be_visible()
    expect(work.get_by_label("Auswirkung")).to_be_visible()
    expect(work.get_by_label("Dringlichkeit")).to_be_visible()
    expect(work.get_by_role("button", name="Speichern")).to_be_visible()
    panel = page.locator("#problem-panel")
    expect(panel.get_by_role("heading", name="Probleme und bekannte Fehler")).to_be_visible()

    # she works it: an internal work note, shown in the German timeline
    activity = page.locator("#activity")
    activity.get_by_label("Antwort oder Arbeitsnotiz").fill("Drucker vor Ort geprüft.")
    activity.get_by_label("Interne Arbeitsnotiz (für die meldende Person nicht sichtbar)").check()
    activity.get_by_role("button", name="Senden").click()
    swapped(page)
    no_error_on_page(page)
    activity = page.locator("#activity")
    expect(activity.get_by_role("heading", name="Verlauf")).to_be_visible()
    expect(activity).to_contain_text("Drucker vor Ort geprüft.")
    expect(activity).to_contain_text("Julia Rossi")
    expect(page.locator("html")).to_have_attribute("lang", "de")


def test_a_german_agent_reads_the_fulfilment_tasks_in_german(page):
    from steward.core.models import User

    # an agent of the workplace team (its tasks are in the demo) no other journey signs in as
    who = (
        User.objects.filter(groups__name="agent", is_active=True, teams__slug="workplace")
        .exclude(username__in=["agent", "lead", "cm", "am", "admin", "julia.rossi"])
        .order_by("username")
        .first()
    )
    sign_in(page, who.username)
    page.get_by_role("link", name=who.get_full_name()).click()
    page.get_by_label("Language").select_option(label="Deutsch")
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_load_state("load")
    heading(page, "Ihr Profil")

    # the defect: the task queue and a task's page were English under a German navigation
    nav = page.get_by_role("navigation", name="Module")
    nav.get_by_role("link", name="Umsetzungsaufgaben").click()
    page.wait_for_load_state("load")
    heading(page, "Umsetzungsaufgaben")
    tabs = page.get_by_role("navigation", name="Warteschlangen")
    expect(tabs.get_by_role("link")).to_have_text(["Meine Teams", "Meine", "Alle offenen", "Alle"])
    tabs.get_by_role("link", name="Alle offenen").click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    task = page.get_by_role("link", name=re.compile("^TASK")).first
    number = task.inner_text()
    task.click()
    page.wait_for_load_state("load")
    heading(page, re.compile(number))
    expect(page.get_by_role("link", name="← Umsetzungsaufgaben")).to_be_visible()
    expect(page.locator("dt").filter(has_text="Angefragt von")).to_have_count(1)
    expect(page.locator("#work").get_by_role("heading", name="Bearbeiten")).to_be_visible()
    expect(page.get_by_role("heading", name="Verlauf")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(
        re.compile("Requested by|Work it|Activity|nothing for you to do")
    )
