"""``python -m bench.knowledge``: the help centre's search and the title suggestions over
``--articles`` published articles (the issue's 100,000) on a fresh database. See --help.

Loads the articles in bulk (rows, then their search-index rows, as the services write
them), then times in process, as a requester of the demo-free database:

1. portal search: ``article_best(q=…, limit=10)``, the help centre's ten best published
   articles (target p95 ≤ 30 ms);
2. suggestions: ``article_suggest(q=…)``, what the incident form asks while a title is
   typed (target p95 ≤ 20 ms);

each over ``--samples`` queries of one to three words drawn from the articles' vocabulary
(common and rare words alike). Writes bench/results/knowledge-<db>-<articles>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import time

from bench import report
from bench.changes.inproc import summary
from bench.incidents import setup
from bench.server import Server

# Titles name a topic between two common words; bodies are mostly filler drawn with a Zipf
# skew from FILLER words, with two common words and a second topic: a topic word is in
# about 8% of the articles, a common word in about 16% (a tough, not a friendly, corpus).
TOPICS = [
    "vpn",
    "printer",
    "outlook",
    "password",
    "wifi",
    "mfa",
    "laptop",
    "teams",
    "excel",
    "onedrive",
    "dock",
    "monitor",
    "badge",
    "scanner",
    "calendar",
    "mailbox",
    "certificate",
    "driver",
    "update",
    "disk",
    "battery",
    "phone",
    "guest",
    "account",
]  # noqa: SIM905 - a sentence is easier to read than a list of quoted words
WORDS = [
    "connect",
    "reset",
    "cannot",
    "slow",
    "offline",
    "error",
    "missing",
    "locked",
    "expired",
    "install",
    "remove",
    "sync",
    "share",
    "access",
    "sign",
    "home",
    "office",
    "screen",
    "sound",
    "meeting",
    "network",
    "update",
    "storage",
    "backup",
]  # noqa: SIM905
FILLER = [f"w{n}" for n in range(5000)]
TARGETS = {"floor": 0.0, "search": 30.0, "portal": 30.0, "suggest": 20.0}


class BareServer(Server):
    """Set up (database migrated) but never started: everything here runs in process."""

    def __enter__(self) -> BareServer:
        try:
            self.setup()
        except BaseException:
            self.cleanup()
            raise
        return self


def say(text: str) -> None:
    print(text, flush=True)


def load(count: int, rng: random.Random, batch: int = 5000) -> float:
    """``count`` published articles for everyone, written in batches with their index rows."""
    from django.db import transaction
    from django.utils import timezone

    from steward.core import markup
    from steward.core.models import User
    from steward.knowledge.models import Article
    from steward.knowledge.services import search_index

    owner = User.objects.create(username="kb-owner", is_superuser=True)
    began = time.monotonic()
    now = timezone.now()
    for start in range(0, count, batch):
        rows = []
        for n in range(start, min(count, start + batch)):
            topic, other = rng.choice(TOPICS), rng.choice(TOPICS)
            title = f"{rng.choice(WORDS).capitalize()} {topic} {rng.choice(WORDS)} ({n})"
            filler = [FILLER[int(rng.paretovariate(1.1)) % len(FILLER)] for _ in range(80)]
            body = " ".join([*filler, rng.choice(WORDS), rng.choice(WORDS), other])
            rows.append(
                Article(
                    number=f"KB{n + 1:07d}",
                    title=title,
                    body=body,
                    body_html=markup.render(body) if n < 50 else body,
                    status="published",
                    owner=owner,
                    revision=1,
                    published_at=now,
                )
            )
        with transaction.atomic():
            made = Article.objects.bulk_create(rows)
            search_index.reindex(made)
        if (start // batch) % 5 == 0:
            say(f"   {start + len(rows):,} articles")
    return time.monotonic() - began


def queries(rng: random.Random, samples: int) -> list[str]:
    found = []
    for _ in range(samples):
        words = [rng.choice(TOPICS)] + [rng.choice(WORDS) for _ in range(rng.randrange(3))]
        rng.shuffle(words)
        found.append(" ".join(words))
    return found


def timed(call, inputs: list[str]) -> list[float]:  # noqa: ANN001
    for q in inputs[:5]:  # warm: imports, caches
        call(q)
    times = []
    for q in inputs:
        began = time.perf_counter()
        call(q)
        times.append((time.perf_counter() - began) * 1000)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.knowledge", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    rng = random.Random(7)
    background = report.background_load()
    data: dict = {"db": args.db, "articles": args.articles, "samples": args.samples}
    say(f"== bench.knowledge on {args.db}: {args.articles:,} published articles")
    with BareServer(db=args.db, workers=1, pg_url=args.pg_url) as server:
        setup.django_in_process(server)
        data["machine"] = report.machine(server) | {"background_busy_pct": background}
        say(
            f"   {data['machine']['cpu']}, {data['machine']['cores']} cores, {background:.0f}% busy"
        )
        say("-- load")
        data["load_seconds"] = round(load(args.articles, rng), 1)
        from steward.core.actor import Actor
        from steward.core.models import User
        from steward.knowledge import selectors

        reader = Actor(user=User.objects.create(username="kb-reader"))
        inputs = queries(rng, args.samples)
        from steward.knowledge.models import Article

        numbers = [f"KB{rng.randrange(args.articles) + 1:07d}" for _ in inputs]
        floor_of = dict(zip(inputs, numbers, strict=True))
        scenarios = {
            # the framework floor in process: one article's columns by number, bare ORM
            "floor": lambda q: (
                Article.objects.filter(number=floor_of[q]).values("id", "title").first()
            ),
            "search": lambda q: (
                selectors.article_list(reader, q=q, status=["published"], limit=10).items
            ),
            "portal": lambda q: selectors.article_best(reader, q=q, limit=10),
            "suggest": lambda q: selectors.article_suggest(reader, q=q),
        }
        for name, call in scenarios.items():
            figures = summary(timed(call, inputs))
            figures["target_p95_ms"] = TARGETS[name]
            figures["met"] = figures["p95_ms"] <= TARGETS[name]
            data[name] = figures
            say(
                f"-- {name}: p50 {figures['p50_ms']:.2f} p95 {figures['p95_ms']:.2f} "
                f"p99 {figures['p99_ms']:.2f} ms (target p95 ≤ {TARGETS[name]:g} ms: "
                f"{'met' if figures['met'] else 'MISSED'})"
            )
        setup.close_connections()
    out = report.RESULTS / f"knowledge-{args.db}-{args.articles}.json"
    out.write_text(json.dumps(data, indent=2, default=str))
    say(f"   wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
