"""The knowledge API in the contract registry: an article an owner may see is a draft of
the owner's organisation (IT's work: requesters see none of them), and how each list
filter selects one article and not another."""

from __future__ import annotations

from steward.core.actor import Actor
from steward.core.models import User
from steward.knowledge.models import Article
from steward.knowledge.services import article_create
from tests import factories
from tests.contract.registry import ORG_SCOPED, Resource, _org_of, _set


def make_article(owner: User | None, tag: str) -> Article:
    org = _org_of(owner) if owner is not None else None
    author = factories.agent(username=f"kb-author-{tag}")
    return article_create(
        Actor.system("contract"),
        title=f"Article {tag}",
        body=f"Body {tag}",
        organisation=org.slug if org else None,
        owner=author.username,
    )


def _other_in_review(match: Article, other: Article) -> str:
    _set(other, status="review")
    return "draft"


def _in_category(match: Article, other: Article) -> str:
    from steward.incidents.models import Category

    category = Category.objects.get(slug="network-vpn")
    _set(match, category=category)
    return "network-vpn"


def _owned(match: Article, other: Article) -> str:
    return match.owner.username


ARTICLES = Resource(
    name="knowledge articles",
    collection="/api/v1/knowledge/articles",
    model=Article,
    key="number",
    make=make_article,
    visible=ORG_SCOPED,  # drafts: agents of the organisation; requesters read published only
    list_query_ceiling=8,
    writer="agent",
    create_payload=lambda tag: {"title": f"How to {tag}", "body": "1. Do this.\n2. Then that."},
    patch_payload=lambda tag: {"title": f"Patched {tag}", "body": f"More {tag}"},
    illegal_patch=("agent", {"status": "retired"}),
    absent_key="KB9999999",
    filters={
        # the index holds number and title: the article's own number finds it alone
        "q": lambda match, other: match.number,
        "status": _other_in_review,
        "category": _in_category,
        "owner": _owned,
    },
)
