"""CPU per help-centre query (suggestions and the answer), in process, 3,000 articles: run
``KB_N=300 KB_OUT=/tmp/out.txt python -m pytest -q -n 0 bench/knowledge/sentence_cpu.py``
(with ``STEWARD_DATABASE_URL`` for PostgreSQL) in each tree, alternating (docs/benchmarks.md,
"Help-centre queries are sentences")."""

import functools
import os
import random
import statistics
import time

import pytest

from steward.knowledge.models import Article
from steward.knowledge.selectors import article_best, article_suggest
from steward.knowledge.services.search_index import reindex
from tests import factories
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db

_WORDS = (
    "printer vpn outlook laptop monitor password mailbox teams excel network dock "
    "battery update driver folder share calendar phone scan queue offline screen"
)
WORDS = _WORDS.split()
QUERIES = {
    "suggest 'printer off'": ("s", "printer off"),
    "suggest 'wifi'": ("s", "wifi"),
    "suggest 'vpn drops'": ("s", "vpn drops"),
    "help 'printer'": ("b", "printer"),
    "help 'printer not working'": ("b", "printer not working"),
    "help 'wifi'": ("b", "wifi"),
}


def test_cpu():
    rnd = random.Random(7)
    owner = factories.agent(username="bench-owner")
    rows = []
    for i in range(3000):
        title = " ".join(rnd.sample(WORDS, 4)) + (" Wi-Fi" if i % 10 == 0 else "")
        body = " ".join(rnd.choice(WORDS) for _ in range(60))
        rows.append(
            Article(
                number=f"KB{i:07d}",
                title=title.capitalize(),
                body=body,
                status="published",
                owner=owner,
            )
        )
    made = Article.objects.bulk_create(rows)
    reindex(made)
    actor = as_actor(factories.requester(username="bench-req"))
    n = int(os.environ.get("KB_N", "300"))
    out = []
    for name, (kind, q) in QUERIES.items():
        if kind == "s":
            call = functools.partial(article_suggest, actor, q=q)
        else:
            call = functools.partial(article_best, actor, q=q, limit=10)
        for _ in range(20):
            call()
        ts = []
        for _ in range(n):
            t = time.process_time()
            call()
            ts.append((time.process_time() - t) * 1000)
        ts.sort()
        p50, p95 = statistics.median(ts), ts[int(len(ts) * 0.95)]
        out.append(f"{name}: median {p50:.3f} ms p95 {p95:.3f} ms hits {len(call())}")
    with open(os.environ["KB_OUT"], "a") as f:
        f.write("\n".join(out) + "\n")
