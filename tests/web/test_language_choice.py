"""A person who has not chosen a language reads the browser's (decision 0116): their stored
``language`` is empty, pages follow ``Accept-Language``, mail the site's ``LANGUAGE_CODE``;
a choice in the profile (or by an administrator, or over the API) still wins."""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.test import Client

from steward.core import mail
from steward.core.actor import Actor
from steward.core.choices import Channel
from steward.core.models import User
from steward.core.services import user_update
from tests import factories
from tests.web.test_profile import form_data

pytestmark = pytest.mark.django_db

GERMAN_BROWSER = {"accept-language": "de-DE,de;q=0.9,en;q=0.5"}


def _lang(html: bytes) -> str:
    return re.search(rb'<html lang="([^"]*)"', html).group(1).decode()


def test_a_new_person_has_chosen_nothing_and_reads_the_browsers_language():
    person = factories.requester(username="neu")
    assert User.objects.get(pk=person.pk).language == ""
    # the sign-in page was German for her browser; after signing in the pages stay German
    client = Client(headers=GERMAN_BROWSER)
    assert _lang(client.get("/login/").content) == "de"
    client.force_login(person)
    answer = client.get("/")
    assert _lang(answer.content) == "de"
    assert "Abmelden" in answer.content.decode()
    assert "Accept-Language" in answer["Vary"]  # chosen by the header: caches key on it


def test_a_chosen_language_wins_over_the_browsers():
    person = factories.requester(username="en-choice", language="en")
    client = Client(headers=GERMAN_BROWSER)
    client.force_login(person)
    answer = client.get("/")
    assert _lang(answer.content) == "en"
    assert "Sign out" in answer.content.decode()


def test_the_profile_offers_the_browsers_language_and_saves_it_as_no_choice():
    person = factories.requester(username="wechsel", language="en")
    client = Client(headers=GERMAN_BROWSER)
    client.force_login(person)
    page = client.get("/profile/").content.decode()
    assert '<option value="">Browser&#x27;s language</option>' in page

    saved = client.post("/profile/", form_data(person, language=""))
    assert saved.status_code == 303
    assert User.objects.get(pk=person.pk).language == ""
    assert _lang(client.get("/").content) == "de"  # the browser's again


def test_german_profile_names_the_browsers_language_in_german():
    person = factories.requester(username="deutsch", language="de")
    client = Client()
    client.force_login(person)
    page = client.get("/profile/").content.decode()
    assert '<option value="">Sprache des Browsers</option>' in page


def test_mail_to_a_person_without_a_choice_is_in_the_sites_language(settings):
    settings.LANGUAGE_CODE = "de"
    undecided = factories.requester(username="offen", email="offen@example.com")
    english = factories.requester(username="engl", email="engl@example.com", language="en")
    assert mail.recipients([undecided, english]) == {
        "engl@example.com": "en",
        "offen@example.com": "de",
    }


def test_the_api_creates_people_without_a_choice_and_takes_empty_as_none(admin_api):
    created = admin_api.post("/api/v1/users", {"username": "api-person"})
    assert created.status_code == 201, created.json()
    assert created.json()["language"] == ""
    chosen = admin_api.patch("/api/v1/users/api-person", {"language": "de"})
    assert chosen.status_code == 200, chosen.json()
    cleared = admin_api.patch("/api/v1/users/api-person", {"language": ""})
    assert cleared.status_code == 200, cleared.json()
    assert User.objects.get(username="api-person").language == ""
    refused = admin_api.patch("/api/v1/users/api-person", {"language": "fr"})
    assert refused.status_code == 422
    assert "language" in refused.json()["error"]["fields"]


def test_the_admin_offers_the_browsers_language(admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    client.force_login(admin_user)
    page = client.get(f"/admin/core/user/{admin_user.pk}/change/").content.decode()
    select = re.search(r'<select name="language"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    assert re.findall(r'<option value="([^"]*)"', select.group(1)) == ["", "en", "de"]


def test_people_still_at_english_who_never_chose_become_undecided():
    """Migration 0013: "en" was the default every person got, so only an audited change of
    the field shows a choice; those keep theirs."""
    migration = import_module("steward.core.migrations.0013_user_language_follows_the_browser")
    never = factories.requester(username="never")
    back = factories.requester(username="back")
    german = factories.requester(username="german")
    admin = Actor(user=factories.admin(username="op"), channel=Channel.WEB)
    user_update(admin, username="back", expected_version=None, changes={"language": "de"})
    user_update(admin, username="back", expected_version=None, changes={"language": "en"})
    user_update(admin, username="german", expected_version=None, changes={"language": "de"})
    # as every person was stored before: "en", chosen or not
    User.objects.filter(pk=never.pk).update(language="en")

    migration.never_chosen_to_empty(apps, None)

    stored = dict(
        User.objects.filter(pk__in=[never.pk, back.pk, german.pk]).values_list(
            "username", "language"
        )
    )
    assert stored == {"never": "", "back": "en", "german": "de"}
