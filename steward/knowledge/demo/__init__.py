"""Demo articles: about fifty IT how-tos and fixes in every state, a few for agents only,
written through the services (so they are versioned, audited and indexed)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.knowledge.demo.articles import ARTICLES
from steward.knowledge.models import Article
from steward.knowledge.services import article_create, article_update

P, R, X = "published", "review", "retired"
CLOSING = "Still stuck? Report a problem from the help centre."


def _parse(text: str) -> list[tuple[str, str, str, str, str]]:
    """(title, category, audience, state, Markdown body) for each block of ``ARTICLES``."""
    found = []
    for block in text.strip().split("\n\n"):
        head, *lines = block.splitlines()
        title, category, audience, state = (part.strip() for part in head.split("|"))
        summary, steps = [], []
        for line in lines:
            if line.startswith("- "):
                steps.append(line[2:])
            elif line.startswith("  ") and steps:
                steps[-1] += " " + line.strip()
            else:
                summary.append(line)
        numbered = "\n".join(f"{i}. {step}" for i, step in enumerate(steps, 1))
        body = f"{' '.join(summary)}\n\n## What to do\n\n{numbered}\n\n{CLOSING}\n"
        found.append((title, category, audience, state, body))
    return found


def _move(system: Actor, article: Article, status: str, **changes: object) -> Article:
    return article_update(
        system,
        number=article.number,
        expected_version=None,
        changes={"status": status, **changes},
    )


def load(rng: random.Random) -> int:
    """Make the demo articles once (nothing when articles exist); returns how many."""
    if Article.objects.exists():
        return 0
    system = Actor.system("demo")
    people = core_selectors.user_visible(system).filter(is_active=True)
    owners = list(
        people.filter(username__in=("agent", "lead", "admin")).values_list("username", flat=True)
    ) or list(people.filter(groups__name="agent").values_list("username", flat=True)[:3])
    if not owners:
        return 0
    today = timezone.localdate()
    made = 0
    for title, category, audience, final, body in _parse(ARTICLES):
        made += 1
        article = article_create(
            system,
            title=title,
            body=body,
            audience=audience,
            category=category,
            owner=rng.choice(owners),
            # a few are overdue, so the owners' review reminders have something to say
            review_date=today + dt.timedelta(days=rng.choice([-20, -3, 30, 90, 180, 365])),
        )
        if final in (P, X):
            article = _move(system, article, P)
            if rng.random() < 0.3:  # a second published text, so the history shows
                article = article_update(
                    system,
                    number=article.number,
                    expected_version=None,
                    changes={"body": article.body + "\nLast checked by the service desk.\n"},
                )
        if final == R:
            _move(system, article, R)
        if final == X:
            _move(system, article, X)
    return made
