"""The record's own page offers its requester "Rate" while her survey waits (decision 0128):
a resolved incident's page and a completed request's, through ``web.record_links`` (the
incidents and catalog apps import no survey module); nobody else is offered it, and it is
gone once she has answered."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation

from steward.core.selectors.timeline import format_date
from steward.surveys import services
from steward.surveys.models import Survey
from steward.web import record_links
from tests.surveys.conftest import headset_ordered, resolve, settle
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rate_links(page) -> list:
    return [a for a in elements(page.content, "a") if "/surveys/rate/" in a.attrs.get("href", "")]


@pytest.fixture
def survey(agent_actor, incident):
    resolve(agent_actor, incident.number)
    settle()
    return Survey.objects.get()


def test_the_resolved_incidents_page_offers_its_caller_alone_the_rating(
    survey, caller, incident, agent_user, lead
):
    client = signed_in(caller)
    page = client.get(f"/incidents/{incident.number}/")

    [link] = rate_links(page)
    assert text_of(link) == f"{incident.number} bewerten"  # the caller reads German
    # its signed link (the token carries a timestamp: read back, not rebuilt)
    assert services.survey_link_read(link.attrs["href"].split("/")[3]) == survey
    with translation.override("de"):  # the closing day as every page writes a day
        day = format_date(survey.closes_at.astimezone(ZoneInfo("Europe/Berlin")))
    [note] = [
        s for s in elements(page.content, "span") if s.inside("p", **{"class": "record-link"})
    ]
    assert text_of(note) == f"bis {day}"
    for someone in (agent_user, lead):  # the desk reads the page, and is not asked
        seen = signed_in(someone).get(f"/incidents/{incident.number}/")
        assert seen.status_code == 200
        assert rate_links(seen) == []
    # the same signed page as the mail's: a click asks, a post rates
    assert client.get(link.attrs["href"]).status_code == 200
    assert client.post(link.attrs["href"], {"rating": "5"}).status_code == 303

    assert rate_links(client.get(f"/incidents/{incident.number}/")) == []  # answered


def test_an_open_incidents_page_asks_the_surveys_nothing(agent_actor, incident, caller):
    """Only a resolved or closed incident's caller is asked about: other pages cost no
    statement for it (the incident pages' statement counts are measured)."""
    asked = []

    def offer(actor, kind, record_id):
        asked.append((kind, record_id))
        return []

    record_links.register(offer)
    try:
        assert signed_in(caller).get(f"/incidents/{incident.number}/").status_code == 200
        assert asked == []
        resolve(agent_actor, incident.number)
        signed_in(caller).get(f"/incidents/{incident.number}/")
        assert asked == [("incident", incident.pk)]
    finally:
        record_links.unregister(offer)


def test_the_completed_requests_page_offers_its_requester_the_rating(
    admin_actor, agent_actor, desk
):
    from steward.catalog.services import task_complete

    rudi, request = headset_ordered(admin_actor)
    client = signed_in(rudi)
    assert rate_links(client.get(f"/catalog/requests/{request.number}/")) == []  # in fulfilment
    task_complete(agent_actor, number=request.tasks.get().number)
    settle()

    page = client.get(f"/catalog/requests/{request.number}/")
    [link] = rate_links(page)
    assert text_of(link) == f"Rate {request.number}"
    survey = Survey.objects.get(subject="request")
    # its signed link (the token carries a timestamp: read back, not rebuilt)
    assert services.survey_link_read(link.attrs["href"].split("/")[3]) == survey
    # the fulfilling agent, who may read the request, is not asked
    seen = signed_in(agent_actor.user).get(f"/catalog/requests/{request.number}/")
    assert seen.status_code == 200
    assert rate_links(seen) == []
