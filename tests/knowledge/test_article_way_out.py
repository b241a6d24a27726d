"""From an article that did not help: "Report a problem" names the article on the incident
form, and "← Help centre" leads back to the search the reader came from."""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlsplit

import pytest

from steward.knowledge import selectors
from steward.knowledge.models import Journey

pytestmark = pytest.mark.django_db


def test_report_a_problem_from_an_article_prefills_the_incident_form(make_article, requester_web):
    article = make_article("Printer shows offline", "Cancel the jobs.", state="published")

    page = requester_web.get(f"/knowledge/{article.number}/").content.decode()
    assert f"/help/report/?article={article.number}" in page
    started = requester_web.get("/help/report/", {"article": article.number})
    form = requester_web.get(started["Location"]).content.decode()

    assert started.status_code == 302
    assert urlsplit(started["Location"]).path == "/incidents/new/"
    text = html.unescape(form)
    assert f'value="Article {article.number} did not help: Printer shows offline"' in text
    assert f"The article {article.number} “Printer shows offline”" in text
    assert f"http://testserver/knowledge/{article.number}/" in text
    assert Journey.objects.get().start == "report"  # still a report's start


def test_an_article_the_reader_may_not_see_prefills_nothing(make_article, requester_web):
    draft = make_article("Internal runbook", "Secret steps.")  # a draft: agents only

    started = requester_web.get("/help/report/", {"article": draft.number})

    assert started["Location"] == "/incidents/new/"
    assert "Internal runbook" not in requester_web.get(started["Location"]).content.decode()


def test_the_prefill_names_the_article_in_the_readers_language(requester_actor, make_article):
    from django.utils import translation

    article = make_article("Printer shows offline", "Cancel the jobs.", state="published")
    with translation.override("de"):
        prefill = selectors.article_report_prefill(
            requester_actor, number=article.number, link=lambda n: f"/k/{n}/"
        )
    assert prefill["title"].startswith(f"Artikel {article.number}")
    assert f"/k/{article.number}/" in prefill["description"]


def test_help_centre_link_keeps_the_search_through_a_vote(make_article, requester_web):
    article = make_article("Printer shows offline", "Cancel the jobs.", state="published")

    results = requester_web.get("/help/", {"q": "printer offline"}).content.decode()
    assert f"/knowledge/{article.number}/?q=printer%20offline" in results
    page = requester_web.get(f"/knowledge/{article.number}/", {"q": "printer offline"})
    back = '<a href="/help/?q=printer+offline&amp;back=1">← Help centre</a>'
    assert back in page.content.decode()
    voted = requester_web.post(
        f"/knowledge/{article.number}/vote/?q=printer+offline", {"helpful": "no"}
    )
    assert parse_qs(urlsplit(voted["Location"]).query) == {
        "voted": ["1"],
        "q": ["printer offline"],
    }
    assert back in requester_web.get(voted["Location"]).content.decode()
    # back at the results: the same search, not a second self-help journey
    again = requester_web.get("/help/", {"q": "printer offline", "back": "1"})
    assert article.title in again.content.decode()
    assert Journey.objects.count() == 1
