"""A person's language (issue 11, "Language, not done"): Ben chooses Deutsch on his profile
and reads the navigation, a page and its dates in German; choosing English brings it back.
The profile offered four languages and honoured none: the step that reads "Ihr Profil" after
saving failed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.journeys.steps import heading, no_error_on_page, sign_in

pytestmark = [pytest.mark.browser]

# the house style in German: "3. Dez. 2026 17:42" (steward.core.selectors.timeline)
GERMAN_MONTHS = r"Jan\.|Feb\.|März|April|Mai|Juni|Juli|Aug\.|Sept\.|Okt\.|Nov\.|Dez\."
GERMAN_DATE = re.compile(rf"^\d{{1,2}}\. ({GERMAN_MONTHS}) \d{{4}} \d\d:\d\d$")


def facts(page, term: str):
    return page.locator(f"dt:text-is('{term}') + dd")


def choose_language(page, *, label: str, field: str, save: str) -> None:
    """On the profile: pick the language from its drop-down and save the form."""
    page.get_by_label(field).select_option(label=label)
    page.get_by_role("button", name=save).first.click()
    page.wait_for_load_state("load")


def test_ben_reads_steward_in_german_and_switches_back(page):
    sign_in(page, "ben.garcia")
    page.get_by_role("link", name="Ben Garcia").click()
    heading(page, "Your profile")
    language = page.get_by_label("Language")
    # no choice made yet (the browser's language, decision 0116), then only the languages
    # Steward ships, each in its own name
    expect(language.locator("option")).to_have_text(["Browser's language", "English", "Deutsch"])
    expect(language.locator("option:checked")).to_have_text("Browser's language")

    choose_language(page, label="Deutsch", field="Language", save="Save")
    heading(page, "Ihr Profil")
    no_error_on_page(page)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_label("Sprache").locator("option:checked")).to_have_text("Deutsch")

    # the navigation and the top bar
    nav = page.get_by_role("navigation", name="Module")
    expect(nav.get_by_role("link", name="Übersicht")).to_be_visible()
    expect(nav.get_by_role("link", name="Wissen")).to_be_visible()
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()

    # a page: the incident queue, then an incident with its dates
    nav.get_by_role("link", name="Störungen").click()
    page.wait_for_load_state("load")
    heading(page, "Störungen")
    expect(page.get_by_role("link", name="Neue Störung")).to_be_visible()
    expect(page.get_by_role("searchbox", name="Suchen")).to_be_visible()
    rows = page.locator("#rows tr").filter(has=page.get_by_role("link", name=re.compile("^INC")))
    number = rows.first.get_by_role("link", name=re.compile("^INC")).inner_text()
    rows.first.get_by_role("link", name=number).click()
    page.wait_for_load_state("load")
    heading(page, re.compile(number))
    expect(page.get_by_role("heading", name="Verlauf")).to_be_visible()

    opened = facts(page, "Eröffnet").locator("time")
    shown = opened.inner_text()
    moment = dt.datetime.fromisoformat(opened.get_attribute("datetime"))
    assert GERMAN_DATE.match(shown), shown
    from steward.core.selectors.timeline import format_datetime

    with translation.override("de"):
        assert shown == format_datetime(moment, moment.tzinfo), (shown, moment)
    # every date on the page in the same German style, none in English
    dates = page.locator("main time").all_inner_texts()
    assert dates
    assert all(GERMAN_DATE.match(d) for d in dates), dates
    sla = page.locator("main .sla").first
    expect(sla).to_contain_text(re.compile("Geschäftszeit|eingehalten|verfehlt|pausiert"))

    # and back to English, the same way
    page.get_by_role("link", name="Ben Garcia").click()
    heading(page, "Ihr Profil")
    choose_language(page, label="English", field="Sprache", save="Speichern")
    heading(page, "Your profile")
    no_error_on_page(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    modules = page.get_by_role("navigation", name="Modules")
    expect(modules.get_by_role("link", name="Overview")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
