"""Articles: versions on each publish, the workflow as data, validation, owners."""

from __future__ import annotations

import pytest

from steward.core.errors import IllegalTransition, PermissionDenied, StaleVersion, ValidationFailed
from steward.knowledge import selectors
from steward.knowledge.models import Article, ArticleVersion
from steward.knowledge.services import article_create, article_update
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db


def _update(actor, article, **changes):
    return article_update(actor, number=article.number, expected_version=None, changes=changes)


def test_a_new_article_is_a_numbered_draft_owned_by_its_writer(make_article, agent_user):
    article = make_article()
    assert article.number == "KB0000001"
    assert article.status == "draft"
    assert article.owner == agent_user
    assert article.revision == 0
    assert not ArticleVersion.objects.exists()


def test_each_publish_keeps_the_text_and_any_version_can_be_read(make_article, agent_actor):
    article = make_article(body="First text.", state="published")
    assert article.revision == 1
    article = _update(agent_actor, article, body="Second text.")  # edited while published
    article = _update(agent_actor, article, status="review")
    article = _update(agent_actor, article, body="Third text.")  # in review: not a version yet
    assert article.revision == 2
    article = _update(agent_actor, article, status="published")
    assert article.revision == 3
    texts = {v.revision: v.body for v in selectors.article_versions(agent_actor, article)}
    assert texts == {1: "First text.", 2: "Second text.", 3: "Third text."}
    first = selectors.article_version_get(agent_actor, article, revision=1)
    assert first.body_html == "<p>First text.</p>"


def test_the_workflow_refuses_a_move_it_does_not_have_and_names_the_allowed(
    make_article, agent_actor
):
    article = make_article()
    with pytest.raises(IllegalTransition) as refused:
        _update(agent_actor, article, status="retired")
    assert refused.value.extra()["allowed"] == ["review", "published"]


def test_an_empty_article_is_not_published(make_article, agent_actor):
    article = make_article(body="")
    with pytest.raises(ValidationFailed) as refused:
        _update(agent_actor, article, status="published")
    assert "status" in refused.value.fields
    assert Article.objects.get(pk=article.pk).status == "draft"


@pytest.mark.parametrize("body", ["", "   \n\t", None])
def test_a_published_article_is_not_emptied(make_article, agent_actor, agent_user, body):
    """The publish guard held for the move only: blanking the body of a published article
    published the empty text to its readers as a new version."""
    article = make_article(body="Open the client.", state="published")
    with pytest.raises(ValidationFailed) as refused:
        _update(agent_actor, article, body=body)
    assert list(refused.value.fields) == ["body"]
    stored = Article.objects.get(pk=article.pk)
    assert (stored.status, stored.body, stored.revision) == ("published", "Open the client.", 1)
    assert ArticleVersion.objects.filter(article=article).count() == 1
    response = api_client_for(agent_user).patch(
        f"/api/v1/knowledge/articles/{article.number}", {"body": " "}
    )
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["body"]
    assert Article.objects.get(pk=article.pk).body == "Open the client."


def test_retire_and_revive(make_article, agent_actor):
    article = make_article(state="published")
    article = _update(agent_actor, article, status="retired")
    assert article.retired_at is not None
    article = _update(agent_actor, article, status="draft")
    assert article.retired_at is None


def test_a_stale_version_is_refused(make_article, agent_actor):
    article = make_article()
    with pytest.raises(StaleVersion):
        article_update(
            agent_actor, number=article.number, expected_version=99, changes={"title": "New"}
        )


def test_requesters_do_not_write_articles(requester_actor):
    with pytest.raises(PermissionDenied):
        article_create(requester_actor, title="Mine")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "two\nlines"),
        ("audience", "martians"),
        ("category", "no-such-category"),
        ("owner", "nobody-here"),
        ("review_date", "next tuesday"),
    ],
)
def test_bad_values_are_refused_naming_the_field(agent_actor, field, value):
    values = {"title": "Fine", field: value}
    with pytest.raises(ValidationFailed) as refused:
        article_create(agent_actor, **values)
    assert field in refused.value.fields
    assert not Article.objects.exists()


def test_the_owner_must_be_an_agent(agent_actor, requester_user):
    with pytest.raises(ValidationFailed) as refused:
        article_create(agent_actor, title="Fine", owner=requester_user.username)
    assert "owner" in refused.value.fields


def test_html_in_a_body_is_rendered_inert(make_article):
    article = make_article(body='Hi <script>alert(1)</script> <a href="javascript:x()">x</a>')
    assert "<script>" not in article.body_html
    assert "javascript:" not in article.body_html
