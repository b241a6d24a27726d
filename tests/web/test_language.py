"""The profile's language is honoured: each request runs in the person's language (signed
out: the browser's, among the shipped ones), the German catalogue covers every string
Steward marks and its compiled .mo matches it, and the requester's pages read German with no
English chrome left over (docs/decisions/0026-translations.md)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zoneinfo
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.utils import translation

from steward.catalog.services import item_create, request_order
from steward.core.forms import ProfileForm
from steward.core.selectors.timeline import format_date, format_datetime
from steward.incidents.services import incident_create
from steward.knowledge.services import article_create, article_update
from steward.web.templatetags.steward_ui import duration
from tests import factories
from tests.conftest import as_actor
from tests.web.catalogue_files import LOCALE, Message, marked_strings, read_mo, read_po
from tests.web.english_scan import english_words

PO = LOCALE / "de" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


# --- the catalogue --------------------------------------------------------------------


def _mo_key(message: Message, form: int | None = None):
    msgid = message.msgid if message.context is None else f"{message.context}\x04{message.msgid}"
    return msgid if form is None else (msgid, form)


def catalogue_differences(po_entries: dict, mo) -> list[str]:
    """What the compiled catalogue says differently from its source, entry by entry, and
    the entries only one of them has."""
    expected = {}
    for message, forms in po_entries.items():
        if message.plural is None:
            expected[_mo_key(message)] = forms[0]
        else:
            expected.update({_mo_key(message, n): form for n, form in enumerate(forms)})
    compiled = {k: v for k, v in mo._catalog.items() if k != ""}
    return [
        f"{key!r}: .po {expected.get(key)!r}, .mo {compiled.get(key)!r}"
        for key in sorted(expected.keys() | compiled.keys(), key=repr)
        if expected.get(key) != compiled.get(key)
    ]


def test_only_languages_with_a_catalogue_are_offered():
    codes = [code for code, _ in settings.LANGUAGES]
    assert codes == ["en", "de"]  # Français and Español went: nothing translated them
    assert all((LOCALE / code / "LC_MESSAGES" / "django.mo").is_file() for code in codes[1:])
    # first no choice: the browser's language (decision 0116)
    assert ProfileForm.base_fields["language"].choices == [
        ("", "Browser's language"),
        ("en", "English"),
        ("de", "Deutsch"),
    ]


def test_every_marked_string_has_a_german_translation_and_nothing_else_is_in_the_catalogue():
    catalogue = read_po(PO)
    marked = marked_strings()
    missing = sorted(
        f"{m.msgid!r} ({path.name})" for m, path in marked.items() if m not in catalogue
    )
    assert not missing, f"not in the German catalogue (run `make messages`): {missing}"
    untranslated = sorted(m.msgid for m, forms in catalogue.items() if not all(forms))
    assert not untranslated, f"no German yet: {untranslated}"
    stale = sorted(m.msgid for m in catalogue.keys() - marked.keys())
    assert not stale, f"in the catalogue but marked nowhere (run `make messages`): {stale}"


def test_the_compiled_catalogue_is_the_source_compiled():
    assert not catalogue_differences(read_po(PO), read_mo(MO)), (
        "django.mo is stale: run `make messages` (compilemessages) and commit the .mo"
    )


def test_a_source_edited_without_recompiling_is_caught(tmp_path):
    edited = tmp_path / "django.po"
    shutil.copy(PO, edited)
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace('msgstr "Abmelden"', 'msgstr "Ausloggen"'), encoding="utf-8")
    differences = catalogue_differences(read_po(edited), read_mo(MO))
    assert differences == ["'Sign out': .po 'Ausloggen', .mo 'Abmelden'"]


# --- dates and times in the reader's language -------------------------------------------


MOMENT = dt.datetime(2026, 12, 3, 16, 5, tzinfo=dt.UTC)
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("language", "shown", "march", "may"),
    [
        ("en", "3 Dec 2026 17:05", "3 Mar 2026", "3 May 2026"),
        ("de", "3. Dez. 2026 17:05", "3. März 2026", "3. Mai 2026"),
    ],
)
def test_the_house_date_style_speaks_the_active_language(language, shown, march, may):
    with translation.override(language):
        assert format_datetime(MOMENT, BERLIN) == shown
        assert format_date(dt.date(2026, 3, 3)) == march
        assert format_date(dt.date(2026, 5, 3)) == may


@pytest.mark.parametrize(
    ("seconds", "en", "de"),
    [
        (3 * 86400 + 17 * 3600, "3d 17h", "3 T. 17 Std."),
        (3600 + 6 * 60, "1h 6m", "1 Std. 6 Min."),
        (-60, "-1m", "-1 Min."),
    ],
)
def test_sla_time_left_speaks_the_active_language(seconds, en, de):
    with translation.override("en"):
        assert duration(seconds) == en
    with translation.override("de"):
        assert duration(seconds) == de


# --- the middleware ---------------------------------------------------------------------


def _lang(html: bytes) -> str:
    return re.search(rb'<html lang="([^"]*)"', html).group(1).decode()


@pytest.mark.django_db
def test_a_signed_in_person_reads_their_language_whatever_the_browser_says(requester_user):
    requester_user.language = "de"
    requester_user.save(update_fields=["language"])
    client = Client(headers={"accept-language": "en"})
    client.force_login(requester_user)
    answer = client.get("/")
    assert _lang(answer.content) == "de"
    assert answer["Content-Language"] == "de"
    page = answer.content.decode()
    assert "Übersicht" in page
    assert "Abmelden" in page
    assert "Sign out" not in page
    # nothing of the request's language is left on the thread for the next one
    assert translation.get_language() == settings.LANGUAGE_CODE


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "language", "words"),
    [
        ("de-DE,de;q=0.9,en;q=0.5", "de", "Bei Steward anmelden"),
        ("fr-FR,fr;q=0.9", "en", "Sign in to Steward"),  # not shipped: English
        ("", "en", "Sign in to Steward"),
    ],
)
def test_signed_out_pages_follow_the_browser_among_the_shipped_languages(header, language, words):
    answer = Client(headers={"accept-language": header} if header else {}).get("/login/")
    assert _lang(answer.content) == language
    assert words in answer.content.decode()
    assert "Accept-Language" in answer["Vary"]  # a cache keeps one copy per language


@pytest.mark.django_db
def test_a_language_no_longer_shipped_falls_back_to_the_browser(requester_user):
    requester_user.language = "fr"  # stored before Français was withdrawn
    requester_user.save(update_fields=["language"])
    client = Client(headers={"accept-language": "de"})
    client.force_login(requester_user)
    assert _lang(client.get("/").content) == "de"


@pytest.mark.django_db
def test_the_api_answers_in_the_accept_language_with_its_codes_unchanged(requester_user):
    requester_user.language = "de"
    requester_user.save(update_fields=["language"])
    client = Client()
    client.force_login(requester_user)
    english = client.post("/api/v1/incidents", {}, content_type="application/json")
    german = client.post(
        "/api/v1/incidents", {}, content_type="application/json", headers={"accept-language": "de"}
    )
    assert english.status_code == german.status_code == 422
    assert (english["Content-Language"], german["Content-Language"]) == ("en", "de")
    # the machine-readable parts are the same in every language
    assert english.json().keys() == german.json().keys()
    assert english.json().get("code") == german.json().get("code")


# --- the requester's pages, read in German -----------------------------------------------


@pytest.fixture
def german_requester(db):
    org = factories.OrganisationFactory(name="Beispiel AG", slug="beispiel")
    user = factories.requester(username="greta", organisation=org, first_name="Greta")
    user.language = "de"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def requester_pages(german_requester):
    """Every page a requester visits, with a record of each kind to show."""
    admin = as_actor(factories.admin(username="verwalter"))
    agent = as_actor(factories.agent(username="agentin"))
    factories.TeamFactory(name="Servicedesk", slug="servicedesk", members=[agent.user])
    me = as_actor(german_requester)
    item = item_create(
        admin,
        name="Notebook",
        slug="notebook",
        category="Hardware",
        form=[{"key": "modell", "label": "Modell", "type": "text", "required": True}],
        approval_stages=[],
        task_mode="ordered",
        task_templates=[{"title": "Einrichten", "team": "servicedesk"}],
    )
    order = request_order(me, item=item.slug, answers={"modell": "Standard"})
    incident = incident_create(me, title="Drucker druckt nicht", description="Papierstau")
    article = article_create(agent, title="Drucker neu starten", body="Aus und wieder an.")
    article_update(
        agent, number=article.number, expected_version=None, changes={"status": "published"}
    )
    return [
        "/",
        "/help/",
        "/help/?q=Drucker",
        "/help/mine/",
        f"/knowledge/{article.number}/",
        "/incidents/",
        "/incidents/new/",
        f"/incidents/{incident.number}/",
        "/catalog/",
        f"/catalog/items/{item.slug}/",
        "/catalog/requests/",
        f"/catalog/requests/{order.number}/",
        "/profile/",
    ]


def test_every_page_a_requester_sees_reads_german(german_requester, requester_pages):
    client = Client()
    client.force_login(german_requester)
    left_over = {}
    for url in requester_pages:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert _lang(answer.content) == "de", url
        if words := english_words(answer.content):
            left_over[url] = words
    assert not left_over, f"English on German pages: {left_over}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/login/", "/password-reset/", "/password-reset/sent/", "/password-reset/done/"]
)
def test_signed_out_pages_read_german(url):
    answer = Client(headers={"accept-language": "de"}).get(url)
    assert answer.status_code == 200
    assert not english_words(answer.content), url


def test_the_english_word_list_catches_an_english_page(requester_user, client):
    client.force_login(requester_user)
    assert {"Sign", "out", "Overview"} <= set(english_words(client.get("/").content))


LANGUAGES = ("en", "de", "fr", "es")


@pytest.mark.django_db
def test_choices_of_withdrawn_languages_become_english():
    withdrawn = import_module("steward.core.migrations.0011_withdrawn_languages_to_english")
    people = {code: factories.requester(username=f"p-{code}", language=code) for code in LANGUAGES}
    withdrawn.to_english(apps, None)
    stored = {code: type(u).objects.get(pk=u.pk).language for code, u in people.items()}
    assert stored == {"en": "en", "de": "de", "fr": "en", "es": "en"}
