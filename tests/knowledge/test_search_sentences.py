"""A requester types a sentence, not keywords: stop-words do not veto a match, hyphened and
joined forms of a word meet ("wifi", "Wi-Fi"), articles matching every word come first and,
when those are few, articles matching most of the words follow (docs/knowledge.md)."""

from __future__ import annotations

import pytest

from steward.knowledge import selectors

pytestmark = pytest.mark.django_db


def titles(hits) -> list[str]:
    return [h.title for h in hits]


@pytest.fixture
def library(make_article):
    return {
        "printer": make_article("Printer shows offline", "Cancel the jobs.", state="published"),
        "toner": make_article("Replace the printer toner", "Open the lid.", state="published"),
        "wifi": make_article("Connect to the Wi-Fi", "Pick the network.", state="published"),
        "email": make_article("Set up email on a phone", "Add the account.", state="published"),
        "vpn": make_article("VPN drops every hour", "Renew the lease.", state="published"),
    }


@pytest.mark.parametrize("q", ["printer not working", "my printer is not working"])
def test_a_sentence_finds_the_articles_of_its_words(library, requester_actor, q):
    best = titles(selectors.article_best(requester_actor, q=q, limit=10))
    assert set(best) == {"Printer shows offline", "Replace the printer toner"}
    assert titles(selectors.article_suggest(requester_actor, q=q))[:2] == best[:2]
    listed = selectors.article_list(requester_actor, q=q).items
    assert {a.title for a in listed} == set(best)  # the API's search: the same words


@pytest.mark.parametrize(
    ("q", "title"),
    [
        ("wifi", "Connect to the Wi-Fi"),
        ("wi-fi", "Connect to the Wi-Fi"),
        ("Wi-Fi", "Connect to the Wi-Fi"),
        ("e-mail", "Set up email on a phone"),
        ("email", "Set up email on a phone"),
    ],
)
def test_hyphened_and_joined_forms_meet(library, requester_actor, q, title):
    assert titles(selectors.article_best(requester_actor, q=q, limit=10)) == [title]
    assert titles(selectors.article_suggest(requester_actor, q=q)) == [title]
    assert [a.title for a in selectors.article_list(requester_actor, q=q).items] == [title]


def test_articles_with_every_word_come_first_then_those_with_most(library, requester_actor):
    best = titles(selectors.article_best(requester_actor, q="printer toner wifi", limit=10))
    # nothing holds all three words; two of them, then one of them
    assert best[0] == "Replace the printer toner"
    assert set(best[1:]) == {"Printer shows offline", "Connect to the Wi-Fi"}
    every = titles(selectors.article_best(requester_actor, q="printer toner", limit=10))
    assert every[0] == "Replace the printer toner"


def test_the_more_words_an_article_matches_the_higher_it_ranks(make_article, requester_actor):
    # the one-word article has the shorter text (bm25 alone would put it first)
    one = make_article("Laptop", "Laptop.", state="published")
    two = make_article(
        "Laptop docking station shows no screen after sleep",
        "Unplug the dock and plug it in again. " * 10,
        state="published",
    )
    best = selectors.article_best(requester_actor, q="laptop dock monitor", limit=10)
    assert [h.id for h in best] == [two.pk, one.pk]


def test_stop_words_alone_are_still_asked(library, make_article, requester_actor):
    article = make_article("How to", "Not a guide.", state="published")
    assert titles(selectors.article_best(requester_actor, q="how to", limit=10)) == [article.title]


def test_nothing_matching_is_empty(library, requester_actor):
    for q in ("zebra crossing", "not working", "-"):
        assert selectors.article_best(requester_actor, q=q, limit=10) == []
        assert selectors.article_suggest(requester_actor, q=q) == []


def test_the_help_centre_says_what_to_try_when_nothing_matches(library, requester_web):
    page = requester_web.get("/help/", {"q": "zebra crossing"}).content.decode()
    assert "No articles match “zebra crossing”. Try fewer words" in page
    assert 'href="/help/report/"' in page


def test_the_help_centre_answers_a_sentence(library, requester_web):
    page = requester_web.get("/help/", {"q": "my printer is not working"}).content.decode()
    assert library["printer"].number in page
    assert library["toner"].number in page
    page = requester_web.get("/help/", {"q": "wifi"}).content.decode()
    assert library["wifi"].number in page


def test_a_stale_page_link_is_said_in_words(library, requester_web):
    response = requester_web.get("/help/", {"q": "printer", "more": "1", "cursor": "x"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "This page link is no longer valid" in page
    assert "cursor:" not in page
    mine = requester_web.get("/help/mine/", {"requests": "x", "cursor": "y"})
    assert mine.status_code == 422
    assert "This page link is no longer valid" in mine.content.decode()
    assert "requests:" not in mine.content.decode()


def test_all_results_hold_what_the_best_answer_holds_every_word_first(
    library, requester_actor, requester_web
):
    q = "printer toner wifi"
    best = titles(selectors.article_best(requester_actor, q=q, limit=10))

    listed = selectors.article_results(requester_actor, q=q, cursor=None, limit=10)
    # the defect: All results asked for every word only and listed nothing here
    assert [a.title for a in listed.items] == best
    html = requester_web.get("/help/", {"q": q, "more": "1"}).content.decode()
    assert all(title in html for title in best)


def test_all_results_page_on_from_every_word_into_most_words(library, requester_actor):
    q = "printer toner"  # every word: the toner article; one of them: the offline printer
    first = selectors.article_results(requester_actor, q=q, cursor=None, limit=1)
    rest = selectors.article_results(requester_actor, q=q, cursor=first.next, limit=1)

    assert [a.title for a in first.items] == ["Replace the printer toner"]
    assert [a.title for a in rest.items] == ["Printer shows offline"]
    assert rest.next is None
