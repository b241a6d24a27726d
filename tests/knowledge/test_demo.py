"""The demo articles load through the services: about fifty, in every state."""

from __future__ import annotations

import random

import pytest
from django.db.models import Count

from steward.knowledge import demo
from steward.knowledge.models import Article
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_demo_articles_load_once_in_every_state():
    factories.agent(username="agent")
    assert demo.load(random.Random(7)) == 50
    states = dict(Article.objects.values_list("status").annotate(n=Count("id")))
    assert set(states) == {"draft", "review", "published", "retired"}
    assert Article.objects.filter(audience="agents").count() >= 4
    assert Article.objects.filter(revision__gte=2).exists()
    assert demo.load(random.Random(7)) == 0
