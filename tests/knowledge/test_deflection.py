"""Deflection: a portal search or "report a problem" start, an article opened, and no
record raised within the window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from steward.core import outbox
from steward.incidents.services import incident_create
from steward.knowledge import selectors
from steward.knowledge.models import Journey

pytestmark = pytest.mark.django_db


def _age_journeys(minutes: int = 31) -> None:
    Journey.objects.update(started_at=timezone.now() - dt.timedelta(minutes=minutes))


def _stats(agent_actor, article):
    page = selectors.article_stats(agent_actor, owner="")
    return next(a for a in page.items if a.pk == article.pk)


def test_search_open_article_and_raise_nothing_is_a_deflection(
    make_article, requester_web, agent_actor
):
    article = make_article("Printer shows offline", "Cancel the jobs.", state="published")
    assert requester_web.get("/help/", {"q": "printer"}).status_code == 200
    assert requester_web.get(f"/knowledge/{article.number}/").status_code == 200
    journey = Journey.objects.get()
    assert (journey.start, journey.query, journey.article) == ("search", "printer", article)
    assert _stats(agent_actor, article).deflected == 0  # the window is still open
    _age_journeys()
    assert _stats(agent_actor, article).deflected == 1
    assert selectors.deflection_totals(agent_actor) == {"started": 1, "deflected": 1, "raised": 0}


def test_raising_an_incident_in_the_window_is_not_a_deflection(
    make_article, requester_web, requester_actor, agent_actor
):
    article = make_article("Printer shows offline", "Cancel the jobs.", state="published")
    assert requester_web.get("/help/report/").status_code == 302
    requester_web.get(f"/knowledge/{article.number}/")
    incident = incident_create(requester_actor, title="Printer still offline")
    outbox.dispatch_pending()
    journey = Journey.objects.get()
    assert (journey.start, journey.raised) == ("report", incident.number)
    _age_journeys()
    assert _stats(agent_actor, article).deflected == 0
    assert selectors.deflection_totals(agent_actor)["raised"] == 1


def test_an_article_opened_after_the_window_does_not_count(make_article, requester_web):
    article = make_article("Printer shows offline", "Cancel the jobs.", state="published")
    requester_web.get("/help/", {"q": "printer"})
    _age_journeys()
    requester_web.get(f"/knowledge/{article.number}/")
    assert Journey.objects.get().article is None


def test_an_incident_raised_later_leaves_the_deflection(
    make_article, requester_web, requester_actor, agent_actor
):
    article = make_article("Printer shows offline", "Cancel the jobs.", state="published")
    requester_web.get("/help/", {"q": "printer"})
    requester_web.get(f"/knowledge/{article.number}/")
    _age_journeys(minutes=45)
    incident_create(requester_actor, title="Something else")
    outbox.dispatch_pending()
    assert _stats(agent_actor, article).deflected == 1


def test_requesters_do_not_see_the_statistics(requester_web, requester_actor):
    assert requester_web.get("/knowledge/stats/").status_code == 404


def test_a_limited_agent_counts_the_journeys_of_the_people_they_serve(
    make_article, agent_actor, x_agent, org_x, org_y
):
    """The totals and each article's deflections counted every customer's portal visits,
    for an agent limited to one organisation too (DESIGN §4: every count)."""
    from steward.knowledge.services import article_viewed, journey_start
    from tests import factories
    from tests.conftest import as_actor

    article = make_article("Printer shows offline", "Cancel the jobs.", state="published")
    for org, name in ((org_y, "yara"), (org_y, "yves"), (org_x, "xena")):
        reader = as_actor(factories.requester(username=name, organisation=org))
        journey_start(reader, start="search", query="printer")
        article_viewed(reader, article)
    _age_journeys()
    assert selectors.deflection_totals(agent_actor)["started"] == 3
    assert selectors.deflection_totals(x_agent) == {"started": 1, "deflected": 1, "raised": 0}
    assert _stats(agent_actor, article).deflected == 3
    assert _stats(x_agent, article).deflected == 1


def test_a_limited_agent_counts_the_votes_of_the_people_they_serve(
    make_article, agent_actor, x_agent, org_x, org_y
):
    """A shared article's helpful and not-helpful votes counted every organisation's
    requesters for an agent limited to one organisation: scoped as the journeys are."""
    from steward.knowledge.services import article_vote
    from tests import factories
    from tests.conftest import as_actor

    article = make_article("Printer shows offline", "Cancel the jobs.", state="published")
    votes = ((org_y, "yara", True), (org_y, "yves", False), (org_x, "xena", True))
    for org, name, helpful in votes:
        reader = as_actor(factories.requester(username=name, organisation=org))
        article_vote(reader, number=article.number, helpful=helpful)
    everyone = _stats(agent_actor, article)
    assert (everyone.helpful, everyone.not_helpful) == (2, 1)
    served = _stats(x_agent, article)
    assert (served.helpful, served.not_helpful) == (1, 0)
