"""Search: a title match ranks above a passing mention; saved is found at once, no worker."""

from __future__ import annotations

import pytest

from steward.core.models import OutboxMessage
from steward.knowledge import selectors
from steward.knowledge.services import article_update

pytestmark = pytest.mark.django_db


def test_a_title_match_ranks_above_a_mention_in_the_body(make_article, requester_actor):
    # the mention is in a short body, the title match has a long one: without the title's
    # weight the short document would win
    passing = make_article("Laptop dock", "Unplug the printer.", state="published")
    titled = make_article(
        "Printer shows offline", "Cancel the stuck jobs in the queue. " * 20, state="published"
    )
    found = selectors.article_list(requester_actor, q="printer").items
    assert [a.number for a in found] == [titled.number, passing.number]


def test_a_published_article_is_found_at_once_without_the_worker(make_article, requester_actor):
    OutboxMessage.objects.all().delete()
    article = make_article("Scan to email", "Badge in and choose Scan to me.", state="published")
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=False).exists()
    found = selectors.article_list(requester_actor, q="scan email").items
    assert [a.number for a in found] == [article.number]


def test_an_edit_is_searchable_at_once(make_article, agent_actor, requester_actor):
    article = make_article("Scan to email", "Badge in.", state="published")
    article_update(
        agent_actor,
        number=article.number,
        expected_version=None,
        changes={"title": "Scanning documents"},
    )
    assert selectors.article_list(requester_actor, q="scanning").items == [article]
    assert selectors.article_list(requester_actor, q="email").items == []


def test_words_typed_as_a_prefix_match_and_query_syntax_is_plain_text(make_article, agent_actor):
    article = make_article("Printer shows offline", "Cancel the jobs.")
    assert selectors.article_list(agent_actor, q="print").items == [article]
    for q in ('"print', "print OR NOT", "print*)", "AND", "-", "NEAR(x y)"):
        selectors.article_list(agent_actor, q=q)  # never a database error


def test_an_article_number_finds_that_article(make_article, agent_actor):
    make_article("Other")
    article = make_article("Wanted")
    assert selectors.article_list(agent_actor, q=article.number.lower()).items == [article]


def test_suggestions_need_three_letters_and_offer_published_only(make_article, agent_actor):
    published = make_article("VPN drops after ten minutes", state="published")
    make_article("VPN draft notes")
    assert selectors.article_suggest(agent_actor, q="vp") == []
    assert [a.number for a in selectors.article_suggest(agent_actor, q="vpn")] == [published.number]


def test_the_help_centre_answer_puts_title_matches_first_then_the_rest(
    make_article, requester_actor
):
    body_only = make_article("Laptop dock", "Unplug the printer. " * 3, state="published")
    first = make_article("Printer offline", "Cancel the jobs. " * 20, state="published")
    second = make_article("Add a printer", "Open Settings. " * 20, state="published")
    make_article("Printer draft", "Not for readers.")  # unpublished: never in the answer
    best = [a.number for a in selectors.article_best(requester_actor, q="printer", limit=3)]
    assert set(best[:2]) == {first.number, second.number}
    assert best[2:] == [body_only.number]
    one = selectors.article_best(requester_actor, q="printer", limit=1)
    assert [a.number for a in one] in ([first.number], [second.number])


def test_the_help_centre_ranks_a_title_match_above_a_passing_mention(make_article, requester_actor):
    # the full ranking (fewer title matches than asked for): the title's weight decides, not
    # the length of the body
    passing = make_article("Laptop dock", "Unplug the printer.", state="published")
    titled = make_article(
        "Printer shows offline", "Cancel the stuck jobs in the queue. " * 20, state="published"
    )
    best = selectors.article_best(requester_actor, q="printer", limit=10)
    assert [(a.number, a.title) for a in best] == [
        (titled.number, titled.title),
        (passing.number, passing.title),
    ]


def test_suggestions_rank_titles_and_find_a_word_being_typed(make_article, requester_actor):
    make_article("Laptop dock", "Unplug the printer.", state="published")  # body only
    exact = make_article("Printer offline", state="published")
    longer = make_article("Printer offline after the update of the driver", state="published")
    found = [a.number for a in selectors.article_suggest(requester_actor, q="printer offl")]
    assert found == [exact.number, longer.number]  # bm25: the short title first
    assert [a.number for a in selectors.article_suggest(requester_actor, q="prin")] == [
        exact.number,
        longer.number,
    ]


def test_a_new_article_is_found_by_the_next_request_without_the_worker(make_article, requester_web):
    OutboxMessage.objects.all().delete()
    assert "Badge reader beeps" not in requester_web.get("/help/", {"q": "badge"}).content.decode()
    article = make_article("Badge reader beeps", "Hold the badge still.", state="published")
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=False).exists()
    assert article.number in requester_web.get("/help/", {"q": "badge"}).content.decode()
    suggested = requester_web.get("/knowledge/suggest/", {"title": "badge read"}).content.decode()
    assert article.number in suggested
