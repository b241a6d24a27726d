"""``python -m bench.knowledge``: the help centre's search and the title suggestions over
``--articles`` published articles (the issue's 100,000) and ``--items`` catalogue items (the
issue's 1,000). See --help.

Loads the articles in bulk (rows, then their search-index rows, as the services write
them) and the catalogue items, then times in process, as a requester, four kinds of query
(a selective word, a common word, two words, a prefix being typed):

- ``portal``: the whole help-centre search request, ``GET /help/?q=…`` through the
  middleware (session, the journey row, articles and catalogue items, the page rendered;
  target p95 ≤ 30 ms);
- ``suggest``: the debounced suggestions request, ``GET /knowledge/suggest/?title=…``
  (target p95 ≤ 20 ms);
- ``best`` / ``suggest_sel``: the selectors alone (``article_best``, ``article_suggest``);

beside two floors from the same run: ``raw``, the raw-database statement that returns the
same first page (the index query joined to the article table, cursor and ``fetchall``), and
``view``, a bare Django view through the same middleware returning one article's columns by
number. ``--keep`` keeps the loaded database under var/bench-knowledge (and a PostgreSQL
database ``steward_bench_kb_keep``) for the next run: loading is minutes, a run seconds.
``--profile N`` adds cProfile of N portal requests. Each figure also carries the SQL time
(``sql_p50_ms``, from an execute wrapper) so SQL and Python separate.
Writes bench/results/knowledge-<db>-<articles>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path

from bench import report
from bench.changes.inproc import summary
from bench.incidents import setup
from bench.server import ROOT, Server

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
TARGETS = {"portal": 30.0, "suggest": 20.0}
KINDS = ("selective", "common", "two_words", "prefix")
KEEP_DIR = Path(os.environ.get("BENCH_KEEP_DIR", ROOT / "var" / "bench-knowledge"))
KEEP_PG = "steward_bench_kb_keep"


class BareServer(Server):
    """Set up (database migrated) but never started: everything here runs in process."""

    def __init__(self, *, keep: bool, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.keep = keep
        if keep:
            self.var_dir = KEEP_DIR / self.db
            self.var_dir.mkdir(parents=True, exist_ok=True)
            self.pg_name = KEEP_PG

    def kept(self) -> bool:
        """Whether a kept database is already there (then only migrate)."""
        if not self.keep:
            return False
        if self.db == "postgres":
            import psycopg

            with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
                found = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [self.pg_name]
                ).fetchone()
            return bool(found) and (self.var_dir / "loaded").exists()
        return (self.var_dir / "loaded").exists()

    def __enter__(self) -> BareServer:
        if self.kept():
            self._steward("migrate", "-v", "0")
            return self
        try:
            self.setup()
        except BaseException:
            self.cleanup()
            raise
        return self

    def cleanup(self, keep: bool = False) -> None:
        if not self.keep:
            super().cleanup(keep=keep)


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


def load_items(count: int, rng: random.Random) -> None:
    """``count`` active catalogue items for everyone, named after the articles' topics."""
    from steward.catalog.models import CatalogItem

    CatalogItem.objects.bulk_create(
        CatalogItem(
            name=f"{rng.choice(WORDS).capitalize()} {rng.choice(TOPICS)} {n}",
            slug=f"item-{n}",
            category=rng.choice(TOPICS),
            description=" ".join(rng.choice(WORDS + TOPICS) for _ in range(20)),
        )
        for n in range(count)
    )


def queries(rng: random.Random, samples: int) -> dict[str, list[str]]:
    """``samples`` queries of each kind: a selective word (a rare filler word: a few dozen
    articles), a common word (a topic: ~8% of the articles), two words (a topic and a
    common word), a prefix being typed (three or four letters of a topic)."""
    rare = FILLER[1000:5000]
    found: dict[str, list[str]] = {k: [] for k in KINDS}
    for _ in range(samples):
        topic = rng.choice(TOPICS)
        found["selective"].append(rng.choice(rare))
        found["common"].append(topic)
        found["two_words"].append(f"{rng.choice(WORDS)} {topic}")
        found["prefix"].append(f"{rng.choice(WORDS)} {topic[: rng.choice((3, 4))]}")
    return found


class SqlClock:
    """Sums the time spent in the database driver's execute (an execute wrapper)."""

    def __init__(self) -> None:
        self.total = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):  # noqa: ANN001, ANN204
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.total += time.perf_counter() - began
            self.count += 1


def timed(call, inputs: list[str]) -> tuple[list[float], list[float], int]:  # noqa: ANN001
    """Wall time and SQL time of each call, in ms, and the statements of the last call."""
    from django.db import connection

    for q in inputs[:5]:  # warm: imports, caches
        call(q)
    times, sql, statements = [], [], 0
    for q in inputs:
        clock = SqlClock()
        with connection.execute_wrapper(clock):
            began = time.perf_counter()
            call(q)
            times.append((time.perf_counter() - began) * 1000)
        sql.append(clock.total * 1000)
        statements = clock.count
    return times, sql, statements


def raw_first_page():  # noqa: ANN201
    """The floor: the statement that returns the same first page (the title index's newest
    matches a requester may read, ranked, ten), sent with a bare cursor and ``fetchall``:
    what the answer costs without the framework around it."""
    from django.db import connection

    from steward.knowledge.selectors import search

    if not hasattr(search, "explain_sql"):  # an older checkout measured for "before"
        return None

    def call(q: str) -> list:
        sql, params = search.explain_sql(q)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return call


def profile(call, inputs: list[str], out: Path) -> list[str]:  # noqa: ANN001
    """cProfile of ``call`` over ``inputs``: the top functions by cumulative and own time."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for q in inputs:
        call(q)
    profiler.disable()
    profiler.dump_stats(out)
    lines = []
    for key in ("cumulative", "tottime"):
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats(key).print_stats(25)
        lines.append(buffer.getvalue())
    return lines


def explain(words: str) -> list[str]:
    """The plan of the title query the selectors send for ``words``."""
    from django.db import connection

    from steward.knowledge.selectors import search

    if not hasattr(search, "explain_sql"):  # an older checkout measured for "before"
        return []
    sql, params = search.explain_sql(words)
    with connection.cursor() as cursor:
        prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        cursor.execute(prefix + sql, params)
        return [" | ".join(str(c) for c in row) for row in cursor.fetchall()]


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915
    parser = argparse.ArgumentParser(prog="python -m bench.knowledge", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=1_000)
    parser.add_argument("--samples", type=int, default=100, help="queries of each kind")
    parser.add_argument("--keep", action="store_true", help="keep and reuse the database")
    parser.add_argument("--profile", type=int, default=0, help="cProfile this many requests")
    parser.add_argument("--tag", default="", help="a suffix for the results file")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    rng = random.Random(7)
    background = report.background_load()
    data: dict = {"db": args.db, "articles": args.articles, "items": args.items}
    data["samples_per_kind"] = args.samples
    say(f"== bench.knowledge on {args.db}: {args.articles:,} articles, {args.items:,} items")
    with BareServer(keep=args.keep, db=args.db, workers=1, pg_url=args.pg_url) as server:
        loaded = server.kept()
        setup.django_in_process(server)
        data["machine"] = report.machine(server) | {"background_busy_pct": background}
        data["load_average"] = os.getloadavg()
        say(
            f"   {data['machine']['cpu']}, {data['machine']['cores']} cores,"
            f" {background:.0f}% busy, load {data['load_average'][0]:.1f}"
        )
        if not loaded:
            say("-- load")
            data["load_seconds"] = round(load(args.articles, rng), 1)
            load_items(args.items, rng)
            if args.keep:
                (server.var_dir / "loaded").write_text(str(args.articles))
        if args.db == "postgres":
            # what autovacuum gives a live database: the bulk load left no statistics, and
            # the planner then reads every article to find a word's few hundred
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        from django.test import Client
        from django.test.utils import override_settings

        from steward.core.actor import Actor
        from steward.core.models import User
        from steward.knowledge import selectors

        user, _ = User.objects.get_or_create(username="kb-reader")
        reader = Actor(user=user)
        client = Client()
        client.force_login(user)
        numbers = [f"KB{n:07d}" for n in range(1, args.articles + 1, 97)]
        inputs = queries(random.Random(11), args.samples)

        def get(path: str):  # noqa: ANN202
            def call(q: str) -> None:
                response = client.get(path, {"q": q, "title": q, "n": numbers[len(q) % 50]})
                assert response.status_code == 200, (path, response.status_code)  # noqa: S101

            return call

        def bare_view(q: str) -> None:
            number = numbers[hash(q) % len(numbers)]
            assert client.get(f"/__floor__/knowledge/{number}").status_code == 200  # noqa: S101

        scenarios = {
            "view": bare_view,
            "raw": raw_first_page() or (lambda q: None),
            "portal": get("/help/"),
            "suggest": get("/knowledge/suggest/"),
            "best": lambda q: selectors.article_best(reader, q=q, limit=10),
            "suggest_sel": lambda q: selectors.article_suggest(reader, q=q),
        }
        with override_settings(ALLOWED_HOSTS=["*"], ROOT_URLCONF="bench.knowledge.urls"):
            for kind in KINDS:
                data[kind] = {}
                for name, call in scenarios.items():
                    times, sql, statements = timed(call, inputs[kind])
                    figures = summary(times)
                    # the best of the run: what an unloaded machine would show most of the time
                    # (on a loaded one, anything over a few ms of CPU is descheduled mid-way)
                    figures["min_ms"] = round(min(times), 3)
                    figures["sql_p50_ms"] = round(sorted(sql)[len(sql) // 2], 3)
                    figures["statements"] = statements
                    if name in TARGETS:
                        figures["target_p95_ms"] = TARGETS[name]
                        figures["met"] = figures["p95_ms"] <= TARGETS[name]
                    data[kind][name] = figures
                floor = data[kind]["raw"]["p50_ms"] or 0.001
                view = data[kind]["view"]["p50_ms"] or 0.001
                say(f"-- {kind} (e.g. {inputs[kind][0]!r})")
                for name, f in data[kind].items():
                    mark = ""
                    if name in TARGETS:
                        mark = f" target {TARGETS[name]:g}: {'met' if f['met'] else 'MISSED'}"
                    say(
                        f"   {name:12} min {f['min_ms']:7.2f} p50 {f['p50_ms']:8.2f}"
                        f" p95 {f['p95_ms']:8.2f} ms"
                        f"  sql p50 {f['sql_p50_ms']:7.2f}  stmts {f['statements']:2}"
                        f"  ÷raw {f['p50_ms'] / floor:6.1f}  ÷view {f['p50_ms'] / view:5.1f}{mark}"
                    )
            data["explain"] = {k: explain(inputs[k][0]) for k in KINDS}
            for kind, plan in data["explain"].items():
                say(f"-- plan, {kind}: " + " / ".join(plan))
            if args.profile:
                out = ROOT / "var" / f"knowledge-{args.db}-portal.prof"
                mixed = [q for k in KINDS for q in inputs[k][: max(1, args.profile // 4)]]
                data["profile"] = profile(get("/help/"), mixed, out)
                say(data["profile"][1][:6000])
        setup.close_connections()
    name = f"knowledge-{args.db}-{args.articles}{'-' + args.tag if args.tag else ''}.json"
    out = report.RESULTS / name
    out.write_text(json.dumps(data, indent=2, default=str))
    say(f"   wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
