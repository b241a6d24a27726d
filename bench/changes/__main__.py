"""``python -m bench.changes``: conflict detection and the calendar at scale, in process.

On a fresh database: ``--cis`` CIs in a tree of ``depends_on`` relationships (each CI
depends on CI ``i // 4``), ``--changes`` scheduled changes over the next year, each on one
random CI, with ``--month`` of them packed into one month. Then times, through the real
selectors, ``conflicts_for`` (impact walks up and down to depth 3 + the indexed window scan +
freeze windows) for a new change on a random CI, and ``change_calendar`` for that month.
Prints p50/p95 in milliseconds. The issue's targets: conflicts ≤ 50 ms p95 over 100,000
changes and 1,000,000 CIs; a month of 5,000 changes ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.changes", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--cis", type=int, default=1_000_000)
    parser.add_argument("--changes", type=int, default=100_000)
    parser.add_argument("--month", type=int, default=5_000, help="changes in the timed month")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--reuse", action="store_true", help="time against the database the last run loaded"
    )
    return parser.parse_args()


def fresh_database(args: argparse.Namespace) -> None:
    if args.reuse:
        url = f"{args.pg}/steward_bench_changes" if args.db == "postgres" else ""
        os.environ["STEWARD_DATABASE_URL"] = url or "sqlite:////tmp/steward-bench-changes.sqlite3"
        import django

        django.setup()
        return
    if args.db == "postgres":
        import psycopg

        with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS steward_bench_changes")
            conn.execute("CREATE DATABASE steward_bench_changes")
        os.environ["STEWARD_DATABASE_URL"] = f"{args.pg}/steward_bench_changes"
    else:
        path = "/tmp/steward-bench-changes.sqlite3"
        if os.path.exists(path):
            os.remove(path)
        os.environ["STEWARD_DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load(args: argparse.Namespace, rng: random.Random) -> tuple[dt.datetime, dt.datetime]:
    from django.db import transaction
    from django.utils import timezone

    from steward.changes.models import Change, ChangeCI
    from steward.cmdb.models import CIClass, ConfigurationItem, Relationship, RelationshipType
    from steward.core.models import User

    server = CIClass.objects.get(slug="server")
    depends = RelationshipType.objects.get(slug="depends_on")
    user = User.objects.create(username="bench")
    batch = 20_000
    started = time.perf_counter()
    if args.db == "postgres":
        _series_insert(
            ConfigurationItem,
            args.cis,
            {
                "number": "'CI' || lpad(i::text, 7, '0')",
                "name": "'ci-' || i",
                "ci_class_id": server.pk,
            },
        )
    for low in range(0, args.cis if args.db == "sqlite" else 0, batch):
        with transaction.atomic():
            ConfigurationItem.objects.bulk_create(
                ConfigurationItem(number=f"CI{i:07d}", name=f"ci-{i}", ci_class=server)
                for i in range(low, min(args.cis, low + batch))
            )
    first = ConfigurationItem.objects.order_by("id").values_list("id", flat=True).first()
    if args.db == "postgres":
        _series_insert(
            Relationship,
            args.cis - 1,
            {
                "source_id": f"{first} + i + 1",
                "target_id": f"{first} + (i + 1) / 4",
                "type_id": depends.pk,
            },
        )
    for low in range(1, args.cis if args.db == "sqlite" else 0, batch):
        with transaction.atomic():
            Relationship.objects.bulk_create(
                Relationship(source_id=first + i, target_id=first + i // 4, type=depends)
                for i in range(low, min(args.cis, low + batch))
            )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    month_start = now + dt.timedelta(days=60)
    for low in range(0, args.changes, batch):
        rows = []
        for i in range(low, min(args.changes, low + batch)):
            if i < args.month:
                start = month_start + dt.timedelta(minutes=rng.randrange(30 * 24 * 60))
            else:
                start = now + dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
            rows.append((i, start, start + dt.timedelta(hours=rng.choice([1, 2, 4]))))
        with transaction.atomic():
            made = Change.objects.bulk_create(
                Change(
                    number=f"CHG{i:07d}",
                    title=f"bench {i}",
                    requester=user,
                    status="scheduled",
                    planned_start=s,
                    planned_end=e,
                )
                for i, s, e in rows
            )
            ChangeCI.objects.bulk_create(
                ChangeCI(
                    change=c,
                    ci_id=first + rng.randrange(args.cis),
                    planned_start=s,
                    planned_end=e,
                    holds_window=True,
                )
                for c, (_, s, e) in zip(made, rows, strict=True)
            )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"loaded {args.cis} CIs, {args.changes} changes in {time.perf_counter() - started:.0f} s")
    return month_start, month_start + dt.timedelta(days=30)


def loaded(args: argparse.Namespace) -> tuple[dt.datetime, dt.datetime]:
    """The timed month of an earlier run: where its first ``--month`` changes lie."""
    from django.db.models import Min

    from steward.changes.models import Change

    first = Change.objects.filter(number__lt=f"CHG{args.month:07d}").aggregate(
        at=Min("planned_start")
    )["at"]
    start = first.replace(minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=30)


def _series_insert(model, count: int, columns: dict) -> None:
    """``count`` rows in one INSERT … SELECT over generate_series (i from 0): the given
    columns as SQL expressions (str) or values, every other column its model default."""
    from django.db import connection

    names, exprs, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(field.column)
        value = columns.get(field.column, columns.get(field.name))
        if isinstance(value, str):
            exprs.append(value)
        elif value is not None:
            exprs.append("%s")
            params.append(value)
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            exprs.append("now()")
        else:
            exprs.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "  # noqa: S608 - our names
        f"SELECT {', '.join(exprs)} FROM generate_series(0, %s) AS i"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, count - 1])


def timed(fn, samples: int) -> tuple[float, float]:
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    args = parse()
    rng = random.Random(7)
    fresh_database(args)
    month_start, month_end = loaded(args) if args.reuse else load(args, rng)
    from steward.changes import selectors
    from steward.core.actor import Actor

    system = Actor.system("bench")
    numbers = [f"CI{rng.randrange(args.cis):07d}" for _ in range(args.samples)]
    picks = iter(numbers * 2)

    def conflicts() -> None:
        start = month_start + dt.timedelta(hours=rng.randrange(30 * 24))
        selectors.conflicts_for(
            system,
            change=None,
            ci_numbers=[next(picks)],
            start=start,
            end=start + dt.timedelta(hours=2),
        )

    def calendar() -> None:
        found = selectors.change_calendar(system, start=month_start, end=month_end)
        assert len(found) >= args.month * 0.9, len(found)

    p50, p95 = timed(conflicts, args.samples)
    print(f"conflicts_for (depth 3, both directions): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    p50, p95 = timed(calendar, max(10, args.samples // 10))
    print(f"change_calendar, one month of {args.month}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
