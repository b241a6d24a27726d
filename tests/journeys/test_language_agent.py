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


# the house style in German ("7. Dez. 2026 20:00"; a day alone "7. Dez. 2026"), as every page
GERMAN_MONTHS = r"Jan\.|Feb\.|März|April|Mai|Juni|Juli|Aug\.|Sept\.|Okt\.|Nov\.|Dez\."
GERMAN_DATE = re.compile(rf"^\d{{1,2}}\. ({GERMAN_MONTHS}) \d{{4}}( \d\d:\d\d)?$")


def german_dates(page) -> None:
    """Every date of the page in the German house style (they read "Mo 7 Dez 2026 20:00")."""
    shown = page.locator("main time").all_inner_texts()
    assert shown, "no date on the page"
    assert all(GERMAN_DATE.match(text) for text in shown), shown


def test_a_german_cab_member_reads_the_change_pages_and_the_risk_questions_in_german(page):
    from steward.changes.models import Change
    from steward.core.models import User

    # a CAB member no other journey signs in as (the fulfilment journey's is of workplace)
    who = (
        User.objects.filter(groups__name="agent", is_active=True, teams__slug="cab")
        .exclude(teams__slug="workplace")
        .exclude(username__in=["agent", "lead", "cm", "am", "admin", "julia.rossi", "ben.garcia"])
        .order_by("-username")
        .first()
    )
    assert who is not None, "the demo's CAB has an agent of its own"
    sign_in(page, who.username)
    page.get_by_role("link", name=who.get_full_name()).click()
    page.get_by_label("Language").select_option(label="Deutsch")
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_load_state("load")
    heading(page, "Ihr Profil")

    # the change list: its planned windows
    page.get_by_role("navigation", name="Module").get_by_role("link", name="Änderungen").click()
    page.wait_for_load_state("load")
    heading(page, "Änderungen")
    page.get_by_role("navigation", name="Warteschlangen").get_by_role(
        "link", name="Alle", exact=True
    ).click()
    page.wait_for_load_state("load")
    no_error_on_page(page)
    german_dates(page)

    # a normal change's page: its dates, and the questionnaire's answers in German
    # one the demo answered the questionnaire for: a change another journey raised on the
    # same demo (newest, first in the list) may have no answers (the long-title journey's)
    number = (
        Change.objects.filter(type="normal")
        .exclude(risk_answers={})
        .order_by("number")
        .values_list("number", flat=True)
        .first()
    )
    assert number, "the demo has a normal change with its risk answered"
    page.get_by_role("searchbox").first.fill(number)
    swapped(page)
    page.locator("#rows").get_by_role("link", name=number, exact=True).click()
    heading(page, re.compile(number))
    german_dates(page)
    answers = page.locator("main")
    expect(answers).to_contain_text("Erfordert die Änderung eine Serviceunterbrechung?")
    expect(answers).not_to_contain_text("Does the change need a service outage?")

    # the calendar's list of the month, the CAB agenda
    page.get_by_role("link", name="← Änderungen").click()
    heading(page, "Änderungen")
    page.get_by_role("link", name="Kalender", exact=True).click()
    heading(page, "Änderungskalender")
    page.get_by_role("navigation", name="Kalenderansichten").get_by_role(
        "link", name="Liste"
    ).click()
    heading(page, "Änderungskalender")
    no_error_on_page(page)
    german_dates(page)
    page.get_by_role("link", name="CAB-Agenda").click()
    heading(page, "CAB-Agenda")
    german_dates(page)

    # a new change: the risk questions and their answers in German
    page.get_by_role("link", name="← Änderungen").click()
    heading(page, "Änderungen")
    page.get_by_role("link", name="Neue Änderung").click()
    heading(page, "Neue Änderung")
    outage = page.get_by_label("Erfordert die Änderung eine Serviceunterbrechung?")
    expect(outage.locator("option")).to_have_text(
        [
            "Nicht beantwortet",
            "Keine Unterbrechung",
            "Teilweiser oder eingeschränkter Service",
            "Vollständige Unterbrechung",
        ]
    )
    outage.select_option(label="Vollständige Unterbrechung")
    expect(page.get_by_label("Wie schwer ist sie zurückzunehmen?")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(re.compile("Full outage|How hard is it"))
