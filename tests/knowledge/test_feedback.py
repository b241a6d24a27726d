"""Votes (one per person, changeable), view counts, review reminders (once per due date)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from steward.core import outbox
from steward.core.errors import NotFound, ValidationFailed
from steward.core.models import OutgoingMail
from steward.knowledge import selectors
from steward.knowledge.models import Article, ArticleFeedback, ArticleView
from steward.knowledge.services import (
    article_update,
    article_viewed,
    article_vote,
    reviews_remind,
    views_roll_up,
)

pytestmark = pytest.mark.django_db


def test_one_vote_per_person_and_voting_again_changes_it(make_article, requester_actor):
    article = make_article(state="published")
    article_vote(requester_actor, number=article.number, helpful=True)
    article_vote(requester_actor, number=article.number, helpful=False)
    assert ArticleFeedback.objects.filter(article=article).count() == 1
    assert selectors.my_vote(requester_actor, article) is False


def test_votes_only_on_readable_published_articles(make_article, requester_actor, agent_actor):
    draft = make_article()
    with pytest.raises(NotFound):
        article_vote(requester_actor, number=draft.number, helpful=True)
    with pytest.raises(ValidationFailed):
        article_vote(agent_actor, number=draft.number, helpful=True)
    published = make_article(state="published")
    with pytest.raises(ValidationFailed):
        article_vote(agent_actor, number=published.number, helpful="yes")


def test_views_are_counted_without_touching_the_article_then_rolled_up(
    make_article, requester_actor
):
    article = make_article(state="published")
    version = article.version
    for _ in range(3):
        article_viewed(requester_actor, article)
    article.refresh_from_db()
    assert (article.view_count, article.version) == (0, version)  # no write on the article
    assert views_roll_up() == 3
    assert views_roll_up() == 0
    article.refresh_from_db()
    assert article.view_count == 3
    assert not ArticleView.objects.exists()


def test_an_owner_is_reminded_once_per_due_date(make_article, agent_actor, agent_user):
    agent_user.email = "owner@example.com"
    agent_user.save()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    due = make_article(state="published", review_date=yesterday.isoformat())
    make_article("Later", state="published", review_date="2999-01-01")
    make_article("Draft", review_date=yesterday.isoformat())  # drafts are not reviewed
    mail.outbox.clear()
    assert reviews_remind() == 1
    outbox.dispatch_pending()
    assert reviews_remind() == 0  # the same due date: nothing again
    outbox.dispatch_pending()
    sent = [m for m in mail.outbox if "owner@example.com" in m.to]
    assert len(sent) == 1
    assert due.number in sent[0].subject
    # a new review date that comes due is reminded of afresh
    article_update(
        agent_actor,
        number=due.number,
        expected_version=None,
        changes={"review_date": timezone.localdate()},
    )
    assert reviews_remind() == 1
    outbox.dispatch_pending()
    assert OutgoingMail.objects.filter(kind="article_review_due").count() == 2
    assert Article.objects.get(pk=due.pk).reminded_for == timezone.localdate()
