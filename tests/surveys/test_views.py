"""Survey pages: the emailed link's page (no sign-in, the requester's language), the portal's
prompt, the agents' list and the incident's timeline, the administrators' settings."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone, translation

from steward.core.errors import NotFound
from steward.core.selectors.timeline import format_date
from steward.surveys import services
from steward.surveys.models import Survey, SurveySettings
from tests.surveys.conftest import resolve, settle
from tests.web.html import elements

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def survey(agent_actor, incident):
    resolve(agent_actor, incident.number)
    settle()
    return Survey.objects.get()


@pytest.fixture
def link(survey):
    return f"/surveys/rate/{services.survey_link_token(survey)}/"


def test_the_link_asks_in_the_requesters_language_and_a_click_rates(survey, link):
    page = Client().get(link)
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Wie zufrieden sind Sie mit {survey.number}?" in text
    assert page.headers["Content-Language"] == "de"
    assert 'type="radio"' in text
    survey.refresh_from_db()
    assert survey.rating is None  # a GET (a mail scanner) never answers

    done = Client().post(link, {"rating": "4", "comment": "Gut"})
    assert done.status_code == 303
    thanks = Client().get(done["Location"])
    assert "Danke: Ihre Bewertung von 4 von 5 ist gespeichert." in thanks.content.decode()
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (4, "Gut")


def test_after_rating_the_page_thanks_above_the_form_to_change_it(survey, link):
    """The thanks said "you can change it here until …" above no form (and a reload posted
    the rating again): a rating leads to the link's page, which thanks above the form, the
    answer chosen, and writes the day as every page does (not Django's "21. Dezember")."""
    done = Client().post(link, {"rating": "4", "comment": "Gut"})
    assert done.status_code == 303
    assert done["Location"] == f"{link}?rated=1"
    page = Client().get(done["Location"]).content.decode()
    berlin = survey.closes_at.astimezone(ZoneInfo("Europe/Berlin"))
    with translation.override("de"):
        day = format_date(berlin)
    assert f"Sie können sie hier bis zum {day} ändern." in page
    chosen = [i for i in elements(page, "input") if i.attrs.get("type") == "radio"]
    assert [i.attrs["value"] for i in chosen if "checked" in i.attrs] == ["4"]
    assert "Gut</textarea>" in page
    # the link alone (a mail scanner, a bookmark) asks again without thanking
    assert "Danke" not in Client().get(link).content.decode()


def test_a_bad_answer_is_shown_beside_its_field(survey, link):
    page = Client().post(link, {"rating": "9", "comment": "x"})
    assert page.status_code == 422
    assert 'role="alert"' in page.content.decode()
    assert Survey.objects.get().rating is None


def test_a_closed_survey_says_so_and_takes_no_answer(survey, link):
    Survey.objects.update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    assert "geschlossen" in Client().get(link).content.decode()
    refused = Client().post(link, {"rating": "5"})
    assert refused.status_code == 409
    assert Survey.objects.get().rating is None


def test_a_forged_link_is_the_404_page(survey, link):
    assert Client().get(link[:-3] + "xx/").status_code == 404
    assert Client().get("/surveys/rate/forged/").status_code == 404


def test_a_throttled_answer_is_a_429_page_saying_when_to_retry(survey, link, settings):
    """As the sign-in page answers it: the form with why, 429 and ``Retry-After``, in the
    requester's language; not a 422 as if the rating were wrong."""
    for _ in range(settings.LOGIN_THROTTLE_COUNT):
        with pytest.raises(NotFound):
            services.survey_answer_by_link(
                "forged", rating=5, comment="", address="127.0.0.1", channel="api"
            )

    page = Client().post(link, {"rating": "5"})

    assert page.status_code == 429
    assert page["Retry-After"] == str(settings.LOGIN_THROTTLE_SECONDS)
    assert "Zu viele abgelehnte Antworten von Ihrer Adresse" in page.content.decode()
    assert Survey.objects.get().rating is None


def test_the_portal_prompts_the_requester_to_rate_until_answered(survey, caller):
    client = signed_in(caller)
    page = client.get("/help/mine/").content.decode()
    assert "Wie zufrieden waren Sie?" in page
    assert f"{survey.number} bewerten" in page
    with translation.override("de"):  # the closing day as every page writes a day
        day = format_date(survey.closes_at.astimezone(ZoneInfo("Europe/Berlin")))
    assert f"bis {day}</span>" in page
    # and on the resolved incident's own row
    assert page.count(f"{survey.number} bewerten") == 2
    href = page.split('href="/surveys/rate/', 1)[1].split('"', 1)[0]
    assert client.post(f"/surveys/rate/{href}", {"rating": "5"}).status_code == 303
    assert "Wie zufrieden waren Sie?" not in client.get("/help/mine/").content.decode()


def test_agents_read_the_rating_in_the_list_and_the_incident_timeline(
    survey, caller_actor, agent_user, incident
):
    services.survey_answer(caller_actor, pk=survey.pk, rating=2, comment="Too slow")
    client = signed_in(agent_user)
    listing = client.get("/surveys/").content.decode()
    assert survey.number in listing
    assert "2/5" in listing
    assert "Too slow" in listing
    assert "2/5" in client.get(f"/surveys/{survey.pk}/").content.decode()
    timeline = client.get(f"/incidents/{incident.number}/").content.decode()
    assert "Customer satisfaction: 2 of 5." in timeline
    assert "Too slow" in timeline


def test_requesters_see_no_survey_pages(survey, caller):
    client = signed_in(caller)
    assert client.get("/surveys/").status_code == 404
    assert client.get(f"/surveys/{survey.pk}/").status_code == 404
    assert client.get("/surveys/settings/").status_code == 404


def test_an_administrator_switches_surveys_off(admin_user, agent_user):
    assert signed_in(agent_user).get("/surveys/settings/").status_code == 404
    client = signed_in(admin_user)
    assert client.get("/surveys/settings/").status_code == 200
    saved = client.post(
        "/surveys/settings/",
        {"version": "1", "sample_percent": "25", "low_rating": "2", "notify_low_ratings": "on"},
    )
    assert saved.status_code == 303
    config = SurveySettings.objects.get()
    assert (config.is_enabled, config.sample_percent) == (False, 25)
    refused = client.post("/surveys/settings/", {"sample_percent": "101", "low_rating": "2"})
    assert refused.status_code == 422
